/**
 * The in-memory provider's one store: the `MemoryState` held in tables (table.ts) indexed the
 * way the kind handlers look things up — workspaces by id, role assignments by holder (scope and
 * principal) and by scope, connections by owner (workspace or private endpoint; then the target
 * among its connections) and by source, private endpoints and NSG rules by id — plus the etags of what it holds. Handlers change
 * rows only through the tables, so the indexes are always current and no step scans the state.
 */
import { PfnetError } from "../errors.js";
import type { WorkspaceRef } from "../model.js";
import { hashJson } from "../plan/canonical.js";
import {
  type MemoryConnection,
  type MemoryDependency,
  type MemoryNsgRule,
  type MemoryPrivateEndpoint,
  type MemoryRoleAssignment,
  type MemoryState,
  type MemoryTargetNetwork,
  type MemoryWorkspace,
  privateEndpointArmId,
  workspaceArmId,
} from "./state.js";
import { Table } from "./table.js";

type ArmName = Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">;

export const lower = (value: string) => value.toLowerCase();
export const workspaceKey = (ref: ArmName) =>
  `${ref.subscriptionId}/${ref.resourceGroup}/${ref.name}`.toLowerCase();
export const privateEndpointKey = (pe: ArmName) => lower(privateEndpointArmId(pe));
const nsgRuleKey = (nsgId: string, name: string) => `${lower(nsgId)}|${name}`;
const holderKey = (scope: string, principalId: string) => `${lower(scope)}|${principalId}`;
/** A scope as `listRoleAssignments` compares it: lower case, no trailing slash. */
const scopeKey = (scope: string) => lower(scope).replace(/\/+$/, "");
/**
 * Index key of a connection: its owner (the workspace for managed rules, else the private
 * endpoint), a part of its source; the target is matched among the owner's few connections. A
 * key of target plus owner was a new 270-character string per connection (14 MB at 5,000
 * workspaces x 10 services).
 */
const ownerOf = (source: string) => {
  const cut = source.indexOf("/outboundrules/");
  return cut < 0 ? source : source.slice(0, cut);
};
/** ARM ids compare without case; the same string (a fleet's usually are) needs no lowering. */
const sameId = (a: string, b: string) => a === b || (a.length === b.length && lower(a) === lower(b));

/**
 * Content hash of a stored resource (objects are built in a fixed key order, so JSON is stable).
 * A fast non-cryptographic 53-bit hash (cyrb53): fingerprints detect change, they protect nothing.
 */
