/**
 * A small ARM REST layer on the Azure core pipeline (`@azure-rest/core-client`): typed JSON in and
 * out, errors as AzureRequestError, paging by `nextLink`, and long-running operations through
 * `@azure/core-lro`. The poller's own interval is off: this layer sleeps between polls, for the
 * server's Retry-After when given (as is), else for a default interval in Azure time.
 */

import {
  createHttpPoller,
  type OperationResponse,
  type OperationState,
  type ResourceLocationConfig,
  type RunningOperation,
} from "@azure/core-lro";
import type { Client, PathUncheckedResponse } from "@azure-rest/core-client";
import type { Limiter } from "@pfnet/core";
import { AzureRequestError, armCodeFromBody, armMessageFromBody, parseRetryAfter } from "../errors.js";
import type { ResolvedWaits } from "../options.js";
import { wallMs } from "../options.js";
import { asPoll } from "../pacing.js";
import { sleep } from "../retry.js";
import { followSignal } from "../signals.js";
import { LRO_POLL_SECONDS } from "../waits.js";

export type HttpMethod = "GET" | "PUT" | "PATCH" | "POST" | "DELETE";

export interface ArmResponse<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

export interface RequestOptions {
  apiVersion: string;
  body?: unknown;
  headers?: Record<string, string>;
  signal: AbortSignal;
}

/** Counts requests by method (benchmarks and tests read it). */
export interface RequestCounter {
  count(method: HttpMethod, url: string): void;
}

export class ArmRest {
  constructor(
    private readonly client: Client,
    private readonly waits: ResolvedWaits,
    /** Bounds the requests in flight (core's Limiter, shared with the SDK clients). */
    private readonly limiter: Limiter,
  ) {}

  /** Wall milliseconds between polls when Azure sends no Retry-After. */
  get defaultPollMs(): number {
    return wallMs(LRO_POLL_SECONDS, this.waits);
  }

  /** One request; statuses ≥ 400 throw AzureRequestError. */
  async send<T>(method: HttpMethod, pathOrUrl: string, options: RequestOptions): Promise<ArmResponse<T>> {
    const url = withApiVersion(pathOrUrl, options.apiVersion);
    const response = await this.limiter.run(
      async (): Promise<PathUncheckedResponse> => {
        const resource = this.client.pathUnchecked(url);
        const params = {
          abortSignal: options.signal,
          skipUrlEncoding: true,
          ...(options.headers ? { headers: options.headers } : {}),
          ...(options.body === undefined ? {} : { body: options.body, contentType: "application/json" }),
        };
        switch (method) {
          case "GET":
            return await resource.get(params);
          case "PUT":
            return await resource.put(params);
          case "PATCH":
            return await resource.patch(params);
          case "POST":
            return await resource.post(params);
          case "DELETE":
            return await resource.delete(params);
        }
      },
      { signal: options.signal },
    );
    const status = Number(response.status);
    const headers = response.headers as Record<string, string>;
    if (status >= 400) {
      const armCode = armCodeFromBody(response.body);
      const message = armMessageFromBody(response.body) ?? `HTTP ${status}`;
      throw new AzureRequestError(
        `${method} ${stripQuery(url)} failed with ${status}${armCode ? ` ${armCode}` : ""}: ${message}`,
        {
          status,
          armCode,
          retryAfterMs: parseRetryAfter((n) => headers[n]),
          method,
          url,
        },
      );
    }
    return { status, headers, body: response.body as T };
  }

  /** GET that maps 404 to undefined. */
  async getOptional<T>(path: string, options: RequestOptions): Promise<ArmResponse<T> | undefined> {
    try {
      return await this.send<T>("GET", path, options);
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return undefined;
      throw error;
    }
  }

