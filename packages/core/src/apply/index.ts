export {
  type AppliedStep,
  type ApplyOptions,
  type ApplyResult,
  apply,
  DEFAULT_CONCURRENCY,
  nodeOfStep,
} from "./apply.js";
