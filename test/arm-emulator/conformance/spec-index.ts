/**
 * Conformance against the official OpenAPI files vendored in test/azure-specs (see its
 * SOURCES.md). `SpecIndex` loads every swagger file, matches a request (method, path,
 * api-version) to the operation that declares it and validates bodies with ajv:
 *
 * - the request body against the operation's body parameter;
 * - the answer's status against the statuses the operation declares (an LRO answered 202 where
 *   the spec allows only 200 is a finding), and its body against that status's schema (or
 *   `default` for errors);
 * - ARM async-operation polls (`…/operationResults/…`, `…/operationStatuses/…`, no path of
 *   their own in any spec) are tied to the request whose `Location` / `Azure-AsyncOperation`
 *   header named them: a status body against common-types `OperationStatusResult`, a final
 *   Location answer against the originating operation's 200 schema.
 *
 * `checkLog` returns the distinct routes (method, path template, api-version) of a request log
 * and every problem, including requests that match no spec at all.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { recordRoutes } from "./route-ledger.js";

export const SPECS_DIR = resolve(import.meta.dirname, "../../azure-specs");
const SPEC_ROOT = join(SPECS_DIR, "specification");

// ajv-formats is CommonJS: its default export is the module object whose `default` is the plugin.
const addFormats = addFormatsModule.default;

type Json = Record<string, unknown>;

export interface SpecOperation {
  /** Spec file, relative to test/azure-specs. */
  file: string;
  template: string;
  method: string;
  apiVersion: string;
  operationId: string;
  /** `file#/definitions/X`-style absolute refs. */
  bodySchema?: string;
  responses: Record<string, string | null>;
  longRunning: boolean;
  /** Literal characters of the template: the most specific match wins. */
  specificity: number;
  pattern: RegExp;
}

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

function swaggerFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (name !== "examples") out.push(...swaggerFiles(full));
    } else if (name.endsWith(".json")) out.push(full);
  }
  return out.sort();
}

const METHODS = ["get", "put", "patch", "post", "delete", "head"];

export class SpecIndex {
  readonly operations: SpecOperation[] = [];
  private readonly ajv: Ajv;
  private readonly docs = new Map<string, Json>();
  private readonly validators = new Map<string, ValidateFunction>();

  constructor() {
    this.ajv = new Ajv({ strict: false, allErrors: true, logger: false, validateSchema: false });
    addFormats(this.ajv);
    this.ajv.addFormat("arm-id", /^\/subscriptions\/|^\/providers\//i);
    for (const f of [
      "int32",
      "int64",
      "double",
      "float",
      "url",
      "unixtime",
      "duration",
      "password",
      "byte",
      "file",
      "decimal",
      "base64url",
      "date-time-rfc1123",
    ])
      this.ajv.addFormat(f, true);
    for (const file of swaggerFiles(SPEC_ROOT)) {
      const doc = JSON.parse(readFileSync(file, "utf8")) as Json;
      const url = pathToFileURL(file).href;
      this.docs.set(url, doc);
      this.ajv.addSchema(openForAjv(doc) as Json, url);
      this.index(file, url, doc);
    }
  }

  private index(file: string, url: string, doc: Json): void {
    const apiVersion = String((doc.info as Json | undefined)?.version ?? "");
    const rel = relative(SPECS_DIR, file);
    for (const [template, item] of Object.entries((doc.paths as Record<string, Json>) ?? {})) {
      const shared = (item.parameters as Json[] | undefined) ?? [];
      for (const method of METHODS) {
        const op = item[method] as Json | undefined;
        if (!op) continue;
        const params = [...shared, ...((op.parameters as Json[] | undefined) ?? [])].map((p) =>
          this.resolveParameter(url, p),
        );
        const body = params.find((p) => p.param.in === "body");
        const responses: Record<string, string | null> = {};
        for (const [status, response] of Object.entries((op.responses as Record<string, Json>) ?? {})) {
          const schema = (response.schema as Json | undefined)?.$ref as string | undefined;
          responses[status] = schema ? absolute(url, schema) : null;
        }
        const literal = template.replace(/\{[^}]+\}/g, "");
        this.operations.push({
          file: rel,
          template,
          method: method.toUpperCase(),
          apiVersion,
          operationId: String(op.operationId ?? ""),
          ...(body?.param.schema
            ? { bodySchema: absolute(body.base, ((body.param.schema as Json).$ref as string) ?? "") }
            : {}),
          responses,
          longRunning: op["x-ms-long-running-operation"] === true,
          specificity: literal.length,
          pattern: templatePattern(
            template,
            params.map((p) => p.param),
          ),
        });
      }
    }
  }

