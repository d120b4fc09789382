/**
 * Loading a spec from YAML or JSON text: parse (the `yaml` package keeps source positions),
 * validate, and give every diagnostic a file/line/column. Never throws on user input.
 *
 * Diagnostics come back in source order (line, column), parse problems first.
 */
import { readFile, stat } from "node:fs/promises";
import { Document, LineCounter, parseAllDocuments } from "yaml";
import type { Diagnostic, SourceLocation } from "../diagnostics.js";
import { PfnetError } from "../errors.js";
import {
  describeBytes,
  jsonTooDeepAt,
  MAX_NESTING_DEPTH,
  MAX_SPEC_BYTES,
  yamlTooDeepAt,
} from "../input-limits.js";
import { ruleInfo } from "../rules/catalogue.js";
import { jsonSyntaxError } from "./json-errors.js";
import { parsePlainJson } from "./plain-json.js";
import { parsePlainYaml, plainOffsetOf } from "./plain-yaml.js";
import { comparePointers } from "./pointer.js";
import type { Topology } from "./schema.js";
import { validateInFoundOrder } from "./validate.js";
import { duplicateKeys, offsetOf, unresolvedAliasOffset, YAML_OPTIONS } from "./yaml-nodes.js";

export interface LoadedSpec {
  file?: string;
  /** Set only when no diagnostic has severity `error`. */
  topology?: Topology;
  diagnostics: Diagnostic[];
  /** Source location of a JSON pointer (the nearest existing ancestor when the path is absent). */
  locate(path: string): SourceLocation | undefined;
}

export interface LoadSpecOptions {
  /** File name shown in locations. */
  file?: string;
  /** Default: `json` when `file` ends in `.json`, else `yaml`. */
  format?: "yaml" | "json";
}

/** More parse errors than this are summarised: the first ones are the useful ones. */
const MAX_PARSE_DIAGNOSTICS = 10;
/** Aliases may not expand into more nodes than this (billion-laughs guard). */
const MAX_ALIAS_COUNT = 100;

/** Parse and validate spec text. */
export function loadSpec(text: string, options: LoadSpecOptions = {}): LoadedSpec {
  const file = options.file;
  const format = options.format ?? (file !== undefined && /\.json$/i.test(file) ? "json" : "yaml");
  const fallbackLocate = (): SourceLocation | undefined => withFile({ line: 1, column: 1 }, file);
  try {
    if (typeof text !== "string") {
      return result(
        file,
        [parseDiagnostic(`The spec must be text; got ${typeof text}.`, fallbackLocate())],
        fallbackLocate,
      );
    }
    return load(text, format, file);
  } catch (error) {
    // Defensive: a bug in pfnet must still not surface as a crash on user input.
    const message = error instanceof Error ? error.message : String(error);
    return result(
      file,
      [parseDiagnostic(`pfnet could not read the spec (internal error: ${message}).`, fallbackLocate())],
      fallbackLocate,
    );
  }
}

/** Read a spec file and load it. A missing or unreadable file is a diagnostic, not a throw. */
export async function loadSpecFile(
  file: string,
  /** `abortSignal` is the same as `signal`, under the Azure SDK's name. */
  options: { signal?: AbortSignal; abortSignal?: AbortSignal } = {},
): Promise<LoadedSpec> {
  const signal = options.signal ?? options.abortSignal;
  if (signal?.aborted)
    throw new PfnetError("ABORTED", "Loading the spec was cancelled.", { cause: signal.reason });
  let text: string;
  try {
    // Refuse an oversized file before reading it.
    const { size } = await stat(file);
    if (size > MAX_SPEC_BYTES)
      return result(file, [tooLarge(size, withFile({ line: 1, column: 1 }, file))], () => undefined);
    text = await readFile(file, { encoding: "utf8", ...(signal ? { signal } : {}) });
  } catch (error) {
    if (signal?.aborted)
      throw new PfnetError("ABORTED", "Loading the spec was cancelled.", { cause: signal.reason });
    const code = (error as { code?: unknown } | null)?.code;
    const reason =
      code === "ENOENT"
        ? "the file does not exist"
        : code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : code === "EISDIR"
            ? "it is a directory"
            : `it cannot be read (${typeof code === "string" ? code : "unknown error"})`;
    return result(
      file,
      [
        {
          code: "PFN000",
          severity: "error",
          path: "",
          message: `Cannot read spec file "${file}": ${reason}.`,
          hint: "Check the path (relative paths are resolved from the current directory) and the file's permissions.",
        },
      ],
      () => undefined,
    );
  }
  return loadSpec(text, { file });
}

