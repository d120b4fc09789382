export { canonicalJson, hashJson, sha256 } from "./canonical.js";
export { ESTIMATES, type PlanOptions, plan } from "./plan.js";
export { parsePlan, serializePlan } from "./serialize.js";
export { isLoadedSpec, resolveSpec, validate } from "./spec-input.js";
export {
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanStep,
  type PlanWait,
  planHasChanges,
} from "./types.js";
