/**
 * @pfnet/azure — the Azure provider of pfnet.
 */

export {
  type ConnectionCandidate,
  type ConnectionMatch,
  type MatchSignal,
  matchConnection,
} from "./approval.js";
export { AzureClients } from "./clients.js";
export { AzureRequestError, NotSupportedError, toAzureError } from "./errors.js";
export { NETWORK_CONNECTION_APPROVER_ROLE } from "./kinds/privateEndpointApproval.js";
export { roleAssignmentName, roleGuid } from "./kinds/roleAssignment.js";
export { normaliseWorkspace } from "./kinds/workspace.js";
export { contentHash, normaliseRule } from "./normalize.js";
export {
  type AzureProviderOptions,
  DEFAULT_ENDPOINT,
  DEFAULT_RETRY,
  DEFAULT_WAITS,
  type RetryBudget,
  type RetryOptions,
  resolveRetry,
  resolveWaits,
  scaleFactor,
  type WaitOptions,
} from "./options.js";
export {
  type BucketLimits,
  DEFAULT_PACING,
  type OperationType,
  type PacingOptions,
  type ResolvedPacing,
  resolvePacing,
} from "./pacing.js";
export { AzureProvider } from "./provider.js";
export { PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS } from "./rest/connections.js";
export type * as AzureRest from "./rest/types.js";
export { ML_API_VERSION } from "./rest/types.js";
export { type ClassifyOptions, classify, type RetryClass, withRetry } from "./retry.js";
export {
  BlobStateBackend,
  type BlobStateBackendOptions,
  type BlobStateLocation,
  DEFAULT_LEASE_SECONDS,
  parseBlobStateUrl,
} from "./state/blob.js";
export { REDACTED, redactText, redactUrl, redactValue, type TraceRecord, type TraceSink } from "./trace.js";
export { PFNET_VERSION } from "./version.js";
