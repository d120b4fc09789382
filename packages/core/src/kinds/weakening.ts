/**
 * Weakening: changes that widen who can reach a workspace or where it can send data. Each
 * resource kind declares its own in its contract (`kinds/<kind>.ts`); this module runs the
 * declarations over a plan's steps. `gated` changes need the user's consent at apply time
 * (`allowWeaken`, `--allow-weaken`); the others are marked for reviewers only.
 */
import { PfnetError } from "../errors.js";
import { address, workspaceKeyOf } from "../expand/names.js";
import { RESOURCE_KINDS, type ResourceKind } from "../model.js";
import type { PlanStep, Weakening } from "../plan/schema.js";
import { KINDS } from "./index.js";

export type { Weakening } from "../plan/schema.js";

/**
 * What a declaration sees: the step, what exists now (null: absent), the workspace's isolation
 * mode once the plan is applied (desired, or actual for a workspace the plan leaves as it is).
 */
export interface WeakeningInput {
  step: PlanStep;
  before: Record<string, unknown> | null;
  /** The isolation mode of the step's workspace after the plan (from its workspace step), if any. */
  isolationMode: string | undefined;
}

export interface WeakeningDeclaration {
  /** Stable name of the change, e.g. `ingressPublic`. */
  change: string;
  /** Apply needs the user's consent for it. */
  gated: boolean;
  /** The change in words when the step makes it, else undefined. */
  test: (input: WeakeningInput) => string | undefined;
}

/** Every kind's declarations, from its contract (a kind without an entry widens nothing). */
export const WEAKENINGS: Partial<Record<ResourceKind, readonly WeakeningDeclaration[]>> = Object.fromEntries(
  RESOURCE_KINDS.filter((kind) => KINDS[kind].weakenings.length > 0).map((kind) => [
    kind,
    KINDS[kind].weakenings,
  ]),
);

/**
 * What each changing step of a plan widens, by address (steps that widen nothing are absent).
 * `beforeOf` gives what exists now: the plan's `before` by default, a fresh read in apply.
 */
export function weakeningsOf(
  steps: readonly PlanStep[],
  beforeOf: (step: PlanStep) => Record<string, unknown> | null = (step) => step.before,
): Map<string, Weakening[]> {
  const isolation = new Map<string, string>();
  for (const step of steps) {
    if (step.kind !== "workspace") continue;
    // A workspace that destroy keeps wants nothing (`after: null`): its isolation is what exists.
    const mode = (step.after ?? beforeOf(step))?.isolationMode;
    const key = workspaceKeyOf(step.identity, step.address);
    if (typeof mode === "string" && key !== undefined && step.address === address.workspace(key))
      isolation.set(key, mode);
  }
  const found = new Map<string, Weakening[]>();
  for (const step of steps) {
    const declarations = WEAKENINGS[step.kind];
    if (!declarations || step.action === "noop") continue;
    const key = workspaceKeyOf(step.identity, step.address);
    const input: WeakeningInput = {
      step,
      before: beforeOf(step),
      isolationMode: key === undefined ? undefined : isolation.get(key),
    };
    const list: Weakening[] = [];
    for (const declaration of declarations) {
      const description = declaration.test(input);
      if (description !== undefined)
        list.push({ change: declaration.change, gated: declaration.gated, description });
    }
    if (list.length > 0) found.set(step.address, list);
  }
  return found;
}

/**
 * Refuse gated weakening without consent: `WEAKENING_NOT_ALLOWED` listing every such step.
 * Called before any write.
 */
export function refuseUnconsentedWeakening(found: Map<string, Weakening[]>, allowWeaken: boolean): void {
  if (allowWeaken) return;
  const gated = [...found].flatMap(([stepAddress, list]) =>
    list.filter((weakening) => weakening.gated).map((weakening) => ({ address: stepAddress, ...weakening })),
  );
  if (gated.length === 0) return;
  throw new PfnetError(
    "WEAKENING_NOT_ALLOWED",
    `The plan weakens isolation and nobody consented: ${gated.map((g) => `${g.address} (${g.description})`).join("; ")}. Nothing was changed.`,
    {
      details: { steps: gated },
      hint: "Review the marked steps; apply again with --allow-weaken (library: allowWeaken: true) to consent, or change the spec.",
    },
  );
}
