export { changedPaths, isArmId, roleGuid } from "./compare.js";
export {
  type DiffOptions,
  type DiffResult,
  diff,
  SERVICE_OWNED_RULE_CATEGORIES,
  UNLISTED_RULE_CODE,
} from "./diff.js";
