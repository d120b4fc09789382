/**
 * The Azure Blob Storage state backend (`azblob://account/container/prefix`), for applies on
 * several machines (CI):
 *
 *   <prefix>/workspaces/<subscription>/<resource group>/<workspace>/lock           the lock blob
 *   <prefix>/workspaces/<subscription>/<resource group>/<workspace>/journal.jsonl  the journal (append blob)
 *
 * The lock is a blob lease, as Terraform's azurerm backend locks its state: acquired for
 * `leaseSeconds` (15–60, Azure's range) and renewed every third of it while the apply runs, so
 * it expires on its own once the process dies. The holder is recorded in the lock blob's
 * metadata (written under the lease). `forceUnlock` breaks the lease. The lease's renewal, the
 * holder metadata and the error mapping are in `blob-lease.ts`; the URL in `blob-location.ts`.
 */
import { randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import type { AppendBlobClient, BlockBlobClient, ContainerClient } from "@azure/storage-blob";
import {
  type HeldLock,
  type JournalRecord,
  type LockHolder,
  type LockInfo,
  lockedError,
  lockNotFound,
  PfnetError,
  parseJournal,
  type StateBackend,
  type StateCallOptions,
  stateKeySegments,
} from "@pfnet/core";
import { DefaultCredentialOnDemand } from "../provider.js";
import { USER_AGENT_PREFIX } from "../version.js";
import { codeOf, fromMetadata, heldLease, statusOf, toMetadata, unavailable } from "./blob-lease.js";
import { type BlobStateLocation, parseBlobStateUrl } from "./blob-location.js";

export { type BlobStateLocation, parseBlobStateUrl } from "./blob-location.js";

export const DEFAULT_LEASE_SECONDS = 30;

export interface BlobStateBackendOptions {
  /** `azblob://account/container/prefix`. */
  url: string;
  /** Credential for `https://<account>.blob.core.windows.net` (default `DefaultAzureCredential`). */
  credential?: TokenCredential;
  /**
   * A storage connection string instead of a credential (shared key, or the Azurite emulator);
   * its account must be the URL's. Never logged.
   */
  connectionString?: string;
  /** Lease length in seconds, 15–60 (default 30): how long a dead apply's lock outlives it. */
  leaseSeconds?: number;
}

export class BlobStateBackend implements StateBackend {
  readonly location: string;
  readonly shared = true;
  readonly leaseSeconds: number;
  private readonly where: BlobStateLocation;
  private containerReady: Promise<void> | undefined;

  constructor(options: BlobStateBackendOptions) {
    this.where = parseBlobStateUrl(options.url);
    this.location = `azblob://${this.where.account}/${this.where.container}${this.where.prefix ? `/${this.where.prefix}` : ""}`;
    this.leaseSeconds = options.leaseSeconds ?? DEFAULT_LEASE_SECONDS;
    if (!Number.isInteger(this.leaseSeconds) || this.leaseSeconds < 15 || this.leaseSeconds > 60) {
      throw new PfnetError(
        "INVALID_ARGUMENT",
        `The lease must be 15 to 60 whole seconds (Azure's range), not ${String(options.leaseSeconds)}.`,
      );
    }
    if (options.connectionString) {
      const account = /(?:^|;)\s*AccountName=([^;]+)/i.exec(options.connectionString)?.[1]?.trim();
      if (account === undefined) {
        // Never quote the string: it holds the account key.
        throw new PfnetError("INVALID_ARGUMENT", "The storage connection string names no AccountName.", {
          hint: "Copy it again from the storage account's Access keys (or use a credential instead).",
        });
      }
      if (account !== this.where.account) {
        throw new PfnetError(
          "INVALID_ARGUMENT",
          `The storage connection string is for account '${account}', but the state location names '${this.where.account}'.`,
        );
      }
    }
    this.options = options;
  }

  private readonly options: BlobStateBackendOptions;
  private containerValue: Promise<ContainerClient> | undefined;

  /** The container client; `@azure/storage-blob` loads on first use (commands without state never load it). */
  private container(): Promise<ContainerClient> {
    this.containerValue ??= import("@azure/storage-blob").then(({ BlobServiceClient }) => {
      const { connectionString, credential } = this.options;
      // Storage calls are not ARM's: the storage client's own retry policy is their only retry layer.
      const clientOptions = { userAgentOptions: { userAgentPrefix: USER_AGENT_PREFIX } };
      let service: InstanceType<typeof BlobServiceClient>;
      if (connectionString) {
        try {
          service = BlobServiceClient.fromConnectionString(connectionString, clientOptions);
        } catch {
          throw new PfnetError("INVALID_ARGUMENT", "The storage connection string is malformed.", {
            hint: "Copy it again from the storage account's Access keys (or use a credential instead).",
          });
        }
      } else {
        service = new BlobServiceClient(
          `https://${this.where.account}.blob.core.windows.net`,
          credential ?? new DefaultCredentialOnDemand(),
          clientOptions,
        );
      }
      return service.getContainerClient(this.where.container);
    });
    return this.containerValue;
  }

  private blobName(key: string, leaf: string): string {
    const path = ["workspaces", ...stateKeySegments(key), leaf].join("/");
    return this.where.prefix ? `${this.where.prefix}/${path}` : path;
  }

  private ensureContainer(signal?: AbortSignal): Promise<void> {
    this.containerReady ??= this.container()
      .then((container) => container.createIfNotExists(signal ? { abortSignal: signal } : {}))
      .then(() => undefined)
      .catch((error: unknown) => {
        this.containerReady = undefined;
        // 403 on create with data-plane rights only: the container may well exist; go on.
        if (statusOf(error) === 403) return;
        throw unavailable(this.location, `create container ${this.where.container}`, error);
      });
    return this.containerReady ?? Promise.resolve();
  }

  private async lockBlob(key: string): Promise<BlockBlobClient> {
    return (await this.container()).getBlockBlobClient(this.blobName(key, "lock"));
  }

  private async journalBlob(key: string): Promise<AppendBlobClient> {
    return (await this.container()).getAppendBlobClient(this.blobName(key, "journal.jsonl"));
  }

  async acquireLock(key: string, holder: LockHolder, options: StateCallOptions = {}): Promise<HeldLock> {
    const abort = options.signal ? { abortSignal: options.signal } : {};
    await this.ensureContainer(options.signal);
    const blob = await this.lockBlob(key);
    try {
      await blob.upload("", 0, { ...abort, conditions: { ifNoneMatch: "*" } });
    } catch (error) {
      // It exists already (free, leased, or expired): the lease decides.
      if (statusOf(error) !== 409 && statusOf(error) !== 412)
        throw unavailable(this.location, `create the lock of ${key}`, error);
    }
    const info: LockInfo = { id: randomUUID(), key, holder, since: new Date().toISOString() };
    const lease = blob.getBlobLeaseClient(info.id);
    try {
      await lease.acquireLease(this.leaseSeconds, abort);
    } catch (error) {
      if (statusOf(error) === 409 && codeOf(error) === "LeaseAlreadyPresent") {
        const properties = await blob.getProperties(abort).catch(() => undefined);
        throw lockedError(
          fromMetadata(properties?.metadata, key),
          this.location,
          this.location,
          `until its lease expires (${this.leaseSeconds} s after its process stopped)`,
        );
      }
      throw unavailable(this.location, `lease the lock of ${key}`, error);
    }
    try {
      await blob.setMetadata(toMetadata(info), { ...abort, conditions: { leaseId: info.id } });
    } catch (error) {
      await lease.releaseLease().catch(() => undefined);
      throw unavailable(this.location, `record the holder of the lock of ${key}`, error);
    }
    return heldLease(blob, info, this.leaseSeconds);
  }

  async listLocks(options: StateCallOptions = {}): Promise<LockInfo[]> {
    const locks: LockInfo[] = [];
    const prefix = this.where.prefix ? `${this.where.prefix}/workspaces/` : "workspaces/";
    try {
      for await (const item of (await this.container()).listBlobsFlat({
        prefix,
        includeMetadata: true,
        ...(options.signal ? { abortSignal: options.signal } : {}),
      })) {
        if (!item.name.endsWith("/lock") || item.properties.leaseState !== "leased") continue;
        const key = item.name.slice(prefix.length, -"/lock".length);
        locks.push(fromMetadata(item.metadata, key));
      }
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw unavailable(this.location, "list the locks", error);
    }
    return locks.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async forceUnlock(lockId: string, options: StateCallOptions = {}): Promise<LockInfo> {
    const locks = await this.listLocks(options);
    const lock = locks.find((l) => l.id === lockId);
    if (!lock) throw lockNotFound(lockId, this.location, locks);
    try {
      await (await this.lockBlob(lock.key))
        .getBlobLeaseClient()
        .breakLease(0, options.signal ? { abortSignal: options.signal } : {});
    } catch (error) {
      throw unavailable(this.location, `break the lock of ${lock.key}`, error);
    }
    return lock;
  }

  async readJournal(key: string, options: StateCallOptions = {}): Promise<JournalRecord[]> {
    try {
      const buffer = await (await this.journalBlob(key)).downloadToBuffer(
        0,
        undefined,
        options.signal ? { abortSignal: options.signal } : {},
      );
      return parseJournal(buffer.toString("utf8"));
    } catch (error) {
      if (statusOf(error) === 404) return [];
      throw unavailable(this.location, `read the journal of ${key}`, error);
    }
  }

  async appendJournal(
    key: string,
    records: readonly JournalRecord[],
    options: StateCallOptions = {},
  ): Promise<void> {
    if (records.length === 0) return;
    const abort = options.signal ? { abortSignal: options.signal } : {};
    const blob = await this.journalBlob(key);
    const text = `\n${records.map((r) => JSON.stringify(r)).join("\n")}\n`;
    try {
      await this.ensureContainer(options.signal);
      try {
        await blob.appendBlock(text, Buffer.byteLength(text), abort);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
        await blob.createIfNotExists(abort);
        await blob.appendBlock(text, Buffer.byteLength(text), abort);
      }
    } catch (error) {
      throw unavailable(this.location, `append to the journal of ${key}`, error);
    }
  }

  async clearJournal(key: string, options: StateCallOptions = {}): Promise<void> {
    try {
      await (await this.journalBlob(key)).deleteIfExists(
        options.signal ? { abortSignal: options.signal } : {},
      );
    } catch (error) {
      throw unavailable(this.location, `clear the journal of ${key}`, error);
    }
  }
}
