export { apply, nodeOfStep } from "./apply.js";
export {
  DEFAULT_REREAD_AFTER_MS,
  type FreshnessClock,
  type RereadReason,
  rereadReason,
} from "./freshness.js";
export {
  type AppliedStep,
  type ApplyOptions,
  type ApplyResult,
  countOutcomes,
  DEFAULT_CONCURRENCY,
} from "./options.js";
