/**
 * @pfnet/core: the topology spec, rules, dependency graph, semantic diff, plan and scheduler.
 * No cloud SDK inside; providers (e.g. @pfnet/azure) implement the `Provider` port.
 */

// Apply.
export {
  type AppliedStep,
  type ApplyOptions,
  type ApplyResult,
  apply,
  countOutcomes,
  DEFAULT_CONCURRENCY,
  DEFAULT_REREAD_AFTER_MS,
  type FreshnessClock,
  nodeOfStep,
  type RereadReason,
  rereadReason,
} from "./apply/index.js";
// Proof after apply: the workspace diagnosis.
export {
  type DiagnosisCategory,
  type DiagnosisFinding,
  isErrorFinding,
  isInformationFinding,
  type VerifyOptions,
  type VerifyResult,
  verify,
  type WorkspaceDiagnosis,
} from "./diagnosis/verify.js";
export type { Diagnostic, Severity, SourceLocation } from "./diagnostics.js";
// Diff.
export {
  changedPaths,
  type DiffOptions,
  type DiffResult,
  diff,
  isServiceOwnedRule,
  roleGuid,
  SERVICE_OWNED_RULE_CATEGORIES,
} from "./diff/index.js";
// Errors and events.
export {
  isPfnetError,
  PfnetError,
  type PfnetErrorCode,
  type PfnetErrorOptions,
  type SerializedError,
  serializeError,
} from "./errors.js";
export type {
  EventListener,
  PendingApproval,
  PendingConnectionCandidate,
  PfnetEvent,
  PfnetEventInput,
  PfnetEventType,
  StepOutcome,
} from "./events.js";
// Expansion and names.
export {
  AZURE_NAME_PATTERN,
  address,
  DEFAULT_SUBRESOURCE,
  expand,
  fitName,
  fqdnRuleName,
  PRIVATE_DNS_ZONES,
  parseHost,
  privateEndpointName,
  privateEndpointRuleName,
  requiredNsgRules,
  serviceTagRuleName,
} from "./expand/index.js";
// Graph.
export {
  Graph,
  Limiter,
  MinHeap,
  type WalkNode,
  type WalkOptions,
  type WalkSlot,
  type WalkSummary,
  walk,
} from "./graph/index.js";
// Import: the spec of existing workspaces.
export {
  type FormatImportOptions,
  formatImportedSpec,
  type ImportNote,
  type ImportOptions,
  type ImportResult,
  importTopology,
} from "./import/index.js";
// Spec: loading, validation, typed authoring.
export { describeBytes, jsonTooDeepAt, MAX_NESTING_DEPTH, MAX_SPEC_BYTES } from "./input-limits.js";
// Resource kinds: one contract per kind (kinds/<kind>.ts), collected in one registry.
export {
  type DiffContext,
  type Diffed,
  type Estimate,
  KINDS,
  type KindContract,
  type KindDisplay,
  type KindRegistry,
  kindDisplay,
  type Verdict,
} from "./kinds/index.js";
// Roles pfnet grants (one list: expansion and the providers' own check).
export {
  ASSIGNABLE_ROLES,
  isAssignableRole,
  knownRoleName,
  NETWORK_CONNECTION_APPROVER,
  PRIVILEGED_ROLES,
  roleDefinitionIdOf,
  roleGuidOf,
  roleOfPurpose,
} from "./kinds/roleAssignment.js";
// Weakening: what each resource kind declares as widening exposure.
export {
  refuseUnconsentedWeakening,
  WEAKENINGS,
  type Weakening,
  type WeakeningDeclaration,
  weakeningsOf,
} from "./kinds/weakening.js";
// Model and the provider port.
export {
  type ActualResource,
  type ComputePlacement,
  type DependencyNetworkAccessIdentity,
  type DependencyNetworkAccessProperties,
  type DiscoveredResource,
  type KindTypes,
  type ManagedNetworkIdentity,
  type ManagedNetworkProperties,
  type NsgRuleIdentity,
  type NsgRuleProperties,
  type OnlineEndpointIdentity,
  type OnlineEndpointProperties,
  type OutboundRuleIdentity,
  type OutboundRuleProperties,
  type PrivateDnsZoneGroupIdentity,
  type PrivateDnsZoneGroupProperties,
  type PrivateEndpointApprovalIdentity,
  type PrivateEndpointApprovalProperties,
  type PrivateEndpointIdentity,
  type PrivateEndpointProperties,
  RESOURCE_KINDS,
  type ResourceKind,
  type ResourceNode,
  type RoleAssignmentIdentity,
  type RoleAssignmentProperties,
  type RoleAssignmentSeen,
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
  type WorkspaceFacts,
  type WorkspaceIdentity,
  type WorkspaceProperties,
  type WorkspaceRef,
} from "./model.js";
// Outputs: what users need after apply.
export {
  type ConnectionOutput,
  type Outputs,
  type OutputsOptions,
  readOutputs,
  type ServiceEndpointOutput,
  type WorkspaceOutputs,
} from "./outputs/index.js";
// Plan.
export {
  canonicalJson,
  checkProvenance,
  DESTROYED_KINDS,
  ESTIMATES,
  hashJson,
  PLAN_ACTIONS,
  PLAN_FORMAT_VERSION,
  type Plan,
  type PlanAction,
  type PlanKey,
  type PlanMode,
  type PlanOptions,
  type PlanOrigin,
  PlanSchema,
  type PlanStep,
  type PlanWait,
  type PlanWitness,
  type ProvenanceOptions,
  parsePlan,
  plan,
  planHasChanges,
  planSignature,
  type SerializePlanOptions,
  serializePlan,
  signPlan,
  targetClosure,
  verifyPlan,
  verifyPlanSignature,
} from "./plan/index.js";
export { validate } from "./plan/spec-input.js";
export type {
  Inventory,
  NetworkLinks,
  OutboundDependency,
  PermissionGap,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceGroupScope,
  StepJournal,
  StepResult,
  UnfinishedOperation,
} from "./provider.js";
// Rules.
export {
  type CheckStateOptions,
  checkSpec,
  checkState,
  classifyStorageAccess,
  DIRECT_ASSIGNMENT_CODE,
  describeAssignment,
  describeDestination,
  describeScope,
  type IsolationMode,
  type Posture,
  type PostureAssignment,
  type PostureReason,
  RULES,
  type RuleInfo,
  type RulePhase,
  ruleInfo,
  type StateView,
  type StorageAccessView,
  UNLISTED_RULE_CODE,
  type UnlistedRuleView,
  type WorkspacePosture,
  type WorkspaceStateView,
} from "./rules/index.js";
export { defineTopology } from "./spec/define.js";
export { closest as closestName } from "./spec/did-you-mean.js";
export { type LoadedSpec, type LoadSpecOptions, loadSpec, loadSpecFile } from "./spec/load.js";
export { pointer, splitPointer } from "./spec/pointer.js";
export type {
  CreateBlockSpec,
  EndpointSpec,
  OwnNetworkSpec,
  ReachSpec,
  ServerlessSpec,
  ServiceKind,
  ServiceSpec,
  ServiceTagRuleSpec,
  Topology,
  WorkspaceSpec,
} from "./spec/schema.js";
export { type ValidationResult, validateTopology } from "./spec/validate.js";
// State: journal and locks.
export {
  currentHolder,
  DEFAULT_STATE_DIRECTORY,
  type HeldLock,
  type JournalOperation,
  type JournalRecord,
  LocalStateBackend,
  type LocalStateBackendOptions,
  type LockHolder,
  type LockInfo,
  lockedError,
  lockNotFound,
  parseJournal,
  planHashOf,
  processAlive,
  type StateBackend,
  type StateCallOptions,
  serviceStateKey,
  stateKeySegments,
  workspaceStateKey,
} from "./state/index.js";
