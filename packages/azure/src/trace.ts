/**
 * A trace of every HTTP exchange with Azure, for reports from real Azure (`pfnet plan --trace
 * FILE`, `PFNET_TRACE`): one JSON line per exchange — method, URL, status, selected headers and
 * both bodies — with tokens, keys, secrets and SAS signatures removed. It is a pipeline policy on
 * every client (SDK and REST), after the retry policy, so each attempt is one record.
 *
 * Redaction never depends on knowing the secret: headers are an allow-list (no Authorization,
 * no cookies), JSON fields whose name says key / secret / password / token / signature /
 * credential / connection string are replaced, and in every string JWTs, `sig=` SAS signatures,
 * `AccountKey=` / `SharedAccessKey=` pairs and bearer tokens are replaced.
 */
import { appendFileSync, writeFileSync } from "node:fs";
import type { PipelinePolicy, PipelineRequest, PipelineResponse } from "@azure/core-rest-pipeline";
import { logger } from "./logger.js";

export interface TraceRecord {
  /** ISO time the request was sent. */
  time: string;
  method: string;
  url: string;
  /** 0 when no answer came (connection error). */
  status: number;
  durationMs: number;
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  requestBody?: unknown;
  responseBody?: unknown;
  /** Transport error code when there was no answer. */
  error?: string;
}

export type TraceSink = (record: TraceRecord) => void;

/** Headers worth seeing in a report; everything else (Authorization first) stays out. */
const REQUEST_HEADERS = ["content-type", "user-agent", "x-ms-client-request-id", "if-match", "if-none-match"];
const RESPONSE_HEADERS = [
  "content-type",
  "location",
  "azure-asyncoperation",
  "operation-location",
  "retry-after",
  "etag",
  "x-ms-request-id",
  "x-ms-correlation-request-id",
  "x-ms-ratelimit-remaining-subscription-reads",
  "x-ms-ratelimit-remaining-subscription-writes",
];

export const REDACTED = "[redacted]";
const SECRET_NAME =
  /(key|keys|secret|secrets|password|passwd|token|tokens|signature|credential|credentials|connectionstring|sig)$/i;
const SECRET_TEXT: [RegExp, string][] = [
  [/eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED], // JWT
  [/\b(Bearer)\s+[^\s"',]+/gi, `$1 ${REDACTED}`],
  [/([?&;]|\b)(sig|signature)=[^&\s"';]+/gi, `$1$2=${REDACTED}`], // SAS signature
  [/\b(AccountKey|SharedAccessKey|AccessKey)=[^;\s"']+/gi, `$1=${REDACTED}`],
];

export function redactText(text: string): string {
  let out = text;
  for (const [pattern, replacement] of SECRET_TEXT) out = out.replace(pattern, replacement);
  return out;
}

/**
 * A JSON value with every secret-looking string replaced, and everything under a field whose name
 * ends like a secret (`primaryKey`, `keys`, `clientSecret`, `accessToken`, `connectionString`,
 * `password`, `sig`) replaced whatever it holds.
 */
export function redactValue(value: unknown, secret = false): unknown {
  if (typeof value === "string") return secret ? REDACTED : redactText(value);
  if (typeof value === "number") return secret ? REDACTED : value;
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secret));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        redactValue(v, secret || SECRET_NAME.test(k)),
      ]),
    );
  }
  return value;
}

/** A URL with secret-named query parameters (a SAS `sig`, a `code`) blanked. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const name of [...parsed.searchParams.keys()]) {
      if (SECRET_NAME.test(name) || name.toLowerCase() === "code") parsed.searchParams.set(name, REDACTED);
    }
    return redactText(parsed.toString());
  } catch {
    return redactText(url);
  }
}

function body(text: string | undefined | null): unknown {
  if (text === undefined || text === null || text === "") return undefined;
  try {
    return redactValue(JSON.parse(text));
  } catch {
    return redactText(text);
  }
}

function pick(get: (name: string) => string | undefined, names: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of names) {
    const value = get(name);
    if (value !== undefined)
      out[name] = /location$|asyncoperation$/.test(name) ? redactUrl(value) : redactText(value);
  }
  return out;
}

function requestBody(request: PipelineRequest): unknown {
  return typeof request.body === "string"
    ? body(request.body)
    : request.body === undefined
      ? undefined
      : "[binary]";
}

export const TRACE_POLICY_NAME = "pfnetTracePolicy";

/**
 * The pipeline policy on every client: logs each attempt (`pfnet:verbose`, redacted URL) and,
 * with a `sink`, hands it one redacted record per attempt.
 */
export function tracePolicy(sink?: TraceSink): PipelinePolicy {
  return {
    name: TRACE_POLICY_NAME,
    async sendRequest(request, next): Promise<PipelineResponse> {
      const started = Date.now();
      const base = {
        time: new Date(started).toISOString(),
        method: request.method,
        url: redactUrl(request.url),
        requestHeaders: pick((n) => request.headers.get(n), REQUEST_HEADERS),
        ...(request.body !== undefined ? { requestBody: requestBody(request) } : {}),
      };
      try {
        const response = await next(request);
        logger.verbose(`${request.method} ${base.url} -> ${response.status} (${Date.now() - started} ms)`);
        sink?.({
          ...base,
          status: response.status,
          durationMs: Date.now() - started,
          responseHeaders: pick((n) => response.headers.get(n), RESPONSE_HEADERS),
          ...(response.bodyAsText ? { responseBody: body(response.bodyAsText) } : {}),
        });
        return response;
      } catch (error) {
        logger.verbose(
          `${request.method} ${base.url} -> no answer (${String((error as { code?: unknown }).code ?? "error")})`,
        );
        sink?.({
          ...base,
          status: (error as { statusCode?: number }).statusCode ?? 0,
          durationMs: Date.now() - started,
          responseHeaders: {},
          error: String((error as { code?: unknown }).code ?? (error as Error).name ?? "Error"),
        });
        throw error;
      }
    },
  };
}

/** A sink writing JSON lines to `file` (emptied when the sink is made). */
export function fileTraceSink(file: string): TraceSink {
  writeFileSync(file, "");
  return (record) => appendFileSync(file, `${JSON.stringify(record)}\n`);
}
