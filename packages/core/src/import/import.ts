/**
 * `importTopology`: existing workspaces -> the spec that describes them (Terraform import,
 * aztfexport). Reads only. The spec uses pfnet's own vocabulary, so what it writes plans to no
 * changes against the same Azure; whatever Azure holds that the spec cannot say under pfnet's
 * derived names (a rule named otherwise, a Spark-enabled endpoint, a private endpoint pfnet would
 * not have named so) is left out, stays in Azure untouched (an unlisted rule, PFN205), and is
 * reported as a note with the spec path it concerns. The result is checked twice before it is
 * returned: it validates, and a plan of it is made; every step that plan would not leave alone
 * becomes a note too.
 */
import { createEmitter } from "../emitter.js";
import { PfnetError } from "../errors.js";
import type { EventListener } from "../events.js";
import { requiredNsgRules, subresourceOf } from "../expand/expand.js";
import {
  address,
  DEFAULT_SUBRESOURCE,
  fitName,
  fqdnRuleName,
  PRIVATE_DNS_ZONES,
  privateEndpointName,
  privateEndpointRuleName,
} from "../expand/names.js";
import {
  type ActualResource,
  type ResourceNode,
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
  type WorkspaceRef,
} from "../model.js";
import { plan } from "../plan/plan.js";
import type { Inventory, Provider, ProviderContext, ResourceGroupScope } from "../provider.js";
import { escapeToken } from "../spec/pointer.js";
import type { ServiceKind, ServiceSpec, Topology, WorkspaceSpec } from "../spec/schema.js";
import { validateTopology } from "../spec/validate.js";

export interface ImportOptions {
  signal?: AbortSignal;
  onEvent?: EventListener;
}

/** Something Azure holds that the written spec does not (or cannot) say, at a spec path. */
export interface ImportNote {
  /** JSON pointer into the written spec (`/workspaces/pf-ws`), or `` for the whole spec. */
  path: string;
  message: string;
}

export interface ImportResult {
  topology: Topology;
  notes: ImportNote[];
}

const WORKSPACE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/?$/i;
const RESOURCE_GROUP_ID = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/?$/i;

type Wanted = { scope: ResourceGroupScope; names: Set<string> | "all" };

function parseIds(ids: readonly string[]): Wanted[] {
  if (ids.length === 0) {
    throw new PfnetError("INVALID_ARGUMENT", "importTopology needs at least one ARM id.", {
      hint: "Pass workspace ids (/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/NAME) or resource group ids (/subscriptions/…/resourceGroups/NAME).",
    });
  }
  const byGroup = new Map<string, Wanted>();
  let subscription: string | undefined;
  for (const raw of ids) {
    const id = raw.trim();
    const ws = WORKSPACE_ID.exec(id);
    const rg = ws ? undefined : RESOURCE_GROUP_ID.exec(id);
    const match = ws ?? rg;
    if (!match) {
      throw new PfnetError(
        "INVALID_ARGUMENT",
        `'${raw}' is neither a workspace nor a resource group ARM id.`,
        {
          hint: "Workspace: /subscriptions/SUB/resourceGroups/RG/providers/Microsoft.MachineLearningServices/workspaces/NAME; all workspaces of a group: /subscriptions/SUB/resourceGroups/RG.",
        },
      );
    }
    const subscriptionId = match[1]!;
    if (subscription !== undefined && subscription.toLowerCase() !== subscriptionId.toLowerCase()) {
      throw new PfnetError(
        "INVALID_ARGUMENT",
        `The ids name two subscriptions (${subscription} and ${subscriptionId}); a spec describes one.`,
        { hint: "Import each subscription into its own spec." },
      );
    }
    subscription = subscriptionId;
    const key = `${subscriptionId}/${match[2]!}`.toLowerCase();
    const wanted = byGroup.get(key) ?? {
      scope: { subscriptionId, resourceGroup: match[2]! },
      names: new Set<string>(),
    };
    if (ws && wanted.names !== "all") wanted.names.add(ws[3]!.toLowerCase());
    if (rg) wanted.names = "all";
    byGroup.set(key, wanted);
  }
  return [...byGroup.values()];
}

