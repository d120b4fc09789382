/** Request context, replies and route table types shared by the route modules. */
import type { IncomingHttpHeaders } from "node:http";
import type { Clock } from "./clock.js";
import type { Model, Operation } from "./state/model.js";
import type { Prng } from "./util.js";

export type Method = "GET" | "PUT" | "PATCH" | "DELETE" | "POST" | "HEAD";

export type RaceMode = "lastWriterWins" | "conflict" | "off";

export interface Settings {
  raceMode: RaceMode;
  /** Page size of outbound-rule and role-assignment lists (nextLink paging). */
  pageSize: number;
  /** Whether workspace GETs carry `managedNetwork.outboundRules` (optional in the spec). */
  workspaceRuleMap: "present" | "absent";
  /** "scaled": send Retry-After (whole seconds) when the scaled remaining time is ≥ 1 s; "omit": never. */
  lroRetryAfter: "scaled" | "omit";
  /** HTTP status a Location poll answers for a Failed operation. */
  failedLroStatus: number;
  /**
   * "seeded": every long-running operation is answered in one of the forms its spec declares
   * (e.g. a synchronous 200 or 202 + Location for the ML writes), drawn from `lroPrng`;
   * "accepted": always the asynchronous form (202 + Location / Azure-AsyncOperation).
   */
  lroForms: "seeded" | "accepted";
  /** The PRNG behind the LRO forms (its own stream, so generated ids do not shift). */
  lroPrng: Prng;
}

/** How an LRO is answered: finished in the first answer, or accepted and polled. */
export type LroForm = "sync" | "accepted";

/**
 * The form of this LRO's answer among those its spec allows. An operation a fault makes fail
 * is always accepted (only a poll can report the failure).
 */
export function lroForm(ctx: Ctx, allowed: readonly LroForm[]): LroForm {
  if (ctx.failLro || ctx.settings.lroForms === "accepted" || !allowed.includes("sync")) return "accepted";
  if (!allowed.includes("accepted")) return "sync";
  return ctx.settings.lroPrng.next() < 0.5 ? "sync" : "accepted";
}

export interface Ctx {
  method: Method;
  /** Decoded path without query, duplicate slashes collapsed. */
  path: string;
  query: URLSearchParams;
  apiVersion: string;
  body: unknown;
  headers: IncomingHttpHeaders;
  /** Regex captures of the route pattern (original casing). */
  m: string[];
  baseUrl: string;
  /** A fault asked the LRO this request starts to end Failed. */
  failLro: boolean;
  model: Model;
  clock: Clock;
  settings: Settings;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Raw text answer (admin JSONL) instead of a JSON body. */
  text?: string;
  headers?: Record<string, string>;
}

export type Handler = (ctx: Ctx) => Reply;

export interface Route {
  name: string;
  pattern: RegExp;
  /** Supported api-versions. */
  versions: readonly string[];
  handlers: Partial<Record<Method, Handler>>;
}

function retryAfter(ctx: Ctx, op: Operation): Record<string, string> {
  if (ctx.settings.lroRetryAfter === "omit") return {};
  const remaining = op.doneAt - ctx.clock.now();
  return remaining >= 1000 ? { "Retry-After": String(Math.ceil(remaining / 1000)) } : {};
}

function opBase(ctx: Ctx, op: Operation): string {
  return `${ctx.baseUrl}/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}`;
}

export function locationUrl(ctx: Ctx, op: Operation): string {
  return `${opBase(ctx, op)}/operationResults/${op.id}?api-version=${op.apiVersion}`;
}

export function asyncOperationUrl(ctx: Ctx, op: Operation): string {
  return `${opBase(ctx, op)}/operationStatuses/${op.id}?api-version=${op.apiVersion}`;
}

/** 202 + Location (+ Retry-After), the ML RP style. */
export function acceptedLocation(ctx: Ctx, op: Operation, body?: unknown): Reply {
  return {
    status: 202,
    ...(body !== undefined ? { body } : {}),
    headers: { Location: locationUrl(ctx, op), ...retryAfter(ctx, op) },
  };
}

/** 200/201 + Azure-AsyncOperation (+ Location for deletes), the Network RP style. */
export function acceptedAsync(
  ctx: Ctx,
  op: Operation,
  status: number,
  body?: unknown,
  withLocation = false,
): Reply {
  return {
    status,
    ...(body !== undefined ? { body } : {}),
    headers: {
      "Azure-AsyncOperation": asyncOperationUrl(ctx, op),
      ...(withLocation ? { Location: locationUrl(ctx, op) } : {}),
      ...retryAfter(ctx, op),
    },
  };
}

export function pollReply(ctx: Ctx, op: Operation, style: "location" | "status"): Reply {
  if (style === "status") {
    return {
      status: 200,
      body: {
        id: `/subscriptions/${op.subscriptionId}/providers/${op.namespace}/locations/${op.location}/operationStatuses/${op.id}`,
        name: op.id,
        status: op.status,
        startTime: new Date(op.startedAt).toISOString(),
        ...(op.status !== "InProgress" ? { endTime: new Date(op.doneAt).toISOString() } : {}),
        ...(op.error ? { error: op.error } : {}),
      },
      headers: op.status === "InProgress" ? retryAfter(ctx, op) : {},
    };
  }
  if (op.status === "InProgress") {
    return { status: 202, headers: { Location: locationUrl(ctx, op), ...retryAfter(ctx, op) } };
  }
  if (op.status === "Failed") {
    return {
      status: ctx.settings.failedLroStatus,
      body: { error: op.error ?? { code: "OperationFailed", message: "The operation failed." } },
    };
  }
  return op.result();
}
