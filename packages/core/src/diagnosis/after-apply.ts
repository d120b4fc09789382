/** The end of `apply`: the workspace diagnosis of what it changed (`ApplyOptions.verify`). */
import type { ApplyOptions, ApplyResult } from "../apply/options.js";
import type { Emit } from "../emitter.js";
import type { WorkspaceRef } from "../model.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { Provider } from "../provider.js";
import { diagnoseWorkspaces } from "./verify.js";

/**
 * Proof after apply: the diagnosis of every workspace that had a change and whose steps all
 * succeeded — a workspace with a failed, skipped or pending step is not applied yet, and its
 * diagnosis would report what the next apply still has to do.
 */
export async function verifyAfterApply(
  plan: Plan,
  provider: Provider,
  options: ApplyOptions,
  result: ApplyResult,
  emitter: () => Emit,
): Promise<ApplyResult> {
  const signal = options.signal ?? options.abortSignal ?? new AbortController().signal;
  // After destroy the workspace is meant to lose its paths: a diagnosis proves nothing then.
  const skip =
    options.verify === false ||
    provider.diagnose === undefined ||
    signal.aborted ||
    plan.origin.mode === "destroy";
  if (skip) return result;
  const outcomeOf = new Map(result.steps.map((step) => [step.address, step.outcome]));
  const byAddress = new Map(plan.steps.map((step) => [step.address, step]));
  // A step's workspace: its identity's, else (a DNS zone group, an NSG rule) that of a step it
  // depends on.
  const workspaceOf = (step: PlanStep, seen = new Set<string>()): WorkspaceRef | undefined => {
    const own = (step.identity as { workspace?: WorkspaceRef }).workspace;
    if (own !== undefined || seen.has(step.address)) return own;
    seen.add(step.address);
    for (const dependency of step.dependsOn) {
      const found = byAddress.get(dependency);
      const ref = found && workspaceOf(found, seen);
      if (ref) return ref;
    }
    return undefined;
  };
  const changed = new Map<string, WorkspaceRef>();
  const unfinished = new Set<string>();
  for (const step of plan.steps) {
    if (step.action === "noop") continue;
    const ref = workspaceOf(step);
    if (ref === undefined) continue;
    if (outcomeOf.get(step.address) === "succeeded") changed.set(ref.key, ref);
    else unfinished.add(ref.key);
  }
  const refs = [...changed.values()].filter((ref) => !unfinished.has(ref.key));
  if (refs.length === 0) return result;
  const verification = await diagnoseWorkspaces(
    refs,
    provider,
    { signal, emit: emitter() },
    options.concurrency,
  );
  return { ...result, verification };
}
