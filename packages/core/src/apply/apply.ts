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
 * 5. Proof (diagnosis/after-apply.ts): the provider's workspace diagnosis of every workspace whose
 *    changes all succeeded, as `result.verification` (`options.verify: false` skips it).
 *
 * Parts: `options.ts` (what apply takes and returns), `plan-checks.ts` (checks needing no read),
 * `stale-check.ts` (1), `run-step.ts` (one step's run: 3), `freshness.ts` (the re-read rule).
 */
import { verifyAfterApply } from "../diagnosis/after-apply.js";
import { createEmitter } from "../emitter.js";
import { PfnetError, type SerializedError } from "../errors.js";
import { type WalkNode, walk } from "../graph/walk.js";
import { refuseUnconsentedWeakening, weakeningsOf } from "../kinds/weakening.js";
import { checkProvenance } from "../plan/sign.js";
import { resolveSpec } from "../plan/spec-input.js";
import { type Plan, type PlanStep, planHasChanges } from "../plan/types.js";
import { verifyPlan } from "../plan/verify.js";
import type { Provider } from "../provider.js";
import { StateSession } from "../state/session.js";
import { DEFAULT_REREAD_AFTER_MS } from "./freshness.js";
import {
  type AppliedStep,
  type ApplyOptions,
  type ApplyResult,
  countOutcomes,
  DEFAULT_CONCURRENCY,
} from "./options.js";
import { checkOptions, checkPlanShape, checkVersion } from "./plan-checks.js";
import { stepRunner } from "./run-step.js";
import { checkStalePlan } from "./stale-check.js";

export { nodeOfStep } from "./stale-check.js";

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
  // The diagnosis continues the apply's event stream (one call, one sequence).
  let lastSequence = 0;
  const result = await applyVerified(plan, provider, {
    ...options,
    onEvent: (event) => {
      lastSequence = event.sequence;
      options.onEvent?.(event);
    },
  });
  return verifyAfterApply(plan, provider, options, result, () =>
    createEmitter(options.onEvent, lastSequence),
  );
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
    ({ done, readAt } = await checkStalePlan(plan, provider, { signal, emit, session, allowWeaken }));
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

  const runStep = stepRunner(plan, provider, {
    checkStale,
    rereadAfterMs,
    readAt,
    emit,
    session,
    finish,
    errors,
  });

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
