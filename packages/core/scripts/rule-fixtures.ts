/**
 * The rule fixtures: `test/fixtures/rules/<code>/{fails,passes}.yaml` (+ `.state.yaml` for
 * plan-time rules; a state's `permissionGaps` are what the provider's permissions check found,
 * PFN216). A spec that is deliberately not valid YAML is stored as `<variant>.txt`, so
 * that the linter, which parses YAML files, leaves it alone. Shared by the rule tests and the docs generator, so every docs page shows a
 * spec that really triggers its code and a fix that really does not.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import type { Diagnostic } from "../src/diagnostics.js";
import { permissionFindings } from "../src/plan/permissions.js";
import type { PermissionGap } from "../src/provider.js";
import { checkState, type StateView } from "../src/rules/state-rules.js";
import { loadSpec } from "../src/spec/load.js";

export const RULE_FIXTURES_DIR = fileURLToPath(new URL("../test/fixtures/rules/", import.meta.url));

export type FixtureVariant = "fails" | "passes";

export interface FixtureRun {
  /** Spec file name shown in locations, e.g. `PFN101/fails.yaml`. */
  file: string;
  spec: string;
  state?: string;
  diagnostics: Diagnostic[];
}

function specFile(code: string, variant: FixtureVariant): string | undefined {
  return [`${code}/${variant}.yaml`, `${code}/${variant}.txt`].find((file) =>
    existsSync(`${RULE_FIXTURES_DIR}${file}`),
  );
}

export function hasFixture(code: string, variant: FixtureVariant): boolean {
  return specFile(code, variant) !== undefined;
}

/** Load the fixture, and for plan-time fixtures run `checkState` against its state. */
export function runFixture(code: string, variant: FixtureVariant): FixtureRun {
  const file = specFile(code, variant);
  if (file === undefined) throw new Error(`no fixture ${code}/${variant}.yaml`);
  const spec = readFileSync(`${RULE_FIXTURES_DIR}${file}`, "utf8");
  const loaded = loadSpec(spec, { file, format: "yaml" });
  const statePath = `${RULE_FIXTURES_DIR}${code}/${variant}.state.yaml`;
  if (!existsSync(statePath)) return { file, spec, diagnostics: loaded.diagnostics };
  const state = readFileSync(statePath, "utf8");
  if (!loaded.topology) return { file, spec, state, diagnostics: loaded.diagnostics };
  const view = parse(state) as StateView & { permissionGaps?: PermissionGap[] };
  const found = [
    ...checkState(loaded.topology, view),
    ...permissionFindings(loaded.topology, view.permissionGaps ?? []),
  ];
  const planTime = found.map((diagnostic) => {
    const location = loaded.locate(diagnostic.path);
    return location ? { ...diagnostic, location } : diagnostic;
  });
  return { file, spec, state, diagnostics: [...loaded.diagnostics, ...planTime] };
}
