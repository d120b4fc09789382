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
 *
 * Layout: this class is the composition — the write pipeline (lanes, latency, injected failures,
 * the write log), read-after-write lag, and dispatch by kind through `MEMORY_KINDS`
 * (kinds/<kind>.ts: each kind's read, apply and drift) over one indexed store (store.ts).
 */
import { setTimeout as delay } from "node:timers/promises";
import type { DiagnosisFinding } from "../diagnosis/verify.js";
import { PfnetError } from "../errors.js";
import type {
  ActualResource,
  ResourceKind,
  ResourceNode,
  RoleAssignmentSeen,
  WorkspaceRef,
} from "../model.js";
import { hashJson } from "../plan/canonical.js";
import type { PlanStep } from "../plan/types.js";
import type {
  Inventory,
  NetworkLinks,
  OutboundDependency,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceGroupScope,
  StepResult,
} from "../provider.js";
import { inventoryOf } from "./inventory.js";
import { ABSENT, fail } from "./kinds/handler.js";
import {
  discoverRules,
  type IdentityOf,
  listRoleAssignments,
  type MemoryApplyContext,
  type MemoryKindHandler,
  memoryKind,
} from "./kinds/index.js";
import { emptyMemoryState, type MemoryState, seededRandom, workspaceArmId } from "./state.js";
import { lower, MemoryStore, shareStrings } from "./store.js";

// Kept importable from here (in-repo tests import them from this module).
export { memoryWorkspace, workspaceArmId } from "./state.js";

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
  /** What `diagnose` finds, by workspace Azure name (default: nothing, for every workspace). */
  diagnosis?: Record<string, DiagnosisFinding[]>;
  /** What `listOutboundDependencies` reports, by workspace Azure name (default: none). */
  outboundDependencies?: Record<string, OutboundDependency[]>;
  /** What `networkLinks` reports, by workspace Azure name (default: no peerings, no private endpoints). */
  networkLinks?: Record<string, NetworkLinks>;
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

/** Abortable sleep: an abort (before or during) rejects with ABORTED. */
async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal.aborted) throw new PfnetError("ABORTED", "Aborted.", { cause: signal.reason });
    throw error;
  }
}

type AnyHandler = MemoryKindHandler<ResourceKind>;
type AnyIdentity = IdentityOf<ResourceKind>;

export class MemoryProvider implements Provider {
  readonly name = "memory";
  readonly #store: MemoryStore;
  /** Without `state`: the seed is copied into the store, and holding the caller's copy too would double it. */
  readonly #options: Omit<MemoryProviderOptions, "state">;
  readonly #random: () => number;
  readonly #attempts = new Map<string, number>();
  readonly #lagged = new Map<string, { until: number; snapshot: ActualResource }>();
  readonly #busyWorkspaces = new Set<string>();
  readonly #writes: MemoryWrite[] = [];
  readonly #context: MemoryApplyContext;
  #principalCounter = 0;
  /** Number of `read` and `apply` calls (tests assert "nothing was written"). */
  readonly calls = { read: 0, apply: 0 };

  constructor(options: MemoryProviderOptions = {}) {
    // The closures below name only `rest` and `seed`: one naming `options` would keep the caller's seed state alive.
    const { state, ...rest } = options;
    const seed = rest.seed ?? 1;
    this.#options = rest;
    this.#store = new MemoryStore(
      { ...emptyMemoryState(), ...shareStrings(structuredClone(state ?? {})) },
      rest.pendingApprovalTargets,
    );
    this.#random = seededRandom(seed);
    this.#context = {
      store: this.#store,
      touch: (kind, identity) => this.#touch(kind, identity),
      newPrincipalId: (identity) => {
        this.#principalCounter++;
        return hashJson(["principal", seed, this.#principalCounter, identity.workspace]).slice(0, 32);
      },
    };
  }

