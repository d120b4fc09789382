export { RULES, type RuleInfo, type RulePhase, ruleInfo } from "./catalogue.js";
export {
  classifyStorageAccess,
  DIRECT_ASSIGNMENT_CODE,
  describeAssignment,
  describeDestination,
  describeScope,
  type Posture,
  type PostureAssignment,
  type PostureReason,
  type StorageAccessView,
  type UnlistedRuleView,
  type WorkspacePosture,
} from "./posture.js";
export { checkSpec } from "./spec-rules.js";
export {
  type CheckStateOptions,
  checkState,
  desiredIsolationMode,
  ISOLATION_ORDER,
  type IsolationMode,
  type StateView,
  UNLISTED_RULE_CODE,
  type WorkspaceStateView,
} from "./state-rules.js";
