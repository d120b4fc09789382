/**
 * Guards: a step is guarded (its planned fingerprint is compared right before its write) unless a
 * transitive dependency with an action is expected to change its resource.
 */
import { workspaceKeyOf } from "../expand/names.js";
import type { Graph } from "../graph/graph.js";
import type { PlanStep } from "./types.js";

/**
 * Whether a completed `dependency` is expected to change the resource of `step` (so a fresh
 * read before the step's write would not match the fingerprint taken while planning).
 */
function changesResourceOf(dependency: PlanStep, step: PlanStep): boolean {
  if (dependency.action === "noop") return false;
  const depKey = workspaceKeyOf(dependency.identity, dependency.address);
  const key = workspaceKeyOf(step.identity, step.address);
  const sameWorkspace = depKey !== undefined && depKey === key;
  // A new workspace: everything of it appears only after the create.
  if (dependency.kind === "workspace" && dependency.action === "create") return sameWorkspace;
  // Provisioning creates the managed private endpoints (connections to approve) and changes
  // what endpoints see.
  if (dependency.kind === "managedNetwork") {
    return sameWorkspace && (step.kind === "privateEndpointApproval" || step.kind === "onlineEndpoint");
  }
  // Rule and workspace writes change the managed network's state (rule statuses, mode).
  if (
    step.kind === "managedNetwork" &&
    (dependency.kind === "outboundRule" || dependency.kind === "workspace")
  ) {
    return sameWorkspace;
  }
  // A private endpoint's create/replace changes its DNS zone group and the connection on the target.
  if (dependency.kind === "privateEndpoint") {
    const service = (dependency.identity as { service?: string }).service;
    if (step.kind === "privateDnsZoneGroup") {
      const parent = (step.identity as { privateEndpoint?: { name?: string } }).privateEndpoint?.name;
      return parent !== undefined && parent === (dependency.identity as { name?: string }).name;
    }
    if (step.kind === "privateEndpointApproval") {
      return sameWorkspace && (step.identity as { service?: string }).service === service;
    }
  }
  return false;
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
