/**
 * Conformance against the official OpenAPI files vendored in test/azure-specs (see its
 * SOURCES.md). `SpecIndex` loads every swagger file, matches a request (method, path,
 * api-version) to the operation that declares it and validates bodies with ajv; `checkLog`
 * (log-check.ts) checks with it, for each request of a log:
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
 * What ajv cannot check (undeclared fields, discriminated subtypes) is in `schema-checks.ts`.
 */

import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

export const SPECS_DIR = resolve(import.meta.dirname, "../../azure-specs");
const SPEC_ROOT = join(SPECS_DIR, "specification");

// ajv-formats is CommonJS: its default export is the module object whose `default` is the plugin.
const addFormats = addFormatsModule.default;

export type Json = Record<string, unknown>;

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
  /** Every loaded document by file URL. */
  readonly docs = new Map<string, Json>();
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
}

/**
 * A copy of a swagger document without `additionalProperties: false` (mfe.json closes every
 * definition). Swagger's `allOf` means inheritance, JSON Schema's means "each part on its own":
 * ajv would reject a TrackedResource's `location` against OnlineEndpointTrackedResource's own
 * closed property list, and a subtype's fields against its closed base. `undeclared`
 * (schema-checks.ts) is the inheritance-aware closed check for those, so ajv checks everything else.
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

export function absolute(base: string, ref: string): string {
  const [file, pointer] = ref.split("#");
  return `${file ? new URL(file, base).href : base}#${pointer ?? ""}`;
}

/**
 * A path template as a case-insensitive regex; `x-ms-skip-url-encoding` parameters may hold
 * slashes, and one followed by `/` may be empty (`Permissions_ListForResource`'s
 * `parentResourcePath` of a top-level resource: the SDK sends `…/Microsoft.Storage//storageAccounts/…`,
 * which arrives with the doubled slash collapsed).
 */
function templatePattern(template: string, params: Json[]): RegExp {
  const raw = new Set(params.filter((p) => p["x-ms-skip-url-encoding"] === true).map((p) => String(p.name)));
  let source = "";
  let last = 0;
  for (const m of template.matchAll(/\{([^}]+)\}/g)) {
    source += escapeRegex(template.slice(last, m.index));
    last = m.index! + m[0].length;
    if (raw.has(m[1]!) && template[last] === "/" && m.index! > 0) {
      source += "(?:.+/)?";
      last += 1;
    } else source += raw.has(m[1]!) ? ".+" : "[^/]+";
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
