export {
  DEFAULT_STATE_DIRECTORY,
  LocalStateBackend,
  type LocalStateBackendOptions,
  processAlive,
} from "./local.js";
export {
  currentHolder,
  lockedError,
  lockNotFound,
  parseJournal,
  serviceStateKey,
  stateKeySegments,
  workspaceStateKey,
} from "./records.js";
export { planHashOf, StateSession, workspaceKeysOf } from "./session.js";
export type {
  HeldLock,
  JournalOperation,
  JournalRecord,
  LockHolder,
  LockInfo,
  StateBackend,
  StateCallOptions,
} from "./types.js";
