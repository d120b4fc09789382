/** What every state backend shares: keys, the journal's line format, and the lock errors. */
import { hostname, userInfo } from "node:os";
import { PfnetError } from "../errors.js";
import type { WorkspaceRef } from "../model.js";
import type { JournalRecord, LockHolder, LockInfo } from "./types.js";

/** The state key of a workspace: `subscription/resourceGroup/name`, lower case (ARM names are case-insensitive). */
export function workspaceStateKey(
  ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">,
): string {
  return `${ref.subscriptionId}/${ref.resourceGroup}/${ref.name}`.toLowerCase();
}

/**
 * The state key of a target service a step changes (its network access): its subscription and
 * resource group, then its type and name joined by `~` (never in a workspace name, so the two
 * kinds of key cannot meet), lower case. Undefined for an id that is not a resource group's
 * resource.
 */
export function serviceStateKey(targetId: string): string | undefined {
  const match =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/i.exec(
      targetId,
    );
  if (!match) return undefined;
  const [, subscription, group, namespace, type, name] = match;
  return `${subscription}/${group}/${namespace}~${type}~${name}`.toLowerCase();
}

/** What a key locks, for messages: `workspace <key>` or `target service <name> (<type>)`. */
export function describeStateKey(key: string): string {
  const name = key.split("/")[2] ?? key;
  const parts = name.split("~");
  return parts.length === 3 ? `target service ${parts[2]} (${parts[0]}/${parts[1]})` : `workspace ${key}`;
}

/** The three path segments of a key, checked: a key never reaches outside its folder. */
export function stateKeySegments(key: string): [string, string, string] {
  const parts = key.split("/");
  if (parts.length !== 3 || parts.some((p) => p === "" || p === "." || p === ".." || /[\\\0]/.test(p))) {
    throw new PfnetError(
      "INVALID_ARGUMENT",
      `Not a workspace state key: '${key}' (subscription/resourceGroup/name).`,
    );
  }
  return parts as [string, string, string];
}

/** This process as a lock holder. */
export function currentHolder(): LockHolder {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = undefined;
  }
  return { host: hostname(), pid: process.pid, ...(user ? { user } : {}) };
}

/** Journal lines, oldest first; blank lines and a torn line (a killed writer) are skipped. */
export function parseJournal(text: string): JournalRecord[] {
  const records: JournalRecord[] = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    try {
      const value = JSON.parse(line) as JournalRecord;
      if (value && typeof value === "object" && typeof value.type === "string") records.push(value);
    } catch {
      /* a torn line */
    }
  }
  return records;
}

function describeHolder(holder: LockHolder): string {
  return `${holder.user ? `${holder.user}@` : ""}${holder.host}, pid ${holder.pid}`;
}

function ago(since: string): string {
  const ms = Date.now() - Date.parse(since);
  if (!Number.isFinite(ms) || ms < 0) return "";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return " (less than a minute ago)";
  if (minutes < 120) return ` (${minutes} minute${minutes === 1 ? "" : "s"} ago)`;
  return ` (${Math.floor(minutes / 60)} hours ago)`;
}

/**
 * `LOCKED`: another apply holds the workspace. Names the holder, since when, and how to break
 * it. `stateArgument` is what `--state` must say for force-unlock to find the lock.
 */
export function lockedError(
  lock: LockInfo,
  location: string,
  stateArgument: string,
  expiry?: string,
): PfnetError {
  const state = stateArgument === "" || stateArgument === ".pfnet" ? "" : ` --state ${stateArgument}`;
  return new PfnetError(
    "LOCKED",
    `${capitalised(describeStateKey(lock.key))} is locked by another pfnet apply (${describeHolder(lock.holder)}) since ${lock.since}${ago(lock.since)}. Nothing was changed.`,
    {
      hint: `Wait for that apply to finish${expiry ? `, or ${expiry}` : ""}. If it is gone and will not come back, break the lock: pfnet force-unlock ${lock.id}${state}`,
      details: { lock, state: location },
    },
  );
}

const capitalised = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

export function lockNotFound(lockId: string, location: string, locks: readonly LockInfo[]): PfnetError {
  return new PfnetError("LOCK_NOT_FOUND", `No lock with id ${lockId} in ${location}. Nothing was changed.`, {
    hint:
      locks.length === 0
        ? "No workspace is locked there now (the apply may have finished, or its lease expired)."
        : `Locks held now: ${locks.map((l) => `${l.id} (${l.key})`).join(", ")}.`,
    details: { locks: [...locks] },
  });
}
