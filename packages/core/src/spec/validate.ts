/**
 * Schema validation of a topology (TypeBox) turned into readable diagnostics, then the spec rules.
 *
 * Codes: PFN001 unknown field, PFN002 wrong type, PFN003 value not allowed (lists the allowed
 * values), PFN004 missing required field, PFN005 wrong format or length. See `rules/catalogue.ts`.
 */
import type { TSchema } from "@sinclair/typebox";
import { Errors, type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
// The one function, not the `Value` namespace: that pulls every value operation into the bundle.
import { Check } from "@sinclair/typebox/value";
import type { Diagnostic } from "../diagnostics.js";
import { ruleInfo } from "../rules/catalogue.js";
import { checkSpec } from "../rules/spec-rules.js";
import { closest } from "./did-you-mean.js";
import { compareSegments, splitPointer } from "./pointer.js";
import { missingUnlessProject } from "./required-fields.js";
import { Topology } from "./schema.js";
import { type UnknownKey, UnusualValue, withoutUnknownKeys } from "./unknown-keys.js";

export interface ValidationResult {
  /** Set only when no diagnostic has severity `error`. The user's values, without defaults applied. */
  topology?: Topology;
  /** Every finding, sorted by path. */
  diagnostics: Diagnostic[];
}

/**
 * Validate an unknown value as a topology: schema first, then (when the schema passes) the spec
 * rules. Returns every diagnostic, never throws on user input.
 */
export function validateTopology(input: unknown): ValidationResult {
  const { topology, diagnostics } = validateInFoundOrder(input);
  const sorted = sortDiagnostics(diagnostics);
  return topology === undefined ? { diagnostics: sorted } : { topology, diagnostics: sorted };
}

/** `validateTopology` with the diagnostics in the order found (`loadSpec` sorts them by position itself). */
export function validateInFoundOrder(input: unknown): ValidationResult {
  const schemaDiagnostics = checkSchema(input);
  const diagnostics = schemaDiagnostics.length > 0 ? schemaDiagnostics : checkSpec(input as Topology);
  const hasError = diagnostics.some((diagnostic) => diagnostic.severity === "error");
  return hasError ? { diagnostics } : { topology: input as Topology, diagnostics };
}

/** Sort by path (segment-wise, numeric segments as numbers); stable for equal paths. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  // Each path is split once, not once per comparison.
  return diagnostics
    .map((diagnostic, index) => ({ diagnostic, index, segments: splitPointer(diagnostic.path) }))
    .sort((a, b) => compareSegments(a.segments, b.segments) || a.index - b.index)
    .map(({ diagnostic }) => diagnostic);
}

/** The schema check alone: TypeBox errors as diagnostics, one per path and problem. */
export function checkSchema(input: unknown): Diagnostic[] {
  const unknown: UnknownKey[] = [];
  let errors: ValueError[];
  try {
    const rest = withoutUnknown(input, unknown);
    // The plain check is much cheaper than collecting errors; valid specs need only it.
    errors = Check(Topology, rest) ? [] : [...Errors(Topology, rest)];
  } catch (error) {
    // Exotic JS input (getters that throw, proxies): report instead of throwing.
    return [make("PFN002", "", `The topology cannot be inspected: ${errorText(error)}.`)];
  }
  // Each unknown key is one diagnostic at its own path: no other error shares it.
  const diagnostics = unknown.map(toDiagnostic);
  // A missing required field also fails its own type check at the same path; report it once.
  const missing = new Set(
    errors.filter((e) => e.type === ValueErrorType.ObjectRequiredProperty).map((e) => e.path),
  );
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.type !== ValueErrorType.ObjectRequiredProperty && missing.has(error.path)) continue;
    const diagnostic = toDiagnostic(error);
    const key = `${diagnostic.code}\u0000${diagnostic.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    diagnostics.push(diagnostic);
  }
  // Required except for a project: PFN004 as the schema's own.
  for (const diagnostic of missingUnlessProject(input)) {
    const key = `${diagnostic.code}\u0000${diagnostic.path}`;
    if (!seen.has(key)) diagnostics.push(diagnostic);
  }
  return diagnostics;
}

/**
 * The value without its unknown keys (into `found`), so TypeBox reports only the other errors
 * and stays linear; the value itself, all left to TypeBox, when it is unusual.
 */
function withoutUnknown(input: unknown, found: UnknownKey[]): unknown {
  try {
    return withoutUnknownKeys(Topology, input, found);
  } catch (error) {
    if (!(error instanceof UnusualValue)) throw error;
    found.length = 0;
    return input;
  }
}

function toDiagnostic(error: ValueError): Diagnostic {
  const segments = splitPointer(error.path);
  const field = fieldLabel(segments);
  const where = ownerLabel(segments);
  const schema = error.schema as TSchema & Record<string, unknown>;
  switch (error.type) {
    case ValueErrorType.ObjectAdditionalProperties: {
      const { fields, list } = allowedFields(schema);
      const name = segments.at(-1) ?? "";
      const guess = closest(name, fields);
      return make(
        "PFN001",
        error.path,
        `Unknown field \`${name}\` in ${where}.`,
        `${guess ? `Did you mean \`${guess}\`? ` : ""}Allowed fields here: ${list}.`,
      );
    }
    case ValueErrorType.ObjectRequiredProperty: {
      const allowed = allowedValues(schema);
      const name = segments.at(-1) ?? "";
      const example = allowed
        ? allowed.map((value) => `\`${name}: ${String(value)}\``).join(" or ")
        : `\`${name}\``;
      return make("PFN004", error.path, `Missing required field \`${name}\` in ${where}.`, `Add ${example}.`);
    }
    case ValueErrorType.Union:
    case ValueErrorType.Literal: {
      const allowed = allowedValues(schema);
      if (allowed) {
        const list = allowed.map(formatValue).join(", ");
        const guess = typeof error.value === "string" ? closest(error.value, allowed.map(String)) : undefined;
        return make(
          "PFN003",
          error.path,
          allowed.length === 1
            ? `${capital(field)} in ${where} must be ${list}; got ${describeValue(error.value)}.`
            : `${capital(field)} in ${where} must be one of ${list}; got ${describeValue(error.value)}.`,
          guess && guess !== error.value
            ? `Did you mean "${guess}"?`
            : `Use ${allowed.length === 1 ? "" : "one of "}${list}.`,
        );
      }
      return make(
        "PFN002",
        error.path,
        `${capital(field)} in ${where} does not match any allowed form; got ${describeValue(error.value)}.`,
      );
    }
    case ValueErrorType.String:
      return wrongType(error, field, where, "text", quoteHint(error.value));
    case ValueErrorType.Boolean:
      return wrongType(error, field, where, "`true` or `false`");
    case ValueErrorType.Number:
    case ValueErrorType.Integer:
      return wrongType(error, field, where, "a number");
    case ValueErrorType.Array:
      return wrongType(
        error,
        field,
        where,
        "a list",
        typeof error.value === "string"
          ? `Write a list, e.g. \`[${error.value}]\`.`
          : "Write a list, e.g. `[a, b]`.",
      );
    case ValueErrorType.Object:
      return segments.length === 0
        ? make(
            "PFN002",
            "",
            `The spec must be a mapping of fields at the top level; got ${describeValue(error.value)}.`,
            "Start the spec with `version: 1`, `subscriptionId`, `resourceGroup` and `workspaces`.",
          )
        : wrongType(error, field, where, "a mapping (`field: value` pairs)");
    case ValueErrorType.StringPattern:
    case ValueErrorType.StringFormat: {
      const flaw = isArmIdSchema(schema) ? armIdFlaw(error.value) : undefined;
      return make(
        "PFN005",
        error.path,
        `${capital(field)} in ${where} must be ${formatDescription(schema, segments)}; got ${describeValue(error.value)}${flaw ? `, which ${flaw}` : ""}.`,
        formatHint(schema, segments),
      );
    }
    case ValueErrorType.StringMinLength: {
      const min = Number(schema.minLength);
      return make(
        "PFN005",
        error.path,
        min <= 1
          ? `${capital(field)} in ${where} must not be empty.`
          : `${capital(field)} in ${where} must have at least ${min} characters; got ${describeValue(error.value)}.`,
        "Write a value or remove the field.",
      );
    }
    case ValueErrorType.StringMaxLength:
      return make(
        "PFN005",
        error.path,
        `${capital(field)} in ${where} must have at most ${String(schema.maxLength)} characters; got ${describeValue(error.value)}.`,
        "Shorten the value.",
      );
    default:
      return make("PFN002", error.path, `${capital(field)} in ${where}: ${error.message}.`);
  }
}

