/**
 * The state port: where an apply keeps its journal and its per-workspace locks. Core defines
 * it and ships the local-directory backend (`LocalStateBackend`, default `.pfnet/`);
 * `@pfnet/azure` ships the Azure Blob Storage one (`BlobStateBackend`, `azblob://…`). Keys are
 * workspaces: `subscription/resourceGroup/name`, lower case (see `workspaceStateKey`).
 *
 * Contracts:
 * - `acquireLock` either returns a held lock or throws `LOCKED` (naming holder, since and how to
 *   break it) at once; it never waits for the holder. A lock left by a process that died is
 *   recognised (local: same host and a dead pid; blob: the lease expired) and taken over.
 * - `appendJournal` is durable when it resolves: apply awaits it before sending the request it
 *   announces (write-ahead).
 * - Every method honours `signal`.
 */
import type { PlanAction } from "../plan/types.js";

export interface StateCallOptions {
  signal?: AbortSignal;
}

/** Who holds a lock. */
export interface LockHolder {
  host: string;
  pid: number;
  /** OS user name, when known. */
  user?: string;
}

export interface LockInfo {
  /** Random id of this lock; `pfnet force-unlock <id>` breaks it. */
  id: string;
  /** The workspace key the lock covers. */
  key: string;
  holder: LockHolder;
  /** ISO 8601 time the lock was taken. */
  since: string;
}

export interface HeldLock {
  readonly info: LockInfo;
  /**
   * Called when the backend finds the lock lost while held (a lease that could not be renewed,
   * a force-unlock): apply stops starting steps.
   */
  onLost(listener: (error: Error) => void): void;
  release(options?: StateCallOptions): Promise<void>;
}

/** The long-running operations a provider announces through the journal. */
export type JournalOperation = string;

export type JournalRecord =
  | {
      type: "apply";
      planHash: string;
      specHash: string;
      lockId: string;
      at: string;
    }
  | {
      /** Written before the request that starts the operation is sent. */
      type: "intent";
      planHash: string;
      specHash: string;
      address: string;
      operation: JournalOperation;
      at: string;
    }
  | {
      /** The operation was accepted: its handle (Location / Azure-AsyncOperation URL). */
      type: "started";
      planHash: string;
      specHash: string;
      address: string;
      operation: JournalOperation;
      url: string;
      startedAt: string;
      at: string;
    }
  | {
      type: "outcome";
      planHash: string;
      specHash: string;
      address: string;
      action: PlanAction;
      outcome: "succeeded" | "failed" | "pendingApproval" | "cancelled";
      at: string;
    };

export interface StateBackend {
  /** Where the state lives, for messages and events, e.g. `.pfnet (local directory)` or `azblob://acct/c/p`. */
  readonly location: string;
  /**
   * True when applies on other machines see the same state (a remote store): only then do locks
   * keep concurrent pipelines apart.
   */
  readonly shared: boolean;
  acquireLock(key: string, holder: LockHolder, options?: StateCallOptions): Promise<HeldLock>;
  /** Break the lock with this id, whoever holds it. Throws `LOCK_NOT_FOUND` when no lock has it. */
  forceUnlock(lockId: string, options?: StateCallOptions): Promise<LockInfo>;
  /** Locks held now. */
  listLocks(options?: StateCallOptions): Promise<LockInfo[]>;
  /** Every record of the key's journal, oldest first (empty when none). */
  readJournal(key: string, options?: StateCallOptions): Promise<JournalRecord[]>;
  appendJournal(key: string, records: readonly JournalRecord[], options?: StateCallOptions): Promise<void>;
  /** Drop the key's journal (an apply of the workspace finished with nothing left to resume). */
  clearJournal(key: string, options?: StateCallOptions): Promise<void>;
}
