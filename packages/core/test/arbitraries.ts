/**
 * fast-check arbitraries for the engine properties: valid topologies over the emulator's
 * names, and actual states consistent with Azure's behaviour (isolation never looser than the
 * spec, rules Active only on a provisioned network, a connection for every Active PE rule).
 */
import fc from "fast-check";
import { expand } from "../src/expand/expand.js";
import type { Topology, WorkspaceSpec } from "../src/spec/schema.js";
import type { MemoryRule, MemoryState, MemoryWorkspace } from "../src/testing/index.js";
import { emptyMemoryState, memoryWorkspace } from "../src/testing/index.js";
import { workspaceArmId } from "../src/testing/memory-provider.js";
import { createBlock, NSG, RG, SUB, SUBNET_COMPUTE, SUBNET_PE, services, VNET } from "./support.js";

const SERVICE_NAMES = ["aoai", "search", "safety"] as const;
const HOSTS = ["pypi.org", "serpapi.com", "*.anaconda.org", "files.example.com:443"];
const subset = <T>(items: readonly T[]) => fc.subarray([...items]);

const managedWorkspace: fc.Arbitrary<WorkspaceSpec> = fc
  .record({
    ingress: fc.constantFrom("public", "private"),
    egress: fc.constantFrom("public", "private"),
    provision: fc.constantFrom("now", "onFirstCompute", undefined),
    services: subset(SERVICE_NAMES),
    hosts: subset(HOSTS),
    tags: fc.boolean(),
    endpoint: fc.option(fc.constantFrom("public", "private"), { nil: undefined }),
    storageRole: fc.constantFrom(true, false, undefined),
    unlistedRules: fc.constantFrom("keep", "delete", undefined),
    create: fc.boolean(),
  })
  .map((r) => {
    const isPrivate = r.egress === "private";
    const ws: WorkspaceSpec = {
      network: "managed",
      ingress: r.ingress as "public" | "private",
      egress: r.egress as "public" | "private",
      authoring: ["serverless"],
      inference: r.endpoint ? "managedOnlineEndpoint" : "none",
      reach: {
        services: r.services,
        ...(isPrivate && r.hosts.length > 0 ? { hosts: r.hosts } : {}),
        ...(isPrivate && r.tags ? { serviceTags: [{ serviceTag: "AzureMonitor" }] } : {}),
      },
    };
    if (isPrivate && r.hosts.length > 0) ws.firewallSku = "Basic";
    if (r.provision) ws.provision = r.provision as "now" | "onFirstCompute";
    if (r.endpoint) ws.endpoints = { "ep-chat": { ingress: r.endpoint as "public" | "private" } };
    if (r.storageRole !== undefined) ws.storageRole = r.storageRole;
    if (r.unlistedRules) ws.unlistedRules = r.unlistedRules as "keep" | "delete";
    if (r.create) ws.create = createBlock;
    return ws;
  });

const byoWorkspace: fc.Arbitrary<WorkspaceSpec> = fc
  .record({
    ingress: fc.constantFrom("public", "private"),
    services: subset(SERVICE_NAMES),
    nsg: fc.boolean(),
    serverless: fc.boolean(),
    storageRole: fc.constantFrom(true, false, undefined),
  })
  .map((r) => {
    const ws: WorkspaceSpec = {
      network: "byo",
      ingress: r.ingress as "public" | "private",
      egress: "public",
      inference: "none",
      vnet: { vnetId: VNET, subnetId: SUBNET_PE, ...(r.nsg ? { nsgId: NSG } : {}) },
      reach: { services: r.services },
    };
    if (r.serverless) {
      ws.authoring = ["serverless"];
      ws.serverless = { subnetId: SUBNET_COMPUTE, noPublicIp: true };
    }
    if (r.storageRole !== undefined) ws.storageRole = r.storageRole;
    return ws;
  });

export const topologyArbitrary: fc.Arbitrary<Topology> = fc
  .uniqueArray(fc.tuple(fc.constantFrom("ws-a", "ws-b", "ws-c"), fc.oneof(managedWorkspace, byoWorkspace)), {
    minLength: 1,
    maxLength: 3,
    selector: ([key]) => key,
  })
  .map((entries) => ({
    version: 1 as const,
    subscriptionId: SUB,
    resourceGroup: RG,
    location: "eastus",
    services: structuredClone(services),
    workspaces: Object.fromEntries(entries),
  }));

const ISOLATION = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"] as const;

/**
 * An actual state for a topology, consistent with what Azure allows. `choices` is a stream of
 * random numbers (fast-check-generated) consumed in order, so shrinking works.
 */
