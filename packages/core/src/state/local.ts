/**
 * The local-directory state backend (default `.pfnet/` in the working directory):
 *
 *   <root>/workspaces/<subscription>/<resource group>/<workspace>/lock.json     the lock
 *   <root>/workspaces/<subscription>/<resource group>/<workspace>/journal.jsonl  the journal
 *
 * The lock is an exclusive file (created complete with a hard link, which fails when it exists)
 * recording host and pid: a lock left by a dead process on this host is taken over; one from
 * another host (a shared disk) only `force-unlock` breaks. Without a shared disk this keeps two
 * applies from one working directory apart, not two machines: that needs a shared backend.
 * Journal lines are appended with one write each, so a killed process leaves at most a torn last
 * line, which reading skips.
 */
import { randomUUID } from "node:crypto";
import { appendFile, link, mkdir, readdir, readFile, rename, rm, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join, resolve } from "node:path";
import { PfnetError } from "../errors.js";
import { lockedError, lockNotFound, parseJournal, stateKeySegments } from "./records.js";
import type {
  HeldLock,
  JournalRecord,
  LockHolder,
  LockInfo,
  StateBackend,
  StateCallOptions,
} from "./types.js";

/** The default state directory of the CLI, relative to the working directory. */
export const DEFAULT_STATE_DIRECTORY = ".pfnet";

export interface LocalStateBackendOptions {
  /** How messages name the directory (default: as given), e.g. the `--state` argument. */
  label?: string;
  /** Host name recorded in and compared with lock files (default `os.hostname()`). */
  host?: string;
  /** Whether a process of this host is alive (default: `process.kill(pid, 0)`). */
  isProcessAlive?: (pid: number) => boolean;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === "EPERM";
  }
}

function stateIoError(action: string, path: string, error: unknown): PfnetError {
  return new PfnetError("STATE_UNAVAILABLE", `Cannot ${action} ${path}: ${(error as Error).message}.`, {
    hint: "Check that the state directory (--state) is writable.",
    cause: error,
  });
}

export class LocalStateBackend implements StateBackend {
  readonly root: string;
  readonly location: string;
  readonly shared = false;
  private readonly label: string;
  private readonly host: string;
  private readonly isAlive: (pid: number) => boolean;

  constructor(directory: string = DEFAULT_STATE_DIRECTORY, options: LocalStateBackendOptions = {}) {
    this.root = resolve(directory);
    this.label = options.label ?? directory;
    this.location = `${this.label} (local directory)`;
    this.host = options.host ?? hostname();
    this.isAlive = options.isProcessAlive ?? processAlive;
  }

  private folder(key: string): string {
    return join(this.root, "workspaces", ...stateKeySegments(key));
  }

  async acquireLock(key: string, holder: LockHolder, _options: StateCallOptions = {}): Promise<HeldLock> {
    const file = join(this.folder(key), "lock.json");
    try {
      await mkdir(dirname(file), { recursive: true });
    } catch (error) {
      throw stateIoError("create", dirname(file), error);
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const info: LockInfo = { id: randomUUID(), key, holder, since: new Date().toISOString() };
      // Written aside, then linked into place: the lock file is never seen half-written.
      const draft = `${file}.${info.id}.tmp`;
      try {
        await writeFile(draft, `${JSON.stringify(info)}\n`);
        await link(draft, file);
        return this.held(file, info);
      } catch (error) {
        if ((error as { code?: string }).code !== "EEXIST") throw stateIoError("write", file, error);
      } finally {
        await rm(draft, { force: true });
      }
      const existing = await readLock(file);
      if (!existing) continue; // released meanwhile
      if (existing.holder.host === this.host && !this.isAlive(existing.holder.pid)) {
        await this.breakStale(file, existing);
        continue;
      }
      throw lockedError(existing, this.location, this.forceUnlockArgument());
    }
    throw new PfnetError("STATE_UNAVAILABLE", `Could not take the lock ${file}: it kept changing.`, {
      hint: "Another pfnet on this machine is taking and releasing it; run again.",
    });
  }

  /** The `--state` argument a force-unlock command needs to find this backend. */
  private forceUnlockArgument(): string {
    return this.label;
  }

  /** Move a dead process's lock aside; put it back if what moved was a fresh lock taken meanwhile. */
  private async breakStale(file: string, stale: LockInfo): Promise<void> {
    const aside = `${file}.${stale.id}.stale`;
    try {
      await rename(file, aside);
    } catch {
      return;
    }
    const moved = await readLock(aside);
    if (moved && moved.id !== stale.id) await link(aside, file).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
  }

  private held(file: string, info: LockInfo): HeldLock {
    return {
      info,
      onLost: () => {
        // A local lock is only lost to force-unlock; apply finds out when it releases.
      },
      release: async () => {
        const current = await readLock(file);
        if (current?.id === info.id) await unlink(file).catch(() => undefined);
      },
    };
  }

  async listLocks(_options: StateCallOptions = {}): Promise<LockInfo[]> {
    const base = join(this.root, "workspaces");
    const locks: LockInfo[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries: string[];
      try {
        entries = await readdir(dir);
      } catch {
        return;
      }
      for (const entry of entries) {
        if (depth < 3) await walk(join(dir, entry), depth + 1);
        else if (entry === "lock.json") {
          const info = await readLock(join(dir, entry));
          if (info) locks.push(info);
        }
      }
    };
    await walk(base, 0);
    return locks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async forceUnlock(lockId: string, options: StateCallOptions = {}): Promise<LockInfo> {
    const locks = await this.listLocks(options);
    const lock = locks.find((l) => l.id === lockId);
    if (!lock) throw lockNotFound(lockId, this.location, locks);
    await unlink(join(this.folder(lock.key), "lock.json")).catch(() => undefined);
    return lock;
  }

  async readJournal(key: string, _options: StateCallOptions = {}): Promise<JournalRecord[]> {
    const file = join(this.folder(key), "journal.jsonl");
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (error) {
      if ((error as { code?: string }).code === "ENOENT") return [];
      throw stateIoError("read", file, error);
    }
    return parseJournal(text);
  }

  async appendJournal(
    key: string,
    records: readonly JournalRecord[],
    _options: StateCallOptions = {},
  ): Promise<void> {
    if (records.length === 0) return;
    const file = join(this.folder(key), "journal.jsonl");
    try {
      await mkdir(dirname(file), { recursive: true });
      // A leading newline: a line torn by a killed process never swallows the next record.
      await appendFile(file, `\n${records.map((r) => JSON.stringify(r)).join("\n")}\n`);
    } catch (error) {
      throw stateIoError("append to", file, error);
    }
  }

  async clearJournal(key: string, _options: StateCallOptions = {}): Promise<void> {
    await rm(join(this.folder(key), "journal.jsonl"), { force: true });
  }
}

async function readLock(file: string): Promise<LockInfo | undefined> {
  try {
    const value = JSON.parse(await readFile(file, "utf8")) as LockInfo;
    return typeof value?.id === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}