  /** Every item of a `{value, nextLink}` list. */
  async listAll<T>(path: string, options: RequestOptions): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = path;
    while (next) {
      const page: ArmResponse<{ value?: T[]; nextLink?: string | null }> = await this.send(
        "GET",
        next,
        options,
      );
      items.push(...(page.body?.value ?? []));
      next = page.body?.nextLink ?? undefined;
    }
    return items;
  }

  /**
   * A long-running operation: send the request, then poll `Location` / `Azure-AsyncOperation`
   * (or the resource) with core-lro until it ends. Resolves with the final body, if any.
   */
  async lro<T>(
    method: Exclude<HttpMethod, "GET">,
    path: string,
    options: RequestOptions & {
      resourceLocationConfig?: ResourceLocationConfig;
      onPoll?: () => void;
      /** Awaited once Azure accepted the operation (201/202 with a poll URL), before the first poll. */
      onStarted?: (handle: OperationHandle) => Promise<void>;
    },
  ): Promise<T | undefined> {
    // Between polls when Azure sends no Retry-After.
    const defaultPollMs = this.defaultPollMs;
    let nextPollMs = defaultPollMs;
    const toOperationResponse = (
      response: ArmResponse<unknown>,
      requestUrl: string,
      requestMethod: string,
    ): OperationResponse<unknown> => {
      // Keep the Retry-After for our own sleep; the poller sees none.
      nextPollMs = parseRetryAfter((n) => response.headers[n]) ?? defaultPollMs;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers)) {
        const lower = name.toLowerCase();
        if (lower === "retry-after" || lower === "retry-after-ms" || lower === "x-ms-retry-after-ms")
          continue;
        headers[lower] =
          lower === "location" || lower === "azure-asyncoperation" || lower === "operation-location"
            ? withApiVersion(value, options.apiVersion)
            : value;
      }
      return {
        flatResponse: response.body,
        rawResponse: {
          statusCode: response.status,
          headers,
          body: response.body,
          request: { method: requestMethod, url: requestUrl },
        },
      };
    };
    const operation: RunningOperation<unknown> = {
      sendInitialRequest: async () => {
        const response = await this.send(method, path, options);
        const url = pollUrlOf(response);
        if (url && options.onStarted && (response.status === 201 || response.status === 202)) {
          await options.onStarted({
            url: withApiVersion(url, options.apiVersion),
            startedAt: new Date().toISOString(),
          });
        }
        return toOperationResponse(response, withApiVersion(path, options.apiVersion), method);
      },
      sendPollRequest: async (pollPath) => {
        await sleep(nextPollMs, options.signal);
        options.onPoll?.();
        return toOperationResponse(
          // Retried on its own if it fails (pacing.ts), not by restarting the operation.
          await asPoll(() =>
            this.send("GET", pollPath, { apiVersion: options.apiVersion, signal: options.signal }),
          ),
          pollPath,
          "GET",
        );
      },
    };
    const poller = createHttpPoller<unknown, OperationState<unknown>>(operation, {
      intervalInMs: 0,
      ...(options.resourceLocationConfig ? { resourceLocationConfig: options.resourceLocationConfig } : {}),
    });
    // Many operations (ten diagnoses at once) wait on one run signal: the poller listens on its own.
    const result = await poller.pollUntilDone({ abortSignal: followSignal(options.signal) });
    return result as T | undefined;
  }
}

/**
 * Wait for an operation someone started earlier (a handle from the journal): poll its URL until
 * it ends. `gone` when Azure no longer knows it (404: expired or never accepted), so the caller
 * looks for another sign of it. A Failed operation throws as its poll answers (≥ 400) or, for
 * `Azure-AsyncOperation` bodies, as an AzureRequestError with the body's error.
 */
export async function awaitOperation(
  arm: ArmRest,
  url: string,
  options: { apiVersion: string; signal: AbortSignal; onPoll?: () => void; defaultPollMs: number },
): Promise<"done" | "gone"> {
  for (;;) {
    let response: ArmResponse<{ status?: unknown; error?: { code?: string; message?: string } }>;
    try {
      response = await arm.send("GET", url, { apiVersion: options.apiVersion, signal: options.signal });
    } catch (error) {
      if (error instanceof AzureRequestError && error.status === 404) return "gone";
      throw error;
    }
    const status = typeof response.body?.status === "string" ? response.body.status : undefined;
    if (status && /^(failed|canceled|cancelled)$/i.test(status)) {
      const code = response.body?.error?.code;
      throw new AzureRequestError(
        `The operation ${stripQuery(url)} ended ${status}${code ? ` (${code})` : ""}: ${response.body?.error?.message ?? "no detail"}`,
        { status: response.status, armCode: code, method: "GET", url },
      );
    }
    const running =
      response.status === 202 ||
      (status !== undefined && /^(inprogress|running|accepted|notstarted)$/i.test(status));
    if (!running) return "done";
    options.onPoll?.();
    await sleep(parseRetryAfter((n) => response.headers[n]) ?? options.defaultPollMs, options.signal);
  }
}

/** A long-running operation Azure accepted: where to poll it, and when it was accepted. */
export interface OperationHandle {
  url: string;
  startedAt: string;
}

/** The poll URL of an accepted answer: `Azure-AsyncOperation` / `Operation-Location`, else `Location`. */
export function pollUrlOf(response: { headers: Record<string, string> }): string | undefined {
  let location: string | undefined;
  for (const [name, value] of Object.entries(response.headers)) {
    const lower = name.toLowerCase();
    if (lower === "azure-asyncoperation" || lower === "operation-location") return value;
    if (lower === "location") location = value;
  }
  return location;
}

/** Append `api-version` unless the URL carries one (ARM poll URLs sometimes lack it). */
export function withApiVersion(pathOrUrl: string, apiVersion: string): string {
  if (/[?&]api-version=/i.test(pathOrUrl)) return pathOrUrl;
  return `${pathOrUrl}${pathOrUrl.includes("?") ? "&" : "?"}api-version=${encodeURIComponent(apiVersion)}`;
}

function stripQuery(url: string): string {
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}