export function actualStateFor(topology: Topology, choices: number[]): MemoryState {
  let cursor = 0;
  const pick = (n: number) => {
    const value = choices[cursor % Math.max(choices.length, 1)] ?? 0;
    cursor++;
    return Math.floor(value * n) % n;
  };
  const chance = (p: number) => pick(1000) < p * 1000;
  const state = emptyMemoryState();
  const nodes = expand(topology);
  const zonesOf = (address: string) => {
    const group = nodes.find((n) => n.address === address);
    return group ? [...(group.properties as { privateDnsZoneIds: string[] }).privateDnsZoneIds] : [];
  };
  for (const [key, spec] of Object.entries(topology.workspaces)) {
    const name = spec.name ?? key;
    if (spec.create && chance(0.5)) continue; // not created yet
    const desired = spec.network === "byo" ? 0 : spec.egress === "private" ? 2 : 1;
    const isolationMode = ISOLATION[pick(desired + 1)]!;
    const ws: MemoryWorkspace = memoryWorkspace({
      subscriptionId: SUB,
      resourceGroup: RG,
      name,
      kind: (spec.kind ?? "default").replace(/^./, (c) => c.toUpperCase()),
      publicNetworkAccess: chance(0.5) ? "Enabled" : "Disabled",
      isolationMode,
      ...(spec.create ? { storageAccount: spec.create.storageAccount, keyVault: spec.create.keyVault } : {}),
    });
    if (chance(0.3)) ws.firewallSku = chance(0.5) ? "Basic" : "Standard";
    const managedOn = isolationMode !== "Disabled";
    ws.networkStatus = managedOn && chance(0.5) ? "Active" : "Inactive";
    const wsId = workspaceArmId(ws).toLowerCase();
    for (const node of nodes) {
      if ((node.identity as { workspace?: { key: string } }).workspace?.key !== key) continue;
      const ruleName = (node.identity as { ruleName?: string }).ruleName;
      switch (node.kind) {
        case "outboundRule": {
          if (!managedOn) break;
          const roll = pick(4);
          if (roll === 0) break; // absent
          const properties = structuredClone(node.properties) as unknown as {
            type: string;
            destination: unknown;
          };
          if (roll === 3) {
            properties.destination =
              properties.type === "FQDN"
                ? "old.example.com"
                : properties.type === "PrivateEndpoint"
                  ? { ...(properties.destination as object), subresourceTarget: "other" }
                  : { ...(properties.destination as object), portRanges: "8443" };
          }
          const active = ws.networkStatus === "Active" && chance(0.8);
          ws.rules[ruleName!] = {
            type: properties.type as MemoryRule["type"],
            destination: properties.destination,
            category: "UserDefined",
            status: active ? "Active" : "Inactive",
          };
          if (active && properties.type === "PrivateEndpoint") {
            const target = (properties.destination as { serviceResourceId: string }).serviceResourceId;
            state.connections.push({
              targetId: target,
              id: `${target}/privateEndpointConnections/seeded-${key}-${ruleName}`,
              status: chance(0.5) ? "Approved" : "Pending",
              source: `${wsId}/outboundrules/${ruleName!.toLowerCase()}`,
            });
          }
          break;
        }
        case "roleAssignment":
          if (chance(0.5)) {
            state.roleAssignments.push({
              scope: (node.identity as { scope?: string }).scope ?? ws.storageAccount,
              principalId: ws.principalId,
              roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${(node.properties as { roleDefinitionId: string }).roleDefinitionId.split("/").at(-1)!.toUpperCase()}`,
              principalType: "ServicePrincipal",
            });
          }
          break;
        case "onlineEndpoint":
          // Existing endpoints block switching managed isolation on (PFN202): only where it is on.
          if (managedOn && chance(0.5))
            ws.onlineEndpoints[(node.identity as { endpointName: string }).endpointName] = {
              publicNetworkAccess: chance(0.5) ? "Enabled" : "Disabled",
            };
          break;
        case "privateEndpoint": {
          if (chance(0.5)) break;
          const identity = node.identity as { name: string; subscriptionId: string; resourceGroup: string };
          const properties = node.properties as { subnetId: string; targetId: string; groupId: string };
          state.privateEndpoints.push({
            ...identity,
            subnetId: chance(0.3) ? SUBNET_COMPUTE : properties.subnetId,
            targetId: properties.targetId.toUpperCase().replace("/SUBSCRIPTIONS/", "/subscriptions/"),
            groupId: properties.groupId,
            ...(chance(0.5)
              ? { dnsZoneGroup: { privateDnsZoneIds: chance(0.5) ? [] : zonesOf(`${node.address}.dns`) } }
              : {}),
          });
          const peId =
            `/subscriptions/${identity.subscriptionId}/resourceGroups/${identity.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${identity.name}`.toLowerCase();
          state.connections.push({
            targetId: properties.targetId,
            id: `${properties.targetId}/privateEndpointConnections/seeded-${identity.name}`,
            status: chance(0.5) ? "Approved" : "Pending",
            source: peId,
          });
          break;
        }
        case "nsgRule": {
          const roll = pick(3);
          if (roll === 0) break;
          const properties = structuredClone(node.properties) as unknown as MemoryState["nsgRules"][number];
          if (roll === 2) properties.priority += 1;
          state.nsgRules.push({
            ...properties,
            nsgId: (node.identity as { nsgId: string }).nsgId,
            name: ruleName!,
          });
          break;
        }
        default:
          break;
      }
    }
    if (managedOn && chance(0.4))
      ws.rules["hand-made"] = {
        type: "FQDN",
        category: "UserDefined",
        destination: "hand.example.com",
        status: "Active",
      };
    if (managedOn && chance(0.5))
      ws.rules["required-aml"] = {
        type: "ServiceTag",
        category: "Required",
        destination: { serviceTag: "AzureMachineLearning" },
        status: "Active",
      };
    state.workspaces.push(ws);
  }
  return state;
}

export const choicesArbitrary = fc.array(fc.double({ min: 0, max: 0.999, noNaN: true }), {
  minLength: 40,
  maxLength: 40,
});