function load(text: string, format: "yaml" | "json", file: string | undefined): LoadedSpec {
  const kind = format === "json" ? "JSON" : "YAML";
  const lineCounter = new LineCounter();
  const position = (offset: number): SourceLocation => {
    const { line, col: column } = lineCounter.linePos(Math.max(0, Math.min(offset, text.length)));
    // One object per location (there may be 100,000).
    return file === undefined ? { line, column } : { file, line, column };
  };
  // Limits first: no parser sees an oversized or over-deep text.
  const bytes = text.length > MAX_SPEC_BYTES / 4 ? Buffer.byteLength(text, "utf8") : text.length;
  if (bytes > MAX_SPEC_BYTES)
    return result(file, [tooLarge(bytes, withFile({ line: 1, column: 1 }, file))], () => undefined);
  const deepAt = format === "json" ? jsonTooDeepAt(text) : yamlTooDeepAt(text);
  if (deepAt !== undefined) {
    countLines(text, lineCounter);
    return result(
      file,
      [
        parseDiagnostic(
          `The spec nests more than ${MAX_NESTING_DEPTH} levels deep; pfnet stops reading here.`,
          position(deepAt),
          "A pfnet spec is a few levels deep (workspaces, a workspace, reach, a list). Remove the extra nesting.",
        ),
      ],
      () => undefined,
    );
  }

  // Most specs are plain block YAML or JSON, read in one pass; for anything else yaml decides.
  const plain = format === "yaml" ? parsePlainYaml(text) : parsePlainJson(text);
  if (plain) {
    countLines(text, lineCounter);
    const locatePlain = (path: string) => position(plainOffsetOf(plain.root, path));
    return validated(file, [], plain.value, locatePlain, position);
  }

  const documents = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter });
  const all = Array.isArray(documents) ? documents : [];
  const document = all[0] ?? new Document(null);
  const locate = (path: string): SourceLocation | undefined => position(offsetOf(document, path));
  const diagnostics: Diagnostic[] = [];
  if (all.length > 1) {
    const second = all[1]!;
    diagnostics.push(
      parseDiagnostic(
        `The file holds ${all.length} ${kind} documents; a spec is one document.`,
        position(second.range[0]),
        "Remove the `---` line and what follows it, or put each spec in its own file.",
      ),
    );
    return result(file, diagnostics, locate);
  }

  // JSON gets JSON's own error messages; the YAML parser still provides positions and duplicate keys.
  let jsonValue: { value: unknown } | undefined;
  if (format === "json") {
    try {
      jsonValue = { value: JSON.parse(text) };
    } catch (error) {
      const syntax = jsonSyntaxError(error instanceof Error ? error.message : String(error), text);
      diagnostics.push(
        parseDiagnostic(
          `JSON syntax error: ${syntax.message}.`,
          position(syntax.offset),
          "Fix the JSON at the reported position (check commas, quotes and brackets).",
        ),
      );
      return result(file, diagnostics, locate);
    }
  }

  let parseErrors = 0;
  // In source order, so the ones shown are the first ones and the "more" note comes after them.
  const parseProblems = [...document.errors].sort((a, b) => a.pos[0] - b.pos[0]);
  for (const error of parseProblems) {
    if (format === "json") continue; // JSON.parse accepted it
    parseErrors++;
    if (parseErrors > MAX_PARSE_DIAGNOSTICS) continue;
    diagnostics.push(parseDiagnostic(`${kind} syntax error: ${error.message}.`, position(error.pos[0])));
  }
  if (parseProblems.length === 0 || format === "json") {
    for (const { key, offset } of duplicateKeys(document)) {
      diagnostics.push({
        code: "PFN006",
        severity: "error",
        path: "",
        message: `Duplicate key \`${key}\`: the same key appears earlier in this mapping.`,
        hint: ruleInfo("PFN006").hint,
        location: position(offset),
      });
    }
  }
  if (parseErrors > MAX_PARSE_DIAGNOSTICS) {
    diagnostics.push(
      parseDiagnostic(
        `${parseErrors - MAX_PARSE_DIAGNOSTICS} more ${kind} syntax error${parseErrors - MAX_PARSE_DIAGNOSTICS === 1 ? "" : "s"} not shown.`,
        diagnostics.at(-1)?.location ?? position(0),
      ),
    );
  }
  for (const warning of document.warnings) {
    // A spec is plain data: a tag pfnet does not know (`!!js/function`, `!include`) is refused,
    // not read as the text after it.
    const tag = warning.code === "TAG_RESOLVE_FAILED" || warning.code === "BAD_COLLECTION_TYPE";
    const diagnostic = parseDiagnostic(
      tag
        ? `Unknown ${kind} tag \`${/^!\S*/.exec(text.slice(warning.pos[0], warning.pos[0] + 200))?.[0] ?? warning.message}\`: a spec holds plain values only (text, numbers, true/false, lists, mappings).`
        : `${kind}: ${warning.message}.`,
      position(warning.pos[0]),
      tag
        ? "Remove the tag (the `!`-word before the value)."
        : "Remove the tag or value YAML cannot resolve.",
    );
    diagnostics.push(tag ? diagnostic : { ...diagnostic, severity: "warning" });
  }
  const syntaxBroken = diagnostics.some((d) => d.code === "PFN000" && d.severity === "error");
  if (syntaxBroken) return result(file, diagnostics, locate);

  let value: unknown;
  if (jsonValue) {
    value = jsonValue.value;
  } else {
    if (document.contents === null || document.contents === undefined) {
      diagnostics.push(
        parseDiagnostic(
          "The spec is empty.",
          position(0),
          "Start the spec with `version: 1`, `subscriptionId`, `resourceGroup` and `workspaces`.",
        ),
      );
      return result(file, diagnostics, locate);
    }
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      diagnostics.push(
        parseDiagnostic(
          `${kind} error: ${message}.`,
          position(unresolvedAliasOffset(document) ?? 0),
          "Define each anchor (`&name`) before its alias (`*name`) and avoid aliases that expand too much.",
        ),
      );
      return result(file, diagnostics, locate);
    }
  }

  return validated(file, diagnostics, value, locate, position);
}

