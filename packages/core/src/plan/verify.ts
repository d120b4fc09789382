/**
 * Re-derivation: prove that a plan is one pfnet itself makes from a valid spec, before apply
 * reads or writes anything. In order:
 *
 * 1. the embedded topology hashes to `specHash` (else `PLAN_TAMPERED`);
 * 2. it passes the schema and every spec rule (else `SPEC_INVALID` with the diagnostics);
 * 3. the recorded mode's derivation (origin.ts) yields exactly the plan's steps: same addresses,
 *    kinds, identities, desired `after` values, dependencies and lanes, an action the diff can
 *    give that kind, and no step the mode does not make (else `PLAN_TAMPERED` naming the first
 *    step that differs, in plan order, and what differs).
 *
 * What depends on Azure (`before`, `changedPaths`, fingerprints) cannot be re-derived without
 * reading; apply's stale check compares the fingerprints with a fresh read.
 */
import { PfnetError } from "../errors.js";
import { weakeningsOf } from "../kinds/weakening.js";
import { escapeToken } from "../spec/pointer.js";
import { validateTopology } from "../spec/validate.js";
import { canonicalJson, hashJson } from "./canonical.js";
import { type DerivedStep, deriveSteps } from "./origin.js";
import type { Plan, PlanStep } from "./schema.js";

const AGAIN = "Make a new plan from the reviewed spec (`pfnet plan <spec> --out FILE`) and apply that file.";

function tampered(message: string, details: Record<string, unknown>, address?: string): PfnetError {
  return new PfnetError(
    "PLAN_TAMPERED",
    `${message} pfnet would not make this plan; nothing was read or changed.`,
    {
      hint: AGAIN,
      details,
      ...(address === undefined ? {} : { address }),
    },
  );
}

const show = (value: unknown) => {
  const text = value === undefined ? "absent" : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** The first JSON pointer where two JSON values differ (object keys in sorted order). */
export function firstDifference(
  actual: unknown,
  expected: unknown,
  path = "",
): { path: string; actual: unknown; expected: unknown } | undefined {
  if (Object.is(actual, expected)) return undefined;
  const bothObjects =
    typeof actual === "object" && actual !== null && typeof expected === "object" && expected !== null;
  if (!bothObjects || Array.isArray(actual) !== Array.isArray(expected)) return { path, actual, expected };
  if (Array.isArray(actual) && Array.isArray(expected)) {
    const length = Math.max(actual.length, expected.length);
    for (let index = 0; index < length; index++) {
      const found = firstDifference(actual[index], expected[index], `${path}/${index}`);
      if (found) return found;
    }
    return undefined;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(e)])].sort();
  for (const key of keys) {
    if (a[key] === undefined && e[key] === undefined) continue;
    const found = firstDifference(a[key], e[key], `${path}/${escapeToken(key)}`);
    if (found) return found;
  }
  return undefined;
}

const sorted = (list: readonly string[]) => [...list].sort();

/** What differs between a plan step and the step its mode makes, or undefined. */
function stepDifference(
  step: PlanStep,
  derived: DerivedStep,
): { field: string; actual: unknown; expected: unknown } | undefined {
  if (step.kind !== derived.kind) return { field: "kind", actual: step.kind, expected: derived.kind };
  if (!derived.actions.includes(step.action))
    return { field: "action", actual: step.action, expected: derived.actions.join(" | ") };
  if (canonicalJson(step.identity) !== canonicalJson(derived.identity)) {
    const found = firstDifference(step.identity, derived.identity, "/identity");
    return { field: found?.path ?? "/identity", actual: found?.actual, expected: found?.expected };
  }
  if (canonicalJson(step.after) !== canonicalJson(derived.after)) {
    const found = firstDifference(step.after, derived.after, "/after");
    return { field: found?.path ?? "/after", actual: found?.actual, expected: found?.expected };
  }
  const deps = sorted(step.dependsOn);
  const wanted = sorted(derived.dependsOn);
  if (deps.join("\n") !== wanted.join("\n")) return { field: "dependsOn", actual: deps, expected: wanted };
  if (step.lane !== derived.lane) return { field: "lane", actual: step.lane, expected: derived.lane };
  return undefined;
}

/**
 * Check that the plan is one pfnet makes from its embedded origin. Throws `PLAN_TAMPERED` or
 * `SPEC_INVALID`; reads nothing. Linear in the plan's size.
 */
export function verifyPlan(plan: Plan): void {
  const { origin } = plan;
  const topologyHash = hashJson(origin.topology);
  if (topologyHash !== plan.specHash) {
    throw tampered("The plan's specHash does not match the topology embedded in it.", {
      field: "specHash",
      specHash: plan.specHash,
      topologyHash,
    });
  }
  const checked = validateTopology(origin.topology);
  if (!checked.topology) {
    const errors = checked.diagnostics.filter((d) => d.severity === "error");
    const first = errors[0];
    throw new PfnetError(
      "SPEC_INVALID",
      `The spec embedded in the plan has ${errors.length} error${errors.length === 1 ? "" : "s"}${first ? `; first: ${first.path || "/"}: ${first.message.replace(/\.$/, "")}` : ""}. pfnet never makes a plan from an invalid spec; nothing was read or changed.`,
      { details: { diagnostics: checked.diagnostics, embedded: true }, hint: AGAIN },
    );
  }
  const derivation = deriveSteps(origin, plan);
  if ("rejected" in derivation) {
    const { address, why } = derivation.rejected;
    throw tampered(
      `Step ${address} is not one the ${origin.mode} mode makes: ${why}.`,
      { address, why },
      address,
    );
  }
  const derived = new Map(derivation.steps.map((step) => [step.address, step]));
  // `weakens` steers apply's consent check: it must be what the kinds declare for before -> after.
  const weakens = weakeningsOf(plan.steps);
  const seen = new Set<string>();
  for (const step of plan.steps) {
    const expected = derived.get(step.address);
    if (expected === undefined) {
      throw tampered(
        `Step ${step.address} is not one the spec makes.`,
        { address: step.address },
        step.address,
      );
    }
    if (seen.has(step.address))
      throw tampered(`The plan lists step ${step.address} twice.`, { address: step.address }, step.address);
    seen.add(step.address);
    const difference = stepDifference(step, expected);
    const expectedWeakens = weakens.get(step.address);
    if (!difference && canonicalJson(step.weakens ?? null) !== canonicalJson(expectedWeakens ?? null)) {
      throw tampered(
        `Step ${step.address} is marked as weakening differently from what it changes: weakens is ${show(step.weakens)}, the change gives ${show(expectedWeakens)}.`,
        { address: step.address, field: "weakens", actual: step.weakens, expected: expectedWeakens },
        step.address,
      );
    }
    if (difference) {
      throw tampered(
        `Step ${step.address} differs from what the spec makes: ${difference.field} is ${show(difference.actual)}, the spec gives ${show(difference.expected)}.`,
        { address: step.address, ...difference },
        step.address,
      );
    }
  }
  for (const step of derivation.steps) {
    if (!seen.has(step.address)) {
      throw tampered(
        `The plan lacks step ${step.address}, which the spec makes.`,
        { address: step.address, field: "steps" },
        step.address,
      );
    }
  }
}