  /** A parameter, following `$ref` into this or another file. */
  private resolveParameter(url: string, p: Json): { param: Json; base: string } {
    const ref = p.$ref as string | undefined;
    if (!ref) return { param: p, base: url };
    const [file, pointer] = ref.split("#");
    const target = file ? new URL(file, url).href : url;
    const doc = this.docs.get(target) ?? this.load(target);
    let node: unknown = doc;
    for (const part of (pointer ?? "").split("/").filter(Boolean)) node = (node as Json | undefined)?.[part];
    return { param: (node as Json | undefined) ?? {}, base: target };
  }

  private load(url: string): Json {
    try {
      const doc = JSON.parse(readFileSync(new URL(url), "utf8")) as Json;
      this.docs.set(url, doc);
      return doc;
    } catch {
      return {};
    }
  }

  /** The operation declaring this request (the most specific template), if any. */
  match(method: string, path: string, apiVersion: string | null): SpecOperation | undefined {
    let best: SpecOperation | undefined;
    for (const op of this.operations) {
      if (op.method !== method || op.apiVersion !== apiVersion || !op.pattern.test(path)) continue;
      if (!best || op.specificity > best.specificity) best = op;
    }
    return best;
  }

  /** Validation errors of `value` against an absolute schema ref (`file:///…#/definitions/X`). */
  validate(ref: string, value: unknown): string[] {
    let v = this.validators.get(ref);
    if (!v) {
      v = this.ajv.getSchema(ref);
      if (!v) throw new Error(`no schema ${ref}`);
      this.validators.set(ref, v);
    }
    if (v(value)) return [];
    const def = ref.split("/").pop();
    return (v.errors ?? []).map((e) => `${def}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  }

  /** Absolute ref of a definition in a vendored file (relative to test/azure-specs). */
  definition(file: string, name: string): string {
    return `${pathToFileURL(join(SPECS_DIR, file)).href}#/definitions/${name}`;
  }

  /** Routes, unmatched requests and problems of a whole request log. */
  checkLog(entries: readonly LogEntry[]): LogCheck {
    const routes = new Map<string, RouteKey>();
    const unmatched: string[] = [];
    const problems: string[] = [];
    let validated = 0;
    // Poll URL (path, lower case) → the operation that started it.
    const polls = new Map<string, SpecOperation>();
    const statusRef = this.definition(COMMON_V3, "OperationStatusResult");
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
          problems.push(...this.validate(ref, r.responseBody).map((e) => `${at}: ${e}`));
          problems.push(...this.undeclared(ref, r.responseBody).map((e) => `${at}: ${e}`));
        }
        continue;
      }
      const op = this.match(r.method, r.path, r.apiVersion);
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
        problems.push(...this.validate(op.bodySchema, r.requestBody).map((e) => `${label} request: ${e}`));
        problems.push(...this.subtypes(op.bodySchema, r.requestBody).map((e) => `${label} request: ${e}`));
        problems.push(...this.undeclared(op.bodySchema, r.requestBody).map((e) => `${label} request: ${e}`));
      }
      const declared = Object.hasOwn(op.responses, String(r.status));
      if (!declared && r.status < 400) {
        problems.push(
          `${label}: status ${r.status} is not declared (${Object.keys(op.responses).join(", ")})`,
        );
        continue;
      }
      const ref = declared ? op.responses[String(r.status)] : op.responses.default;
      if (r.responseBody === null || r.responseBody === undefined) continue;
      if (r.status >= 400) {
        // Errors: the operation's own error schema, and ARM's error envelope `{error: {code,
        // message, …}}` (common-types ErrorResponse) — some RPs (Network) declare the inner object
        // only, while ARM answers every error in the envelope.
        validated++;
        if (ref) problems.push(...this.validate(ref, r.responseBody).map((e) => `${label} error: ${e}`));
        const envelope = this.definition(COMMON_V3, "ErrorResponse");
        problems.push(...this.validate(envelope, r.responseBody).map((e) => `${label} error: ${e}`));
        problems.push(...this.undeclared(envelope, r.responseBody).map((e) => `${label} error: ${e}`));
        continue;
      }
      if (ref) {
        validated++;
        problems.push(...this.validate(ref, r.responseBody).map((e) => `${label} response: ${e}`));
        problems.push(...this.subtypes(ref, r.responseBody).map((e) => `${label} response: ${e}`));
        problems.push(...this.undeclared(ref, r.responseBody).map((e) => `${label} response: ${e}`));
      }
    }
    return { routes, unmatched, problems, validated };
  }

  /**
   * Fields of `value` that its schema does not declare. Swagger objects are open unless they say
   * otherwise, so ajv accepts any extra field; an emulator (or pfnet) that sends a field the spec
   * lacks (a workspace `etag`, `changeableIsolationModes`) is inventing it. Follows `$ref`,
   * `allOf`, `additionalProperties`, `items` and `x-ms-discriminator-value` subtypes.
   */
  undeclared(ref: string, value: unknown, at = ""): string[] {
    const node = this.resolve(ref);
    if (!node || value === null || typeof value !== "object") return [];
    if (Array.isArray(value)) {
      const items = node.schema.items as Json | undefined;
      if (!items) return [];
      return value.flatMap((v, i) => this.undeclared(this.refOf(items, node.base), v, `${at}/${i}`));
    }
    const declared = new Map<string, string>();
    let open = false;
    let additional: string | undefined;
    const collect = (n: { schema: Json; base: string }, seen: Set<string>) => {
      // A definition an excerpt does not vendor (storage.json NotVendored_*, the Network stubs
      // marked x-pfnet-not-vendored) is open.
      if (n.schema["x-pfnet-ref"] !== undefined || n.schema["x-pfnet-not-vendored"] !== undefined)
        open = true;
      for (const [name, prop] of Object.entries((n.schema.properties as Record<string, Json>) ?? {}))
        declared.set(name, this.refOf(prop, n.base));
      const ap = n.schema.additionalProperties;
      if (ap === true || (ap && typeof ap === "object" && Object.keys(ap).length === 0)) open = true;
      else if (ap && typeof ap === "object") additional = this.refOf(ap as Json, n.base);
      for (const part of (n.schema.allOf as Json[] | undefined) ?? []) {
        const r = this.refOf(part, n.base);
        if (seen.has(r)) continue;
        seen.add(r);
        const resolved = this.resolve(r);
        if (resolved) collect(resolved, seen);
      }
    };
    collect(node, new Set([ref]));
    // Discriminated subtypes declare the rest (swagger `discriminator` + `x-ms-discriminator-value`).
    const disc = node.schema.discriminator;
    if (typeof disc === "string") {
      const sub = this.subtypeOf(ref, String((value as Json)[disc] ?? ""));
      if (sub) {
        const resolved = this.resolve(sub);
        if (resolved) collect(resolved, new Set([sub, ref]));
      }
    }
    const hasShape = declared.size > 0 || additional !== undefined || node.schema.type === "object";
    if (open || !hasShape) return [];
    const out: string[] = [];
    for (const [key, v] of Object.entries(value as Json)) {
      const propRef = declared.get(key) ?? additional;
      if (propRef === undefined) {
        out.push(`${at}/${key} is not declared by ${ref.split("/").pop()}`);
        continue;
      }
      out.push(...this.undeclared(propRef, v, `${at}/${key}`));
    }
    return out;
  }

  /** A schema node as an absolute ref: its own `$ref`, or an inline node addressed by identity. */
  private refOf(schema: Json, base: string): string {
    const ref = schema.$ref as string | undefined;
    if (ref) return absolute(base, ref);
    const id = `inline:${this.inline.size}`;
    this.inline.set(id, { schema, base });
    return id;
  }

  private readonly inline = new Map<string, { schema: Json; base: string }>();

  private resolve(ref: string): { schema: Json; base: string } | undefined {
    if (ref.startsWith("inline:")) return this.inline.get(ref);
    const [file, pointer] = ref.split("#");
    const doc = this.docs.get(file!);
    let node: unknown = doc;
    for (const part of (pointer ?? "").split("/").filter(Boolean)) node = (node as Json | undefined)?.[part];
    if (!node || typeof node !== "object") return undefined;
    const inner = (node as Json).$ref as string | undefined;
    // A property that is only a `$ref` (plus annotations) is that definition.
    if (
      inner &&
      Object.keys(node as Json).every(
        (k) => k === "$ref" || k === "readOnly" || k.startsWith("x-") || k === "description",
      )
    )
      return this.resolve(absolute(file!, inner));
    return { schema: node as Json, base: file! };
  }

  /** The definition whose `x-ms-discriminator-value` (or name) is `value` and that extends `ref`. */
  private subtypeOf(ref: string, value: string): string | undefined {
    const [file, pointer] = ref.split("#");
    const base = pointer?.split("/").pop();
    const defs = (this.docs.get(file!)?.definitions as Record<string, Json> | undefined) ?? {};
    for (const [name, def] of Object.entries(defs)) {
      const tag = (def["x-ms-discriminator-value"] as string | undefined) ?? name;
      if (tag !== value) continue;
      const parents = ((def.allOf as Json[] | undefined) ?? []).map((p) => String(p.$ref ?? ""));
      if (parents.some((p) => p.endsWith(`/definitions/${base}`))) return `${file}#/definitions/${name}`;
    }
    return undefined;
  }

  /**
   * ajv does not follow swagger's `discriminator`: the outbound rules (the one polymorphic shape
   * pfnet writes) are checked against their `x-ms-discriminator-value` subtype as well.
   */
  private subtypes(ref: string, value: unknown): string[] {
    if (!ref.includes("workspaceRP.json")) return [];
    const file = ref.split("#")[0]!;
    const sub: Record<string, string> = {
      FQDN: "FqdnOutboundRule",
      PrivateEndpoint: "PrivateEndpointOutboundRule",
      ServiceTag: "ServiceTagOutboundRule",
    };
    const check = (rule: unknown, at: string): string[] => {
      const type = (rule as Json | null)?.type;
      if (typeof type !== "string" || !sub[type]) return [];
      return this.validate(`${file}#/definitions/${sub[type]}`, rule).map((e) => `${at}: ${e}`);
    };
    const v = value as Json;
    const out: string[] = [];
    const props = v?.properties as Json | undefined;
    if (ref.endsWith("/OutboundRuleBasicResource")) out.push(...check(props, "rule"));
    if (ref.endsWith("/OutboundRuleListResult"))
      for (const item of (v.value as Json[] | undefined) ?? [])
        out.push(...check(item.properties, `rule ${item.name}`));
    const lists = ref.endsWith("/WorkspaceListResult") ? ((v.value as Json[]) ?? []) : [v];
    if (/\/(Workspace|WorkspaceUpdateParameters|WorkspaceListResult)$/.test(ref)) {
      for (const ws of lists) {
        const rules = ((ws?.properties as Json | undefined)?.managedNetwork as Json | undefined)
          ?.outboundRules;
        for (const [name, rule] of Object.entries((rules as Json | undefined) ?? {}))
          if (rule !== null) out.push(...check(rule, `rule ${name}`));
      }
    }
    return out;
  }
}