function wrongType(
  error: ValueError,
  field: string,
  where: string,
  expected: string,
  hint?: string,
): Diagnostic {
  return make(
    "PFN002",
    error.path,
    `${capital(field)} in ${where} must be ${expected}; got ${describeValue(error.value)}.`,
    hint,
  );
}

function make(code: string, path: string, message: string, hint?: string): Diagnostic {
  const info = ruleInfo(code);
  return { code, severity: info.severity, path, message, hint: hint ?? info.hint };
}

const fieldsOfSchema = new WeakMap<object, { fields: string[]; list: string }>();

/** The fields an object schema allows, computed once per schema (a spec may have 100,000 unknown keys). */
function allowedFields(schema: Record<string, unknown>): { fields: string[]; list: string } {
  let entry = fieldsOfSchema.get(schema);
  if (!entry) {
    const fields = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
    entry = { fields, list: fields.join(", ") };
    fieldsOfSchema.set(schema, entry);
  }
  return entry;
}

/** The literal values a union of literals (or a literal) allows; undefined for other schemas. */
function allowedValues(schema: Record<string, unknown>): unknown[] | undefined {
  if ("const" in schema) return [schema.const];
  const variants = schema.anyOf;
  if (!Array.isArray(variants) || variants.length === 0) return undefined;
  const values: unknown[] = [];
  for (const variant of variants) {
    if (typeof variant !== "object" || variant === null || !("const" in variant)) return undefined;
    values.push((variant as { const: unknown }).const);
  }
  return values;
}

