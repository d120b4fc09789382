/**
 * Expansion: Topology -> resource nodes with stable addresses, desired properties, dependencies
 * and lanes. Spec defaults are applied here (provision now, storageRole true, approve true,
 * inference none, unlistedRules keep). The dependencies encode the order Azure needs:
 * workspace settings (public access off) before the rules, rules before provisioning,
 * provisioning before endpoints and approvals; own VNet: private endpoint before its DNS zone
 * group and its approval.
 *
 * Expansion decides which nodes a topology needs and their desired values; each kind's contract
 * builds its node (`<kind>.node` of `kinds/<kind>.ts`, imported from the module for its
 * typed arguments: address, identity, dependencies, lane).
 */

import { managedNetwork } from "../kinds/managedNetwork.js";
import { nsgRule } from "../kinds/nsgRule.js";
import { onlineEndpoint } from "../kinds/onlineEndpoint.js";
import { outboundRule } from "../kinds/outboundRule.js";
import { privateDnsZoneGroup } from "../kinds/privateDnsZoneGroup.js";
import { privateEndpoint } from "../kinds/privateEndpoint.js";
import { privateEndpointApproval } from "../kinds/privateEndpointApproval.js";
import { roleAssignment } from "../kinds/roleAssignment.js";
import { type ServicePrivatePath, serviceNetworkAccess } from "../kinds/serviceNetworkAccess.js";
import { workspace } from "../kinds/workspace.js";
import type {
  NsgRuleProperties,
  OutboundRuleProperties,
  ResourceNode,
  WorkspaceIdentity,
  WorkspaceProperties,
  WorkspaceRef,
} from "../model.js";
import type { ServiceSpec, Topology, WorkspaceSpec } from "../spec/schema.js";
import { addPathTo, dependencyExpansion } from "./dependencies.js";
import {
  DEFAULT_SUBRESOURCE,
  fqdnRuleName,
  PRIVATE_DNS_ZONES,
  parseHost,
  privateEndpointName,
  privateEndpointRuleName,
  serviceTagRuleName,
} from "./names.js";

/** Workspace-level defaults of the spec, resolved. */
export function workspaceDefaults(ws: WorkspaceSpec) {
  return {
    kind: ws.kind ?? "default",
    provision: ws.provision ?? "now",
    storageRole: ws.storageRole ?? true,
    inference: ws.inference ?? "none",
    unlistedRules: ws.unlistedRules ?? "keep",
  } as const;
}

export function workspaceRef(topology: Topology, key: string, ws: WorkspaceSpec): WorkspaceRef {
  return {
    subscriptionId: topology.subscriptionId,
    resourceGroup: ws.resourceGroup ?? topology.resourceGroup,
    name: ws.name ?? key,
    key,
  };
}

/** Subresource (groupId) of a service's private endpoint; undefined when unknown (a rule reports it). */
export function subresourceOf(service: ServiceSpec): string | undefined {
  return service.subresource ?? DEFAULT_SUBRESOURCE[service.kind];
}

/** Outbound NSG rules an own-VNet workspace needs (azure-facts c.10), with stable priorities. */
export function requiredNsgRules(location: string | undefined): Array<{ name: string } & NsgRuleProperties> {
  const regional = (tag: string) => (location ? `${tag}.${location}` : tag);
  const rules: Array<[string, NsgRuleProperties["protocol"], string, string[]]> = [
    ["pfnet-aad", "Tcp", "AzureActiveDirectory", ["80", "443"]],
    ["pfnet-aml-tcp", "Tcp", "AzureMachineLearning", ["443", "18881"]],
    ["pfnet-aml-udp", "Udp", "AzureMachineLearning", ["5831"]],
    ["pfnet-batch", "Tcp", regional("BatchNodeManagement"), ["443"]],
    ["pfnet-arm", "Tcp", "AzureResourceManager", ["443"]],
    ["pfnet-storage", "Tcp", regional("Storage"), ["443"]],
    ["pfnet-frontdoor", "Tcp", "AzureFrontDoor.FrontEnd", ["443"]],
    ["pfnet-mcr", "Tcp", regional("MicrosoftContainerRegistry"), ["443"]],
  ];
  return rules.map(([name, protocol, destinationAddressPrefix, destinationPortRanges], index) => ({
    name,
    direction: "Outbound",
    access: "Allow",
    protocol,
    destinationAddressPrefix,
    destinationPortRanges,
    priority: 3000 + index * 10,
  }));
}

const armIdOf = (subscriptionId: string, resourceGroup: string, provider: string, name: string) =>
  `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${provider}/${name}`;

/** Per service: each workspace's private path to it and the steps that make the path. */
type PrivatePaths = Map<string, { paths: ServicePrivatePath[]; after: string[] }>;