/**
 * A copy of a swagger document without `additionalProperties: false` (mfe.json closes every
 * definition). Swagger's `allOf` means inheritance, JSON Schema's means "each part on its own":
 * ajv would reject a TrackedResource's `location` against OnlineEndpointTrackedResource's own
 * closed property list, and a subtype's fields against its closed base. `undeclared` is the
 * inheritance-aware closed check for those, so ajv checks everything else.
 */
function openForAjv(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(openForAjv);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [k, v] of Object.entries(node as Json)) {
    if (k === "additionalProperties" && v === false) continue;
    out[k] = openForAjv(v);
  }
  return out;
}

export const COMMON_V3 = "specification/common-types/resource-management/v3/types.json";

function absolute(base: string, ref: string): string {
  const [file, pointer] = ref.split("#");
  return `${file ? new URL(file, base).href : base}#${pointer ?? ""}`;
}

/** A path template as a case-insensitive regex; `x-ms-skip-url-encoding` parameters may hold slashes. */
function templatePattern(template: string, params: Json[]): RegExp {
  const raw = new Set(params.filter((p) => p["x-ms-skip-url-encoding"] === true).map((p) => String(p.name)));
  let source = "";
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    source += escapeRegex(template.slice(last, m.index));
    source += raw.has(m[1]!) ? ".+" : "[^/]+";
    last = m.index! + m[0].length;
  }
  source += escapeRegex(template.slice(last));
  return new RegExp(`^/*${source.replace(/^\/+/, "")}$`, "i");
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let shared: SpecIndex | undefined;
/** One index per process (loading and compiling the files takes a moment). */
export function specIndex(): SpecIndex {
  shared ??= new SpecIndex();
  return shared;
}

/** Throws an Error listing every request without a spec and every problem of a request log. */
export function assertConformant(entries: readonly LogEntry[], what = "request log"): LogCheck {
  const check = specIndex().checkLog(entries);
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
