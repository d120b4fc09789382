export {
  type AppliedStep,
  type ApplyOptions,
  type ApplyResult,
  apply,
  countOutcomes,
  DEFAULT_CONCURRENCY,
  nodeOfStep,
} from "./apply.js";
