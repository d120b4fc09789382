/**
 * One step's run in the walk: the re-read rule (freshness.ts) before its write, the provider's
 * apply, its outcome in the journal and its record. Noop and resumed steps never get here.
 */
import type { createEmitter } from "../emitter.js";
import { isPfnetError, PfnetError, type SerializedError, serializeError } from "../errors.js";
import type { WalkSlot } from "../graph/walk.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { Provider, ProviderContext } from "../provider.js";
import type { StateSession } from "../state/session.js";
import { rereadReason } from "./freshness.js";
import type { AppliedStep } from "./options.js";
import { nodeOfStep } from "./stale-check.js";

export interface StepRunSettings {
  checkStale: boolean;
  rereadAfterMs: number;
  /** When the up-front read started, if there was one. */
  readAt: number | undefined;
  emit: ReturnType<typeof createEmitter>;
  session: StateSession | undefined;
  /** Records a step's end (and emits `step.finished`). */
  finish: (record: AppliedStep) => void;
  /** Root causes: each failed step's error is pushed here. */
  errors: SerializedError[];
}

/** The walk's visit of a changing step: true when it succeeded (its dependents may start). */
export function stepRunner(
  plan: Plan,
  provider: Provider,
  { checkStale, rereadAfterMs, readAt, emit, session, finish, errors }: StepRunSettings,
): (step: PlanStep, stepSignal: AbortSignal, slot: WalkSlot) => Promise<boolean> {
  return async (step, stepSignal, slot) => {
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
        const fresh = await provider.read([nodeOfStep(step)], { ...context, resourcesOnly: true });
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
}
