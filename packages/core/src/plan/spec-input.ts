/**
 * What `plan` accepts as a spec: a Topology object (e.g. from `defineTopology`) or a
 * `LoadedSpec` from the loader. Both go through the same validation: schema, then the spec rules.
 */
import type { Diagnostic } from "../diagnostics.js";
import { PfnetError } from "../errors.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";
import { type ValidationResult, validateTopology } from "../spec/validate.js";

const diagnosticKey = (diagnostic: Diagnostic) =>
  `${diagnostic.code}\u0000${diagnostic.path}\u0000${diagnostic.message}`;
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 } as const;

function merge(...lists: Diagnostic[][]): Diagnostic[] {
  const seen = new Set<string>();
  const merged: Diagnostic[] = [];
  for (const list of lists) {
    for (const diagnostic of list) {
      const key = diagnosticKey(diagnostic);
      if (seen.has(key)) continue;
      seen.add(key);
      merged.push(diagnostic);
    }
  }
  // Stable sort: errors first, otherwise the producers' order.
  return merged
    .map((diagnostic, index) => ({ diagnostic, index }))
    .sort(
      (a, b) =>
        SEVERITY_ORDER[a.diagnostic.severity] - SEVERITY_ORDER[b.diagnostic.severity] || a.index - b.index,
    )
    .map(({ diagnostic }) => diagnostic);
}

/**
 * Validate a topology: the schema check, then every spec rule. Returns every diagnostic, not the
 * first; `topology` is set only when there is no error. Never throws on user input.
 */
export function validate(input: unknown): ValidationResult {
  return validateTopology(input);
}

export function isLoadedSpec(spec: unknown): spec is LoadedSpec {
  return (
    typeof spec === "object" &&
    spec !== null &&
    Array.isArray((spec as LoadedSpec).diagnostics) &&
    typeof (spec as LoadedSpec).locate === "function"
  );
}

export const hasErrors = (diagnostics: readonly Diagnostic[]) =>
  diagnostics.some((d) => d.severity === "error");

/** Validate a spec for planning; throws `SPEC_INVALID` (with every diagnostic) when it has errors. */
export function resolveSpec(spec: Topology | LoadedSpec): {
  topology: Topology;
  diagnostics: Diagnostic[];
  file?: string;
} {
  let diagnostics: Diagnostic[];
  let topology: Topology | undefined;
  let file: string | undefined;
  if (isLoadedSpec(spec)) {
    file = spec.file;
    const checked = spec.topology ? validate(spec.topology) : { diagnostics: [] as Diagnostic[] };
    const located = checked.diagnostics.map((diagnostic) => {
      if (diagnostic.location) return diagnostic;
      const location = spec.locate(diagnostic.path);
      return location ? { ...diagnostic, location } : diagnostic;
    });
    diagnostics = merge(spec.diagnostics, located);
    topology = spec.topology ? checked.topology : undefined;
  } else {
    const checked = validate(spec);
    diagnostics = merge(checked.diagnostics);
    topology = checked.topology;
  }
  if (!topology || hasErrors(diagnostics)) {
    const errors = diagnostics.filter((d) => d.severity === "error");
    const where = file ? ` in ${file}` : "";
    const first = errors[0];
    throw new PfnetError(
      "SPEC_INVALID",
      `The spec${where} has ${errors.length || 1} error${errors.length === 1 ? "" : "s"}${first ? `; first: ${first.path || "/"}: ${first.message.replace(/\.$/, "")}` : ""}.`,
      {
        details: { diagnostics },
        hint: "Fix the errors listed in the diagnostics and run the command again; nothing was read or changed.",
        ...(first?.path === undefined ? {} : { path: first.path }),
      },
    );
  }
  return { topology, diagnostics, ...(file === undefined ? {} : { file }) };
}
