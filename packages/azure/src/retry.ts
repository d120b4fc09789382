/**
 * The one place pfnet retries Azure requests. p-retry drives the loop (abortable); this module
 * decides, per failure, whether it is retryable and how long to wait, by HTTP status and ARM
 * error code only. Each class has its own budget (src/options.ts). The SDK pipeline's own retry
 * policy is off (clients.ts: `maxRetries: 0`), so a request that always fails is sent exactly
 * 1 + `maxRetries` times: the first attempt and its class's retries.
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { setTimeout as delay } from "node:timers/promises";
import type { PfnetEventInput } from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import pRetry from "p-retry";
import { AzureRequestError, toAzureError } from "./errors.js";
import type { ResolvedRetry, ResolvedWaits, RetryOptions } from "./options.js";
import { scaleFactor, wallMs } from "./options.js";
import { followSignal } from "./signals.js";

export type RetryClass = keyof RetryOptions;

/** Transport error codes of a dropped or refused connection (no HTTP response). */
const CONNECTION_CODES = new Set([
  "REQUEST_SEND_ERROR",
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "ESOCKETTIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);

/** ARM codes of a 409 that goes away once the other operation finishes. */
const IN_PROGRESS_CODES = new Set([
  "Conflict",
  "OperationInProgress",
  "AnotherOperationInProgress",
  "ConflictingOperationInProgress",
  "OperationNotAllowedWhileUpdating",
  "ResourceBusy",
  "RetryableError",
  "UserError" /* AML reports "another operation on same entity" as 409 UserError */,
]);

export interface ClassifyOptions {
  /** The step depends on a role grant that may still be propagating. */
  propagation?: boolean;
  /** The request assigns a role (PrincipalNotFound is transient for a fresh identity). */
  roleAssignment?: boolean;
}

/** Retry class of a failure, or undefined when it must surface at once. */
export function classify(
  error: unknown,
  options: ClassifyOptions = {},
): { retryClass: RetryClass; reason: string } | undefined {
  if (!(error instanceof AzureRequestError)) return undefined;
  const { status, armCode } = error;
  if (status === undefined) {
    return armCode !== undefined && CONNECTION_CODES.has(armCode)
      ? { retryClass: "connection", reason: armCode }
      : undefined;
  }
  if (status === 429) return { retryClass: "throttled", reason: "429" };
  if (status >= 500 && status !== 501 && status !== 505)
    return { retryClass: "server", reason: String(status) };
  if (status === 409 && armCode !== undefined && IN_PROGRESS_CODES.has(armCode))
    return { retryClass: "conflict", reason: `409 ${armCode}` };
  if (status === 403 && armCode === "AuthorizationFailed" && options.propagation)
    return { retryClass: "propagation", reason: "AuthorizationFailed" };
  if (status === 400 && armCode === "PrincipalNotFound" && options.roleAssignment)
    return { retryClass: "principalNotFound", reason: "PrincipalNotFound" };
  return undefined;
}

export interface RetryContext {
  signal: AbortSignal;
  emit: (event: PfnetEventInput) => void;
  address: string;
  retry: ResolvedRetry;
  waits: ResolvedWaits;
  /** Source of the back-off jitter, numbers in [0, 1] (default Math.random; tests fix it). */
  random?: () => number;
}

/**
 * Delay before retry number `n` (1-based) of a class. The server's Retry-After wins and is
 * honoured as given (real Azure speaks wall time; the emulator scales it); otherwise exponential
 * back-off with full jitter, in Azure time: a random delay between 0 and min(max, base × 2^(n-1)),
 * so that requests failed together do not retry together. `budgetAzureMs` is what the retry
 * counts against its class's time budget: the back-off ceiling (not the jittered delay), so the
 * number of retries before giving up does not depend on chance.
 */
export function retryDelay(
  error: AzureRequestError,
  budget: { baseDelaySeconds: number; maxDelaySeconds: number },
  n: number,
  waits: ResolvedWaits,
  random: () => number = Math.random,
): { wallMs: number; azureMs: number; budgetAzureMs: number } {
  const factor = scaleFactor(waits);
  if (error.retryAfterMs !== undefined) {
    const azureMs = error.retryAfterMs / factor;
    return { wallMs: error.retryAfterMs, azureMs, budgetAzureMs: azureMs };
  }
  const ceilingSeconds = Math.min(budget.maxDelaySeconds, budget.baseDelaySeconds * 2 ** (n - 1));
  const azureSeconds = random() * ceilingSeconds;
  return {
    wallMs: wallMs(azureSeconds, waits),
    azureMs: azureSeconds * 1000,
    budgetAzureMs: ceilingSeconds * 1000,
  };
}

/**
 * What a step being applied carries in async context (set once per step by `AzureProvider.apply`):
 * its `idle` (core's `ProviderContext.idle`) — every wait that sends nothing, between polls, retry
 * back-offs, pacing, goes through `sleep` below, deep inside the REST layer, the SDK pollers and
 * the retry loop — and its retry context, with which a failed poll of a long-running operation
 * is retried on its own (pacing.ts) instead of failing, and restarting, the whole operation. Async context spares threading both through every request signature.
 */
interface StepContext {
  idle?: <T>(wait: () => Promise<T>) => Promise<T>;
  retry?: RetryContext;
}
const stepContext = new AsyncLocalStorage<StepContext>();

/** Run `body` (one step) with its `idle` and retry context. */
export function withStepContext<T>(context: StepContext, body: () => Promise<T>): Promise<T> {
  return stepContext.run(context, body);
}

/** The retry context of the step being applied, if any (for polls, retried request by request). */
export function currentStepRetry(): RetryContext | undefined {
  return stepContext.getStore()?.retry;
}

/**
 * Abortable sleep in wall milliseconds: an abort ends it at once with ABORTED. Inside a step it
 * releases the step's concurrency slot while it sleeps (waits do not hold slots).
 */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  const wait = () => delay(ms, undefined, { signal: followSignal(signal) });
  const idle = stepContext.getStore()?.idle;
  try {
    await (idle && ms > 0 ? idle(wait) : wait());
  } catch (error) {
    if (signal.aborted) throw abortError(signal);
    throw error;
  }
}

export function abortError(signal: AbortSignal): PfnetError {
  return new PfnetError("ABORTED", "The operation was aborted.", { cause: signal.reason });
}

/**
 * Run `operation` with pfnet's retry policy. Non-retryable failures and exhausted budgets
 * throw the last error as a PfnetError; `onExhausted` may replace it (e.g. PROPAGATION_TIMEOUT).
 */
export async function withRetry<T>(
  operation: () => Promise<T>,
  context: RetryContext,
  options: ClassifyOptions & {
    onExhausted?: (retryClass: RetryClass, error: AzureRequestError) => PfnetError | undefined;
  } = {},
): Promise<T> {
  const used: Partial<Record<RetryClass, { count: number; waitedAzureMs: number }>> = {};
  let attempt = 0;
  try {
    return await pRetry(
      async () => {
        try {
          return await operation();
        } catch (error) {
          if (context.signal.aborted) throw abortError(context.signal);
          throw toAzureError(error, context.address);
        }
      },
      {
        retries: Number.POSITIVE_INFINITY,
        minTimeout: 0,
        factor: 1,
        signal: context.signal,
        shouldRetry: async ({ error }) => {
          const verdict = classify(error, options);
          if (!verdict || !(error instanceof AzureRequestError)) return false;
          const budget = context.retry[verdict.retryClass];
          const spent = used[verdict.retryClass] ?? { count: 0, waitedAzureMs: 0 };
          const delay = retryDelay(error, budget, spent.count + 1, context.waits, context.random);
          const delayAzureMs = delay.budgetAzureMs;
          const overBudget =
            budget.budgetSeconds !== undefined &&
            spent.waitedAzureMs + delayAzureMs > budget.budgetSeconds * 1000;
          if (spent.count >= budget.maxRetries || overBudget) {
            const replacement = options.onExhausted?.(verdict.retryClass, error);
            if (replacement) throw replacement;
            throw new PfnetError(
              "RETRIES_EXHAUSTED",
              `Gave up after ${spent.count} retries (${verdict.reason}): ${error.message}`,
              {
                address: context.address,
                details: { reason: verdict.reason, retries: spent.count, ...(error.details ?? {}) },
                cause: error,
              },
            );
          }
          used[verdict.retryClass] = {
            count: spent.count + 1,
            waitedAzureMs: spent.waitedAzureMs + delayAzureMs,
          };
          attempt += 1;
          context.emit({
            type: "step.retrying",
            address: context.address,
            attempt,
            reason: verdict.reason,
            delayMs: delay.wallMs,
          });
          await sleep(delay.wallMs, context.signal);
          return true;
        },
      },
    );
  } catch (error) {
    if (context.signal.aborted) throw abortError(context.signal);
    throw toAzureError(error, context.address);
  }
}
