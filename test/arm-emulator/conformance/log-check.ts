/**
 * A whole request log against the vendored specs: each request matched to the operation that
 * declares it, its bodies validated, the answer's status checked against the declared ones, LRO
 * polls tied to the request whose `Location` / `Azure-AsyncOperation` header named them. Returns
 * the distinct routes (method, path template, api-version) and every problem, including requests
 * that match no spec at all.
 */
import { recordRoutes } from "./route-ledger.js";
import { schemaChecks } from "./schema-checks.js";
import { COMMON_V3, type SpecIndex, type SpecOperation, specIndex } from "./spec-index.js";

export interface LogEntry {
  method: string;
  path: string;
  apiVersion: string | null;
  status: number;
  requestBody: unknown;
  responseBody: unknown;
  responseHeaders?: Record<string, string>;
  fault?: string;
}

export interface RouteKey {
  method: string;
  template: string;
  apiVersion: string;
  file: string;
}

export interface LogCheck {
  /** Distinct routes of the log, `METHOD template api-version`. */
  routes: Map<string, RouteKey>;
  /** Requests no spec declares (`METHOD path api-version`). */
  unmatched: string[];
  problems: string[];
  /** Bodies validated (requests + responses). */
  validated: number;
}

/** Routes, unmatched requests and problems of a whole request log. */
export function checkLog(index: SpecIndex, entries: readonly LogEntry[]): LogCheck {
  const schemas = schemaChecks(index);
  const routes = new Map<string, RouteKey>();
  const unmatched: string[] = [];
  const problems: string[] = [];
  let validated = 0;
  // Poll URL (path, lower case) → the operation that started it.
  const polls = new Map<string, SpecOperation>();
  const statusRef = index.definition(COMMON_V3, "OperationStatusResult");
  for (const r of entries) {
    if (r.status === 0) continue; // dropped by a fault: no answer
    const where = `${r.method} ${r.path}?api-version=${r.apiVersion} → ${r.status}`;
    const poll = /\/(operationresults|operationstatuses)\/[^/]+$/i.exec(r.path);
    if (poll) {
      const origin = polls.get(r.path.toLowerCase());
      if (!origin) {
        unmatched.push(`${r.method} ${r.path} ${r.apiVersion} (a poll no logged request announced)`);
        continue;
      }
      if (!origin.longRunning)
        problems.push(`${where}: polled, but ${origin.operationId} is not long-running`);
      if (r.status >= 400 || r.responseBody === null || r.responseBody === undefined) continue;
      validated++;
      const ref = poll[1]!.toLowerCase() === "operationstatuses" ? statusRef : origin.responses["200"];
      if (ref) {
        const at = `${where} (poll of ${origin.operationId})`;
        problems.push(...index.validate(ref, r.responseBody).map((e) => `${at}: ${e}`));
        problems.push(...schemas.undeclared(ref, r.responseBody).map((e) => `${at}: ${e}`));
      }
      continue;
    }
    const op = index.match(r.method, r.path, r.apiVersion);
    if (!op) {
      unmatched.push(`${r.method} ${r.path} ${r.apiVersion}`);
      continue;
    }
    routes.set(`${op.method} ${op.template} ${op.apiVersion}`, {
      method: op.method,
      template: op.template,
      apiVersion: op.apiVersion,
      file: op.file,
    });
    for (const [name, value] of Object.entries(r.responseHeaders ?? {})) {
      if (!["location", "azure-asyncoperation"].includes(name.toLowerCase())) continue;
      try {
        polls.set(decodeURIComponent(new URL(value).pathname).toLowerCase(), op);
      } catch {
        problems.push(`${where}: ${name} is not a URL: ${value}`);
      }
    }
    const label = `${where} (${op.file} ${op.operationId})`;
    if (op.bodySchema && r.requestBody !== null && r.requestBody !== undefined && r.status < 400) {
      validated++;
      problems.push(...index.validate(op.bodySchema, r.requestBody).map((e) => `${label} request: ${e}`));
      problems.push(...schemas.subtypes(op.bodySchema, r.requestBody).map((e) => `${label} request: ${e}`));
      problems.push(...schemas.undeclared(op.bodySchema, r.requestBody).map((e) => `${label} request: ${e}`));
    }
    const declared = Object.hasOwn(op.responses, String(r.status));
    if (!declared && r.status < 400) {
      problems.push(`${label}: status ${r.status} is not declared (${Object.keys(op.responses).join(", ")})`);
      continue;
    }
    const ref = declared ? op.responses[String(r.status)] : op.responses.default;
    if (r.responseBody === null || r.responseBody === undefined) continue;
    if (r.status >= 400) {
      // Errors: the operation's own error schema, and ARM's error envelope `{error: {code,
      // message, …}}` (common-types ErrorResponse) — some RPs (Network) declare the inner object
      // only, while ARM answers every error in the envelope.
      validated++;
      if (ref) problems.push(...index.validate(ref, r.responseBody).map((e) => `${label} error: ${e}`));
      const envelope = index.definition(COMMON_V3, "ErrorResponse");
      problems.push(...index.validate(envelope, r.responseBody).map((e) => `${label} error: ${e}`));
      problems.push(...schemas.undeclared(envelope, r.responseBody).map((e) => `${label} error: ${e}`));
      continue;
    }
    if (ref) {
      validated++;
      problems.push(...index.validate(ref, r.responseBody).map((e) => `${label} response: ${e}`));
      problems.push(...schemas.subtypes(ref, r.responseBody).map((e) => `${label} response: ${e}`));
      problems.push(...schemas.undeclared(ref, r.responseBody).map((e) => `${label} response: ${e}`));
    }
  }
  return { routes, unmatched, problems, validated };
}

/** Throws an Error listing every request without a spec and every problem of a request log. */
export function assertConformant(entries: readonly LogEntry[], what = "request log"): LogCheck {
  const check = checkLog(specIndex(), entries);
  recordRoutes(check, what);
  const findings = [...check.unmatched.map((u) => `no spec declares ${u}`), ...check.problems];
  if (findings.length > 0) {
    const shown = findings.slice(0, 25).join("\n  ");
    throw new Error(
      `${what}: ${findings.length} conformance finding(s) against test/azure-specs:\n  ${shown}${findings.length > 25 ? "\n  …" : ""}`,
    );
  }
  return check;
}
