/**
 * The stale check, before anything is written: read every step's resource; a fingerprint that
 * differs from the plan's is `PLAN_STALE`. Steps an interrupted apply of this plan or spec
 * finished (the journal) whose resources still match are done and not redone. Gated weakening
 * is judged again on this fresh read.
 */
import { diff } from "../diff/diff.js";
import type { createEmitter } from "../emitter.js";
import { PfnetError } from "../errors.js";
import { refuseUnconsentedWeakening, weakeningsOf } from "../kinds/weakening.js";
import type { ResourceKind, ResourceNode } from "../model.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { Provider, ReadResult } from "../provider.js";
import type { StateSession } from "../state/session.js";

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

export interface StaleCheck {
  /** Steps an interrupted apply finished whose resources still match: not redone. */
  done: Set<string>;
  /** When the read started (the clock of the re-read rule). */
  readAt: number;
}

/** Read everything the plan read and refuse it when anything changed (`PLAN_STALE`) or consent is missing. */
export async function checkStalePlan(
  plan: Plan,
  provider: Provider,
  {
    signal,
    emit,
    session,
    allowWeaken,
  }: {
    signal: AbortSignal;
    emit: ReturnType<typeof createEmitter>;
    session: StateSession | undefined;
    allowWeaken: boolean;
  },
): Promise<StaleCheck> {
  const nodes = plan.steps.map(nodeOfStep);
  let read: Awaited<ReturnType<Provider["read"]>>;
  const readAt = performance.now();
  try {
    read = await provider.read(nodes, { signal, emit, resourcesOnly: true });
  } catch (error) {
    if (signal.aborted)
      throw new PfnetError("ABORTED", "Apply was aborted while checking the plan; nothing was changed.", {
        cause: error,
      });
    throw error;
  }
  const done = stillDone(plan, read, session?.finished ?? new Set());
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
  return { done, readAt };
}
