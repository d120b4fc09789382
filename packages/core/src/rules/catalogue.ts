/**
 * The catalogue of diagnostic codes. Codes are stable: never renumber, never reuse a retired one.
 *
 * - `PFN000`–`PFN009`: reading and parsing the spec, and the schema check.
 * - `PFN100`–`PFN199`: spec rules (pure functions of the topology, `checkSpec`).
 * - `PFN200`–`PFN299`: plan-time rules against what exists in Azure (`checkState`).
 *
 * Each code has a page `docs/rules/<code>.md`, generated from this catalogue and the fixtures in
 * `packages/core/test/fixtures/rules/<code>/` (`pnpm --filter @pfnet/core gen:docs`). The entries
 * are written by phase in `catalogue/` (`load.ts`, `spec.ts`, `state.ts`).
 */
import type { Severity } from "../diagnostics.js";
import { LOAD_RULES } from "./catalogue/load.js";
import { SPEC_RULES } from "./catalogue/spec.js";
import { STATE_RULES } from "./catalogue/state.js";

export type RulePhase = "load" | "schema" | "spec" | "state";

export interface RuleInfo {
  /** `PFN` + three digits. */
  code: string;
  severity: Severity;
  /** When the code is produced: reading the file, the schema check, the spec rules, or planning. */
  phase: RulePhase;
  /** Short title, e.g. "Kubernetes online endpoint under private egress". */
  title: string;
  /** What the diagnostic means, one or two sentences. */
  summary: string;
  /** Why Azure (or prompt flow) needs it. */
  why: string;
  /** Where the fact comes from: the seed guide or a section of azure-facts.md. */
  reference: string;
  /** What to do about it (the generic hint; diagnostics may give a more specific one). */
  hint: string;
  /** Path of the docs page, relative to the repository root. */
  docs: string;
}

/** An entry as the catalogue parts write it; `docs` is derived from the code. */
export type RuleDraft = Omit<RuleInfo, "docs">;

const drafts: readonly RuleDraft[] = [...LOAD_RULES, ...SPEC_RULES, ...STATE_RULES];

export const RULES: readonly RuleInfo[] = Object.freeze(
  drafts.map((draft) => Object.freeze({ ...draft, docs: `docs/rules/${draft.code}.md` })),
);

const byCode = new Map(RULES.map((rule) => [rule.code, rule]));

/** The catalogue entry of a code; throws for an unknown code (a programming error, not user input). */
export function ruleInfo(code: string): RuleInfo {
  const info = byCode.get(code);
  if (!info) throw new Error(`unknown diagnostic code ${code}`);
  return info;
}
