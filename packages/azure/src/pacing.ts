/**
 * Client-side pacing of every request a provider sends (SDK and REST alike, as one pipeline
 * policy): a token bucket per subscription and operation type, and a shared back-off.
 *
 * - Buckets: ARM throttles per subscription, principal and operation type with token buckets
 *   (reads 250 burst, refill 25/s; writes 200, 10/s; deletes 200, 10/s — "Understand how Azure
 *   Resource Manager throttles requests"). A provider has one credential, i.e. one principal, so
 *   its buckets are keyed by subscription and operation type (GET/HEAD read, DELETE delete,
 *   anything else write). Refill is in Azure time (`waits.timeScale`), like every other wait.
 * - Shared back-off: a 429 with Retry-After pauses every bucket of that subscription, for every
 *   step, until it has passed. Resource providers throttle below ARM and a 429 does not say which
 *   bucket it counted, so Retry-After always wins and nothing else goes to that subscription.
 *   (The request that got the 429 is retried by src/retry.ts, the one retry layer.)
 *
 * Waiting for a token or a pause is a sleep: inside a step it frees the step's concurrency slot.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { AzureRequestError, armCodeFromBody, parseRetryAfter } from "./errors.js";
import type { ResolvedWaits } from "./options.js";
import { scaleFactor } from "./options.js";
import { classify, currentStepRetry, sleep, withRetry } from "./retry.js";

export type OperationType = "reads" | "writes" | "deletes";

export interface BucketLimits {
  /** Tokens when full (requests that may go at once). */
  burst: number;
  /** Tokens added per second of Azure time. */
  refillPerSecond: number;
}

export type PacingOptions = { [K in OperationType]?: Partial<BucketLimits> };
export type ResolvedPacing = Record<OperationType, BucketLimits>;

/** ARM's published buckets per subscription and principal. */
export const DEFAULT_PACING: ResolvedPacing = {
  reads: { burst: 250, refillPerSecond: 25 },
  writes: { burst: 200, refillPerSecond: 10 },
  deletes: { burst: 200, refillPerSecond: 10 },
};

export function resolvePacing(pacing: PacingOptions = {}): ResolvedPacing {
  const out = {} as ResolvedPacing;
  for (const type of Object.keys(DEFAULT_PACING) as OperationType[]) {
    const limits = { ...DEFAULT_PACING[type], ...(pacing[type] ?? {}) };
    if (!(limits.burst >= 1) || !(limits.refillPerSecond > 0)) {
      throw new RangeError(
        `pacing.${type} needs burst >= 1 and refillPerSecond > 0 (got ${limits.burst}, ${limits.refillPerSecond})`,
      );
    }
    out[type] = limits;
  }
  return out;
}

export function operationTypeOf(method: string): OperationType {
  const upper = method.toUpperCase();
  if (upper === "GET" || upper === "HEAD") return "reads";
  if (upper === "DELETE") return "deletes";
  return "writes";
}

