/**
 * Diagnostics as SARIF 2.1.0 (`pfnet validate --format sarif`), for GitHub code scanning and
 * Azure DevOps: one run of the tool `pfnet`, one rule per code that occurred (with its title,
 * summary, hint and docs page), one result per diagnostic with file, line, column and the spec
 * path as a logical location.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { type Diagnostic, ruleInfo } from "@pfnet/core";

/** The OASIS schema of the format written, as `$schema` of the log. */
export const SARIF_SCHEMA_URI =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

const LEVEL = { error: "error", warning: "warning", info: "note" } as const;

export interface SarifOptions {
  /** pfnet's version, in `tool.driver`. */
  version: string;
  /** The spec as given on the command line (relative to the working directory, where CI checks out). */
  file: string;
  /** Base URL of pfnet's docs folder; a rule's help URI is `<docsUrl>/rules/<code>.md`. */
  docsUrl: string;
  /** The exit code of the run, in `invocations`. */
  exitCode: number;
}

/** A path as a SARIF artifact URI: relative paths stay relative (with `/`), absolute ones become file URLs. */
function artifactUri(file: string): string {
  if (isAbsolute(file)) return pathToFileURL(file).href;
  return file
    .split(/[\\/]/)
    .map((segment) => encodeURIComponent(segment))
    .join("/");
}

export function renderSarif(diagnostics: readonly Diagnostic[], options: SarifOptions): string {
  const docs = options.docsUrl.replace(/\/+$/, "");
  const codes = [...new Set(diagnostics.map((diagnostic) => diagnostic.code))].sort();
  const rules = codes.map((code) => {
    const rule = ruleInfo(code);
    return {
      id: rule.code,
      name: rule.title,
      shortDescription: { text: rule.title },
      fullDescription: { text: rule.summary },
      help: { text: `${rule.hint}\n\nWhy: ${rule.why}`, markdown: `${rule.hint}\n\n**Why:** ${rule.why}` },
      helpUri: `${docs}/rules/${rule.code}.md`,
      defaultConfiguration: { level: LEVEL[rule.severity] },
      properties: { phase: rule.phase },
    };
  });
  const files = [...new Set(diagnostics.map((diagnostic) => diagnostic.location?.file ?? options.file))];
  const results = diagnostics.map((diagnostic) => {
    const file = diagnostic.location?.file ?? options.file;
    const region = diagnostic.location
      ? { region: { startLine: diagnostic.location.line, startColumn: diagnostic.location.column } }
      : {};
    return {
      ruleId: diagnostic.code,
      ruleIndex: codes.indexOf(diagnostic.code),
      level: LEVEL[diagnostic.severity],
      message: { text: diagnostic.hint ? `${diagnostic.message} ${diagnostic.hint}` : diagnostic.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: artifactUri(file), index: files.indexOf(file) },
            ...region,
          },
          ...(diagnostic.path === ""
            ? {}
            : { logicalLocations: [{ fullyQualifiedName: diagnostic.path, kind: "member" }] }),
        },
      ],
    };
  });
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "pfnet",
            version: options.version,
            semanticVersion: options.version,
            informationUri: docs,
            rules,
          },
        },
        artifacts: files.map((file) => ({ location: { uri: artifactUri(file) } })),
        results,
        invocations: [{ executionSuccessful: true, exitCode: options.exitCode }],
        columnKind: "utf16CodeUnits",
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