/** The schema and spec rules on a parsed value, each finding at its place in the text. */
function validated(
  file: string | undefined,
  diagnostics: Diagnostic[],
  value: unknown,
  locate: (path: string) => SourceLocation | undefined,
  position: (offset: number) => SourceLocation,
): LoadedSpec {
  const validation = validateInFoundOrder(value);
  const parsing = diagnostics.length;
  for (const diagnostic of validation.diagnostics) {
    diagnostics.push({ ...diagnostic, location: locate(diagnostic.path) ?? position(0) });
  }
  const hasError = diagnostics.some((d) => d.severity === "error");
  return result(file, diagnostics, locate, hasError ? undefined : validation.topology, parsing);
}

function result(
  file: string | undefined,
  diagnostics: Diagnostic[],
  locate: (path: string) => SourceLocation | undefined,
  topology?: Topology,
  /** Where validation's findings start: in the order found, so at one position they go by path. */
  byPathFrom = diagnostics.length,
): LoadedSpec {
  const sorted = diagnostics
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort((a, b) => {
      const x = a.diagnostic.location;
      const y = b.diagnostic.location;
      if (!x || !y) return a.index - b.index;
      const tie = x.line - y.line || x.column - y.column;
      if (tie !== 0 || a.index < byPathFrom || b.index < byPathFrom) return tie || a.index - b.index;
      // As validateTopology orders them (by path, stable), without sorting them all by path first.
      return comparePointers(a.diagnostic.path, b.diagnostic.path) || a.index - b.index;
    })
    .map(({ diagnostic }) => diagnostic);
  return {
    ...(file === undefined ? {} : { file }),
    ...(topology === undefined ? {} : { topology }),
    diagnostics: sorted,
    locate,
  };
}

function parseDiagnostic(message: string, location: SourceLocation | undefined, hint?: string): Diagnostic {
  return {
    code: "PFN000",
    severity: "error",
    path: "",
    message,
    hint: hint ?? ruleInfo("PFN000").hint,
    ...(location ? { location } : {}),
  };
}

function withFile(location: { line: number; column: number }, file: string | undefined): SourceLocation {
  return file === undefined ? location : { file, ...location };
}

/** Fill a line counter without parsing (the parser fills it otherwise). */
function countLines(text: string, lineCounter: LineCounter): void {
  lineCounter.addNewLine(0);
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) lineCounter.addNewLine(i + 1);
}

function tooLarge(bytes: number, location: SourceLocation): Diagnostic {
  return parseDiagnostic(
    `The spec is ${describeBytes(bytes)}; pfnet reads specs up to ${describeBytes(MAX_SPEC_BYTES)}.`,
    location,
    "A spec for a whole fleet is well under 1 MB: check that this is the right file.",
  );
}