/** The service kind an ARM resource type suggests (Cognitive Services accounts: aiServices). */
function serviceKindOf(targetId: string): ServiceKind {
  const type = /\/providers\/([^/]+\/[^/]+)\//i.exec(`${targetId}/`)?.[1]?.toLowerCase();
  switch (type) {
    case "microsoft.cognitiveservices/accounts":
      return "aiServices";
    case "microsoft.search/searchservices":
      return "aiSearch";
    case "microsoft.storage/storageaccounts":
      return "storage";
    case "microsoft.keyvault/vaults":
      return "keyVault";
    case "microsoft.containerregistry/registries":
      return "containerRegistry";
    default:
      return "other";
  }
}

const lower = (value: string) => value.toLowerCase();
const str = (value: unknown) => (typeof value === "string" ? value : undefined);
const pointer = (...tokens: string[]) => tokens.map((token) => `/${escapeToken(token)}`).join("");

interface Found {
  ref: WorkspaceRef;
  location: string | undefined;
  onlineEndpoints: string[];
  inventory: Inventory;
}

/** A name for a service that reaches `targetId`: from the rule or endpoint name, unique in `services`. */
class Services {
  readonly entries: Record<string, ServiceSpec> = {};

  /** Declare `name` for the target; false when the name is taken by another target or subresource. */
  claim(name: string, targetId: string, subresource: string): boolean {
    const existing = this.entries[name];
    if (existing) return lower(existing.id) === lower(targetId) && subresourceOf(existing) === subresource;
    const kind = serviceKindOf(targetId);
    const service: ServiceSpec = { kind, id: targetId };
    if (DEFAULT_SUBRESOURCE[kind] !== subresource) service.subresource = subresource;
    this.entries[name] = service;
    return true;
  }
}

