/**
 * An in-memory provider with Azure-like semantics, for pfnet's tests and for embedders' tests.
 *
 * Behaviours it reproduces (so tests catch ordering bugs): outbound rules need a workspace with
 * managed isolation, FQDN and service-tag rules need AllowOnlyApprovedOutbound; rules written
 * before provisioning stay Inactive until the network is provisioned; provisioning makes the
 * network and every rule Active and creates the private-endpoint connections on the targets
 * (Pending for `pendingApprovalTargets`, which the caller may not approve; Approved otherwise);
 * approvals need the connection to exist; isolation modes only tighten;
 * concurrent writes to one workspace fail with a conflict (what lanes prevent).
 *
 * Injectable: latency (honours the signal), failures by address (first N attempts or always)
 * and by chance (seeded), read-after-write lag.
 */
import { setTimeout as delay } from "node:timers/promises";
import { PfnetError } from "../errors.js";
import { address as addressOf, privateEndpointName } from "../expand/names.js";
import {
  type ActualResource,
  type DiscoveredResource,
  type NsgRuleProperties,
  type ResourceNode,
  type RoleAssignmentSeen,
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
  type WorkspaceRef,
} from "../model.js";
import { hashJson } from "../plan/canonical.js";
import type { PlanStep } from "../plan/types.js";
import type {
  Inventory,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceGroupScope,
  StepResult,
} from "../provider.js";

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
  serverlessComputeSettings?: { serverlessComputeCustomSubnet: string; serverlessComputeNoPublicIP: boolean };
  principalId: string;
  storageAccount: string;
  keyVault: string;
  containerRegistry?: string;
  networkStatus: "Inactive" | "Active";
  /** An Azure Firewall exists (created with the first FQDN rule at provisioning). */
  firewall: boolean;
  /** The firewall's public IP, reported (as a workspace fact) while `firewall` is true. Seed it to test outputs. */
  firewallPublicIpAddress?: string;
  rules: Record<string, MemoryRule>;
  computes: string[];
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

/** The whole in-memory "Azure". Plain JSON: seed it, snapshot it, compare it. */
export interface MemoryState {
  workspaces: MemoryWorkspace[];
  roleAssignments: MemoryRoleAssignment[];
  connections: MemoryConnection[];
  privateEndpoints: MemoryPrivateEndpoint[];
  nsgRules: MemoryNsgRule[];
}

export interface MemoryProviderOptions {
  /** Actual state to start from (copied). */
  state?: Partial<MemoryState>;
  /** Duration of each write step, in milliseconds (real time). */
  latencyMs?: number | ((step: PlanStep) => number);
  /** Fail a step's first N attempts, or always. */
  failures?: Record<string, number | "always">;
  /** Chance (0..1) that a write step fails; drawn from the seeded generator. */
  failureRate?: number;
  /** Seed of the generator behind `failureRate` and generated principal ids (default 1). */
  seed?: number;
  /** Reads return the previous version of a resource for this long after a write. */
  readLagMs?: number;
  /** Targets (ARM ids) whose private-endpoint connections stay Pending and may not be approved by the caller. */
  pendingApprovalTargets?: string[];
}

