/**
 * Azure failures as typed pfnet errors. Every failed request becomes an `AzureRequestError`
 * carrying the HTTP status, the ARM error code and the Retry-After hint; `src/retry.ts`
 * classifies on those fields only (never on message text).
 */
import { isPfnetError, PfnetError } from "@pfnet/core";

export interface AzureRequestErrorDetails {
  /** HTTP status; undefined when the connection failed before a response. */
  status?: number;
  /** ARM error code (`error.code` of the body) or the transport error code (e.g. ECONNRESET). */
  armCode?: string;
  /** Retry-After of the response in (wall-clock) milliseconds, when present. */
  retryAfterMs?: number;
  method?: string;
  url?: string;
}

export class AzureRequestError extends PfnetError {
  readonly status?: number;
  readonly armCode?: string;
  readonly retryAfterMs?: number;

  constructor(
    message: string,
    details: AzureRequestErrorDetails,
    options: { address?: string; cause?: unknown } = {},
  ) {
    super("AZURE_REQUEST_FAILED", message, {
      ...(options.address === undefined ? {} : { address: options.address }),
      details: stripUndefined({
        status: details.status,
        armCode: details.armCode,
        method: details.method,
        url: redactUrl(details.url),
      }),
      cause: options.cause,
    });
    if (details.status !== undefined) this.status = details.status;
    if (details.armCode !== undefined) this.armCode = details.armCode;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** A node kind this provider does not know (a newer core than this provider). */
export class NotSupportedError extends PfnetError {
  constructor(kind: string, address: string) {
    super("NOT_SUPPORTED", `The Azure provider does not handle ${kind} nodes (${address}).`, {
      address,
      hint: "Use versions of @pfnet/core and @pfnet/azure that belong together.",
    });
  }
}

function stripUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}

/** Drop the query (tokens never travel in ARM URLs, but keep events small and stable). */
function redactUrl(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf("?");
  return q < 0 ? url : url.slice(0, q);
}

/** Parse a Retry-After style header set into milliseconds. */
export function parseRetryAfter(get: (name: string) => string | undefined): number | undefined {
  const ms = get("retry-after-ms") ?? get("x-ms-retry-after-ms");
  if (ms !== undefined && ms !== "" && !Number.isNaN(Number(ms))) return Number(ms);
  const value = get("retry-after");
  if (value === undefined || value === "") return undefined;
  const seconds = Number(value);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

interface RestErrorLike {
  name?: string;
  message?: string;
  code?: string;
  statusCode?: number;
  request?: { method?: string; url?: string };
  response?: {
    status?: number;
    headers?: { get?: (n: string) => string | undefined };
    bodyAsText?: string | null;
  };
  details?: unknown;
}

/**
 * What @azure/identity throws when no credential of the chain yields a token, by class name (the
 * error's type, not its text; identity is not imported here for it).
 */
const CREDENTIAL_ERROR_NAMES = new Set([
  "CredentialUnavailableError",
  "AggregateAuthenticationError",
  "AuthenticationError",
  "AuthenticationRequiredError",
]);

/** What to do about missing credentials, in one line. */
export const CREDENTIALS_ADVICE =
  "run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; for the local ARM emulator, pass its CA certificate (`--ca-cert` with `--endpoint`; in code, `tlsCa` and any `credential`)";

/**
 * No credential could sign the request: one line saying what to do. The chain's own report (one
 * line per credential tried) stays in `cause` for debugging.
 */
export function credentialsError(error: unknown, address?: string): PfnetError {
  return new PfnetError(
    "AZURE_CREDENTIALS_UNAVAILABLE",
    `No usable Azure credentials: ${CREDENTIALS_ADVICE}.`,
    {
      ...(address === undefined ? {} : { address }),
      details: { credentialError: (error as { name?: string }).name ?? "unknown" },
      cause: error,
    },
  );
}

/** True for an error @azure/identity raised (or one that wraps it as its cause). */
export function isCredentialError(error: unknown): boolean {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    if (CREDENTIAL_ERROR_NAMES.has((e as { name?: string }).name ?? "")) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** Whatever an SDK client or the pipeline threw, as an AzureRequestError (PfnetErrors pass through). */
export function toAzureError(error: unknown, address?: string): PfnetError {
  if (isPfnetError(error)) return error;
  if (isCredentialError(error)) return credentialsError(error, address);
  if (typeof error === "object" && error !== null && (error as { name?: string }).name === "AbortError") {
    return new PfnetError("ABORTED", "The operation was aborted.", {
      ...(address === undefined ? {} : { address }),
      cause: error,
    });
  }
  const e = (error ?? {}) as RestErrorLike;
  const status = e.statusCode ?? e.response?.status;
  let armCode = e.code;
  // core-client puts the ARM error code in `code`; when only the body is there, read it.
  if ((armCode === undefined || armCode === "") && e.response?.bodyAsText) {
    armCode = armCodeFromBody(safeJson(e.response.bodyAsText));
  }
  const get = (n: string) => e.response?.headers?.get?.(n) ?? undefined;
  const retryAfterMs = e.response?.headers ? parseRetryAfter(get) : undefined;
  const method = e.request?.method;
  const url = e.request?.url;
  const message = `${method ?? "request"} ${redactUrl(url) ?? ""} failed${status === undefined ? "" : ` with ${status}`}${armCode ? ` ${armCode}` : ""}: ${e.message ?? String(error)}`;
  return new AzureRequestError(
    message,
    { status, armCode, retryAfterMs, method, url },
    { address, cause: error },
  );
}

export function armCodeFromBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const err = (body as { error?: { code?: unknown } }).error;
  if (err && typeof err.code === "string") return err.code;
  const code = (body as { code?: unknown }).code;
  return typeof code === "string" ? code : undefined;
}

export function armMessageFromBody(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const err = (body as { error?: { message?: unknown } }).error;
  if (err && typeof err.message === "string") return err.message;
  return undefined;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
