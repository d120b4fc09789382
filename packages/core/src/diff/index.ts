export { changedPaths, isArmId, roleGuid } from "./compare.js";
export {
  type DiffOptions,
  type DiffResult,
  diff,
  isServiceOwnedRule,
  SERVICE_OWNED_RULE_CATEGORIES,
} from "./diff.js";
