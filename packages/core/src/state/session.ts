/**
 * One apply's use of the state backend: lock the workspaces the plan writes (all or none, in
 * key order), read their journals, hand each step a `StepJournal`, record outcomes, and at the
 * end drop the journal of every workspace left with nothing to resume and release the locks.
 *
 * Resume rules (the journal of an earlier apply that did not finish):
 * - A step whose latest outcome is `succeeded`, recorded for this plan (same plan hash) or for a
 *   plan of the same spec (same spec hash), is not redone when a fresh read shows its resource
 *   still as the step left it (the diff finds nothing to do). Apply's stale check accepts it.
 * - A long-running operation announced (`intent`) or started (`started`, with its handle) and
 *   never seen to end (no later `succeeded`/`failed` outcome of its step) is handed to the step
 *   as `unfinished`: the provider re-attaches to it instead of starting another. Cancelled runs
 *   keep it unfinished: Azure goes on with an operation after the client stops waiting.
 */
import type { Emit } from "../emitter.js";
import { PfnetError } from "../errors.js";
import type { WorkspaceRef } from "../model.js";
import { hashJson } from "../plan/canonical.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { StepJournal, UnfinishedOperation } from "../provider.js";
import { currentHolder, serviceStateKey, workspaceStateKey } from "./records.js";
import type { HeldLock, JournalRecord, LockHolder, StateBackend } from "./types.js";

export interface StateSessionOptions {
  signal: AbortSignal;
  emit: Emit;
  holder?: LockHolder;
}

/** The hash a journal binds an apply to: the canonical JSON of the whole plan. */
export function planHashOf(plan: Plan): string {
  return hashJson(plan);
}

/** Map every step to its state key: its workspace's (own-VNet steps via their address's workspace), or a target service's own. */
export function workspaceKeysOf(plan: Plan): Map<string, string> {
  const byWorkspaceKey = new Map<string, string>();
  for (const step of plan.steps) {
    const ref = (step.identity as { workspace?: WorkspaceRef }).workspace;
    if (ref?.subscriptionId && ref.key !== undefined) byWorkspaceKey.set(ref.key, workspaceStateKey(ref));
  }
  const keys = new Map<string, string>();
  for (const step of plan.steps) {
    const ref = (step.identity as { workspace?: WorkspaceRef }).workspace;
    if (ref?.subscriptionId) {
      keys.set(step.address, workspaceStateKey(ref));
      continue;
    }
    const specKey = /^workspace\.([^.]+)/.exec(step.address)?.[1];
    // A target service's network access belongs to no workspace: locked and journaled under the
    // service's own key, so a second apply cannot change it at once and a re-run knows it done.
    const targetId = (step.identity as { targetId?: unknown }).targetId;
    const key =
      specKey !== undefined
        ? byWorkspaceKey.get(specKey)
        : typeof targetId === "string"
          ? serviceStateKey(targetId)
          : undefined;
    if (key !== undefined) keys.set(step.address, key);
  }
  return keys;
}

const now = () => new Date().toISOString();

export class StateSession {
  /** Succeeded steps of an earlier apply of this plan or spec, by address. */
  readonly finished = new Set<string>();
  private readonly unfinished = new Map<string, UnfinishedOperation>();
  private readonly locks: HeldLock[] = [];
  private lostListeners: Array<(error: Error) => void> = [];

  private constructor(
    private readonly backend: StateBackend,
    private readonly plan: Plan,
    readonly planHash: string,
    private readonly keyOf: Map<string, string>,
    private readonly emit: Emit,
    private readonly signal: AbortSignal,
  ) {}

  /** Lock every workspace the plan changes and read their journals. Throws `LOCKED` holding nothing. */
  static async open(plan: Plan, backend: StateBackend, options: StateSessionOptions): Promise<StateSession> {
    const keyOf = workspaceKeysOf(plan);
    const session = new StateSession(backend, plan, planHashOf(plan), keyOf, options.emit, options.signal);
    const written = new Set<string>();
    for (const step of plan.steps) {
      const key = keyOf.get(step.address);
      if (step.action !== "noop" && key !== undefined) written.add(key);
    }
    const holder = options.holder ?? currentHolder();
    try {
      for (const key of [...written].sort()) {
        const lock = await backend.acquireLock(key, holder, { signal: options.signal });
        session.locks.push(lock);
        lock.onLost((error) => {
          for (const listener of session.lostListeners) listener(error);
        });
        options.emit({ type: "lock.acquired", key, lockId: lock.info.id, state: backend.location });
      }
      for (const key of [...written].sort()) {
        session.absorb(await backend.readJournal(key, { signal: options.signal }));
      }
      const started: JournalRecord = {
        type: "apply",
        planHash: session.planHash,
        specHash: plan.specHash,
        lockId: "",
        at: now(),
      };
      for (const lock of session.locks) {
        await backend.appendJournal(lock.info.key, [{ ...started, lockId: lock.info.id }], {
          signal: options.signal,
        });
      }
    } catch (error) {
      await session.releaseLocks();
      throw error;
    }
    return session;
  }

