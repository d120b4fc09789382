/**
 * Microsoft.MachineLearningServices workspaces: the workspace record with what lives in it
 * (managed network settings, rule map, computes, online endpoints), lookups, creation, removal and
 * seeding. The rule map's rules are in `outbound-rules.ts`, the managed network's life in
 * `managed-network.ts`.
 */
import type { IsolationMode, SeedWorkspace } from "../../seed.js";
import { isObject, type Json, type JsonObject, key, notFound, str } from "../../util.js";
import type { Model } from "../model.js";
import { deleteConnections } from "../targets.js";
import { completeProvisioning } from "./managed-network.js";
import { type RuleState, ruleFromBody } from "./outbound-rules.js";

export const ML = "Microsoft.MachineLearningServices";
export const WORKSPACE_TYPE = `${ML}/workspaces`;

export interface ComputeState {
  name: string;
  location: string;
  body: JsonObject;
  provisioningState: string;
}

export interface EndpointState {
  name: string;
  location: string;
  kind?: string;
  identity?: Json;
  tags?: Json;
  properties: JsonObject;
  provisioningState: string;
  deployments: Map<string, { name: string; location: string; body: JsonObject; provisioningState: string }>;
}

export interface ManagedNetworkState {
  isolationMode: IsolationMode;
  networkId: string;
  status: "Inactive" | "Active";
  sparkReady: boolean;
  firewallSku?: string;
  managedNetworkKind?: string;
  enableFirewallLog?: boolean;
  enableNetworkMonitor?: boolean;
  /** The Azure Firewall exists (created with the first FQDN rule). */
  firewall: boolean;
  /** Operation id of a provisioning in progress. */
  provisioningOp?: string;
}

export interface WorkspaceState {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  kind?: string;
  sku?: Json;
  tags?: Json;
  identityType: string;
  userAssignedIdentities?: Json;
  principalId?: string;
  workspaceId: string;
  /** Stored `properties` except the ones modelled below. */
  properties: JsonObject;
  publicNetworkAccess: string;
  provisioningState: string;
  etag: string;
  byoVnet: boolean;
  managedNetwork: ManagedNetworkState;
  rules: Map<string, RuleState>;
  computes: Map<string, ComputeState>;
  endpoints: Map<string, EndpointState>;
  /** End of the current rule-map write window (race simulation). */
  ruleWriteUntil: number;
  /** What `Workspaces_Diagnose` reports, by result list (set by tests; empty lists otherwise). */
  diagnosis?: Record<string, Json[]>;
  /** What `Workspaces_ListOutboundNetworkDependenciesEndpoints` answers (`value`); default the spec's example. */
  outboundDependencies?: Json[];
}

