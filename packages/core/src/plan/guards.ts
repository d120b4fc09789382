/**
 * Guards: a step is guarded (its planned fingerprint is compared right before its write) unless a
 * transitive dependency with an action is expected to change its resource.
 */
import { workspaceKeyOf } from "../expand/names.js";
import type { Graph } from "../graph/graph.js";
import { kindOf } from "../kinds/index.js";
import type { PlanStep } from "./types.js";

/**
 * Whether a completed `dependency` is expected to change the resource of `step` (so a fresh
 * read before the step's write would not match the fingerprint taken while planning): the
 * dependency's kind says (`changes` in `kinds/<kind>.ts`).
 */
function changesResourceOf(dependency: PlanStep, step: PlanStep): boolean {
  if (dependency.action === "noop") return false;
  const changes = kindOf(dependency.kind).changes;
  if (changes === undefined) return false;
  const depKey = workspaceKeyOf(dependency.identity, dependency.address);
  const key = workspaceKeyOf(step.identity, step.address);
  return changes(dependency, step, depKey !== undefined && depKey === key);
}

/**
 * Set `guard` on every step: false when a transitive dependency changes its resource. The graph
 * is built only when some step changes something (otherwise every guard is true).
 */
export function assignGuards(steps: PlanStep[], buildGraph: () => Graph): void {
  const changing = steps.some((step) => step.action !== "noop");
  if (!changing) {
    for (const step of steps) step.guard = true;
    return;
  }
  const graph = buildGraph();
  const byAddress = new Map(steps.map((step) => [step.address, step]));
  for (const step of steps) {
    step.guard = true;
    for (const dependencyAddress of graph.transitiveDependencies(step.address)) {
      const dependency = byAddress.get(dependencyAddress);
      if (dependency && changesResourceOf(dependency, step)) {
        step.guard = false;
        break;
      }
    }
  }
}