function formatDescription(schema: Record<string, unknown>, segments: string[]): string {
  const last = segments.at(-1);
  if (last === "subscriptionId")
    return "a subscription id (a GUID such as 11111111-2222-3333-4444-555555555555)";
  if (isArmIdSchema(schema)) {
    return "an ARM resource id (`/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>`)";
  }
  return `text matching \`${String(schema.pattern ?? schema.format)}\``;
}

function formatHint(schema: Record<string, unknown>, segments: string[]): string {
  if (segments.at(-1) === "subscriptionId")
    return "Copy the subscription id from `az account show --query id`.";
  if (isArmIdSchema(schema)) {
    return "Copy the resource id from the resource's Properties page or `az resource show --query id`.";
  }
  return ruleInfo("PFN005").hint;
}

const isArmIdSchema = (schema: Record<string, unknown>): boolean =>
  typeof schema.pattern === "string" && schema.pattern.startsWith("^/subscriptions/");

/** What makes a value that looks like an ARM id unusable, in words; undefined when nothing specific. */
function armIdFlaw(value: unknown): string | undefined {
  if (typeof value !== "string" || !value.startsWith("/subscriptions/")) return undefined;
  const segments = value.split("/").slice(1);
  if (segments.some((segment) => segment === "." || segment === ".."))
    return "has a `.` or `..` segment (it would name a different resource)";
  if (segments.some((segment) => segment === "")) return "has an empty segment (`//` or a trailing `/`)";
  return undefined;
}

function quoteHint(value: unknown): string | undefined {
  if (typeof value === "number" || typeof value === "boolean") return `Quote the value: "${String(value)}".`;
  return undefined;
}

/** `the field \`egress\`` or `item 2 of \`authoring\``. */
function fieldLabel(segments: string[]): string {
  const last = segments.at(-1);
  if (last === undefined) return "the spec";
  if (/^\d+$/.test(last) && segments.length >= 2) return `item ${Number(last) + 1} of \`${segments.at(-2)}\``;
  return `\`${last}\``;
}

/** Who owns a path: `workspace "pf"`, `endpoint "chat" of workspace "pf"`, `service "aoai"`, `the spec`. */
function ownerLabel(segments: string[]): string {
  const [top, key, third, fourth] = segments;
  if (top === "workspaces" && key !== undefined && segments.length > 2) {
    if (third === "endpoints" && fourth !== undefined && segments.length > 4) {
      return `endpoint "${fourth}" of workspace "${key}"`;
    }
    return `workspace "${key}"`;
  }
  if (top === "services" && key !== undefined && segments.length > 2) return `service "${key}"`;
  if (segments.length <= 1) return "the spec";
  return `\`/${segments.slice(0, -1).join("/")}\``;
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return `"${value.length > 60 ? `${value.slice(0, 57)}...` : value}"`;
  if (typeof value === "number" || typeof value === "boolean") return `${typeof value} ${String(value)}`;
  if (typeof value === "object") return "a mapping";
  return typeof value;
}

const formatValue = (value: unknown): string => (typeof value === "string" ? `"${value}"` : String(value));
const capital = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
