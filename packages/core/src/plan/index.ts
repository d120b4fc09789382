export { canonicalJson, hashJson, sha256 } from "./canonical.js";
export { DESTROYED_KINDS, destroyNodes } from "./destroy.js";
export { type Derivation, type DerivedStep, deriveSteps } from "./origin.js";
export { ESTIMATES, type PlanOptions, plan } from "./plan.js";
export { PlanSchema } from "./schema.js";
export { parsePlan, type SerializePlanOptions, serializePlan } from "./serialize.js";
export {
  checkProvenance,
  type PlanKey,
  type PlanWitness,
  type ProvenanceOptions,
  planSignature,
  signPlan,
  verifyPlanSignature,
} from "./sign.js";
export { isLoadedSpec, resolveSpec, validate } from "./spec-input.js";
export { targetClosure } from "./targets.js";
export {
  PLAN_ACTIONS,
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanMode,
  type PlanOrigin,
  type PlanStep,
  type PlanWait,
  planHasChanges,
} from "./types.js";
export { verifyPlan } from "./verify.js";
