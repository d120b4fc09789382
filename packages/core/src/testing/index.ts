/** `@pfnet/core/testing`: an in-memory provider for pfnet's tests and for embedders' tests. */
export {
  emptyMemoryState,
  type MemoryConnection,
  type MemoryNsgRule,
  type MemoryPrivateEndpoint,
  MemoryProvider,
  type MemoryProviderOptions,
  type MemoryRoleAssignment,
  type MemoryRule,
  type MemoryState,
  type MemoryWorkspace,
  type MemoryWrite,
  memoryWorkspace,
  type RuleStatus,
  seededRandom,
  workspaceArmId,
} from "./memory-provider.js";
