/**
 * `apply`: execute a plan with a provider. Nothing but the plan steers it (reasons are display
 * only).
 *
 * 0. Re-derivation (plan/verify.ts): the plan must be one pfnet makes from the topology it
 *    embeds (`PLAN_TAMPERED`, `SPEC_INVALID`); with `planKey` or `spec`, provenance
 *    (plan/sign.ts); gated weakening needs `allowWeaken` (`WEAKENING_NOT_ALLOWED`, judged on
 *    the plan's `before` and again on the stale check's fresh read). Nothing is read before the
 *    plan-only checks pass, nothing written before all of them do.
 * 1. Stale check: read every step's resource and compare fingerprints with the plan; any
 *    mismatch throws `PLAN_STALE` before anything is written.
 * 2. Dependency walk (graph/walk.ts): a step starts when its dependencies succeeded, a slot of
 *    the concurrency limit is free and no other step of its lane runs. Noop steps finish at once
 *    without provider calls.
 * 3. Re-reads right before a write follow one rule (apply/freshness.ts): only when the up-front
 *    read may be outdated. A guarded step whose up-front read has aged re-reads, and a changed
 *    fingerprint stops it as `RESOURCE_STALE`; the provider learns through `context.fresh`
 *    whether it may write from the plan's `before` without reading first.
 * With a state backend (`options.state`) apply first locks every workspace the plan writes
 * (`LOCKED` at once when another apply holds one) and reads their journals: steps an interrupted
 * apply of this plan or spec finished are not redone when their resources still match, and
 * operations it left running are handed to the provider to re-attach to (state/session.ts).
 * 4. A failed step skips its transitive dependents (`skippedBecause` names it); independent
 *    branches finish. A `pendingApproval` step also skips its dependents: what comes after an
 *    approval needs the connection approved, and a human has to act first (the next plan picks
 *    it up). Abort: no new step starts, running steps get the signal, the rest end `cancelled`.
 */
import { diff } from "../diff/diff.js";
import { createEmitter } from "../emitter.js";
import { isPfnetError, PfnetError, type SerializedError, serializeError } from "../errors.js";
import type { EventListener, PendingApproval, StepOutcome } from "../events.js";
import { type WalkNode, type WalkSlot, walk } from "../graph/walk.js";
import { refuseUnconsentedWeakening, weakeningsOf } from "../kinds/weakening.js";
import type { ResourceKind, ResourceNode } from "../model.js";
import { checkProvenance, type PlanKey } from "../plan/sign.js";
import { resolveSpec } from "../plan/spec-input.js";
import {
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanStep,
  planHasChanges,
} from "../plan/types.js";
import { verifyPlan } from "../plan/verify.js";
import type { Provider, ProviderContext, ReadResult } from "../provider.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";
import { StateSession } from "../state/session.js";
import type { LockHolder, StateBackend } from "../state/types.js";
import { DEFAULT_REREAD_AFTER_MS, rereadReason } from "./freshness.js";

export interface ApplyOptions {
  /**
   * Steps working at once (default 10). A step waiting on Azure through `ProviderContext.idle`
   * (polls, back-offs, propagation, approvals) frees its slot while it waits.
   */
  concurrency?: number;
  signal?: AbortSignal;
  /** The same as `signal`, under the Azure SDK's name (`signal` wins when both are given). */
  abortSignal?: AbortSignal;
  onEvent?: EventListener;
  /**
   * Compare fingerprints with a fresh read before writing (the whole plan up front, and guarded
   * steps right before their write). Default true; false skips both checks.
   */
  checkStale?: boolean;
  /**
   * How long the up-front read stays good for a guarded step (wall ms, default 10 minutes):
   * a step starting later re-reads right before its write (apply/freshness.ts, the one rule).
   */
  rereadAfterMs?: number;
  /**
   * Where the journal and the workspace locks live (`LocalStateBackend`, `BlobStateBackend` of
   * `@pfnet/azure`, or your own). Without it apply keeps no journal and takes no lock.
   */
  state?: StateBackend;
  /** Who the locks name as holder (default: this host, pid and user). */
  lockHolder?: LockHolder;
  /**
   * A plan key: the plan must carry a valid signature under it (`PLAN_SIGNATURE`). For plans
   * read from files; see docs/security.md.
   */
  planKey?: PlanKey;
  /**
   * The reviewed spec as a witness: its topology must be the one embedded in the plan
   * (`PLAN_TAMPERED`). For plans read from files.
   */
  spec?: Topology | LoadedSpec;
  /**
   * Consent to steps that weaken isolation (their `weakens` has a `gated` entry, e.g. ingress
   * private -> public). Without it such a plan is refused (`WEAKENING_NOT_ALLOWED`) before any
   * write. Default false.
   */
  allowWeaken?: boolean;
  /**
   * Asked once every check has passed (re-derivation, provenance, locks, the stale check,
   * consent) and before anything is written: the place for an interactive confirmation, so a
   * stale or already-applied plan is refused before anyone is asked to approve it. Resolving
   * `false` ends apply with `APPLY_DECLINED`; nothing was changed. Not asked for a plan without
   * changes.
   */
  confirm?: (plan: Plan, context: { signal: AbortSignal }) => Promise<boolean>;
}

