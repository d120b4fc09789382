/** Diagnostics as `file:line:column: severity CODE: message` with the spec path and the hint. */
import type { Diagnostic } from "@pfnet/core";
import { plural } from "../format.js";
import type { Style } from "../style.js";

const severityRank = { error: 0, warning: 1, info: 2 } as const;

/** Errors first, then by position in the file, then by code. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0) ||
      a.code.localeCompare(b.code),
  );
}

export function renderDiagnostic(diagnostic: Diagnostic, style: Style, fallbackFile?: string): string {
  const file = diagnostic.location?.file ?? fallbackFile;
  const where = diagnostic.location
    ? `${file ?? "<spec>"}:${diagnostic.location.line}:${diagnostic.location.column}`
    : (file ?? "<spec>");
  const severity =
    diagnostic.severity === "error"
      ? style.red("error")
      : diagnostic.severity === "warning"
        ? style.yellow("warning")
        : style.cyan("info");
  const lines = [`${where}: ${severity} ${style.bold(diagnostic.code)}: ${diagnostic.message}`];
  if (diagnostic.path !== "") lines.push(style.dim(`  at ${diagnostic.path}`));
  if (diagnostic.hint) lines.push(`  hint: ${diagnostic.hint}`);
  return lines.join("\n");
}

/** More diagnostics than this are counted, not printed: the first ones are the useful ones. */
export const MAX_PRINTED_DIAGNOSTICS = 50;

/**
 * The diagnostics in order, at most `MAX_PRINTED_DIAGNOSTICS` of them, then "... and N more"
 * (`--json` prints every one).
 */
export function renderDiagnostics(
  diagnostics: readonly Diagnostic[],
  style: Style,
  fallbackFile?: string,
): string {
  const sorted = sortDiagnostics(diagnostics);
  const lines = sorted
    .slice(0, MAX_PRINTED_DIAGNOSTICS)
    .map((diagnostic) => renderDiagnostic(diagnostic, style, fallbackFile));
  const rest = sorted.length - MAX_PRINTED_DIAGNOSTICS;
  if (rest > 0) {
    lines.push(
      style.dim(
        `... and ${rest} more (${countDiagnostics(sorted.slice(MAX_PRINTED_DIAGNOSTICS))}); run with --json to see all of them.`,
      ),
    );
  }
  return lines.join("\n");
}

/** "2 errors, 1 warning" (only the severities present; "no problems" when none). */
export function countDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.filter((d) => d.severity === "warning").length;
  const infos = diagnostics.filter((d) => d.severity === "info").length;
  const parts = [];
  if (errors > 0) parts.push(plural(errors, "error"));
  if (warnings > 0) parts.push(plural(warnings, "warning"));
  if (infos > 0) parts.push(plural(infos, "note"));
  return parts.length === 0 ? "no problems" : parts.join(", ");
}
