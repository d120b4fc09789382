/**
 * Expansion: Topology -> resource nodes with stable addresses, desired properties, dependencies
 * and lanes. Spec defaults are applied here (provision now, storageRole true, approve true,
 * inference none, unlistedRules keep). The dependencies encode the order Azure needs:
 * workspace settings (public access off) before the rules, rules before provisioning,
 * provisioning before endpoints and approvals; own VNet: private endpoint before its DNS zone
 * group and its approval.
 */

import { roleDefinitionIdOf, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR } from "../kinds/roleAssignment.js";
import type {
  ManagedNetworkProperties,
  NsgRuleProperties,
  OutboundRuleProperties,
  ResourceNode,
  WorkspaceIdentity,
  WorkspaceProperties,
  WorkspaceRef,
} from "../model.js";
import type { ServiceSpec, Topology, WorkspaceSpec } from "../spec/schema.js";
import {
  address,
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

/**
 * Approval of the private-endpoint connection on a reached service, after the step that makes
 * the connection appear (provisioning of the managed network, or the own-VNet private endpoint).
 */
function approvalNode(
  key: string,
  ref: WorkspaceRef,
  serviceName: string,
  service: ServiceSpec,
  via: "managed" | "byo",
  after: string,
): ResourceNode<"privateEndpointApproval"> {
  return {
    address: address.approval(key, serviceName),
    kind: "privateEndpointApproval",
    identity: {
      workspace: ref,
      service: serviceName,
      targetId: service.id,
      approve: service.approve ?? true,
      via,
      ...(service.approvalConnection ? { approvalConnection: service.approvalConnection } : {}),
    },
    properties: { status: "Approved" },
    dependsOn: [after],
  };
}

export function expand(topology: Topology): ResourceNode[] {
  const nodes: ResourceNode[] = [];
  const services = topology.services ?? {};
  // Workspaces sharing an NSG share its rules: the first workspace (by key) owns them.
  const nsgRulesSeen = new Set<string>();
  for (const key of Object.keys(topology.workspaces).sort()) {
    expandWorkspace(topology, key, topology.workspaces[key]!, services, nodes, nsgRulesSeen);
  }
  return nodes;
}

function expandWorkspace(
  topology: Topology,
  key: string,
  ws: WorkspaceSpec,
  services: Record<string, ServiceSpec>,
  nodes: ResourceNode[],
  nsgRulesSeen: Set<string>,
): void {
  const defaults = workspaceDefaults(ws);
  const ref = workspaceRef(topology, key, ws);
  const lane = address.lane(key);
  const managed = ws.network === "managed";
  const workspaceAddress = address.workspace(key);

  const properties: WorkspaceProperties = {
    publicNetworkAccess: ws.ingress === "private" ? "Disabled" : "Enabled",
    isolationMode: managed
      ? ws.egress === "private"
        ? "AllowOnlyApprovedOutbound"
        : "AllowInternetOutbound"
      : "Disabled",
  };
  if (ws.firewallSku !== undefined) properties.firewallSku = ws.firewallSku;
  if (!managed && ws.serverless) {
    properties.serverlessComputeSettings = {
      serverlessComputeCustomSubnet: ws.serverless.subnetId,
      serverlessComputeNoPublicIP: ws.serverless.noPublicIp ?? false,
    };
  }
  const identity: WorkspaceIdentity = { workspace: ref };
  if (ws.create) {
    identity.create = {
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
  nodes.push({ address: workspaceAddress, kind: "workspace", identity, properties, dependsOn: [], lane });

  // Reached services, declared and with a known subresource (rules report the others).
  const reached: Array<{ name: string; service: ServiceSpec; subresource: string }> = [];
  for (const name of [...new Set(ws.reach?.services ?? [])]) {
    const service = services[name];
    const subresource = service ? subresourceOf(service) : undefined;
    if (service && subresource) reached.push({ name, service, subresource });
  }

  let networkAddress: string | undefined;
  if (managed) {
    const ruleAddresses: string[] = [];
    const seen = new Set<string>();
    const addRule = (ruleName: string, rule: OutboundRuleProperties) => {
      if (seen.has(ruleName)) return; // duplicate names are reported by the rules
      seen.add(ruleName);
      const ruleAddress = address.rule(key, ruleName);
      ruleAddresses.push(ruleAddress);
      nodes.push({
        address: ruleAddress,
        kind: "outboundRule",
        identity: { workspace: ref, ruleName },
        properties: rule,
        dependsOn: [workspaceAddress],
        lane,
      });
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
    if (defaults.provision !== "onFirstCompute") {
      networkAddress = address.network(key);
      const network: ManagedNetworkProperties = { status: "Active", hasFqdnRules };
      nodes.push({
        address: networkAddress,
        kind: "managedNetwork",
        identity: { workspace: ref },
        properties: network,
        dependsOn: [workspaceAddress, ...ruleAddresses],
        lane,
      });
    }
  }

  if (defaults.storageRole) {
    nodes.push({
      address: address.storageRole(key),
      kind: "roleAssignment",
      identity: { workspace: ref, ...(ws.create ? { scope: ws.create.storageAccount } : {}) },
      properties: {
        roleDefinitionId: roleDefinitionIdOf(
          topology.subscriptionId,
          STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
        ),
        principalType: "ServicePrincipal",
      },
      dependsOn: [workspaceAddress],
    });
  }

  if (managed) {
    // Without provisioning (onFirstCompute) the managed private endpoints, and so the
    // connections to approve, appear only with the first compute: nothing to approve yet.
    if (networkAddress) {
      for (const { name, service } of reached) {
        nodes.push(approvalNode(key, ref, name, service, "managed", networkAddress));
      }
    }
  } else if (ws.vnet) {
    const vnet = ws.vnet;
    const dnsResourceGroup = vnet.privateDnsZoneResourceGroup ?? topology.resourceGroup;
    for (const { name, service, subresource } of reached) {
      const peAddress = address.privateEndpoint(key, name);
      const peName = privateEndpointName(ref.name, name);
      nodes.push({
        address: peAddress,
        kind: "privateEndpoint",
        identity: {
          workspace: ref,
          service: name,
          name: peName,
          resourceGroup: ref.resourceGroup,
          subscriptionId: ref.subscriptionId,
          ...(topology.location === undefined ? {} : { location: topology.location }),
        },
        properties: { subnetId: vnet.subnetId, targetId: service.id, groupId: subresource },
        dependsOn: [workspaceAddress],
      });
      const zones = PRIVATE_DNS_ZONES[subresource] ?? [];
      if (zones.length > 0) {
        nodes.push({
          address: address.dnsZoneGroup(key, name),
          kind: "privateDnsZoneGroup",
          identity: {
            privateEndpoint: {
              subscriptionId: ref.subscriptionId,
              resourceGroup: ref.resourceGroup,
              name: peName,
            },
          },
          properties: {
            privateDnsZoneIds: zones
              .map((zone) =>
                armIdOf(topology.subscriptionId, dnsResourceGroup, "Microsoft.Network/privateDnsZones", zone),
              )
              .sort(),
          },
          dependsOn: [peAddress],
        });
      }
      nodes.push(approvalNode(key, ref, name, service, "byo", peAddress));
    }
    if (vnet.nsgId) {
      for (const { name, ...rule } of requiredNsgRules(topology.location)) {
        const shared = `${vnet.nsgId.toLowerCase()}|${name}`;
        if (nsgRulesSeen.has(shared)) continue;
        nsgRulesSeen.add(shared);
        nodes.push({
          address: address.nsgRule(key, name),
          kind: "nsgRule",
          identity: { nsgId: vnet.nsgId, ruleName: name },
          properties: rule,
          dependsOn: [],
          // Writes to one NSG conflict in Azure (AnotherOperationInProgress): one at a time.
          lane: `nsg:${vnet.nsgId.toLowerCase()}`,
        });
      }
    }
  }

  for (const endpointName of Object.keys(ws.endpoints ?? {}).sort()) {
    const endpoint = ws.endpoints![endpointName]!;
    nodes.push({
      address: address.endpoint(key, endpointName),
      kind: "onlineEndpoint",
      identity: { workspace: ref, endpointName },
      properties: { publicNetworkAccess: endpoint.ingress === "private" ? "Disabled" : "Enabled" },
      // Online deployments cannot be created before the managed network is provisioned.
      dependsOn: networkAddress ? [workspaceAddress, networkAddress] : [workspaceAddress],
      lane,
    });
  }
}