export interface AppliedStep {
  address: string;
  action: PlanAction;
  outcome: StepOutcome;
  durationMs: number;
  error?: SerializedError;
  pending?: PendingApproval;
  /** For skipped steps: the step (failed or pending approval) that caused the skip. */
  skippedBecause?: string;
  /** True when an interrupted earlier apply did this step and its resource still matches (not redone). */
  resumed?: boolean;
}

export interface ApplyResult {
  /** Every step of the plan, in plan order. */
  steps: AppliedStep[];
  outcomes: Record<StepOutcome, number>;
  /** Root causes only: the errors of failed steps (skipped steps repeat none of them). */
  errors: SerializedError[];
  durationMs: number;
}

export const DEFAULT_CONCURRENCY = 10;

/** How many of `steps` ended with each outcome (every outcome present, 0 when none). */
export function countOutcomes(steps: Iterable<{ outcome: StepOutcome }>): Record<StepOutcome, number> {
  const counts: Record<StepOutcome, number> = {
    succeeded: 0,
    failed: 0,
    skipped: 0,
    pendingApproval: 0,
    cancelled: 0,
  };
  for (const step of steps) counts[step.outcome]++;
  return counts;
}

/** Rebuild the resource node a step acts on (for reads during apply). */
export function nodeOfStep(step: PlanStep): ResourceNode {
  return {
    address: step.address,
    kind: step.kind as ResourceKind,
    identity: step.identity as unknown as ResourceNode["identity"],
    properties: (step.after ?? step.before ?? {}) as unknown as ResourceNode["properties"],
    dependsOn: [...step.dependsOn],
    ...(step.lane === undefined ? {} : { lane: step.lane }),
  };
}

function checkVersion(plan: Plan): void {
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new PfnetError(
      "PLAN_INVALID",
      `The plan has format version ${String(plan.formatVersion)}; this pfnet applies version ${PLAN_FORMAT_VERSION}. Run \`pfnet plan\` again.`,
    );
  }
}

function checkPlanShape(plan: Plan): void {
  const addresses = new Set<string>();
  for (const step of plan.steps) {
    if (addresses.has(step.address))
      throw new PfnetError(
        "PLAN_INVALID",
        `The plan lists step ${step.address} twice. Run \`pfnet plan\` again.`,
      );
    addresses.add(step.address);
  }
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) {
      if (!addresses.has(dependency)) {
        throw new PfnetError(
          "PLAN_INVALID",
          `Step ${step.address} depends on ${dependency}, which is not in the plan. Run \`pfnet plan\` again.`,
        );
      }
    }
  }
}

const weightOf = (step: PlanStep) =>
  step.estimatedSeconds ? (step.estimatedSeconds.min + step.estimatedSeconds.max) / 2 : 1;