export function expand(topology: Topology): ResourceNode[] {
  const nodes: ResourceNode[] = [];
  const services = topology.services ?? {};
  // Workspaces sharing an NSG share its rules: the first workspace (by key) owns them.
  const nsgRulesSeen = new Set<string>();
  const paths: PrivatePaths = new Map();
  for (const key of Object.keys(topology.workspaces).sort()) {
    expandWorkspace(topology, key, topology.workspaces[key]!, services, nodes, nsgRulesSeen, paths);
  }
  // A service's own network settings, after every workspace's private path to it (the spec
  // rules refuse a reaching workspace without one, PFN126).
  for (const name of Object.keys(services).sort()) {
    const service = services[name]!;
    if (!service.networkAccess) continue;
    const found = paths.get(name) ?? { paths: [], after: [] };
    nodes.push(serviceNetworkAccess.node(name, service.id, service.networkAccess, found.paths, found.after));
  }
  return nodes;
}

function addPath(paths: PrivatePaths, service: string, path: ServicePrivatePath, after: string[]): void {
  let found = paths.get(service);
  if (!found) {
    found = { paths: [], after: [] };
    paths.set(service, found);
  }
  found.paths.push(path);
  found.after.push(...after);
}

function expandWorkspace(
  topology: Topology,
  key: string,
  ws: WorkspaceSpec,
  services: Record<string, ServiceSpec>,
  nodes: ResourceNode[],
  nsgRulesSeen: Set<string>,
  paths: PrivatePaths,
): void {
  const defaults = workspaceDefaults(ws);
  const ref = workspaceRef(topology, key, ws);
  const managed = ws.network === "managed";

  const properties: WorkspaceProperties = {
    publicNetworkAccess: ws.ingress === "private" ? "Disabled" : "Enabled",
    isolationMode: managed
      ? ws.egress === "private"
        ? "AllowOnlyApprovedOutbound"
        : "AllowInternetOutbound"
      : "Disabled",
  };
  if (ws.firewallSku !== undefined) properties.firewallSku = ws.firewallSku;
  if (ws.imageBuildCompute !== undefined) properties.imageBuildCompute = ws.imageBuildCompute;
  if (!managed && ws.serverless) {
    properties.serverlessComputeSettings = {
      serverlessComputeCustomSubnet: ws.serverless.subnetId,
      serverlessComputeNoPublicIP: ws.serverless.noPublicIp ?? false,
    };
  }
  let create: WorkspaceIdentity["create"];
  if (ws.create) {
    create = {
      location: topology.location ?? "",
      kind: defaults.kind,
      storageAccount: ws.create.storageAccount,
      keyVault: ws.create.keyVault,
      ...(ws.create.containerRegistry === undefined
        ? {}
        : { containerRegistry: ws.create.containerRegistry }),
      ...(ws.create.applicationInsights === undefined
        ? {}
        : { applicationInsights: ws.create.applicationInsights }),
      provisionNetworkNow: managed && defaults.provision !== "onFirstCompute",
    };
  }
  nodes.push(workspace.node(ref, properties, create));

  // Reached services, declared and with a known subresource (rules report the others).
  const reached: Array<{ name: string; service: ServiceSpec; subresource: string }> = [];
  for (const name of [...new Set(ws.reach?.services ?? [])]) {
    const service = services[name];
    const subresource = service ? subresourceOf(service) : undefined;
    if (service && subresource) reached.push({ name, service, subresource });
  }

  // The dependencies the spec makes private (or public again), each after what gives the
  // workspace its private path to it.
  const dependencies = dependencyExpansion(ref, ws, nodes);

  let networkAddress: string | undefined;
  let networkNode: ResourceNode | undefined;
  if (managed) {
    const ruleAddresses: string[] = [];
    const seen = new Set<string>();
    const addRule = (ruleName: string, rule: OutboundRuleProperties) => {
      if (seen.has(ruleName)) return; // duplicate names are reported by the rules
      seen.add(ruleName);
      const node = outboundRule.node(ref, ruleName, rule);
      ruleAddresses.push(node.address);
      nodes.push(node);
    };
    for (const { name, service, subresource } of reached) {
      addRule(privateEndpointRuleName(name), {
        type: "PrivateEndpoint",
        category: "UserDefined",
        destination: { serviceResourceId: service.id, subresourceTarget: subresource, sparkEnabled: false },
      });
    }
    let hasFqdnRules = false;
    for (const host of ws.reach?.hosts ?? []) {
      hasFqdnRules = true;
      addRule(fqdnRuleName(host), {
        type: "FQDN",
        category: "UserDefined",
        destination: parseHost(host).fqdn,
      });
    }
    for (const tag of ws.reach?.serviceTags ?? []) {
      addRule(serviceTagRuleName(tag.serviceTag, tag.name), {
        type: "ServiceTag",
        category: "UserDefined",
        destination: {
          serviceTag: tag.serviceTag,
          protocol: tag.protocol ?? "TCP",
          portRanges: tag.ports ?? "443",
          action: "Allow",
        },
      });
    }
    // AllowInternetOutbound: public access turns off right before provisioning, which waits for it.
    const before = dependencies.privatePath === "createdWithProvisioning" ? dependencies.add(() => []) : [];
    if (defaults.provision !== "onFirstCompute") {
      const network = managedNetwork.node(ref, hasFqdnRules, [...ruleAddresses, ...before]);
      networkAddress = network.address;
      networkNode = network;
      nodes.push(network);
    }
    // AllowOnlyApprovedOutbound: the Required private endpoints exist once provisioning ends.
    if (dependencies.privatePath === "requiredRule")
      dependencies.add(() => (networkAddress ? [networkAddress] : []));
  }

  const userAssignedIdentity = ws.identity?.userAssigned;
  if (defaults.storageRole)
    nodes.push(
      roleAssignment.node(ref, {
        purpose: "storage",
        ...(ws.create?.storageAccount === undefined ? {} : { scope: ws.create.storageAccount }),
        ...(userAssignedIdentity === undefined ? {} : { userAssignedIdentity }),
      }),
    );
  // A user-assigned identity needs the approver role on each reached service for its managed
  // network to create and approve the private endpoints (azure-facts c.5): granted before provisioning.
  if (managed && userAssignedIdentity !== undefined) {
    const approvers = reached.map(({ name, service }) =>
      roleAssignment.node(ref, {
        purpose: "connectionApprover",
        service: name,
        targetId: service.id,
        userAssignedIdentity,
      }),
    );
    nodes.push(...approvers);
    networkNode?.dependsOn.push(...approvers.map((node) => node.address));
  }

  if (managed) {
    // Without provisioning (onFirstCompute) the managed private endpoints, and so the
    // connections to approve, appear only with the first compute: nothing to approve yet.
    if (networkAddress) {
      for (const { name, service } of reached) {
        const approval = privateEndpointApproval.node(ref, name, service, "managed", networkAddress);
        nodes.push(approval);
        if (service.networkAccess)
          addPath(paths, name, { via: "managed", workspace: ref, ruleName: privateEndpointRuleName(name) }, [
            approval.address,
          ]);
      }
    }
  } else if (ws.vnet) {
    const vnet = ws.vnet;
    const dnsResourceGroup = vnet.privateDnsZoneResourceGroup ?? topology.resourceGroup;
    // The private endpoints and DNS zone groups to each target, by lower-case id.
    const pathsTo = new Map<string, string[]>();
    for (const { name, service, subresource } of reached) {
      const pe = privateEndpoint.node(
        ref,
        name,
        { subnetId: vnet.subnetId, targetId: service.id, groupId: subresource },
        topology.location,
      );
      nodes.push(pe);
      const zones = PRIVATE_DNS_ZONES[subresource] ?? [];
      const zoneIds = zones.map((zone) =>
        armIdOf(topology.subscriptionId, dnsResourceGroup, "Microsoft.Network/privateDnsZones", zone),
      );
      const zoneGroup = zoneIds.length > 0 ? privateDnsZoneGroup.node(pe, zoneIds) : undefined;
      if (zoneGroup) nodes.push(zoneGroup);
      const approval = privateEndpointApproval.node(ref, name, service, "byo", pe.address);
      nodes.push(approval);
      addPathTo(pathsTo, service.id, [
        pe.address,
        approval.address,
        ...(zoneGroup ? [zoneGroup.address] : []),
      ]);
      if (service.networkAccess) {
        const path: ServicePrivatePath = {
          via: "byo",
          workspace: ref,
          privateEndpointName: privateEndpointName(ref.name, name),
          subnetId: vnet.subnetId,
          privateDnsZoneIds: [...zoneIds].sort(),
        };
        addPath(paths, name, path, zoneGroup ? [approval.address, zoneGroup.address] : [approval.address]);
      }
    }
    // Own VNet: after pfnet's private endpoints to the dependency, their DNS and approval.
    dependencies.add((id) => pathsTo.get(id.toLowerCase()) ?? []);
    if (vnet.nsgId) {
      for (const { name, ...rule } of requiredNsgRules(topology.location)) {
        const shared = `${vnet.nsgId.toLowerCase()}|${name}`;
        if (nsgRulesSeen.has(shared)) continue;
        nsgRulesSeen.add(shared);
        nodes.push(nsgRule.node(key, vnet.nsgId, name, rule));
      }
    }
  }

  for (const endpointName of Object.keys(ws.endpoints ?? {}).sort()) {
    const endpoint = ws.endpoints![endpointName]!;
    const publicNetworkAccess = endpoint.ingress === "private" ? "Disabled" : "Enabled";
    nodes.push(onlineEndpoint.node(ref, endpointName, { publicNetworkAccess }, networkAddress));
  }
}
