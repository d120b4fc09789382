/** `@pfnet/core/testing`: an in-memory provider for pfnet's tests and for embedders' tests. */
export { MemoryProvider, type MemoryProviderOptions, type MemoryWrite } from "./memory-provider.js";
export {
  emptyMemoryState,
  type MemoryConnection,
  type MemoryDependency,
  type MemoryNsgRule,
  type MemoryPrivateEndpoint,
  type MemoryRoleAssignment,
  type MemoryRule,
  type MemoryState,
  type MemoryWorkspace,
  memoryWorkspace,
  type RuleStatus,
  seededRandom,
  workspaceArmId,
} from "./state.js";