export function workspaceArmId(sub: string, rg: string, name: string): string {
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${WORKSPACE_TYPE}/${name}`;
}

export function findWorkspace(
  model: Model,
  sub: string,
  rg: string,
  name: string,
): WorkspaceState | undefined {
  return model.workspaces.get(key(workspaceArmId(sub, rg, name)));
}

/** Finds a workspace by name (first match), or by full ARM id. */
export function workspaceByName(model: Model, nameOrId: string): WorkspaceState | undefined {
  if (nameOrId.startsWith("/")) return model.workspaces.get(key(nameOrId));
  return [...model.workspaces.values()].find((w) => key(w.name) === key(nameOrId));
}

export function workspaceAt(model: Model, sub: string, rg: string, name: string): WorkspaceState {
  model.checkScope(sub, rg);
  const ws = findWorkspace(model, sub, rg, name);
  if (!ws) throw notFound(WORKSPACE_TYPE, name, rg);
  return ws;
}

export function createWorkspaceRecord(
  model: Model,
  input: {
    resourceGroup: string;
    name: string;
    location: string;
    identityType: string;
    principalId?: string;
    principalAgeMs: number;
    publicNetworkAccess: string;
    isolationMode: IsolationMode;
    byoVnet: boolean;
    properties: JsonObject;
    kind?: string;
    sku?: Json;
    tags?: Json;
    userAssignedIdentities?: Json;
  },
): WorkspaceState {
  let principalId: string | undefined;
  if (input.identityType.includes("SystemAssigned")) {
    principalId = input.principalId ?? model.prng.guid();
    const age = Number.isFinite(input.principalAgeMs) ? input.principalAgeMs : 24 * 3600_000;
    model.principals.set(key(principalId), model.clock.now() - age);
  }
  const ws: WorkspaceState = {
    id: workspaceArmId(model.subscriptionId, input.resourceGroup, input.name),
    subscriptionId: model.subscriptionId,
    resourceGroup: input.resourceGroup,
    name: input.name,
    location: input.location,
    ...(input.kind !== undefined ? { kind: input.kind } : {}),
    ...(input.sku !== undefined ? { sku: input.sku } : {}),
    ...(input.tags !== undefined ? { tags: input.tags } : {}),
    identityType: input.identityType,
    ...(input.userAssignedIdentities !== undefined
      ? { userAssignedIdentities: input.userAssignedIdentities }
      : {}),
    ...(principalId ? { principalId } : {}),
    workspaceId: model.prng.guid(),
    properties: input.properties,
    publicNetworkAccess: input.publicNetworkAccess,
    provisioningState: "Creating",
    etag: model.newEtag(),
    byoVnet: input.byoVnet,
    managedNetwork: {
      isolationMode: input.isolationMode,
      networkId: model.prng.guid(),
      status: "Inactive",
      sparkReady: false,
      firewall: false,
    },
    rules: new Map(),
    computes: new Map(),
    endpoints: new Map(),
    ruleWriteUntil: 0,
  };
  model.workspaces.set(key(ws.id), ws);
  // A hidden resource record holds the workspace's own (inbound) private-endpoint connections.
  model.putResource({
    id: ws.id,
    name: ws.name,
    type: WORKSPACE_TYPE,
    resourceGroup: ws.resourceGroup,
    location: ws.location,
    properties: {},
  });
  return ws;
}

/** The workspace changed: a new etag. */
export function touchWorkspace(model: Model, ws: WorkspaceState): void {
  ws.etag = model.newEtag();
}

export function removeWorkspace(model: Model, ws: WorkspaceState): void {
  model.workspaces.delete(key(ws.id));
  model.resources.delete(key(ws.id));
  deleteConnections(model, (c) => c.workspaceId === ws.id);
  if (ws.principalId) model.principals.delete(key(ws.principalId));
}

/** Seeded user-assigned identities: by ARM id, a principal (replicated long ago) and a client id each. */
function seededIdentities(model: Model, names: readonly string[], rg: string): Json {
  const out: JsonObject = {};
  for (const name of names) {
    const principalId = model.prng.guid();
    model.principals.set(key(principalId), Number.NEGATIVE_INFINITY);
    out[model.resolveId(name, rg, "Microsoft.ManagedIdentity/userAssignedIdentities")] = {
      principalId,
      clientId: model.prng.guid(),
    };
  }
  return out;
}

/**
 * The principal the workspace accesses its resources with: its `primaryUserAssignedIdentity`'s
 * (workspaceRP.json: "the user assigned identity resource id that represents the workspace
 * identity") when set, else the system-assigned identity's.
 */
export function workspacePrincipal(ws: WorkspaceState): string | undefined {
  const primary = str(ws.properties.primaryUserAssignedIdentity);
  if (primary === undefined) return ws.principalId;
  const identities = isObject(ws.userAssignedIdentities) ? ws.userAssignedIdentities : {};
  const entry = Object.entries(identities).find(([id]) => key(id) === key(primary))?.[1];
  return isObject(entry) ? str(entry.principalId) : undefined;
}

/** A seeded workspace: Succeeded, its identity old enough to be replicated, optionally provisioned. */
export function seedWorkspace(model: Model, seedWs: SeedWorkspace, rg: string, location: string): void {
  model.ensureResourceGroup(rg);
  const ws = createWorkspaceRecord(model, {
    resourceGroup: rg,
    name: seedWs.name,
    location: seedWs.location ?? location,
    identityType: seedWs.identityType ?? (seedWs.userAssignedIdentities ? "UserAssigned" : "SystemAssigned"),
    principalId: seedWs.principalId,
    ...(seedWs.userAssignedIdentities
      ? { userAssignedIdentities: seededIdentities(model, seedWs.userAssignedIdentities, rg) }
      : {}),
    principalAgeMs: Number.POSITIVE_INFINITY,
    publicNetworkAccess: seedWs.publicNetworkAccess ?? "Enabled",
    isolationMode: seedWs.isolationMode ?? "Disabled",
    byoVnet: seedWs.byoVnet ?? false,
    ...(seedWs.kind !== undefined ? { kind: seedWs.kind } : {}),
    properties: {
      ...(seedWs.hubResourceId
        ? { hubResourceId: model.resolveId(seedWs.hubResourceId, rg, WORKSPACE_TYPE) }
        : {}),
      storageAccount: model.resolveId(seedWs.storageAccount, rg, "Microsoft.Storage/storageAccounts"),
      keyVault: model.resolveId(seedWs.keyVault, rg, "Microsoft.KeyVault/vaults"),
      ...(seedWs.containerRegistry
        ? {
            containerRegistry: model.resolveId(
              seedWs.containerRegistry,
              rg,
              "Microsoft.ContainerRegistry/registries",
            ),
          }
        : {}),
      ...(seedWs.applicationInsights
        ? {
            applicationInsights: model.resolveId(
              seedWs.applicationInsights,
              rg,
              "Microsoft.Insights/components",
            ),
          }
        : {}),
      ...(seedWs.byoVnet
        ? {
            serverlessComputeSettings: {
              serverlessComputeCustomSubnet: `${model.rgId(rg)}/providers/Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-compute`,
              serverlessComputeNoPublicIP: true,
            },
          }
        : {}),
      ...(seedWs.userAssignedIdentities?.[0]
        ? {
            primaryUserAssignedIdentity: model.resolveId(
              seedWs.userAssignedIdentities[0],
              rg,
              "Microsoft.ManagedIdentity/userAssignedIdentities",
            ),
          }
        : {}),
      ...(seedWs.properties ?? {}),
    },
  });
  ws.provisioningState = "Succeeded";
  for (const [name, rule] of Object.entries(seedWs.outboundRules ?? {})) {
    ws.rules.set(key(name), ruleFromBody(name, rule, "Inactive"));
  }
  for (const c of seedWs.computes ?? []) {
    ws.computes.set(key(c.name), {
      name: c.name,
      location: ws.location,
      provisioningState: "Succeeded",
      body: { computeType: c.computeType, ...(c.properties ?? {}) },
    });
  }
  for (const e of seedWs.onlineEndpoints ?? []) {
    ws.endpoints.set(key(e.name), {
      name: e.name,
      location: ws.location,
      provisioningState: "Succeeded",
      properties: {
        authMode: "Key",
        publicNetworkAccess: e.publicNetworkAccess ?? "Enabled",
        ...(e.compute ? { compute: e.compute } : {}),
      },
      deployments: new Map(),
    });
  }
  if (seedWs.networkProvisioned && ws.managedNetwork.isolationMode !== "Disabled")
    completeProvisioning(model, ws, false);
}
