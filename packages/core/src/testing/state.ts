/**
 * The in-memory "Azure" as plain data: what tests seed, snapshot and compare. The store
 * (store.ts) holds it indexed; this module only says its shape and how to make parts of it.
 */
import type { ComputePlacement, NsgRuleProperties, WorkspaceRef } from "../model.js";
import { hashJson } from "../plan/canonical.js";

export type RuleStatus = "Inactive" | "Active" | "Provisioning" | "Deleting" | "Failed";

export interface MemoryRule {
  type: "FQDN" | "PrivateEndpoint" | "ServiceTag";
  category: "UserDefined" | "Required" | "Recommended" | "Dependency";
  destination: unknown;
  status: RuleStatus;
}

export interface MemoryWorkspace {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  /** As Azure reports it: `Default`, `Hub`, `Project`. */
  kind: string;
  location?: string;
  publicNetworkAccess: "Enabled" | "Disabled";
  isolationMode: "Disabled" | "AllowInternetOutbound" | "AllowOnlyApprovedOutbound";
  firewallSku?: "Basic" | "Standard";
  imageBuildCompute?: string;
  serverlessComputeSettings?: { serverlessComputeCustomSubnet: string; serverlessComputeNoPublicIP: boolean };
  principalId: string;
  /** User-assigned identities attached (ARM id → principal id); the primary one first. */
  userAssignedIdentities?: Record<string, string>;
  storageAccount: string;
  keyVault: string;
  containerRegistry?: string;
  /** A project's hub (ARM id), as Azure reports it. */
  hubResourceId?: string;
  networkStatus: "Inactive" | "Active";
  /** An Azure Firewall exists (created with the first FQDN rule at provisioning). */
  firewall: boolean;
  /** The firewall's public IP, reported (as a workspace fact) while `firewall` is true. Seed it to test outputs. */
  firewallPublicIpAddress?: string;
  rules: Record<string, MemoryRule>;
  /** Computes by name, or with where they sit (the plan-time compute rules read `computePlacement`). */
  computes: Array<string | ComputePlacement>;
  onlineEndpoints: Record<string, { publicNetworkAccess: "Enabled" | "Disabled" }>;
}

export interface MemoryRoleAssignment {
  /** ARM id; when absent, `listRoleAssignments` derives one from scope, principal and role. */
  id?: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
  principalType: string;
}

export interface MemoryConnection {
  /** ARM id of the target resource holding the connection. */
  targetId: string;
  /** ARM id of the connection. */
  id: string;
  status: "Pending" | "Approved" | "Rejected" | "Disconnected";
  /** Who made it: `<workspace id>/outboundRules/<rule>` (managed) or a private endpoint id (own VNet). Lower case. */
  source: string;
}

export interface MemoryPrivateEndpoint {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location?: string;
  subnetId: string;
  targetId: string;
  groupId: string;
  dnsZoneGroup?: { privateDnsZoneIds: string[] };
}

export interface MemoryNsgRule extends NsgRuleProperties {
  nsgId: string;
  name: string;
}

/**
 * A target service's network settings (a CognitiveServices account or a Search service), once
 * written or seeded; a target without one is public and open, as Azure creates it.
 */
export interface MemoryTargetNetwork {
  /** ARM id of the target. */
  targetId: string;
  publicNetworkAccess: "Enabled" | "Disabled";
  /** CognitiveServices only (a Search service denies exactly when it has IP rules). */
  defaultAction?: "Allow" | "Deny";
  ipRules: string[];
  /** CognitiveServices only. */
  bypass?: "AzureServices" | "None";
}

/** A workspace's storage account, key vault or registry, as far as pfnet changes it. */
export interface MemoryDependency {
  /** ARM id. */
  id: string;
  publicNetworkAccess: "Enabled" | "Disabled";
  /** SKU name (a registry below `Premium` cannot be private). */
  sku?: string;
}

/** The whole in-memory "Azure". Plain JSON: seed it, snapshot it, compare it. */
export interface MemoryState {
  workspaces: MemoryWorkspace[];
  roleAssignments: MemoryRoleAssignment[];
  connections: MemoryConnection[];
  privateEndpoints: MemoryPrivateEndpoint[];
  nsgRules: MemoryNsgRule[];
  /** Target services' network settings (absent: every target is public and open). */
  targetNetworks?: MemoryTargetNetwork[];
  /** Dependencies seeded or changed; one no row names reads as public (a registry: Premium). */
  dependencies?: MemoryDependency[];
}

export const emptyMemoryState = (): MemoryState => ({
  workspaces: [],
  roleAssignments: [],
  connections: [],
  privateEndpoints: [],
  nsgRules: [],
});

/** A workspace with sensible defaults (public, isolation Disabled, no rules), for seeding. */
export function memoryWorkspace(
  init: Pick<MemoryWorkspace, "subscriptionId" | "resourceGroup" | "name"> & Partial<MemoryWorkspace>,
): MemoryWorkspace {
  return {
    kind: "Default",
    publicNetworkAccess: "Enabled",
    isolationMode: "Disabled",
    principalId: hashJson(["principal", init.subscriptionId, init.resourceGroup, init.name]).slice(0, 32),
    storageAccount: `/subscriptions/${init.subscriptionId}/resourceGroups/${init.resourceGroup}/providers/Microsoft.Storage/storageAccounts/st${init.name.replace(/[^a-z0-9]/gi, "").toLowerCase()}`,
    keyVault: `/subscriptions/${init.subscriptionId}/resourceGroups/${init.resourceGroup}/providers/Microsoft.KeyVault/vaults/kv-${init.name}`,
    networkStatus: "Inactive",
    firewall: false,
    rules: {},
    computes: [],
    onlineEndpoints: {},
    ...init,
  };
}

type ArmName = Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">;

export const workspaceArmId = (ref: ArmName) =>
  `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.name}`;

export const privateEndpointArmId = (pe: ArmName) =>
  `/subscriptions/${pe.subscriptionId}/resourceGroups/${pe.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${pe.name}`;

/**
 * A small seeded generator (mulberry32) of numbers in [0, 1): reproducible failure injection
 * in the provider, reproducible random inputs in tests.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
