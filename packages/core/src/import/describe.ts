/**
 * One workspace as a spec, in pfnet's vocabulary, from what import read; a note for whatever the
 * spec cannot say under pfnet's derived names (the rule or endpoint stays in Azure untouched).
 */
import { requiredNsgRules } from "../expand/expand.js";
import {
  address,
  fitName,
  fqdnRuleName,
  PRIVATE_DNS_ZONES,
  privateEndpointName,
  privateEndpointRuleName,
} from "../expand/names.js";
import type { ActualResource } from "../model.js";
import type { WorkspaceSpec } from "../spec/schema.js";
import { type Found, lower, pointer, str } from "./found.js";
import type { ImportNote } from "./import.js";
import type { Services } from "./services.js";

/** Describe one workspace from what was read; notes for what cannot be said. */
export function describeWorkspace(
  found: Found,
  resources: Record<string, ActualResource>,
  discoveredRules: Array<{ ruleName: string; properties: Record<string, unknown> }>,
  services: Services,
  topologyGroup: string,
  notes: ImportNote[],
): WorkspaceSpec | undefined {
  const { ref } = found;
  const key = ref.key;
  const at = (...tokens: string[]) => pointer("workspaces", key, ...tokens);
  const workspace = resources[address.workspace(key)];
  if (!workspace?.exists) {
    notes.push({ path: at(), message: `Workspace ${ref.name} was not found; it is left out.` });
    return undefined;
  }
  const properties = workspace.properties;
  const facts = workspace.facts ?? {};
  const isolationMode = str(properties.isolationMode) ?? "Disabled";
  const managed = isolationMode !== "Disabled";
  const spec: Partial<WorkspaceSpec> = {};
  if (ref.name !== key) spec.name = ref.name;
  if (ref.resourceGroup !== topologyGroup) spec.resourceGroup = ref.resourceGroup;
  const kind = str(facts.kind)?.toLowerCase();
  if (kind === "hub" || kind === "project") spec.kind = kind;
  // A project names its hub and has no network of its own: its rules are its hub's.
  const hubId = kind === "project" ? str(facts.hubResourceId) : undefined;
  if (hubId !== undefined) return withEndpointsAndRole({ ...spec, hub: hubId }, true, found, resources);
  spec.network = managed ? "managed" : "byo";
  spec.ingress = properties.publicNetworkAccess === "Disabled" ? "private" : "public";
  // Own VNet: outbound is the NSG's and the firewall's business, not pfnet's (public in the guide's table).
  spec.egress = managed && isolationMode === "AllowOnlyApprovedOutbound" ? "private" : "public";
  const firewallSku = str(properties.firewallSku);
  if (managed && (firewallSku === "Basic" || firewallSku === "Standard")) spec.firewallSku = firewallSku;

  const reachServices: string[] = [];
  const hosts: string[] = [];
  const serviceTags: NonNullable<NonNullable<WorkspaceSpec["reach"]>["serviceTags"]> = [];
  const leftOut = (ruleName: string, why: string) =>
    notes.push({
      path: at("reach"),
      message: `Outbound rule ${ruleName} is left out (${why}); it stays in Azure as a rule the spec does not list (warning PFN205).`,
    });

  if (managed) {
    if (str(facts.networkStatus) !== "Active") {
      spec.provision = "onFirstCompute";
      notes.push({
        path: at("provision"),
        message:
          "The managed network is not provisioned; `provision: onFirstCompute` keeps it so. Change it to `now` to have pfnet provision it (about 30 minutes).",
      });
    }
    for (const { ruleName, properties: rule } of [...discoveredRules].sort((a, b) =>
      a.ruleName < b.ruleName ? -1 : a.ruleName > b.ruleName ? 1 : 0,
    )) {
      const destination = rule.destination as Record<string, unknown> | string | undefined;
      if (rule.type === "PrivateEndpoint" && destination && typeof destination === "object") {
        const targetId = str(destination.serviceResourceId) ?? "";
        const subresource = str(destination.subresourceTarget) ?? "";
        if (destination.sparkEnabled === true) {
          leftOut(ruleName, "Spark is enabled on it; pfnet writes private-endpoint rules without Spark");
          continue;
        }
        const service = /^pe-(.+)$/.exec(ruleName)?.[1];
        if (!service || privateEndpointRuleName(service) !== ruleName) {
          leftOut(ruleName, "pfnet names private-endpoint rules pe-<service>");
          continue;
        }
        if (!services.claim(service, targetId, subresource)) {
          leftOut(ruleName, `service name ${service} already names another target in this spec`);
          continue;
        }
        reachServices.push(service);
      } else if (rule.type === "FQDN" && typeof destination === "string") {
        if (fqdnRuleName(destination) !== ruleName) {
          leftOut(ruleName, `pfnet would name the rule for ${destination} ${fqdnRuleName(destination)}`);
          continue;
        }
        hosts.push(destination);
      } else if (rule.type === "ServiceTag" && destination && typeof destination === "object") {
        const serviceTag = str(destination.serviceTag);
        const protocol = str(destination.protocol) ?? "TCP";
        const ports = str(destination.portRanges) ?? "443";
        if (
          !serviceTag ||
          destination.action !== "Allow" ||
          !["TCP", "UDP", "ICMP", "*"].includes(protocol)
        ) {
          leftOut(ruleName, "pfnet writes service-tag rules that allow TCP, UDP, ICMP or any protocol");
          continue;
        }
        serviceTags.push({
          ...(fitName(`tag-${serviceTag}`) === ruleName ? {} : { name: ruleName }),
          serviceTag,
          ...(protocol === "TCP" ? {} : { protocol: protocol as "UDP" | "ICMP" | "*" }),
          ...(ports === "443" ? {} : { ports }),
        });
      } else leftOut(ruleName, `pfnet does not write ${String(rule.type)} rules`);
    }
  } else {
    // Own VNet: the private endpoints pfnet would have created for this workspace.
    const prefix = lower(privateEndpointName(ref.name, ""));
    const mine = found.inventory.privateEndpoints.filter(
      (pe) => lower(pe.name).startsWith(prefix) && pe.name.length > prefix.length,
    );
    const serverless = properties.serverlessComputeSettings as
      | { serverlessComputeCustomSubnet?: string; serverlessComputeNoPublicIP?: boolean }
      | undefined;
    const subnetId = mine[0]?.subnetId ?? serverless?.serverlessComputeCustomSubnet;
    if (!subnetId) {
      notes.push({
        path: at(),
        message: `Workspace ${ref.name} has no managed network, and no private endpoint named ${privateEndpointName(ref.name, "<service>")} or serverless subnet tells its virtual network; it is left out.`,
      });
      return undefined;
    }
    let dnsResourceGroup: string | undefined;
    for (const pe of mine) {
      const service = pe.name.slice(prefix.length);
      if (lower(pe.subnetId) !== lower(subnetId)) {
        notes.push({
          path: at("reach", "services"),
          message: `Private endpoint ${pe.name} is in another subnet (${pe.subnetId}) than ${subnetId}; it is left out (a spec has one subnet for its endpoints).`,
        });
        continue;
      }
      if (!services.claim(service, pe.targetId, pe.groupId)) {
        notes.push({
          path: at("reach", "services"),
          message: `Private endpoint ${pe.name} is left out: service name ${service} already names another target in this spec.`,
        });
        continue;
      }
      const zones = resources[address.dnsZoneGroup(key, service)];
      const zoneIds = zones?.exists
        ? ((zones.properties.privateDnsZoneIds as string[] | undefined) ?? [])
        : [];
      const group = /\/resourceGroups\/([^/]+)\//i.exec(zoneIds[0] ?? "")?.[1];
      if (group) dnsResourceGroup ??= group;
      if ((PRIVATE_DNS_ZONES[pe.groupId] ?? []).length > 0 && zoneIds.length === 0) {
        notes.push({
          path: at("reach", "services"),
          message: `Private endpoint ${pe.name} has no DNS zone group; pfnet's plan adds one with the ${pe.groupId} zones.`,
        });
      }
      reachServices.push(service);
    }
    const vnetId = subnetId.replace(/\/subnets\/[^/]+\/?$/i, "");
    const required = requiredNsgRules(undefined).map((rule) => lower(rule.name));
    const nsgs = found.inventory.networkSecurityGroups.filter((nsg) => {
      const names = new Set(nsg.ruleNames.map(lower));
      return required.every((name) => names.has(name));
    });
    if (nsgs.length > 1) {
      notes.push({
        path: at("vnet", "nsgId"),
        message: `Several network security groups hold pfnet's required rules (${nsgs.map((n) => n.id).join(", ")}); the spec names the first.`,
      });
    }
    spec.vnet = {
      vnetId,
      subnetId,
      ...(nsgs[0] ? { nsgId: nsgs[0].id } : {}),
      ...(dnsResourceGroup && dnsResourceGroup !== topologyGroup
        ? { privateDnsZoneResourceGroup: dnsResourceGroup }
        : {}),
    };
    if (serverless?.serverlessComputeCustomSubnet) {
      spec.serverless = {
        subnetId: serverless.serverlessComputeCustomSubnet,
        ...(serverless.serverlessComputeNoPublicIP ? { noPublicIp: true } : {}),
      };
    }
  }
  if (reachServices.length + hosts.length + serviceTags.length > 0) {
    spec.reach = {
      ...(reachServices.length > 0 ? { services: reachServices } : {}),
      ...(hosts.length > 0 ? { hosts } : {}),
      ...(serviceTags.length > 0 ? { serviceTags } : {}),
    };
  }

  return withEndpointsAndRole(spec, managed, found, resources);
}

/** The online endpoints and the storage role of a described workspace. */
function withEndpointsAndRole(
  spec: Partial<WorkspaceSpec>,
  managed: boolean,
  found: Found,
  resources: Record<string, ActualResource>,
): WorkspaceSpec {
  const key = found.ref.key;
  const endpoints: NonNullable<WorkspaceSpec["endpoints"]> = {};
  for (const name of found.onlineEndpoints) {
    const endpoint = resources[address.endpoint(key, name)];
    if (!endpoint?.exists) continue;
    endpoints[name] = {
      ...(managed ? {} : { kind: "kubernetes" as const }),
      ingress: endpoint.properties.publicNetworkAccess === "Disabled" ? "private" : "public",
    };
  }
  if (Object.keys(endpoints).length > 0) {
    spec.inference = managed ? "managedOnlineEndpoint" : "kubernetesOnlineEndpoint";
    spec.endpoints = endpoints;
  }
  if (resources[address.storageRole(key)]?.exists !== true) spec.storageRole = false;
  return spec as WorkspaceSpec;
}
