/**
 * Provider options and their resolved defaults. Every wait and budget is expressed in Azure
 * time (seconds as Azure would take them); `waits.timeScale` maps Azure time to wall time so
 * that the emulator (1 minute = 100 ms) and real Azure (scale 1) run the same code.
 */
import type { TokenCredential } from "@azure/core-auth";
import type { PacingOptions } from "./pacing.js";

/** One retry class: how many retries, and the back-off (Azure seconds) when Azure gives no Retry-After. */
export interface RetryBudget {
  maxRetries: number;
  baseDelaySeconds: number;
  maxDelaySeconds: number;
  /** Total Azure time this class may spend waiting before the error surfaces. */
  budgetSeconds?: number;
}

/** The retry classes of `src/retry.ts`. Each has its own budget. */
export interface RetryOptions {
  /** 429 Too Many Requests (Retry-After honoured when present). */
  throttled?: Partial<RetryBudget>;
  /** 5xx except 501/505. */
  server?: Partial<RetryBudget>;
  /** Dropped or refused connections (no HTTP status). */
  connection?: Partial<RetryBudget>;
  /** 409 while another operation on the same entity runs. */
  conflict?: Partial<RetryBudget>;
  /** 403 AuthorizationFailed on a step that depends on a fresh role grant. */
  propagation?: Partial<RetryBudget>;
  /** 400 PrincipalNotFound when assigning a role to a fresh identity. */
  principalNotFound?: Partial<RetryBudget>;
}

export interface WaitOptions {
  /**
   * Wall-clock milliseconds per minute of Azure time: 60000 for Azure (the default); the same
   * number as the emulator's scale in tests (its default: 1 minute = 100 ms → 100).
   * Retry-After values are the server's and are honoured as given (the emulator scales them).
   */
  timeScale?: number;
  /** Poll interval (Azure seconds) while waiting for provisioning, approval or readiness. Default 15. */
  pollIntervalSeconds?: number;
  /** Give up waiting for the managed network after this long (Azure seconds). Default 5400 (90 min). */
  provisioningTimeoutSeconds?: number;
  /** Expected managed-network provisioning time (Azure seconds) when the plan gives none. Default 1800. */
  provisioningExpectedSeconds?: number;
  /** Extra expected time for the first FQDN rule (Azure Firewall). Default 600. */
  firewallExpectedSeconds?: number;
  /** The role assignment must be read this many times in a row before dependents run. Default 3. */
  readinessReads?: number;
  /** Give up waiting for the role assignment to become readable after this long. Default 600. */
  readinessTimeoutSeconds?: number;
  /** Wait this long for the managed network's private-endpoint connection to appear on a target. Default 600. */
  connectionAppearSeconds?: number;
}

export interface AzureProviderOptions {
  /** Default: `new DefaultAzureCredential()`. */
  credential?: TokenCredential;
  /** ARM endpoint. Default `https://management.azure.com` (sovereign clouds and the emulator differ). */
  endpoint?: string;
  /** Token audience scope. Default `<endpoint>/.default`. */
  credentialScope?: string;
  /** PEM CA certificate(s) to trust for the endpoint (emulator, private CAs). */
  tlsCa?: string | string[];
  /** Subscription of the `clients` accessors when none is passed; nodes always name their own. */
  subscriptionId?: string;
  /** Upper bound of concurrent requests this provider sends. Default 10. */
  concurrency?: number;
  waits?: WaitOptions;
  retry?: RetryOptions;
  /**
   * Client-side token buckets per subscription and operation type (Azure time), default ARM's:
   * reads 250 burst / 25 per s, writes 200 / 10, deletes 200 / 10 (src/pacing.ts).
   */
  pacing?: PacingOptions;
  /**
   * A JSON-lines record of every HTTP exchange, redacted (no tokens, keys, secrets or SAS
   * signatures): a file path (emptied first), or a function that receives each record.
   */
  trace?: string | ((record: import("./trace.js").TraceRecord) => void);
  /**
   * Private-endpoint connections (ARM ids) that are the workspace's, for targets where pfnet
   * cannot tell which one is (a pending approval lists the candidates); the CLI's
   * `--approve-connection ID`. Each applies to the target its id is under.
   */
  approvalConnections?: readonly string[];
  /** Override the api-version used for `privateEndpointConnections` on targets, by provider namespace (lower case). */
  privateEndpointConnectionApiVersions?: Record<string, string>;
}

export interface ResolvedWaits {
  timeScale: number;
  pollIntervalSeconds: number;
  provisioningTimeoutSeconds: number;
  provisioningExpectedSeconds: number;
  firewallExpectedSeconds: number;
  readinessReads: number;
  readinessTimeoutSeconds: number;
  connectionAppearSeconds: number;
}

export type ResolvedRetry = Record<keyof RetryOptions, RetryBudget>;

export const DEFAULT_ENDPOINT = "https://management.azure.com";

export const DEFAULT_WAITS: ResolvedWaits = {
  timeScale: 60_000,
  pollIntervalSeconds: 15,
  provisioningTimeoutSeconds: 90 * 60,
  provisioningExpectedSeconds: 30 * 60,
  firewallExpectedSeconds: 10 * 60,
  readinessReads: 3,
  readinessTimeoutSeconds: 10 * 60,
  connectionAppearSeconds: 10 * 60,
};

/** Budgets per retry class (Azure time). The only retries: the SDK pipeline's retry policy is off. */
export const DEFAULT_RETRY: ResolvedRetry = {
  throttled: { maxRetries: 8, baseDelaySeconds: 5, maxDelaySeconds: 60 },
  server: { maxRetries: 6, baseDelaySeconds: 2, maxDelaySeconds: 30 },
  connection: { maxRetries: 6, baseDelaySeconds: 1, maxDelaySeconds: 30 },
  conflict: { maxRetries: 30, baseDelaySeconds: 10, maxDelaySeconds: 60, budgetSeconds: 15 * 60 },
  propagation: { maxRetries: 1000, baseDelaySeconds: 10, maxDelaySeconds: 60, budgetSeconds: 10 * 60 },
  principalNotFound: { maxRetries: 1000, baseDelaySeconds: 5, maxDelaySeconds: 30, budgetSeconds: 5 * 60 },
};

export function resolveWaits(waits: WaitOptions = {}): ResolvedWaits {
  const resolved = { ...DEFAULT_WAITS };
  for (const [key, value] of Object.entries(waits)) {
    if (value !== undefined) (resolved as Record<string, number>)[key] = value;
  }
  if (!(resolved.timeScale > 0)) throw new RangeError("waits.timeScale must be a positive number");
  return resolved;
}

export function resolveRetry(retry: RetryOptions = {}): ResolvedRetry {
  const out = {} as ResolvedRetry;
  for (const key of Object.keys(DEFAULT_RETRY) as (keyof RetryOptions)[]) {
    out[key] = { ...DEFAULT_RETRY[key], ...(retry[key] ?? {}) } as RetryBudget;
  }
  return out;
}

/** Wall milliseconds per Azure millisecond. */
export function scaleFactor(waits: ResolvedWaits): number {
  return waits.timeScale / 60_000;
}

/** Azure seconds → wall milliseconds. */
export function wallMs(azureSeconds: number, waits: ResolvedWaits): number {
  return Math.max(0, Math.round(azureSeconds * 1000 * scaleFactor(waits)));
}
