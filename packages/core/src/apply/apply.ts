/**
 * `apply`: execute a plan with a provider. Nothing but the plan steers it (reasons are display
 * only).
 *
 * 1. Stale check: read every step's resource and compare fingerprints with the plan; any
 *    mismatch throws `PLAN_STALE` before anything is written.
 * 2. Dependency walk (graph/walk.ts): a step starts when its dependencies succeeded, a slot of
 *    the concurrency limit is free and no other step of its lane runs. Noop steps finish at once
 *    without provider calls.
 * 3. Guarded steps re-read their resource right before the write; a changed fingerprint stops
 *    the step as `RESOURCE_STALE`.
 * 4. A failed step skips its transitive dependents (`skippedBecause` names it); independent
 *    branches finish. A `pendingApproval` step also skips its dependents: what comes after an
 *    approval needs the connection approved, and a human has to act first (the next plan picks
 *    it up). Abort: no new step starts, running steps get the signal, the rest end `cancelled`.
 */
import { createEmitter } from "../emitter.js";
import { isPfnetError, PfnetError, type SerializedError, serializeError } from "../errors.js";
import type { EventListener, PendingApproval, StepOutcome } from "../events.js";
import { type WalkNode, walk } from "../graph/walk.js";
import type { ResourceKind, ResourceNode } from "../model.js";
import {
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanStep,
  planHasChanges,
} from "../plan/types.js";
import type { Provider, ProviderContext } from "../provider.js";

export interface ApplyOptions {
  /** Steps running at once (default 10). */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: EventListener;
  /**
   * Compare fingerprints with a fresh read before writing (the whole plan up front, and guarded
   * steps right before their write). Default true; false skips both checks.
   */
  checkStale?: boolean;
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

function checkPlanShape(plan: Plan): void {
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new PfnetError(
      "PLAN_INVALID",
      `The plan has format version ${String(plan.formatVersion)}; this pfnet applies version ${PLAN_FORMAT_VERSION}. Run \`pfnet plan\` again.`,
    );
  }
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
  const started = performance.now();
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const checkStale = options.checkStale ?? true;
  const signal = options.signal ?? new AbortController().signal;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PfnetError(
      "INVALID_ARGUMENT",
      `concurrency must be a positive integer, got ${String(concurrency)}.`,
    );
  }
  checkPlanShape(plan);
  if (signal.aborted)
    throw new PfnetError("ABORTED", "Apply was aborted before it started; nothing was changed.");
  const emit = createEmitter(options.onEvent);
  const byAddress = new Map(plan.steps.map((step) => [step.address, step]));

  // 1. Stale plan: everything the plan read must still look the same.
  if (checkStale && planHasChanges(plan)) {
    const nodes = plan.steps.map(nodeOfStep);
    let read: Awaited<ReturnType<Provider["read"]>>;
    try {
      read = await provider.read(nodes, { signal, emit });
    } catch (error) {
      if (signal.aborted)
        throw new PfnetError("ABORTED", "Apply was aborted while checking the plan; nothing was changed.", {
          cause: error,
        });
      throw error;
    }
    const changed: Array<{ address: string; planned: string; actual: string | null }> = [];
    for (const step of plan.steps) {
      const planned = plan.fingerprints[step.address];
      if (planned === undefined) continue;
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
    });
  };

  const runStep = async (step: PlanStep, stepSignal: AbortSignal): Promise<boolean> => {
    const begin = performance.now();
    emit({ type: "step.started", address: step.address, action: step.action, kind: step.kind });
    const context: ProviderContext = { signal: stepSignal, emit };
    const elapsed = () => Math.round((performance.now() - begin) * 1000) / 1000;
    try {
      if (checkStale && step.guard) {
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
      }
      const result = await provider.apply(step, context);
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
    } catch (caught) {
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
    instant: step.action === "noop",
  }));
  emit({ type: "apply.started", steps: plan.steps.length, concurrency });
  await walk(walkNodes, {
    concurrency,
    signal,
    visit: (id, stepSignal) => {
      const step = byAddress.get(id)!;
      if (step.action === "noop") {
        // Nothing to do: no provider call, no event.
        records.set(id, { address: id, action: "noop", outcome: "succeeded", durationMs: 0 });
        return true;
      }
      return runStep(step, stepSignal);
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
  emit({ type: "apply.finished", outcomes, durationMs });
  return { steps, outcomes, errors, durationMs };
}