/** The subscription a request URL addresses (lower case), or "" (tenant-level requests). */
export function subscriptionOf(url: string): string {
  return /\/subscriptions\/([^/?#]+)/i.exec(url)?.[1]?.toLowerCase() ?? "";
}

/**
 * A token bucket with reservations: every taker takes its token at once (the count may go below
 * zero) and waits for the refill to cover it, so takers go out in arrival order at the refill
 * rate and never above it.
 */
class TokenBucket {
  private tokens: number;
  private updatedAt = performance.now();

  constructor(
    private readonly limits: BucketLimits,
    /** Tokens per wall millisecond. */
    private readonly ratePerMs: number,
  ) {
    this.tokens = limits.burst;
  }

  /** Reserve one token; the wall milliseconds to wait before using it. */
  reserve(now: number): number {
    this.tokens = Math.min(this.limits.burst, this.tokens + (now - this.updatedAt) * this.ratePerMs);
    this.updatedAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : -this.tokens / this.ratePerMs;
  }
}

/** Requests sent inside `asPoll` are polls (of an operation, or of state a wait loop waits for). */
const pollMark = new AsyncLocalStorage<true>();

/** Send the requests of `body` as polls (counted apart in `Pacer.stats`). */
export function asPoll<T>(body: () => Promise<T>): Promise<T> {
  return pollMark.run(true, body);
}

/** What the provider sent (benchmarks and tests read it). */
export interface RequestStats {
  sent: number;
  /** Requests sent inside `asPoll`. */
  polls: number;
  /** Polls of a URL an earlier answer gave a Retry-After for… */
  pollsWithRetryAfter: number;
  /** …of which sent before that Retry-After had passed. */
  earlyPolls: number;
  byType: Record<OperationType, number>;
}

const pathOf = (url: string) => {
  const q = url.indexOf("?");
  return (q < 0 ? url : url.slice(0, q)).toLowerCase();
};

export class Pacer {
  readonly stats: RequestStats = {
    sent: 0,
    polls: 0,
    pollsWithRetryAfter: 0,
    earlyPolls: 0,
    byType: { reads: 0, writes: 0, deletes: 0 },
  };
  /** Poll URL (path, lower case) → the earliest time (performance.now) Azure asked to be polled. */
  private readonly pollDue = new Map<string, number>();

  private readonly buckets = new Map<string, TokenBucket>();
  /** Wall time (performance.now) until which a subscription is paused by a 429. */
  private readonly pausedUntil = new Map<string, number>();
  private readonly ratePerMs: (limits: BucketLimits) => number;

  constructor(
    readonly limits: ResolvedPacing,
    waits: ResolvedWaits,
  ) {
    // refill per Azure second → per wall millisecond (1 Azure second = 1000 × factor wall ms).
    const factor = scaleFactor(waits);
    this.ratePerMs = (bucketLimits) => bucketLimits.refillPerSecond / (1000 * factor);
  }

  /** Wait until a request of `method` to `url` may go out (its token, and no pause). */
  async admit(method: string, url: string, signal: AbortSignal): Promise<void> {
    const subscription = subscriptionOf(url);
    const type = operationTypeOf(method);
    const key = `${subscription}|${type}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = new TokenBucket(this.limits[type], this.ratePerMs(this.limits[type]));
      this.buckets.set(key, bucket);
    }
    const wait = bucket.reserve(performance.now());
    if (wait > 0) await sleep(wait, signal);
    // A pause may have begun while this request waited for its token: wait it out too.
    for (;;) {
      const paused = (this.pausedUntil.get(subscription) ?? 0) - performance.now();
      if (paused <= 0) return;
      await sleep(paused, signal);
    }
  }

  /** Count a request about to go out (after `admit`). */
  sending(method: string, url: string): void {
    this.stats.sent++;
    this.stats.byType[operationTypeOf(method)]++;
    if (pollMark.getStore() !== true) return;
    this.stats.polls++;
    const path = pathOf(url);
    const due = this.pollDue.get(path);
    if (due === undefined) return;
    this.pollDue.delete(path);
    this.stats.pollsWithRetryAfter++;
    // 1 ms of timer granularity.
    if (performance.now() < due - 1) this.stats.earlyPolls++;
  }

  /** An answer pointing at a poll URL with a Retry-After: the poll should wait that long. */
  answered(location: string | undefined, retryAfterMs: number | undefined): void {
    if (!location || retryAfterMs === undefined) return;
    this.pollDue.set(pathOf(location), performance.now() + retryAfterMs);
  }

  /** A 429 with Retry-After: nothing goes to the subscription for `ms` wall milliseconds. */
  pause(url: string, ms: number): void {
    const subscription = subscriptionOf(url);
    const until = performance.now() + ms;
    if (until > (this.pausedUntil.get(subscription) ?? 0)) this.pausedUntil.set(subscription, until);
  }
}

const NEVER = new AbortController().signal;

/** The pipeline policy every client of a provider shares (position perCall; retries are off). */
export function pacingPolicy(pacer: Pacer): PipelinePolicy {
  return {
    name: "pfnetPacing",
    async sendRequest(request, next) {
      const once = async () => {
        const response = await paced(request, next);
        // A poll answered with a retryable status: throw it to the retry loop below.
        if (response.status >= 400) {
          const failure = new AzureRequestError(`${request.method} poll failed with ${response.status}`, {
            status: response.status,
            armCode: armCodeFromText(response.bodyAsText),
            retryAfterMs: parseRetryAfter((name) => response.headers.get(name)),
            method: request.method,
            url: request.url,
          });
          if (classify(failure)) throw failure;
        }
        return response;
      };
      // Polls are retried one by one with the step's retry policy (the one retry layer, applied to
      // the request): an SDK poller whose poll failed keeps that failure as its result, and
      // restarting the whole operation would repeat its initial request.
      const retry = pollMark.getStore() === true ? currentStepRetry() : undefined;
      return retry ? withRetry(once, retry) : paced(request, next);
    },
  };

  async function paced(
    request: Parameters<PipelinePolicy["sendRequest"]>[0],
    next: Parameters<PipelinePolicy["sendRequest"]>[1],
  ) {
    const signal = request.abortSignal instanceof AbortSignal ? request.abortSignal : NEVER;
    await pacer.admit(request.method, request.url, signal);
    pacer.sending(request.method, request.url);
    const response = await next(request);
    const retryAfterMs = parseRetryAfter((name) => response.headers.get(name));
    if (response.status === 429) {
      if (retryAfterMs !== undefined && retryAfterMs > 0) pacer.pause(request.url, retryAfterMs);
    } else {
      pacer.answered(
        response.headers.get("azure-asyncoperation") ??
          response.headers.get("location") ??
          (request.method === "GET" ? request.url : undefined),
        retryAfterMs,
      );
    }
    return response;
  }
}

function armCodeFromText(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  try {
    return armCodeFromBody(JSON.parse(text));
  } catch {
    return undefined;
  }
}