/** One write the provider executed (for tests: ordering, overlap, concurrency). */
export interface MemoryWrite {
  address: string;
  action: string;
  kind: string;
  startedAt: number;
  finishedAt: number;
  ok: boolean;
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

export const workspaceArmId = (ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">) =>
  `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.name}`;

const privateEndpointArmId = (pe: { subscriptionId: string; resourceGroup: string; name: string }) =>
  `/subscriptions/${pe.subscriptionId}/resourceGroups/${pe.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${pe.name}`;

const lower = (value: string) => value.toLowerCase();
/** Destinations are a string or a flat object: a shallow copy isolates readers from the state. */
const copyDestination = (destination: unknown) =>
  destination !== null && typeof destination === "object" ? { ...(destination as object) } : destination;
const workspaceKey = (ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">) =>
  `${ref.subscriptionId}/${ref.resourceGroup}/${ref.name}`.toLowerCase();
/** Index key of a connection: target plus its owner (the workspace for managed rules, else the private endpoint). */
const connectionKey = (targetId: string, source: string) => {
  const cut = source.indexOf("/outboundrules/");
  return `${lower(targetId)}|${cut < 0 ? source : source.slice(0, cut)}`;
};
const guidOf = (id: string) => lower(/([0-9a-f-]{36})\/?$/i.exec(id)?.[1] ?? id);
/**
 * Content hash of a stored resource (objects are built in a fixed key order, so JSON is stable).
 * A fast non-cryptographic 53-bit hash (cyrb53): fingerprints detect change, they protect nothing.
 */
function fingerprint(value: unknown): string {
  const text = JSON.stringify(value);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16).padStart(14, "0");
}
const roleKey = (lowerScope: string, principalId: string) => `${lowerScope}|${principalId}`;

const ABSENT: ActualResource = { exists: false, fingerprint: "absent" };
const ISOLATION_ORDER = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"];

/**
 * A small seeded generator (mulberry32) of numbers in [0, 1): reproducible failure injection
 * here, reproducible random inputs in tests.
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

/** Abortable sleep: an abort (before or during) rejects with ABORTED. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw new PfnetError("ABORTED", "Aborted.", { cause: signal.reason });
    throw error;
  }
}

const fail = (address: string, message: string, details?: Record<string, unknown>) =>
  new PfnetError("PROVIDER_ERROR", `${address}: ${message}`, { address, ...(details ? { details } : {}) });

type Identity = Record<string, unknown>;
const refOf = (identity: Identity) => identity.workspace as WorkspaceRef;

export class MemoryProvider implements Provider {
  readonly name = "memory";
  #state: MemoryState;
  readonly #options: MemoryProviderOptions;
  readonly #random: () => number;
  readonly #attempts = new Map<string, number>();
  readonly #lagged = new Map<string, { until: number; snapshot: ActualResource }>();
  readonly #busyWorkspaces = new Set<string>();
  readonly #writes: MemoryWrite[] = [];
  #principalCounter = 0;
  /** Number of `read` and `apply` calls (tests assert "nothing was written"). */
  readonly calls = { read: 0, apply: 0 };

  constructor(options: MemoryProviderOptions = {}) {
    this.#options = options;
    this.#state = { ...emptyMemoryState(), ...structuredClone(options.state ?? {}) };
    this.#random = seededRandom(options.seed ?? 1);
  }

  /** A deep copy of the current state. */
  state(): MemoryState {
    return structuredClone(this.#state);
  }

  /** Change the state directly (drift made outside pfnet). */
  update(mutate: (state: MemoryState) => void): void {
    this.#dropIndexes();
    mutate(this.#state);
    this.#dropIndexes();
  }

  /** Writes executed so far, in start order. */
  writes(): MemoryWrite[] {
    return this.#writes.map((write) => ({ ...write }));
  }

  /**
   * Set the actual properties of the resource a node names (null removes it), as if someone
   * changed it outside pfnet. For outbound rules, `status` may be given beside the properties.
   */
  setResource(
    node: Pick<ResourceNode, "kind" | "identity">,
    properties: Record<string, unknown> | null,
  ): void {
    this.#dropIndexes();
    try {
      this.#setResource(node, properties);
    } finally {
      this.#dropIndexes();
    }
  }

  #setResource(
    node: Pick<ResourceNode, "kind" | "identity">,
    properties: Record<string, unknown> | null,
  ): void {
    const identity = node.identity as unknown as Identity;
    const state = this.#state;
    switch (node.kind) {
      case "workspace": {
        const ref = refOf(identity);
        const index = this.#workspaceIndex(ref);
        if (properties === null) {
          if (index >= 0) state.workspaces.splice(index, 1);
          return;
        }
        if (index >= 0) Object.assign(state.workspaces[index]!, properties);
        else state.workspaces.push(memoryWorkspace({ ...ref, ...(properties as Partial<MemoryWorkspace>) }));
        return;
      }
      case "outboundRule": {
        const ws = this.#requireWorkspace(refOf(identity), "setResource");
        const ruleName = String(identity.ruleName);
        if (properties === null) delete ws.rules[ruleName];
        else
          ws.rules[ruleName] = {
            status: "Active",
            ...(properties as Omit<MemoryRule, "status">),
          } as MemoryRule;
        return;
      }
      case "managedNetwork": {
        const ws = this.#requireWorkspace(refOf(identity), "setResource");
        if (properties?.status === "Active" || properties?.status === "Inactive")
          ws.networkStatus = properties.status;
        return;
      }
      case "roleAssignment": {
        const ws = this.#findWorkspace(refOf(identity));
        const scope = String(identity.scope ?? ws?.storageAccount ?? "");
        state.roleAssignments = state.roleAssignments.filter(
          (assignment) =>
            !(lower(assignment.scope) === lower(scope) && assignment.principalId === ws?.principalId),
        );
        if (properties && ws) {
          state.roleAssignments.push({
            scope,
            principalId: ws.principalId,
            roleDefinitionId: String(properties.roleDefinitionId),
            principalType: String(properties.principalType ?? "ServicePrincipal"),
          });
        }
        return;
      }
      case "privateEndpointApproval": {
        const connection = this.#findConnection(identity);
        if (connection && properties) connection.status = properties.status as MemoryConnection["status"];
        if (connection && properties === null)
          state.connections.splice(state.connections.indexOf(connection), 1);
        return;
      }
      case "onlineEndpoint": {
        const ws = this.#requireWorkspace(refOf(identity), "setResource");
        const name = String(identity.endpointName);
        if (properties === null) delete ws.onlineEndpoints[name];
        else
          ws.onlineEndpoints[name] = {
            publicNetworkAccess: properties.publicNetworkAccess as "Enabled" | "Disabled",
          };
        return;
      }
      case "privateEndpoint": {
        const index = this.#privateEndpointIndex(identity as unknown as MemoryPrivateEndpoint);
        if (properties === null) {
          if (index >= 0) state.privateEndpoints.splice(index, 1);
          return;
        }
        const base = index >= 0 ? state.privateEndpoints[index]! : undefined;
        const next = {
          ...(base ?? {
            subscriptionId: String(identity.subscriptionId),
            resourceGroup: String(identity.resourceGroup),
            name: String(identity.name),
          }),
          ...(properties as Pick<MemoryPrivateEndpoint, "subnetId" | "targetId" | "groupId">),
        };
        if (index >= 0) state.privateEndpoints[index] = next;
        else state.privateEndpoints.push(next);
        return;
      }
      case "privateDnsZoneGroup": {
        const pe =
          state.privateEndpoints[
            this.#privateEndpointIndex(identity.privateEndpoint as MemoryPrivateEndpoint)
          ];
        if (!pe) throw new Error("setResource: the private endpoint of the DNS zone group does not exist");
        if (properties === null) delete pe.dnsZoneGroup;
        else pe.dnsZoneGroup = { privateDnsZoneIds: [...(properties.privateDnsZoneIds as string[])] };
        return;
      }
      case "nsgRule": {
        const nsgId = String(identity.nsgId);
        const name = String(identity.ruleName);
        state.nsgRules = state.nsgRules.filter(
          (rule) => !(lower(rule.nsgId) === lower(nsgId) && rule.name === name),
        );
        if (properties) state.nsgRules.push({ ...(properties as unknown as NsgRuleProperties), nsgId, name });
        return;
      }
    }
  }

  // ------------------------------------------------------------------ lookups

  /** Lookup indexes, rebuilt lazily; dropped whenever the state may change. */
  #indexes:
    | { workspaces: Map<string, MemoryWorkspace>; connections: Map<string, MemoryConnection[]> }
    | undefined;

  #dropIndexes(): void {
    this.#indexes = undefined;
    this.#roles = undefined;
    this.#etags = new WeakMap();
  }

  /**
   * Role assignments by `lower(scope)|principalId`, rebuilt lazily; dropped with the indexes and
   * kept up to date by apply's role writes. Without it every role read scanned every assignment
   * (quadratic in the fleet: 5,000 workspaces meant 25 million comparisons per plan).
   */
  #roles: Map<string, MemoryRoleAssignment[]> | undefined;

  #rolesAt(scope: string, principalId: string): MemoryRoleAssignment[] {
    if (!this.#roles) {
      this.#roles = new Map();
      for (const assignment of this.#state.roleAssignments) this.#indexRole(assignment);
    }
    return this.#roles.get(roleKey(lower(scope), principalId)) ?? [];
  }

  #indexRole(assignment: MemoryRoleAssignment): void {
    const key = roleKey(lower(assignment.scope), assignment.principalId);
    const list = this.#roles?.get(key);
    if (list) list.push(assignment);
    else this.#roles?.set(key, [assignment]);
  }

