/**
 * The one rule for re-reading a step's resource right before its write (apply uses it for the
 * fingerprint re-check of guarded steps; providers use it, through `ProviderContext.fresh`, to
 * decide whether they may write from the plan's `before` without reading first; the fidelity
 * guard compares content hashes at the same moments). Defined here and nowhere else.
 *
 * Apply's up-front stale check reads every step's resource and finds it as planned. That read
 * stays good for a step — no re-read before its write — unless it may be outdated:
 *  1. **a dependency changed it**: the step is unguarded (`guard: false`: the plan expects a
 *     transitive dependency with an action, e.g. a workspace create or provisioning, to change
 *     this resource), so what was read up front is not what the step will find; or
 *  2. **it is old**: more than `rereadAfterMs` (default 10 minutes) passed between the up-front
 *     read and the step's start (a long wait behind provisioning, a lane of many writes), long
 *     enough for another writer to have changed it.
 * Without an up-front read (`checkStale: false`, or a plan without changes) nothing is fresh.
 */
import type { PlanStep } from "../plan/types.js";

export const DEFAULT_REREAD_AFTER_MS = 10 * 60 * 1000;

export type RereadReason = "notReadUpFront" | "dependencyChanged" | "aged";

export interface FreshnessClock {
  /** When the up-front stale check read started (performance.now), or undefined without one. */
  readAt: number | undefined;
  /** Now (performance.now). */
  now: number;
  rereadAfterMs: number;
}

/** Why `step` must re-read its resource before writing, or undefined when the up-front read still holds. */
export function rereadReason(step: Pick<PlanStep, "guard">, clock: FreshnessClock): RereadReason | undefined {
  if (clock.readAt === undefined) return "notReadUpFront";
  if (!step.guard) return "dependencyChanged";
  if (clock.now - clock.readAt > clock.rereadAfterMs) return "aged";
  return undefined;
}
