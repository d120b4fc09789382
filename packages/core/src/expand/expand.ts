/**
 * Expansion: Topology -> resource nodes with stable addresses, desired properties, dependencies
 * and lanes. Spec defaults are applied here (provision now, storageRole true, approve true,
 * inference none, unlistedRules keep). The dependencies encode the order Azure needs:
 * workspace settings (public access off) before the rules, rules before provisioning,
 * provisioning before endpoints and approvals; own VNet: private endpoint before its DNS zone
 * group and its approval. A project (expand/hubs.ts) adds its reach to its hub's managed network
 * (`managed.ts`, at the hub's addresses) and comes after its hub.
 *
 * Expansion decides which nodes a topology needs and their desired values; each kind's contract
 * builds its node (`<kind>.node` of `kinds/<kind>.ts`, imported from the module for its
 * typed arguments: address, identity, dependencies, lane).
 */

import { nsgRule } from "../kinds/nsgRule.js";
import { onlineEndpoint } from "../kinds/onlineEndpoint.js";
import { privateDnsZoneGroup } from "../kinds/privateDnsZoneGroup.js";
import { privateEndpoint } from "../kinds/privateEndpoint.js";
import { privateEndpointApproval } from "../kinds/privateEndpointApproval.js";
import { roleAssignment } from "../kinds/roleAssignment.js";
import { type ServicePrivatePath, serviceNetworkAccess } from "../kinds/serviceNetworkAccess.js";
import { workspace } from "../kinds/workspace.js";
import type {
  NsgRuleProperties,
  ResourceNode,
  WorkspaceIdentity,
  WorkspaceProperties,
  WorkspaceRef,
} from "../model.js";
import type { ServiceSpec, Topology, WorkspaceSpec } from "../spec/schema.js";
import { addPathTo, dependencyExpansion } from "./dependencies.js";
import { hubOf, hubProvisions, isProject, projectsByHub } from "./hubs.js";
import { hasRules, managedApprovals, managedRules, type Reached, reachedServices } from "./managed.js";
import { address, PRIVATE_DNS_ZONES, privateEndpointName, privateEndpointRuleName } from "./names.js";

export { subresourceOf } from "./managed.js";

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
  const projects = projectsByHub(topology);
  // A hub named by ARM id is expanded for its projects' contributions, by its address key.
  const external = [...projects.keys()].filter((key) => !Object.hasOwn(topology.workspaces, key));
  for (const key of [...Object.keys(topology.workspaces), ...external].sort()) {
    const ws = topology.workspaces[key];
    const contributions = (projects.get(key) ?? []).map((project) => topology.workspaces[project.key]!);
    if (ws === undefined) {
      expandExternalHub(projects.get(key)![0]!.hub.ref, contributions, services, nodes, paths);
    } else if (isProject(ws)) {
      expandProject(topology, key, ws, nodes);
    } else {
      expandWorkspace(topology, key, ws, contributions, services, nodes, nsgRulesSeen, paths);
    }
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

/** A managed private path to a service whose network access the spec sets (its approval last). */
const managedPath =
  (paths: PrivatePaths, ref: WorkspaceRef) =>
  ({ name, service }: Reached, approvalAddress: string) => {
    if (service.networkAccess)
      addPath(paths, name, { via: "managed", workspace: ref, ruleName: privateEndpointRuleName(name) }, [
        approvalAddress,
      ]);
  };

/**
 * A hub named by ARM id: read, never written (nothing desired of it); its projects' rules and
 * approvals, and the provisioning they need, on its managed network.
 */
function expandExternalHub(
  ref: WorkspaceRef,
  projects: readonly WorkspaceSpec[],
  services: Record<string, ServiceSpec>,
  nodes: ResourceNode[],
  paths: PrivatePaths,
): void {
  nodes.push(workspace.node(ref, {}, undefined, [], true));
  const reaches = projects.map((project) => project.reach);
  const reached = reachedServices(reaches, services);
  const network = managedRules(ref, reaches, reached, hasRules(reaches, services), nodes);
  managedApprovals(ref, reached, network?.address, nodes, managedPath(paths, ref));
}

/**
 * A project: no network of its own (its reach is its hub's rules, expanded with the hub), so no
 * network settings desired; created after its hub with `kind: Project` and the hub's id; its
 * storage role on the hub's storage account; its endpoints after the hub's provisioning.
 */
function expandProject(topology: Topology, key: string, ws: WorkspaceSpec, nodes: ResourceNode[]): void {
  const hub = hubOf(topology, key);
  if (hub === undefined) return; // the spec rules refuse it (PFN140, PFN142)
  const ref = workspaceRef(topology, key, ws);
  const create: WorkspaceIdentity["create"] = ws.create && {
    location: topology.location ?? "",
    kind: "project",
    hubResourceId: hub.id,
    provisionNetworkNow: false,
  };
  nodes.push(workspace.node(ref, {}, create, [address.workspace(hub.key)]));
  if (workspaceDefaults(ws).storageRole) {
    const scope = hub.spec?.create?.storageAccount;
    const userAssignedIdentity = ws.identity?.userAssigned;
    nodes.push(
      roleAssignment.node(ref, {
        purpose: "storage",
        ...(scope === undefined ? {} : { scope }),
        ...(userAssignedIdentity === undefined ? {} : { userAssignedIdentity }),
        storageOf: hub.ref,
      }),
    );
  }
  expandEndpoints(ref, ws, hubProvisions(topology, hub) ? address.network(hub.key) : undefined, nodes);
}

function expandWorkspace(
  topology: Topology,
  key: string,
  ws: WorkspaceSpec,
  projects: readonly WorkspaceSpec[],
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
      ...(ws.create.storageAccount === undefined ? {} : { storageAccount: ws.create.storageAccount }),
      ...(ws.create.keyVault === undefined ? {} : { keyVault: ws.create.keyVault }),
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

  // A hub's managed network carries its projects' rules too (expand/hubs.ts).
  const reaches = managed ? [ws.reach, ...projects.map((project) => project.reach)] : [ws.reach];
  const reached = reachedServices(reaches, services);

  // The dependencies the spec makes private (or public again), each after what gives the
  // workspace its private path to it.
  const dependencies = dependencyExpansion(ref, ws, nodes);

  let networkAddress: string | undefined;
  let networkNode: ResourceNode | undefined;
  if (managed) {
    // AllowInternetOutbound: public access turns off right before provisioning, which waits for it.
    const before = dependencies.privatePath === "createdWithProvisioning" ? dependencies.add(() => []) : [];
    networkNode = managedRules(ref, reaches, reached, defaults.provision !== "onFirstCompute", nodes, before);
    networkAddress = networkNode?.address;
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
    managedApprovals(ref, reached, networkAddress, nodes, managedPath(paths, ref));
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

  expandEndpoints(ref, ws, networkAddress, nodes);
}

function expandEndpoints(
  ref: WorkspaceRef,
  ws: WorkspaceSpec,
  networkAddress: string | undefined,
  nodes: ResourceNode[],
): void {
  for (const endpointName of Object.keys(ws.endpoints ?? {}).sort()) {
    const endpoint = ws.endpoints![endpointName]!;
    const publicNetworkAccess = endpoint.ingress === "private" ? "Disabled" : "Enabled";
    nodes.push(onlineEndpoint.node(ref, endpointName, { publicNetworkAccess }, networkAddress));
  }
}
