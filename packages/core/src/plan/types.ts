/**
 * The plan: plain, versioned JSON. `apply` is driven only by it; human fields (`reason`) are
 * display only and never steer apply. The types come from the plan file schema (schema.ts).
 */
import type { Plan } from "./schema.js";

export {
  PLAN_ACTIONS,
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanMode,
  type PlanOrigin,
  type PlanStep,
  type PlanWait,
  type Weakening,
} from "./schema.js";

/** True when applying the plan would change nothing. */
export function planHasChanges(plan: Pick<Plan, "steps">): boolean {
  return plan.steps.some((step) => step.action !== "noop");
}