export async function apply(
  plan: Plan,
  provider: Provider,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  checkOptions(options);
  checkVersion(plan);
  checkPlanShape(plan);
  // Before any read: the plan must be one pfnet makes from its embedded (valid) spec, and, when
  // the caller names a witness, the witness must vouch for that spec.
  verifyPlan(plan);
  refuseUnconsentedWeakening(weakeningsOf(plan.steps), options.allowWeaken === true);
  if (options.planKey !== undefined || options.spec !== undefined) {
    checkProvenance(plan, {
      ...(options.planKey === undefined ? {} : { planKey: options.planKey }),
      ...(options.spec === undefined ? {} : { specTopology: resolveSpec(options.spec).topology }),
    });
  }
  return applyVerified(plan, provider, options);
}

function checkOptions(options: ApplyOptions): void {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PfnetError(
      "INVALID_ARGUMENT",
      `concurrency must be a positive integer, got ${String(concurrency)}.`,
    );
  }
}

/**
 * The stale check and the walk, for a plan that `apply` has verified. Not exported from the
 * package: the scheduler's own tests and benchmarks drive it with synthetic graphs no spec makes.
 */
export async function applyVerified(
  plan: Plan,
  provider: Provider,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  checkOptions(options);
  checkPlanShape(plan);
  const started = performance.now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const checkStale = options.checkStale ?? true;
  const outer = options.signal ?? options.abortSignal ?? new AbortController().signal;
  if (outer.aborted)
    throw new PfnetError("ABORTED", "Apply was aborted before it started; nothing was changed.");
  const emit = createEmitter(options.onEvent);

  // Locks and journal. A lost lock stops the apply as an abort would.
  const controller = new AbortController();
  const forward = () => controller.abort(outer.reason);
  outer.addEventListener("abort", forward, { once: true });
  const signal = controller.signal;
  const session =
    options.state && planHasChanges(plan)
      ? await StateSession.open(plan, options.state, {
          signal,
          emit,
          ...(options.lockHolder ? { holder: options.lockHolder } : {}),
        }).catch((error: unknown) => {
          outer.removeEventListener("abort", forward);
          throw error;
        })
      : undefined;
  session?.onLockLost((error) =>
    controller.abort(
      new PfnetError("LOCK_LOST", `The workspace lock was lost: ${error.message}`, { cause: error }),
    ),
  );
  let result: ApplyResult | undefined;
  try {
    result = await applyWalk(plan, provider, {
      concurrency,
      checkStale,
      rereadAfterMs: options.rereadAfterMs ?? DEFAULT_REREAD_AFTER_MS,
      signal,
      emit,
      session,
      started,
      allowWeaken: options.allowWeaken === true,
      confirm: options.confirm,
    });
  } finally {
    outer.removeEventListener("abort", forward);
    if (session) {
      const outcomes = new Map(result?.steps.map((step) => [step.address, step.outcome]) ?? []);
      await session.close((address) => outcomes.get(address) === "succeeded");
    }
  }
  // Last, after the locks are released: whoever reads the stream may start the next apply.
  emit({ type: "apply.finished", outcomes: result.outcomes, durationMs: result.durationMs });
  return result;
}

/** Steps an interrupted apply finished whose resources a fresh read still shows as it left them. */
function stillDone(plan: Plan, read: ReadResult, finished: ReadonlySet<string>): Set<string> {
  const done = new Set<string>();
  if (finished.size === 0) return done;
  const kept = plan.steps.filter((step) => step.action !== "delete");
  const verdicts = new Map(diff(kept.map(nodeOfStep), read).steps.map((step) => [step.address, step.action]));
  for (const step of plan.steps) {
    if (!finished.has(step.address) || step.action === "noop") continue;
    const matches =
      step.action === "delete"
        ? read.resources[step.address]?.exists === false
        : verdicts.get(step.address) === "noop";
    if (matches) done.add(step.address);
  }
  return done;
}

interface WalkSettings {
  concurrency: number;
  checkStale: boolean;
  rereadAfterMs: number;
  signal: AbortSignal;
  emit: ReturnType<typeof createEmitter>;
  session: StateSession | undefined;
  started: number;
  allowWeaken: boolean;
  confirm: ApplyOptions["confirm"];
}