  private absorb(records: readonly JournalRecord[]): void {
    const latestOutcome = new Map<string, JournalRecord & { type: "outcome" }>();
    for (const record of records) {
      if (record.type === "intent") {
        this.unfinished.set(record.address, { operation: record.operation, announcedAt: record.at });
      } else if (record.type === "started") {
        this.unfinished.set(record.address, {
          operation: record.operation,
          announcedAt: this.unfinished.get(record.address)?.announcedAt ?? record.at,
          url: record.url,
          startedAt: record.startedAt,
        });
      } else if (record.type === "outcome") {
        latestOutcome.set(record.address, record);
        if (record.outcome === "succeeded" || record.outcome === "failed")
          this.unfinished.delete(record.address);
      }
    }
    for (const [address, record] of latestOutcome) {
      const bound = record.planHash === this.planHash || record.specHash === this.plan.specHash;
      if (record.outcome === "succeeded" && bound) this.finished.add(address);
      else this.finished.delete(address);
    }
  }

  /** Steps with an operation an earlier apply left running (or about to start). */
  get unfinishedAddresses(): string[] {
    return this.plan.steps.filter((s) => this.unfinished.has(s.address)).map((s) => s.address);
  }

  /** Called when a held lock is lost (apply stops starting steps). */
  onLockLost(listener: (error: Error) => void): void {
    this.lostListeners.push(listener);
  }

  /** The journal a step's provider call writes through. */
  journalFor(step: PlanStep): StepJournal | undefined {
    const key = this.keyOf.get(step.address);
    if (key === undefined) return undefined;
    const base = () => ({ planHash: this.planHash, specHash: this.plan.specHash, address: step.address });
    const unfinished = this.unfinished.get(step.address);
    return {
      ...(unfinished ? { unfinished } : {}),
      intent: async (operation) => {
        await this.append(key, { type: "intent", ...base(), operation, at: now() });
      },
      started: async (operation, handle) => {
        const at = now();
        await this.append(key, {
          type: "started",
          ...base(),
          operation,
          url: handle.url,
          startedAt: handle.startedAt ?? at,
          at,
        });
      },
    };
  }

  async recordOutcome(
    step: PlanStep,
    outcome: "succeeded" | "failed" | "pendingApproval" | "cancelled",
  ): Promise<void> {
    const key = this.keyOf.get(step.address);
    if (key === undefined) return;
    await this.append(key, {
      type: "outcome",
      planHash: this.planHash,
      specHash: this.plan.specHash,
      address: step.address,
      action: step.action,
      outcome,
      at: now(),
    });
  }

  private async append(key: string, record: JournalRecord): Promise<void> {
    try {
      await this.backend.appendJournal(key, [record], { signal: this.signal });
    } catch (error) {
      throw new PfnetError(
        "STATE_UNAVAILABLE",
        `Could not write the journal of ${key} in ${this.backend.location}: ${(error as Error).message}`,
        { hint: "Check access to the state backend (--state) and run apply again.", cause: error },
      );
    }
  }

  /**
   * End of apply: drop the journal of every workspace whose steps all succeeded (nothing to
   * resume), then release every lock.
   */
  async close(succeeded: (address: string) => boolean): Promise<void> {
    const clean = new Map<string, boolean>();
    for (const step of this.plan.steps) {
      const key = this.keyOf.get(step.address);
      if (key === undefined) continue;
      clean.set(key, (clean.get(key) ?? true) && succeeded(step.address));
    }
    try {
      for (const lock of this.locks) {
        if (clean.get(lock.info.key)) await this.backend.clearJournal(lock.info.key).catch(() => undefined);
      }
    } finally {
      await this.releaseLocks();
    }
  }

  private async releaseLocks(): Promise<void> {
    for (const lock of this.locks.splice(0).reverse()) {
      await lock.release().catch(() => undefined);
      this.emit({ type: "lock.released", key: lock.info.key, lockId: lock.info.id });
    }
  }
}

export { currentHolder };
