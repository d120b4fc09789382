export { RULES, type RuleInfo, type RulePhase, ruleInfo } from "./catalogue.js";
export { checkSpec } from "./spec-rules.js";
export {
  checkState,
  desiredIsolationMode,
  ISOLATION_ORDER,
  type IsolationMode,
  type StateView,
  UNLISTED_RULE_CODE,
  type WorkspaceStateView,
} from "./state-rules.js";