  /** A deep copy of the current state. */
  state(): MemoryState {
    return structuredClone(this.#store.snapshot());
  }

  /** Change the state directly (drift made outside pfnet). */
  update(mutate: (state: MemoryState) => void): void {
    const state = this.#store.snapshot();
    try {
      mutate(state);
    } finally {
      this.#store.load(state);
    }
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
    try {
      memoryKind(node.kind)?.set(node.identity, properties, this.#store);
    } finally {
      this.#store.forgetAllEtags();
    }
  }

  // ------------------------------------------------------------------ read

  /** Before a write: keep what readers see during the lag window (the state before the write). */
  #touch<K extends ResourceKind>(kind: K, identity: IdentityOf<K>): void {
    const lag = this.#options.readLagMs ?? 0;
    const handler = memoryKind(kind);
    if (lag <= 0 || !handler) return;
    const key = handler.key(identity);
    const now = performance.now();
    const existing = this.#lagged.get(key);
    if (existing && existing.until > now) existing.until = now + lag;
    else this.#lagged.set(key, { until: now + lag, snapshot: handler.read(identity, this.#store) });
  }

  #read(handler: AnyHandler, identity: AnyIdentity): ActualResource {
    if (this.#lagged.size === 0) return handler.read(identity, this.#store);
    const lagged = this.#lagged.get(handler.key(identity));
    if (lagged && lagged.until > performance.now()) return lagged.snapshot;
    return handler.read(identity, this.#store);
  }

  async read(nodes: readonly ResourceNode[], context: ProviderContext): Promise<ReadResult> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    const resources: Record<string, ActualResource> = {};
    // The workspaces read (by key) and the rules read in each: the others are discovered.
    const workspaces = new Map<string, WorkspaceRef>();
    const requestedRules = new Map<string, Set<string>>();
    this.#store.beginRead();
    try {
      for (const node of nodes) {
        const handler = memoryKind(node.kind);
        resources[node.address] = handler ? this.#read(handler, node.identity) : ABSENT;
        const identity = node.identity as unknown as Record<string, unknown>;
        const ref = identity.workspace as WorkspaceRef | undefined;
        if (!ref || node.kind === "privateEndpoint") continue;
        const id = this.#store.workspaceKeyOf(ref);
        workspaces.set(id, ref);
        if (node.kind !== "outboundRule") continue;
        const names = requestedRules.get(id) ?? new Set<string>();
        names.add(String(identity.ruleName));
        requestedRules.set(id, names);
      }
    } finally {
      this.#store.endRead();
    }
    return { resources, discovered: discoverRules(workspaces, requestedRules, this.#store) };
  }

  /**
   * Role assignments made at `scope` or above it (posture report), as Azure's list for a scope
   * with `$filter=atScope()` answers. Counts as a read.
   */
  async listRoleAssignments(scope: string, context: ProviderContext): Promise<RoleAssignmentSeen[]> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    return listRoleAssignments(scope, this.#store);
  }

  /** The workspace diagnosis: the findings `options.diagnosis` gives the workspace. */
  async diagnose(workspace: WorkspaceRef, context: ProviderContext): Promise<DiagnosisFinding[]> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    if (this.#store.workspace(workspace) === undefined)
      throw new PfnetError("WORKSPACE_NOT_FOUND", `Workspace ${workspace.name} does not exist.`);
    return structuredClone(this.#options.diagnosis?.[workspace.name] ?? []);
  }

  /** The outbound dependencies `options.outboundDependencies` gives the workspace. */
  async listOutboundDependencies(
    workspace: WorkspaceRef,
    context: ProviderContext,
  ): Promise<OutboundDependency[]> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    return structuredClone(this.#options.outboundDependencies?.[workspace.name] ?? []);
  }

  /** How other VNets reach the workspace's VNet: what `options.networkLinks` gives the workspace. */
  async networkLinks(
    workspace: WorkspaceRef,
    _vnetId: string,
    context: ProviderContext,
  ): Promise<NetworkLinks> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    return structuredClone(
      this.#options.networkLinks?.[workspace.name] ?? { peered: [], privateEndpointNetworks: [] },
    );
  }

  /** What exists in a resource group (for `importTopology`). */
  async inventory(scope: ResourceGroupScope, context: ProviderContext): Promise<Inventory> {
    this.calls.read++;
    if (context.signal.aborted) throw new PfnetError("ABORTED", "Read aborted.");
    return inventoryOf(scope, this.#store);
  }

  // ------------------------------------------------------------------ apply

  async apply(step: PlanStep, context: ProviderContext): Promise<StepResult> {
    this.calls.apply++;
    const { signal } = context;
    if (signal.aborted)
      throw new PfnetError("ABORTED", `${step.address}: aborted before it started.`, {
        address: step.address,
      });
    const handler = memoryKind(step.kind);
    const ref = step.identity.workspace as WorkspaceRef | undefined;
    const laneKey = ref && handler?.workspaceLane ? lower(workspaceArmId(ref)) : undefined;
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
      const result = this.#execute(step, handler);
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
    if (planned === "always" || (typeof planned === "number" && attempt <= planned))
      throw fail(step.address, `injected failure (attempt ${attempt})`, { injected: true });
    const rate = this.#options.failureRate ?? 0;
    if (rate > 0 && this.#random() < rate)
      throw fail(step.address, "injected random failure", { injected: true });
  }

  /**
   * One write, through its kind's handler. The store's indexes are kept current by the writes
   * themselves and only the etags of what the step changed are forgotten (its workspace here,
   * what else it changed in the handler): a write costs O(its workspace), never O(the state), so
   * an apply is linear in the number of workspaces.
   */
  #execute(step: PlanStep, handler: AnyHandler | undefined): StepResult {
    if (!handler) throw fail(step.address, `unknown kind ${step.kind}`);
    const identity = step.identity as unknown as AnyIdentity;
    try {
      this.#touch(step.kind, identity);
      return handler.apply(step, identity, this.#context);
    } finally {
      const ref = step.identity.workspace as WorkspaceRef | undefined;
      const ws = ref ? this.#store.workspace(ref) : undefined;
      if (ws) this.#store.forget(ws);
    }
  }
}