async function applyWalk(
  plan: Plan,
  provider: Provider,
  {
    concurrency,
    checkStale,
    rereadAfterMs,
    signal,
    emit,
    session,
    started,
    allowWeaken,
    confirm,
  }: WalkSettings,
): Promise<ApplyResult> {
  const byAddress = new Map(plan.steps.map((step) => [step.address, step]));
  let done = new Set<string>();
  // When the up-front read started (the clock of the re-read rule), if there was one.
  let readAt: number | undefined;

  // 1. Stale plan: everything the plan read must still look the same.
  if (checkStale && planHasChanges(plan)) {
    const nodes = plan.steps.map(nodeOfStep);
    let read: Awaited<ReturnType<Provider["read"]>>;
    readAt = performance.now();
    try {
      read = await provider.read(nodes, { signal, emit });
    } catch (error) {
      if (signal.aborted)
        throw new PfnetError("ABORTED", "Apply was aborted while checking the plan; nothing was changed.", {
          cause: error,
        });
      throw error;
    }
    done = stillDone(plan, read, session?.finished ?? new Set());
    // An unguarded step expects its resource to be changed by the steps before it: once some of
    // them are done (an interrupted apply of this plan), its planned fingerprint is outdated.
    const afterDone = new Set<string>();
    for (const step of plan.steps) {
      if (step.dependsOn.some((d) => done.has(d) || afterDone.has(d))) afterDone.add(step.address);
    }
    const changed: Array<{ address: string; planned: string; actual: string | null }> = [];
    for (const step of plan.steps) {
      const planned = plan.fingerprints[step.address];
      if (planned === undefined || done.has(step.address)) continue;
      if (!step.guard && afterDone.has(step.address)) continue;
      const actual = read.resources[step.address]?.fingerprint ?? null;
      if (actual !== planned) changed.push({ address: step.address, planned, actual });
    }
    if (changed.length > 0) {
      const list = changed
        .slice(0, 5)
        .map((entry) => entry.address)
        .join(", ");
      throw new PfnetError(
        "PLAN_STALE",
        `The plan is stale: ${changed.length} resource${changed.length === 1 ? "" : "s"} changed since it was made (${list}${changed.length > 5 ? ", …" : ""}). Nothing was changed.`,
        { details: { changed }, hint: "Run `pfnet plan` again and review the new plan." },
      );
    }
    // Consent is judged on what exists now too, not only on the plan's `before`.
    const fresh = weakeningsOf(plan.steps, (step) => {
      const actual = read.resources[step.address];
      if (actual === undefined) return step.before;
      return actual.exists ? actual.properties : null;
    });
    for (const address of done) fresh.delete(address);
    refuseUnconsentedWeakening(fresh, allowWeaken);
  }

  const unfinished = session?.unfinishedAddresses ?? [];
  if (done.size > 0 || unfinished.length > 0) {
    emit({
      type: "apply.resumed",
      finished: plan.steps.filter((step) => done.has(step.address)).map((step) => step.address),
      unfinished,
    });
  }

  if (confirm && planHasChanges(plan)) {
    const approved = await confirm(plan, { signal });
    if (signal.aborted)
      throw new PfnetError("ABORTED", "Apply was aborted before it started; nothing was changed.");
    if (!approved) throw new PfnetError("APPLY_DECLINED", "Apply was not confirmed; nothing was changed.");
  }

  // 2. The walk.
  const records = new Map<string, AppliedStep>();
  const errors: SerializedError[] = [];
  const finish = (record: AppliedStep) => {
    records.set(record.address, record);
    emit({
      type: "step.finished",
      address: record.address,
      outcome: record.outcome,
      durationMs: record.durationMs,
      ...(record.error ? { error: record.error } : {}),
      ...(record.pending ? { pending: record.pending } : {}),
      ...(record.skippedBecause ? { skippedBecause: record.skippedBecause } : {}),
      ...(record.resumed ? { resumed: true } : {}),
    });
  };

  const runStep = async (step: PlanStep, stepSignal: AbortSignal, slot: WalkSlot): Promise<boolean> => {
    const begin = performance.now();
    emit({ type: "step.started", address: step.address, action: step.action, kind: step.kind });
    const journal = session?.journalFor(step);
    // The one re-read rule (freshness.ts). An operation an interrupted apply left unfinished
    // has changed the resource since any read: never fresh.
    const reason = journal?.unfinished
      ? "dependencyChanged"
      : rereadReason(step, { readAt, now: performance.now(), rereadAfterMs });
    const context: ProviderContext = {
      signal: stepSignal,
      emit,
      idle: slot.idle,
      fresh: reason === undefined,
      ...(journal ? { journal } : {}),
    };
    const elapsed = () => Math.round((performance.now() - begin) * 1000) / 1000;
    try {
      if (checkStale && step.guard && reason === "aged") {
        const fresh = await provider.read([nodeOfStep(step)], context);
        const planned = plan.fingerprints[step.address];
        const actual = fresh.resources[step.address]?.fingerprint ?? null;
        if (planned !== undefined && actual !== planned) {
          throw new PfnetError(
            "RESOURCE_STALE",
            `${step.address} changed after the plan was made; the step was not applied.`,
            {
              address: step.address,
              details: { planned, actual },
              hint: "Run `pfnet plan` again and review the new plan.",
            },
          );
        }
        // Re-read and as planned: the plan's `before` holds again.
        context.fresh = true;
      }
      const result = await provider.apply(step, context);
      await session?.recordOutcome(step, result.outcome);
      if (result.outcome === "pendingApproval") {
        finish({
          address: step.address,
          action: step.action,
          outcome: "pendingApproval",
          durationMs: elapsed(),
          pending: result.pending,
        });
        return false;
      }
      finish({ address: step.address, action: step.action, outcome: "succeeded", durationMs: elapsed() });
      return true;
    } catch (thrown) {
      let caught = thrown;
      const outcome = stepSignal.aborted ? "cancelled" : "failed";
      await session?.recordOutcome(step, outcome).catch((error: unknown) => {
        caught = outcome === "failed" ? error : caught;
      });
      if (stepSignal.aborted) {
        const error =
          isPfnetError(caught) && caught.code === "ABORTED"
            ? serializeError(caught)
            : { code: "ABORTED", message: "Aborted while running." };
        finish({
          address: step.address,
          action: step.action,
          outcome: "cancelled",
          durationMs: elapsed(),
          error: { ...error, address: step.address },
        });
        return false;
      }
      const error = { ...serializeError(caught), address: step.address };
      errors.push(error);
      finish({ address: step.address, action: step.action, outcome: "failed", durationMs: elapsed(), error });
      return false;
    }
  };

  const walkNodes: WalkNode[] = plan.steps.map((step) => ({
    id: step.address,
    dependsOn: step.dependsOn,
    ...(step.lane === undefined ? {} : { lane: step.lane }),
    weight: weightOf(step),
    instant: step.action === "noop" || done.has(step.address),
  }));
  emit({ type: "apply.started", steps: plan.steps.length, concurrency });
  await walk(walkNodes, {
    concurrency,
    signal,
    visit: (id, stepSignal, slot) => {
      const step = byAddress.get(id)!;
      if (step.action === "noop") {
        // Nothing to do: no provider call, no event.
        records.set(id, { address: id, action: "noop", outcome: "succeeded", durationMs: 0 });
        return true;
      }
      if (done.has(id)) {
        finish({ address: id, action: step.action, outcome: "succeeded", durationMs: 0, resumed: true });
        return true;
      }
      return runStep(step, stepSignal, slot);
    },
    onSkipped: (id, blockedBy) => {
      const step = byAddress.get(id)!;
      // Dependents of a step cut short by an abort are cancelled, not skipped.
      if (records.get(blockedBy)?.outcome === "cancelled") {
        finish({ address: id, action: step.action, outcome: "cancelled", durationMs: 0 });
        return;
      }
      finish({
        address: id,
        action: step.action,
        outcome: "skipped",
        durationMs: 0,
        skippedBecause: blockedBy,
      });
    },
    onCancelled: (id) => {
      finish({ address: id, action: byAddress.get(id)!.action, outcome: "cancelled", durationMs: 0 });
    },
  });

  const steps = plan.steps.map((step) => records.get(step.address)!);
  const outcomes = countOutcomes(steps);
  const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
  return { steps, outcomes, errors, durationMs };
}