function readWorkspaceNodes(found: Found, subscriptionId: string): ResourceNode[] {
  const { ref } = found;
  const key = ref.key;
  const nodes: ResourceNode[] = [
    {
      address: address.workspace(key),
      kind: "workspace",
      identity: { workspace: ref },
      properties: { publicNetworkAccess: "Disabled", isolationMode: "AllowOnlyApprovedOutbound" },
      dependsOn: [],
    },
    {
      address: address.storageRole(key),
      kind: "roleAssignment",
      identity: { workspace: ref },
      properties: {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR}`,
        principalType: "ServicePrincipal",
      },
      dependsOn: [],
    },
  ];
  for (const endpointName of found.onlineEndpoints) {
    nodes.push({
      address: address.endpoint(key, endpointName),
      kind: "onlineEndpoint",
      identity: { workspace: ref, endpointName },
      properties: { publicNetworkAccess: "Disabled" },
      dependsOn: [],
    });
  }
  // Own VNet: the private endpoints pfnet would have named for this workspace, and their DNS zone groups.
  const prefix = lower(privateEndpointName(ref.name, ""));
  for (const pe of found.inventory.privateEndpoints) {
    if (!lower(pe.name).startsWith(prefix) || pe.name.length === prefix.length) continue;
    const service = pe.name.slice(prefix.length);
    nodes.push({
      address: address.dnsZoneGroup(key, service),
      kind: "privateDnsZoneGroup",
      identity: {
        privateEndpoint: {
          subscriptionId: ref.subscriptionId,
          resourceGroup: ref.resourceGroup,
          name: pe.name,
        },
      },
      properties: { privateDnsZoneIds: [] },
      dependsOn: [],
    });
  }
  return nodes;
}

/** Describe one workspace from what was read; notes for what cannot be said. */
function describeWorkspace(
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

/**
 * Read existing workspaces and write the spec that describes them. `ids` are workspace ARM ids,
 * or resource group ids (every workspace of the group); all in one subscription. The provider
 * must implement `inventory`. Throws `INVALID_ARGUMENT` for a bad id, `NOT_SUPPORTED` for a
 * provider without `inventory`, `ABORTED` on abort. Reads only.
 */
export async function importTopology(
  provider: Provider,
  ids: readonly string[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  const { signal } = options;
  const aborted = () => new PfnetError("ABORTED", "Import was aborted; nothing was changed.");
  if (signal?.aborted) throw aborted();
  const wanted = parseIds(ids);
  if (!provider.inventory) {
    throw new PfnetError(
      "NOT_SUPPORTED",
      `The ${provider.name} provider cannot list resources, so it cannot import.`,
      {
        hint: "Use a provider that implements `inventory` (AzureProvider, MemoryProvider).",
      },
    );
  }
  const context: ProviderContext = {
    signal: signal ?? new AbortController().signal,
    emit: createEmitter(options.onEvent),
  };
  const notes: ImportNote[] = [];
  const found: Found[] = [];
  const usedKeys = new Set<string>();
  for (const { scope, names } of wanted) {
    const inventory = await provider.inventory(scope, context);
    if (signal?.aborted) throw aborted();
    const listed = new Set(inventory.workspaces.map((ws) => lower(ws.name)));
    if (names !== "all") {
      for (const name of names) {
        if (!listed.has(name)) {
          throw new PfnetError(
            "WORKSPACE_NOT_FOUND",
            `Workspace ${name} does not exist in resource group ${scope.resourceGroup} (subscription ${scope.subscriptionId}).`,
            { hint: "Check the workspace id (az ml workspace list -g <group>)." },
          );
        }
      }
    }
    for (const ws of [...inventory.workspaces].sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (names !== "all" && !names.has(lower(ws.name))) continue;
      let key = ws.name;
      if (usedKeys.has(lower(key))) key = `${scope.resourceGroup}-${ws.name}`;
      usedKeys.add(lower(key));
      found.push({
        ref: { subscriptionId: scope.subscriptionId, resourceGroup: scope.resourceGroup, name: ws.name, key },
        location: ws.location,
        onlineEndpoints: [...ws.onlineEndpoints].sort(),
        inventory,
      });
    }
  }
  if (found.length === 0) {
    throw new PfnetError("WORKSPACE_NOT_FOUND", "No Machine Learning workspace was found to import.", {
      hint: "Check the resource group ids.",
    });
  }
  const subscriptionId = found[0]!.ref.subscriptionId;
  const topologyGroup = found[0]!.ref.resourceGroup;
  const nodes = found.flatMap((ws) => readWorkspaceNodes(ws, subscriptionId));
  let read: Awaited<ReturnType<Provider["read"]>>;
  try {
    read = await provider.read(nodes, context);
  } catch (error) {
    if (signal?.aborted) throw aborted();
    throw error;
  }
  const rulesByKey = new Map<string, Array<{ ruleName: string; properties: Record<string, unknown> }>>();
  for (const rule of read.discovered) {
    if (rule.kind !== "outboundRule" || rule.properties.category !== "UserDefined") continue;
    const key = (rule.identity.workspace as WorkspaceRef | undefined)?.key;
    const ruleName = str(rule.identity.ruleName);
    if (!key || !ruleName) continue;
    rulesByKey.set(key, [...(rulesByKey.get(key) ?? []), { ruleName, properties: rule.properties }]);
  }

  const services = new Services();
  const workspaces: Record<string, WorkspaceSpec> = {};
  for (const ws of found) {
    const spec = describeWorkspace(
      ws,
      read.resources,
      rulesByKey.get(ws.ref.key) ?? [],
      services,
      topologyGroup,
      notes,
    );
    if (spec) workspaces[ws.ref.key] = spec;
  }
  const locations = [...new Set(found.map((ws) => ws.location).filter((l): l is string => !!l))];
  if (locations.length > 1) {
    notes.push({
      path: "/location",
      message: `The workspaces are in several regions (${locations.join(", ")}); the spec names ${locations[0]}.`,
    });
  }
  const topology: Topology = {
    version: 1,
    subscriptionId,
    resourceGroup: topologyGroup,
    ...(locations[0] ? { location: locations[0] } : {}),
    ...(Object.keys(services.entries).length > 0 ? { services: services.entries } : {}),
    workspaces,
  };
  if (Object.keys(services.entries).some((name) => services.entries[name]!.kind === "aiServices")) {
    notes.push({
      path: "/services",
      message:
        "Cognitive Services accounts are written as kind aiServices; azureOpenAI or contentSafety say the same to Azure (subresource account) if you prefer.",
    });
  }

  // Check what was written: it validates, and pfnet would leave Azure as it is.
  const checked = validateTopology(topology);
  for (const diagnostic of checked.diagnostics) {
    notes.push({
      path: diagnostic.path,
      message: `${diagnostic.severity} ${diagnostic.code}: ${diagnostic.message}`,
    });
  }
  if (
    checked.topology &&
    !checked.diagnostics.some((d) => d.severity === "error") &&
    Object.keys(workspaces).length > 0
  ) {
    const verify = await plan(topology, provider, { ...(signal ? { signal } : {}) });
    for (const step of verify.steps) {
      if (step.action === "noop") continue;
      const key = /^workspace\.([^.]+)/.exec(step.address)?.[1];
      notes.push({
        path: key ? pointer("workspaces", key) : "",
        message: `pfnet's plan of this spec would ${step.action} ${step.address}: ${step.reason}.`,
      });
    }
  }
  return { topology, notes };
}
