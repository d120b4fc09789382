/**
 * The Blob Storage backend's lock lease and its errors: how Azure's answers map to pfnet's
 * errors, how the holder is written to (and read from) the lock blob's metadata, and the renewal
 * that keeps a held lease alive while the apply runs.
 */
import type { BlockBlobClient } from "@azure/storage-blob";
import { type HeldLock, type LockInfo, PfnetError } from "@pfnet/core";

interface RestLike {
  statusCode?: number;
  code?: string;
}
export const statusOf = (error: unknown) => (error as RestLike).statusCode;
export const codeOf = (error: unknown) => (error as RestLike).code;

export function unavailable(location: string, action: string, error: unknown): PfnetError {
  const status = statusOf(error);
  return new PfnetError(
    "STATE_UNAVAILABLE",
    `Cannot ${action} in ${location}: ${status ? `HTTP ${status}${codeOf(error) ? ` ${codeOf(error)}` : ""}` : (error as Error).message}.`,
    {
      hint:
        status === 403
          ? "The identity needs the Storage Blob Data Contributor role on the container (or its account)."
          : "Check the storage account and container of --state, and the network path to them.",
      cause: error,
    },
  );
}

const META = {
  id: "lockid",
  key: "workspace",
  host: "host",
  pid: "pid",
  user: "user",
  since: "since",
} as const;

export function toMetadata(info: LockInfo): Record<string, string> {
  return {
    [META.id]: info.id,
    [META.key]: encodeURIComponent(info.key),
    [META.host]: encodeURIComponent(info.holder.host),
    [META.pid]: String(info.holder.pid),
    ...(info.holder.user ? { [META.user]: encodeURIComponent(info.holder.user) } : {}),
    [META.since]: info.since,
  };
}

export function fromMetadata(metadata: Record<string, string> | undefined, key: string): LockInfo {
  const m = metadata ?? {};
  const decoded = (name: string) => (m[name] ? decodeURIComponent(m[name]) : undefined);
  const user = decoded(META.user);
  return {
    id: m[META.id] ?? "(unknown: the lease was taken a moment ago)",
    key: decoded(META.key) ?? key,
    holder: {
      host: decoded(META.host) ?? "unknown host",
      pid: Number(m[META.pid] ?? 0),
      ...(user ? { user } : {}),
    },
    since: m[META.since] ?? "an unknown time",
  };
}

/** Renew every third of the lease; a renewal Azure refuses (the lease broken or taken) means lost. */
export function heldLease(blob: BlockBlobClient, info: LockInfo, leaseSeconds: number): HeldLock {
  const lease = blob.getBlobLeaseClient(info.id);
  const listeners: Array<(error: Error) => void> = [];
  let lost = false;
  const timer = setInterval(
    () => {
      lease.renewLease().catch((error: unknown) => {
        const status = statusOf(error);
        if (lost || status === undefined || status >= 500) return; // transient: next tick
        lost = true;
        clearInterval(timer);
        const reason = new PfnetError(
          "LOCK_LOST",
          `The lease on the lock of ${info.key} could not be renewed (HTTP ${status}${codeOf(error) ? ` ${codeOf(error)}` : ""}): it was broken or taken over.`,
        );
        for (const listener of listeners) listener(reason);
      });
    },
    Math.max(1000, (leaseSeconds * 1000) / 3),
  );
  timer.unref();
  return {
    info,
    onLost: (listener) => listeners.push(listener),
    release: async () => {
      clearInterval(timer);
      if (lost) return;
      await blob.setMetadata({}, { conditions: { leaseId: info.id } }).catch(() => undefined);
      await lease.releaseLease().catch(() => undefined);
    },
  };
}