  /** Etags: computed once per stored object and dropped with the indexes (Azure stores etags too). */
  #etags = new WeakMap<object, Map<string, string>>();

  #etag(owner: object, tag: string, content: () => unknown): string {
    let byTag = this.#etags.get(owner);
    if (!byTag) {
      byTag = new Map();
      this.#etags.set(owner, byTag);
    }
    let etag = byTag.get(tag);
    if (etag === undefined) {
      etag = fingerprint(content());
      byTag.set(tag, etag);
    }
    return etag;
  }

  #index() {
    if (!this.#indexes) {
      const workspaces = new Map<string, MemoryWorkspace>();
      for (const ws of this.#state.workspaces) workspaces.set(workspaceKey(ws), ws);
      const connections = new Map<string, MemoryConnection[]>();
      for (const connection of this.#state.connections) {
        const target = connectionKey(connection.targetId, connection.source);
        const list = connections.get(target);
        if (list) list.push(connection);
        else connections.set(target, [connection]);
      }
      this.#indexes = { workspaces, connections };
    }
    return this.#indexes;
  }

  #workspaceIndex(ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">): number {
    const id = lower(workspaceArmId(ref));
    return this.#state.workspaces.findIndex((ws) => lower(workspaceArmId(ws)) === id);
  }

  #findWorkspace(
    ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">,
  ): MemoryWorkspace | undefined {
    return this.#index().workspaces.get(this.#workspaceKeyOf(ref));
  }

  /** Workspace keys by ref object, only while one `read` runs (its nodes share their refs). */
  #readKeys: Map<object, string> | undefined;

  #workspaceKeyOf(ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">): string {
    const keys = this.#readKeys;
    if (!keys) return workspaceKey(ref);
    let key = keys.get(ref);
    if (key === undefined) {
      key = workspaceKey(ref);
      keys.set(ref, key);
    }
    return key;
  }

  #requireWorkspace(ref: WorkspaceRef, address: string): MemoryWorkspace {
    const ws = this.#findWorkspace(ref);
    if (!ws) {
      throw new PfnetError(
        "WORKSPACE_NOT_FOUND",
        `${address}: workspace ${ref.name} does not exist in ${ref.resourceGroup}.`,
        {
          address,
        },
      );
    }
    return ws;
  }

  #privateEndpointIndex(pe: { subscriptionId: string; resourceGroup: string; name: string }): number {
    const id = lower(privateEndpointArmId(pe));
    return this.#state.privateEndpoints.findIndex(
      (candidate) => lower(privateEndpointArmId(candidate)) === id,
    );
  }

  #connectionSource(identity: Identity): string {
    const ref = refOf(identity);
    if (identity.via === "byo") {
      return lower(
        privateEndpointArmId({
          subscriptionId: ref.subscriptionId,
          resourceGroup: ref.resourceGroup,
          name: privateEndpointName(ref.name, String(identity.service)),
        }),
      );
    }
    const sources = this.#readSources;
    if (!sources) return lower(workspaceArmId(ref));
    let source = sources.get(ref);
    if (source === undefined) {
      source = lower(workspaceArmId(ref));
      sources.set(ref, source);
    }
    return source;
  }

  /** Connection sources by ref object, only while one `read` runs. */
  #readSources: Map<object, string> | undefined;

  #findConnection(identity: Identity): MemoryConnection | undefined {
    const source = this.#connectionSource(identity);
    return this.#index().connections.get(connectionKey(String(identity.targetId), source))?.[0];
  }

  #ensureConnection(targetId: string, source: string): void {
    const key = connectionKey(targetId, source);
    const sameOwner = this.#index().connections.get(key);
    if (sameOwner?.some((c) => c.source === source)) return;
    const pending = (this.#options.pendingApprovalTargets ?? []).some(
      (target) => lower(target) === lower(targetId),
    );
    const name = hashJson([targetId, source]).slice(0, 12);
    const connection: MemoryConnection = {
      targetId,
      id: `${targetId}/privateEndpointConnections/pfnet-${name}`,
      status: pending ? "Pending" : "Approved",
      source,
    };
    this.#state.connections.push(connection);
    // Keep the index current rather than dropping it: rebuilding it after every write made an
    // apply quadratic in the number of workspaces.
    if (sameOwner) sameOwner.push(connection);
    else this.#index().connections.set(key, [connection]);
  }

  // ------------------------------------------------------------------ read

  /** Where a node's state lives (lag bookkeeping). */
  #resourceKey(kind: string, identity: Identity): string {
    switch (kind) {
      case "workspace":
        return `ws|${lower(workspaceArmId(refOf(identity)))}`;
      case "outboundRule":
        return `rule|${lower(workspaceArmId(refOf(identity)))}|${String(identity.ruleName)}`;
      case "managedNetwork":
        return `net|${lower(workspaceArmId(refOf(identity)))}`;
      case "roleAssignment":
        return `role|${lower(workspaceArmId(refOf(identity)))}`;
      case "privateEndpointApproval":
        return `approval|${lower(workspaceArmId(refOf(identity)))}|${String(identity.service)}`;
      case "onlineEndpoint":
        return `endpoint|${lower(workspaceArmId(refOf(identity)))}|${String(identity.endpointName)}`;
      case "privateEndpoint":
        return `pe|${lower(privateEndpointArmId(identity as unknown as MemoryPrivateEndpoint))}`;
      case "privateDnsZoneGroup":
        return `dns|${lower(privateEndpointArmId(identity.privateEndpoint as MemoryPrivateEndpoint))}`;
      default:
        return `nsg|${lower(String(identity.nsgId))}|${String(identity.ruleName)}`;
    }
  }

  #ruleResource(rule: MemoryRule): ActualResource {
    const properties = {
      type: rule.type,
      category: rule.category,
      destination: copyDestination(rule.destination),
    };
    return {
      exists: true,
      properties,
      facts: { status: rule.status },
      fingerprint: this.#etag(rule, "rule", () => ({ ...properties, status: rule.status })),
    };
  }

  #readNow(kind: string, identity: Identity): ActualResource {
    const state = this.#state;
    switch (kind) {
      case "workspace": {
        const ws = this.#findWorkspace(refOf(identity));
        if (!ws) return ABSENT;
        const properties: Record<string, unknown> = {
          publicNetworkAccess: ws.publicNetworkAccess,
          isolationMode: ws.isolationMode,
        };
        if (ws.firewallSku !== undefined) properties.firewallSku = ws.firewallSku;
        if (ws.serverlessComputeSettings !== undefined)
          properties.serverlessComputeSettings = { ...ws.serverlessComputeSettings };
        const facts = {
          principalId: ws.principalId,
          storageAccount: ws.storageAccount,
          keyVault: ws.keyVault,
          ...(ws.containerRegistry === undefined ? {} : { containerRegistry: ws.containerRegistry }),
          networkStatus: ws.networkStatus,
          computes: [...ws.computes],
          onlineEndpoints: Object.keys(ws.onlineEndpoints).sort(),
          kind: ws.kind,
          ...(ws.firewall && ws.firewallPublicIpAddress !== undefined
            ? { firewallPublicIpAddress: ws.firewallPublicIpAddress }
            : {}),
        };
        return {
          exists: true,
          properties,
          facts,
          fingerprint: this.#etag(ws, "workspace", () => ({
            properties,
            principalId: ws.principalId,
            kind: ws.kind,
          })),
        };
      }
      case "outboundRule": {
        const rule = this.#findWorkspace(refOf(identity))?.rules[String(identity.ruleName)];
        return rule ? this.#ruleResource(rule) : ABSENT;
      }
      case "managedNetwork": {
        const ws = this.#findWorkspace(refOf(identity));
        if (!ws) return ABSENT;
        const ruleStatuses: Record<string, RuleStatus> = {};
        for (const name of Object.keys(ws.rules)) {
          if (name === "__proto__")
            Object.defineProperty(ruleStatuses, name, {
              value: ws.rules[name]!.status,
              enumerable: true,
              writable: true,
              configurable: true,
            });
          else ruleStatuses[name] = ws.rules[name]!.status;
        }
        const properties = { status: ws.networkStatus, hasFqdnRules: ws.firewall };
        return {
          exists: true,
          properties,
          facts: { ruleStatuses },
          fingerprint: this.#etag(ws, "network", () => ({ ...properties, ruleStatuses })),
        };
      }
      case "roleAssignment": {
        const ws = this.#findWorkspace(refOf(identity));
        if (!ws) return ABSENT;
        const assignment = this.#rolesAt(String(identity.scope ?? ws.storageAccount), ws.principalId).find(
          (candidate) => guidOf(candidate.roleDefinitionId) === STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
        );
        if (!assignment) return ABSENT;
        const properties = {
          roleDefinitionId: assignment.roleDefinitionId,
          principalType: assignment.principalType,
        };
        return {
          exists: true,
          properties,
          facts: { principalId: ws.principalId, scope: assignment.scope },
          fingerprint: this.#etag(assignment, "role", () => assignment),
        };
      }
      case "privateEndpointApproval": {
        const connection = this.#findConnection(identity);
        if (!connection) return ABSENT;
        return {
          exists: true,
          properties: { status: connection.status },
          facts: { connectionId: connection.id, status: connection.status },
          fingerprint: this.#etag(connection, "connection", () => connection),
        };
      }
      case "onlineEndpoint": {
        const endpoint = this.#findWorkspace(refOf(identity))?.onlineEndpoints[String(identity.endpointName)];
        return endpoint
          ? {
              exists: true,
              properties: { ...endpoint },
              fingerprint: this.#etag(endpoint, "endpoint", () => endpoint),
            }
          : ABSENT;
      }
      case "privateEndpoint": {
        const pe =
          state.privateEndpoints[this.#privateEndpointIndex(identity as unknown as MemoryPrivateEndpoint)];
        if (!pe) return ABSENT;
        const properties = { subnetId: pe.subnetId, targetId: pe.targetId, groupId: pe.groupId };
        return { exists: true, properties, fingerprint: fingerprint(properties) };
      }
      case "privateDnsZoneGroup": {
        const pe =
          state.privateEndpoints[
            this.#privateEndpointIndex(identity.privateEndpoint as MemoryPrivateEndpoint)
          ];
        if (!pe?.dnsZoneGroup) return ABSENT;
        const properties = { privateDnsZoneIds: [...pe.dnsZoneGroup.privateDnsZoneIds].sort() };
        return { exists: true, properties, fingerprint: fingerprint(properties) };
      }
      case "nsgRule": {
        const nsgId = lower(String(identity.nsgId));
        const rule = state.nsgRules.find(
          (candidate) => lower(candidate.nsgId) === nsgId && candidate.name === identity.ruleName,
        );
        if (!rule) return ABSENT;
        const { nsgId: _nsg, name: _name, ...properties } = rule;
        return {
          exists: true,
          properties: structuredClone(properties),
          fingerprint: fingerprint(properties),
        };
      }
      default:
        return ABSENT;
    }
  }

  #read(kind: string, identity: Identity): ActualResource {
    if (this.#lagged.size === 0) return this.#readNow(kind, identity);
    const lagged = this.#lagged.get(this.#resourceKey(kind, identity));
    if (lagged && lagged.until > performance.now()) return lagged.snapshot;
    return this.#readNow(kind, identity);
  }

  #readNodes(
    nodes: readonly ResourceNode[],
    resources: Record<string, ActualResource>,
    requestedRules: Map<string, Set<string>>,
    workspaces: Map<string, WorkspaceRef>,
  ): void {
    for (const node of nodes) {
      const identity = node.identity as unknown as Identity;
      resources[node.address] = this.#read(node.kind, identity);
      const ref = identity.workspace as WorkspaceRef | undefined;
      if (ref && node.kind !== "privateEndpoint") {
        const id = this.#workspaceKeyOf(ref);
        workspaces.set(id, ref);
        if (node.kind === "outboundRule") {
          const names = requestedRules.get(id) ?? new Set<string>();
          names.add(String(identity.ruleName));
          requestedRules.set(id, names);
        }
      }
    }
  }

  async read(nodes: readonly ResourceNode[], context: ProviderContext): Promise<ReadResult> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    const resources: Record<string, ActualResource> = {};
    const requestedRules = new Map<string, Set<string>>();
    const workspaces = new Map<string, WorkspaceRef>();
    this.#readKeys = new Map();
    this.#readSources = new Map();
    try {
      this.#readNodes(nodes, resources, requestedRules, workspaces);
    } finally {
      this.#readKeys = undefined;
      this.#readSources = undefined;
    }
    const discovered: DiscoveredResource[] = [];
    for (const [id, ref] of workspaces) {
      const ws = this.#findWorkspace(ref);
      if (!ws) continue;
      for (const ruleName of Object.keys(ws.rules).sort()) {
        if (requestedRules.get(id)?.has(ruleName)) continue;
        const actual = this.#ruleResource(ws.rules[ruleName]!) as Extract<ActualResource, { exists: true }>;
        discovered.push({
          kind: "outboundRule",
          address: addressOf.rule(ref.key, ruleName),
          identity: { workspace: { ...ref }, ruleName },
          properties: actual.properties,
          fingerprint: actual.fingerprint,
        });
      }
    }
    return { resources, discovered };
  }

  /**
   * Role assignments made at `scope` or above it (posture report), as Azure's list for a scope
   * with `$filter=atScope()` answers. Counts as a read.
   */
  async listRoleAssignments(scope: string, context: ProviderContext): Promise<RoleAssignmentSeen[]> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    const listed = lower(scope).replace(/\/+$/, "");
    const atOrAbove = (at: string) => {
      const made = lower(at).replace(/\/+$/, "");
      return made === listed || made === "" || listed.startsWith(`${made}/`);
    };
    return this.#state.roleAssignments
      .filter((assignment) => atOrAbove(assignment.scope))
      .map((assignment) => ({
        id:
          assignment.id ??
          `${assignment.scope}/providers/Microsoft.Authorization/roleAssignments/${hashJson([lower(assignment.scope), lower(assignment.principalId), guidOf(assignment.roleDefinitionId)]).slice(0, 32)}`,
        scope: assignment.scope,
        roleDefinitionId: assignment.roleDefinitionId,
        principalId: assignment.principalId,
        principalType: assignment.principalType,
      }));
  }

  /** What exists in a resource group (for `importTopology`). */
  async inventory(scope: ResourceGroupScope, context: ProviderContext): Promise<Inventory> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    const inGroup = (item: { subscriptionId: string; resourceGroup: string }) =>
      lower(item.subscriptionId) === lower(scope.subscriptionId) &&
      lower(item.resourceGroup) === lower(scope.resourceGroup);
    const groupPrefix = lower(
      `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/`,
    );
    const nsgRules = new Map<string, string[]>();
    for (const rule of this.#state.nsgRules) {
      if (!lower(rule.nsgId).startsWith(groupPrefix)) continue;
      nsgRules.set(rule.nsgId, [...(nsgRules.get(rule.nsgId) ?? []), rule.name]);
    }
    return {
      workspaces: this.#state.workspaces.filter(inGroup).map((ws) => ({
        name: ws.name,
        ...(ws.location === undefined ? {} : { location: ws.location }),
        onlineEndpoints: Object.keys(ws.onlineEndpoints).sort(),
      })),
      privateEndpoints: this.#state.privateEndpoints.filter(inGroup).map((pe) => ({
        name: pe.name,
        id: privateEndpointArmId(pe),
        subnetId: pe.subnetId,
        targetId: pe.targetId,
        groupId: pe.groupId,
      })),
      networkSecurityGroups: [...nsgRules].map(([id, ruleNames]) => ({ id, ruleNames })),
    };
  }

  // ------------------------------------------------------------------ apply

  async apply(step: PlanStep, context: ProviderContext): Promise<StepResult> {
    this.calls.apply++;
    const { signal } = context;
    if (signal.aborted)
      throw new PfnetError("ABORTED", `${step.address}: aborted before it started.`, {
        address: step.address,
      });
    const identity = step.identity;
    const ref = identity.workspace as WorkspaceRef | undefined;
    const inWorkspaceLane = ["workspace", "outboundRule", "managedNetwork", "onlineEndpoint"].includes(
      step.kind,
    );
    const laneKey = ref && inWorkspaceLane ? lower(workspaceArmId(ref)) : undefined;
    const write: MemoryWrite = {
      address: step.address,
      action: step.action,
      kind: step.kind,
      startedAt: performance.now(),
      finishedAt: 0,
      ok: false,
    };
    this.#writes.push(write);
    if (laneKey !== undefined) {
      if (this.#busyWorkspaces.has(laneKey)) {
        write.finishedAt = performance.now();
        throw fail(step.address, "Conflict: another operation on the same workspace is already running.", {
          status: 409,
        });
      }
      this.#busyWorkspaces.add(laneKey);
    }
    try {
      const latency =
        typeof this.#options.latencyMs === "function"
          ? this.#options.latencyMs(step)
          : (this.#options.latencyMs ?? 0);
      if (latency > 0) await sleep(latency, signal);
      else await Promise.resolve();
      if (signal.aborted)
        throw new PfnetError("ABORTED", `${step.address}: aborted.`, { address: step.address });
      this.#injectFailure(step);
      const result = this.#execute(step);
      write.ok = true;
      return result;
    } finally {
      write.finishedAt = performance.now();
      if (laneKey !== undefined) this.#busyWorkspaces.delete(laneKey);
    }
  }

  #injectFailure(step: PlanStep): void {
    const planned = this.#options.failures?.[step.address];
    const attempt = (this.#attempts.get(step.address) ?? 0) + 1;
    this.#attempts.set(step.address, attempt);
    if (planned === "always" || (typeof planned === "number" && attempt <= planned)) {
      throw fail(step.address, `injected failure (attempt ${attempt})`, { injected: true });
    }
    const rate = this.#options.failureRate ?? 0;
    if (rate > 0 && this.#random() < rate)
      throw fail(step.address, "injected random failure", { injected: true });
  }

  /** Before a write: keep what readers see during the lag window (the state before the write). */
  #touchNode(kind: string, identity: Identity): void {
    const lag = this.#options.readLagMs ?? 0;
    if (lag <= 0) return;
    const key = this.#resourceKey(kind, identity);
    const now = performance.now();
    const existing = this.#lagged.get(key);
    if (existing && existing.until > now) existing.until = now + lag;
    else this.#lagged.set(key, { until: now + lag, snapshot: this.#readNow(kind, identity) });
  }

  #provision(ws: MemoryWorkspace, ref: WorkspaceRef): void {
    this.#touchNode("managedNetwork", { workspace: ref });
    for (const name of Object.keys(ws.rules))
      this.#touchNode("outboundRule", { workspace: ref, ruleName: name });
    ws.networkStatus = "Active";
    for (const [name, rule] of Object.entries(ws.rules)) {
      rule.status = "Active";
      if (rule.type === "FQDN") ws.firewall = true;
      if (rule.type === "PrivateEndpoint") this.#ruleConnection(ws, name, rule);
    }
  }

  #ruleConnection(ws: MemoryWorkspace, name: string, rule: MemoryRule): void {
    const target = (rule.destination as { serviceResourceId?: string }).serviceResourceId;
    if (target) this.#ensureConnection(target, `${lower(workspaceArmId(ws))}/outboundrules/${lower(name)}`);
  }

  /**
   * One write. The lookup indexes are kept current by the writes themselves, and only the etags
   * of what the step can have changed are forgotten (its workspace with its rules and endpoints,
   * the connection it approves): a write costs O(its workspace), not O(the whole state), so an
   * apply is linear in the number of workspaces (dropping every index per write made it quadratic).
   */
  #execute(step: PlanStep): StepResult {
    try {
      return this.#executeStep(step);
    } finally {
      this.#forgetEtagsOf(step);
    }
  }

  #forgetEtagsOf(step: PlanStep): void {
    const identity = step.identity as Identity;
    const ref = identity.workspace as WorkspaceRef | undefined;
    const ws = ref ? this.#findWorkspace(ref) : undefined;
    if (ws) {
      this.#etags.delete(ws);
      // Rule and endpoint writes store new objects (no etag yet); only provisioning (and a
      // workspace create that provisions) changes the statuses of the existing rules.
      if (step.kind === "managedNetwork" || step.kind === "workspace")
        for (const rule of Object.values(ws.rules)) this.#etags.delete(rule);
    }
    if (step.kind === "privateEndpointApproval") {
      const connection = this.#findConnection(identity);
      if (connection) this.#etags.delete(connection);
    }
  }

  #executeStep(step: PlanStep): StepResult {
    const identity = step.identity;
    const after = step.after ?? {};
    const ok: StepResult = { outcome: "succeeded" };
    this.#touchNode(step.kind, identity);
    switch (step.kind) {
      case "workspace": {
        const ref = refOf(identity);
        const ws = this.#findWorkspace(ref);
        if (!ws) {
          const create = identity.create as Record<string, unknown> | undefined;
          if (!create) {
            throw new PfnetError(
              "WORKSPACE_NOT_FOUND",
              `${step.address}: workspace ${ref.name} does not exist and the step has no create block.`,
              {
                address: step.address,
              },
            );
          }
          this.#principalCounter++;
          const created = memoryWorkspace({
            subscriptionId: ref.subscriptionId,
            resourceGroup: ref.resourceGroup,
            name: ref.name,
            kind: String(create.kind ?? "default").replace(/^./, (c) => c.toUpperCase()),
            location: String(create.location ?? ""),
            storageAccount: String(create.storageAccount),
            keyVault: String(create.keyVault),
            ...(typeof create.containerRegistry === "string"
              ? { containerRegistry: create.containerRegistry }
              : {}),
            principalId: hashJson(["principal", this.#options.seed ?? 1, this.#principalCounter, ref]).slice(
              0,
              32,
            ),
            ...(after as Partial<MemoryWorkspace>),
          });
          this.#state.workspaces.push(created);
          this.#indexes?.workspaces.set(workspaceKey(created), created);
          if (create.provisionNetworkNow === true && created.isolationMode !== "Disabled")
            this.#provision(created, ref);
          return ok;
        }
        const desired = after as Partial<MemoryWorkspace>;
        if (desired.isolationMode !== undefined && desired.isolationMode !== ws.isolationMode) {
          const from = ISOLATION_ORDER.indexOf(ws.isolationMode);
          const to = ISOLATION_ORDER.indexOf(desired.isolationMode);
          if (to < from)
            throw fail(
              step.address,
              `isolation mode cannot change from ${ws.isolationMode} to ${desired.isolationMode}.`,
              { status: 400 },
            );
          if (from === 0 && (ws.computes.length > 0 || Object.keys(ws.onlineEndpoints).length > 0)) {
            throw fail(
              step.address,
              "managed network isolation cannot be enabled while computes or online endpoints exist.",
              { status: 400 },
            );
          }
          this.#touchNode("managedNetwork", { workspace: ref });
          ws.isolationMode = desired.isolationMode;
          ws.networkStatus = "Inactive";
        }
        if (desired.publicNetworkAccess !== undefined) ws.publicNetworkAccess = desired.publicNetworkAccess;
        if (desired.firewallSku !== undefined) ws.firewallSku = desired.firewallSku;
        if (desired.serverlessComputeSettings !== undefined)
          ws.serverlessComputeSettings = { ...desired.serverlessComputeSettings };
        return ok;
      }
      case "outboundRule": {
        const ref = refOf(identity);
        const ws = this.#requireWorkspace(ref, step.address);
        const ruleName = String(identity.ruleName);
        if (step.action === "delete") {
          const existing = ws.rules[ruleName];
          if (existing && existing.category !== "UserDefined")
            throw fail(step.address, "service-owned rules cannot be deleted.", { status: 400 });
          delete ws.rules[ruleName];
          return ok;
        }
        if (ws.isolationMode === "Disabled")
          throw fail(step.address, "outbound rules need managed network isolation.", { status: 400 });
        const rule = after as unknown as Omit<MemoryRule, "status">;
        if (rule.type !== "PrivateEndpoint" && ws.isolationMode !== "AllowOnlyApprovedOutbound") {
          throw fail(step.address, `${rule.type} rules need isolation mode AllowOnlyApprovedOutbound.`, {
            status: 400,
          });
        }
        this.#touchNode("managedNetwork", { workspace: ref });
        const stored: MemoryRule = {
          type: rule.type,
          category: "UserDefined",
          destination: copyDestination(rule.destination),
          status: ws.networkStatus === "Active" ? "Active" : "Inactive",
        };
        ws.rules[ruleName] = stored;
        if (ws.networkStatus === "Active" && stored.type === "FQDN") ws.firewall = true;
        if (ws.networkStatus === "Active" && stored.type === "PrivateEndpoint")
          this.#ruleConnection(ws, ruleName, stored);
        return ok;
      }
      case "managedNetwork": {
        const ref = refOf(identity);
        const ws = this.#requireWorkspace(ref, step.address);
        if (ws.isolationMode === "Disabled")
          throw fail(step.address, "the workspace has no managed network to provision.", { status: 400 });
        this.#provision(ws, ref);
        return ok;
      }
      case "roleAssignment": {
        const ws = this.#requireWorkspace(refOf(identity), step.address);
        const scope = String(identity.scope ?? ws.storageAccount);
        if (step.action === "delete") {
          const role = guidOf(
            String(step.before?.roleDefinitionId ?? STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR),
          );
          this.#state.roleAssignments = this.#state.roleAssignments.filter(
            (a) =>
              !(
                lower(a.scope) === lower(scope) &&
                a.principalId === ws.principalId &&
                guidOf(a.roleDefinitionId) === role
              ),
          );
          return ok;
        }
        const roleDefinitionId = String(after.roleDefinitionId);
        // Replace an assignment of the same role (found through the index: no scan of them all).
        const same = this.#rolesAt(scope, ws.principalId).filter(
          (a) => guidOf(a.roleDefinitionId) === guidOf(roleDefinitionId),
        );
        if (same.length > 0) {
          this.#state.roleAssignments = this.#state.roleAssignments.filter((a) => !same.includes(a));
          this.#roles = undefined;
        }
        const assignment: MemoryRoleAssignment = {
          scope,
          principalId: ws.principalId,
          roleDefinitionId,
          principalType: String(after.principalType),
        };
        this.#state.roleAssignments.push(assignment);
        this.#indexRole(assignment);
        return ok;
      }
      case "privateEndpointApproval": {
        const connection = this.#findConnection(identity);
        if (!connection)
          throw fail(
            step.address,
            "no private-endpoint connection to approve on the target (is the network provisioned?).",
            { status: 404 },
          );
        if (connection.status === "Approved") return ok;
        const locked = (this.#options.pendingApprovalTargets ?? []).some(
          (target) => lower(target) === lower(connection.targetId),
        );
        if (locked || identity.approve !== true) {
          return {
            outcome: "pendingApproval",
            pending: {
              connectionId: connection.id,
              action: `az network private-endpoint-connection approve --id ${connection.id}`,
              permission:
                "privateEndpointConnections/write on the target resource (e.g. its Owner or a network connection approver role)",
            },
          };
        }
        connection.status = "Approved";
        return ok;
      }
      case "onlineEndpoint": {
        const ws = this.#requireWorkspace(refOf(identity), step.address);
        ws.onlineEndpoints[String(identity.endpointName)] = {
          publicNetworkAccess: after.publicNetworkAccess as "Enabled" | "Disabled",
        };
        return ok;
      }
      case "privateEndpoint": {
        const id = identity as unknown as MemoryPrivateEndpoint;
        const index = this.#privateEndpointIndex(id);
        const peId = lower(privateEndpointArmId(id));
        if (step.action === "delete") {
          // The connection on the target goes with the endpoint.
          if (index >= 0) this.#state.privateEndpoints.splice(index, 1);
          this.#state.connections = this.#state.connections.filter((c) => c.source !== peId);
          this.#dropIndexes();
          return ok;
        }
        const previous = index >= 0 ? this.#state.privateEndpoints[index] : undefined;
        if (previous && lower(previous.targetId) !== lower(String(after.targetId))) {
          this.#state.connections = this.#state.connections.filter((c) => c.source !== peId);
          this.#dropIndexes();
        }
        const next: MemoryPrivateEndpoint = {
          subscriptionId: id.subscriptionId,
          resourceGroup: id.resourceGroup,
          name: id.name,
          ...(id.location === undefined ? {} : { location: id.location }),
          subnetId: String(after.subnetId),
          targetId: String(after.targetId),
          groupId: String(after.groupId),
          ...(previous?.dnsZoneGroup ? { dnsZoneGroup: previous.dnsZoneGroup } : {}),
        };
        if (index >= 0) this.#state.privateEndpoints[index] = next;
        else this.#state.privateEndpoints.push(next);
        this.#ensureConnection(next.targetId, peId);
        return ok;
      }
      case "privateDnsZoneGroup": {
        const pe =
          this.#state.privateEndpoints[
            this.#privateEndpointIndex(identity.privateEndpoint as MemoryPrivateEndpoint)
          ];
        if (step.action === "delete") {
          if (pe) delete pe.dnsZoneGroup;
          return ok;
        }
        if (!pe) throw fail(step.address, "the private endpoint does not exist.", { status: 404 });
        pe.dnsZoneGroup = { privateDnsZoneIds: [...(after.privateDnsZoneIds as string[])].sort() };
        return ok;
      }
      case "nsgRule": {
        const nsgId = String(identity.nsgId);
        const name = String(identity.ruleName);
        this.#state.nsgRules = this.#state.nsgRules.filter(
          (rule) => !(lower(rule.nsgId) === lower(nsgId) && rule.name === name),
        );
        if (step.action === "delete") return ok;
        this.#state.nsgRules.push({
          ...(structuredClone(after) as unknown as NsgRuleProperties),
          nsgId,
          name,
        });
        return ok;
      }
      default:
        throw fail(step.address, `unknown kind ${step.kind}`);
    }
  }
}