export function fingerprint(value: unknown): string {
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

/**
 * `value` (plain data the store owns) with equal strings made one string, in place: a seeded
 * fleet repeats the same target ids, categories and statuses thousands of times, and separate
 * copies of them (`structuredClone` makes one per occurrence) were most of a large store's memory.
 */
export function shareStrings<T>(value: T, strings = new Map<string, string>()): T {
  if (value === null || typeof value !== "object") return value;
  const entries = value as Record<string, unknown>;
  for (const key of Object.keys(entries)) {
    const item = entries[key];
    if (typeof item === "string") {
      const known = strings.get(item);
      if (known === undefined) strings.set(item, item);
      else entries[key] = known;
    } else shareStrings(item, strings);
  }
  return value;
}

function tablesOf(state: MemoryState) {
  const tables = {
    workspaces: new Table<MemoryWorkspace, "id">({ id: workspaceKey }),
    roleAssignments: new Table<MemoryRoleAssignment, "holder" | "scope">({
      holder: (assignment) => holderKey(assignment.scope, assignment.principalId),
      scope: (assignment) => scopeKey(assignment.scope),
    }),
    connections: new Table<MemoryConnection, "owner" | "source">({
      owner: (connection) => ownerOf(connection.source),
      source: (connection) => connection.source,
    }),
    privateEndpoints: new Table<MemoryPrivateEndpoint, "id">({ id: privateEndpointKey }),
    nsgRules: new Table<MemoryNsgRule, "id">({ id: (rule) => nsgRuleKey(rule.nsgId, rule.name) }),
    targetNetworks: new Table<MemoryTargetNetwork, "id">({ id: (network) => lower(network.targetId) }),
    dependencies: new Table<MemoryDependency, "id">({ id: (dependency) => lower(dependency.id) }),
  };
  for (const name of Object.keys(tables) as Array<keyof typeof tables>)
    for (const row of state[name] ?? []) (tables[name] as Table<object, string>).add(row);
  return tables;
}

export class MemoryStore {
  #tables: ReturnType<typeof tablesOf>;
  /** Lower-cased targets whose connections stay Pending (`pendingApprovalTargets`). */
  readonly #locked: Set<string>;

  constructor(state: MemoryState, pendingApprovalTargets: readonly string[] = []) {
    this.#tables = tablesOf(state);
    this.#locked = new Set(pendingApprovalTargets.map(lower));
  }

  get workspaces() {
    return this.#tables.workspaces;
  }
  get roleAssignments() {
    return this.#tables.roleAssignments;
  }
  get connections() {
    return this.#tables.connections;
  }
  get privateEndpoints() {
    return this.#tables.privateEndpoints;
  }
  get nsgRules() {
    return this.#tables.nsgRules;
  }
  get targetNetworks() {
    return this.#tables.targetNetworks;
  }
  get dependencies() {
    return this.#tables.dependencies;
  }

  /** The state as plain arrays of the stored rows themselves (copy it before handing it out). */
  snapshot(): MemoryState {
    return {
      workspaces: [...this.workspaces.values()],
      roleAssignments: [...this.roleAssignments.values()],
      connections: [...this.connections.values()],
      privateEndpoints: [...this.privateEndpoints.values()],
      nsgRules: [...this.nsgRules.values()],
      ...(this.targetNetworks.size > 0 ? { targetNetworks: [...this.targetNetworks.values()] } : {}),
      ...(this.dependencies.size > 0 ? { dependencies: [...this.dependencies.values()] } : {}),
    };
  }

  /** Replace everything (after a caller changed a snapshot directly): indexes and etags start over. */
  load(state: MemoryState): void {
    this.#tables = tablesOf(state);
    this.forgetAllEtags();
  }

  // ---------------------------------------------------------------- lookups

  workspace(ref: ArmName): MemoryWorkspace | undefined {
    return this.workspaces.find("id", this.workspaceKeyOf(ref));
  }

  requireWorkspace(ref: WorkspaceRef, address: string): MemoryWorkspace {
    const ws = this.workspace(ref);
    if (!ws)
      throw new PfnetError(
        "WORKSPACE_NOT_FOUND",
        `${address}: workspace ${ref.name} does not exist in ${ref.resourceGroup}.`,
        { address },
      );
    return ws;
  }

  privateEndpoint(pe: ArmName): MemoryPrivateEndpoint | undefined {
    return this.privateEndpoints.find("id", privateEndpointKey(pe));
  }

  /** A target's network settings, when written or seeded. */
  targetNetwork(targetId: string): MemoryTargetNetwork | undefined {
    return this.targetNetworks.find("id", lower(targetId));
  }

  nsgRule(nsgId: string, name: string): MemoryNsgRule | undefined {
    return this.nsgRules.find("id", nsgRuleKey(nsgId, name));
  }

  /** Every NSG rule stored under this id (one, unless a seeded state repeats it). */
  nsgRulesNamed(nsgId: string, name: string): MemoryNsgRule[] {
    return this.nsgRules.all("id", nsgRuleKey(nsgId, name));
  }

  dependency(id: string): MemoryDependency | undefined {
    return this.dependencies.find("id", lower(id));
  }

  /** A dependency's access changed (a new row object, so its etag is computed again); `null` removes its row. */
  setDependency(id: string, change: Pick<MemoryDependency, "publicNetworkAccess"> | null): void {
    const current = this.dependency(id);
    if (change === null) {
      if (current) this.dependencies.remove(current);
      return;
    }
    const next: MemoryDependency = { ...(current ?? { id }), ...change };
    if (current) this.dependencies.replace(current, next);
    else this.dependencies.add(next);
  }

  /** The assignments `principalId` holds at exactly `scope`. */
  rolesAt(scope: string, principalId: string): MemoryRoleAssignment[] {
    return this.roleAssignments.all("holder", holderKey(scope, principalId));
  }

  /**
   * The assignments made at `scope` or at a scope above it (a path prefix ending at a `/`, or the
   * root), in insertion order: one index lookup per segment of the scope, not a scan of them all.
   */
  rolesAtOrAbove(scope: string): MemoryRoleAssignment[] {
    const listed = scopeKey(scope);
    const found = [...this.roleAssignments.all("scope", listed)];
    if (listed !== "") found.push(...this.roleAssignments.all("scope", ""));
    for (let at = listed.indexOf("/"); at >= 0; at = listed.indexOf("/", at + 1))
      if (at > 0) found.push(...this.roleAssignments.all("scope", listed.slice(0, at)));
    return this.roleAssignments.ordered(found);
  }

  /** The connection on `targetId` owned by the workspace or private endpoint behind `source`. */
  connection(targetId: string, source: string): MemoryConnection | undefined {
    return this.connections.find("owner", ownerOf(source), (c) => sameId(c.targetId, targetId));
  }

  /** Connections stay Pending on these targets and the caller may not approve them. */
  isLocked(targetId: string): boolean {
    return this.#locked.has(lower(targetId));
  }

  /** Azure creates the private-endpoint connection on the target when a private endpoint appears. */
  ensureConnection(targetId: string, source: string): void {
    const owned = this.connections.all("owner", ownerOf(source));
    if (owned.some((c) => c.source === source && sameId(c.targetId, targetId))) return;
    const name = hashJson([targetId, source]).slice(0, 12);
    this.connections.add({
      targetId,
      id: `${targetId}/privateEndpointConnections/pfnet-${name}`,
      status: this.isLocked(targetId) ? "Pending" : "Approved",
      source,
    });
  }

  /** A private endpoint's connections go with it. */
  removeConnectionsFrom(source: string): void {
    for (const connection of this.connections.all("source", source)) this.connections.remove(connection);
  }

  // ---------------------------------------------------------------- read sessions

  /** Keys by ref object, only while one `read` runs (its nodes share their refs): string work once per workspace. */
  #session: Map<object, { key?: string; armId?: string }> | undefined;

  beginRead(): void {
    this.#session = new Map();
  }
  endRead(): void {
    this.#session = undefined;
  }

  #memo(ref: object) {
    const session = this.#session;
    if (!session) return undefined;
    let memo = session.get(ref);
    if (!memo) {
      memo = {};
      session.set(ref, memo);
    }
    return memo;
  }

  workspaceKeyOf(ref: ArmName): string {
    const memo = this.#memo(ref);
    if (!memo) return workspaceKey(ref);
    memo.key ??= workspaceKey(ref);
    return memo.key;
  }

  /** The workspace's ARM id in lower case: the owner part of its managed connections' source. */
  workspaceSourceOf(ref: ArmName): string {
    const memo = this.#memo(ref);
    if (!memo) return lower(workspaceArmId(ref));
    memo.armId ??= lower(workspaceArmId(ref));
    return memo.armId;
  }

  // ---------------------------------------------------------------- etags

  /**
   * Computed once per stored object and tag (Azure stores etags too); forgotten when the object
   * changes. One weak map per tag (a handful), not one map per object: at 200,000 rules the
   * per-object maps were the largest thing a plan kept alive.
   */
  #etags = new Map<string, WeakMap<object, string>>();

  etag(owner: object, tag: string, content: () => unknown): string {
    let byOwner = this.#etags.get(tag);
    if (!byOwner) {
      byOwner = new WeakMap();
      this.#etags.set(tag, byOwner);
    }
    let etag = byOwner.get(owner);
    if (etag === undefined) {
      etag = fingerprint(content());
      byOwner.set(owner, etag);
    }
    return etag;
  }

  /** `owner` changed in place: its next read computes its etags again. */
  forget(owner: object): void {
    for (const byOwner of this.#etags.values()) byOwner.delete(owner);
  }

  forgetAllEtags(): void {
    this.#etags = new Map();
  }
}
