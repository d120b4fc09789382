/** Each changing step's estimate, from its kind's contract (`KINDS[kind].estimate`). */
import { address, workspaceKeyOf } from "../expand/names.js";
import type { EstimateContext } from "../kinds/contract.js";
import { kindOf } from "../kinds/index.js";
import type { ReadResult } from "../provider.js";
import type { PlanStep } from "./types.js";

/**
 * Each changing step's estimate (its kind's), in plan order: the firewall wait goes on one step
 * per workspace.
 */
export function estimateSteps(steps: readonly PlanStep[], resources: ReadResult["resources"]): void {
  const firewallCounted = new Set<string>();
  for (const step of steps) {
    if (step.action === "noop") continue;
    const key = workspaceKeyOf(step.identity, step.address);
    const network = key === undefined ? undefined : resources[address.network(key)];
    const context: EstimateContext = {
      network,
      firewallCounted: key !== undefined && firewallCounted.has(key),
    };
    const estimate = kindOf(step.kind).estimate(step, resources[step.address], context);
    if (key !== undefined && estimate.waits?.some((wait) => wait.kind === "firewall"))
      firewallCounted.add(key);
    Object.assign(step, estimate);
  }
}
