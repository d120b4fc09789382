export {
  type AppliedStep,
  type ApplyOptions,
  type ApplyResult,
  apply,
  countOutcomes,
  DEFAULT_CONCURRENCY,
  nodeOfStep,
} from "./apply.js";
export {
  DEFAULT_REREAD_AFTER_MS,
  type FreshnessClock,
  type RereadReason,
  rereadReason,
} from "./freshness.js";
