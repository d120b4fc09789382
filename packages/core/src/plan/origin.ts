/**
 * Plan modes: what each mode makes from a topology, so that apply can re-derive a saved plan's
 * steps (verify.ts) without reading anything.
 *
 * To add a mode: add its literal and fields to `PlanOriginSchema` (schema.ts), write a
 * `derive…` function below and add it to `DERIVE_BY_MODE`. A derivation returns every step the
 * mode makes, with the fields that do not depend on what exists in Azure (address, kind,
 * identity, desired `after`, dependencies, lane) and the actions the step may have; it decides
 * about the plan's other steps (in `apply`, the deletes the diff adds for unlisted rules),
 * returning why a step is not one the mode makes. `origin.targets` then restricts any mode's
 * steps to the targets and what they depend on (`restrictToTargets`), as `plan()` does.
 */

import {
  isReplacedDelete,
  isRuleOf,
  REPLACED_SUFFIX,
  replacedDependsOn,
  replacementRuleName,
} from "../diff/replace-rules.js";
import { isPfnetError } from "../errors.js";
import { workspaceDefaults, workspaceRef } from "../expand/expand.js";
import { expand } from "../expand/index.js";
import { address } from "../expand/names.js";
import { kindOf } from "../kinds/index.js";
import type { ResourceKind, ResourceNode } from "../model.js";
import type { Topology } from "../spec/schema.js";
import { canonicalJson, sha256 } from "./canonical.js";
import { destroyNodes } from "./destroy.js";
import type { Plan, PlanAction, PlanMode, PlanOrigin, PlanStep } from "./schema.js";
import { targetClosure } from "./targets.js";

/** A step as its mode makes it, before the diff (which decides the action from what exists). */
export interface DerivedStep {
  address: string;
  kind: ResourceKind;
  identity: unknown;
  after: unknown;
  dependsOn: readonly string[];
  lane: string | undefined;
  /** Actions the diff can give this step. */
  actions: readonly PlanAction[];
}

export interface Derivation {
  /** Every step the mode makes, in any order. */
  steps: DerivedStep[];
}

type Rejected = { rejected: { address: string; why: string } };
type Derive = (origin: PlanOrigin, topology: Topology, plan: Plan) => Derivation | Rejected;

/**
 * Why a plan step that no node describes is not a delete the diff would plan for the topology
 * (undefined when it is one): an outbound rule the provider discovered (user-defined, not in the
 * spec) of a workspace whose spec says `unlistedRules: delete`.
 */
function unlistedRuleDeleteProblem(topology: Topology, step: PlanStep): string | undefined {
  if (step.action !== "delete") return `the spec makes no step ${step.address}`;
  if (step.kind !== "outboundRule") return "pfnet deletes nothing but unlisted outbound rules";
  const identity = step.identity as { workspace?: { key?: unknown }; ruleName?: unknown };
  const key = identity.workspace?.key;
  const ws = typeof key === "string" ? topology.workspaces[key] : undefined;
  if (ws === undefined || typeof key !== "string") return "it names no workspace of the spec";
  if (workspaceDefaults(ws).unlistedRules !== "delete")
    return `workspace ${key} keeps unlisted rules (unlistedRules is not delete)`;
  if (typeof identity.ruleName !== "string" || step.address !== address.rule(key, identity.ruleName))
    return "its address and rule name do not match";
  if (step.before?.category !== "UserDefined") return "only user-defined rules are ever deleted";
  return undefined;
}

/** The replacement name of a derived private-endpoint rule (undefined for other rules). */
function renamedRuleOf(derived: DerivedStep): string | undefined {
  const after = derived.after as { type?: unknown; destination?: unknown } | null;
  if (after?.type !== "PrivateEndpoint") return undefined;
  return replacementRuleName((derived.identity as { ruleName: string }).ruleName, after.destination);
}

/**
 * The delete of a replaced private-endpoint rule (`<rule address>.replaced`) as the diff makes
 * it: undefined when the step is not one, why not when it cannot be one.
 */
function replacedDeleteOf(
  step: PlanStep,
  known: ReadonlyMap<string, ResourceNode>,
  nodes: readonly ResourceNode[],
): DerivedStep | string | undefined {
  if (!isReplacedDelete(step.address)) return undefined;
  const rule = known.get(step.address.slice(0, -REPLACED_SUFFIX.length));
  if (rule?.kind !== "outboundRule" || (rule.properties as { type?: unknown }).type !== "PrivateEndpoint")
    return "it names no private-endpoint rule of the spec";
  const identity = rule.identity as { ruleName: string };
  const ruleName = (step.identity as { ruleName?: unknown }).ruleName;
  if (step.action !== "delete" || typeof ruleName !== "string" || !isRuleOf(identity.ruleName, ruleName))
    return "a replaced rule's step deletes the spec's rule or an earlier replacement of it";
  if (step.before?.category !== "UserDefined") return "only user-defined rules are ever deleted";
  return {
    address: step.address,
    kind: "outboundRule",
    identity: { ...identity, ruleName },
    after: null,
    dependsOn: replacedDependsOn(rule, nodes),
    lane: rule.lane,
    actions: ["delete"],
  };
}

/** `apply`: the expansion of the topology, plus deletes of unlisted rules where the spec asks. */
const deriveApply: Derive = (_origin, topology, plan) => {
  const nodes = expand(topology);
  const steps: DerivedStep[] = nodes.map((node) => ({
    address: node.address,
    kind: node.kind,
    identity: node.identity,
    after: node.properties,
    dependsOn: node.dependsOn,
    lane: node.lane,
    actions: kindOf(node.kind).actions,
  }));
  const known = new Map(nodes.map((node) => [node.address, node]));
  // A private-endpoint rule may be planned under its replacement's name (replace-rules.ts).
  const planned = new Map(plan.steps.map((step) => [step.address, step]));
  for (const derived of steps) {
    if (derived.kind !== "outboundRule") continue;
    const ruleName = (planned.get(derived.address)?.identity as { ruleName?: unknown } | undefined)?.ruleName;
    const identity = derived.identity as { ruleName: string };
    if (ruleName !== identity.ruleName && ruleName === renamedRuleOf(derived))
      derived.identity = { ...identity, ruleName };
  }
  const deletesByWorkspace = new Map<string, string[]>();
  for (const step of plan.steps) {
    if (known.has(step.address)) continue;
    const replaced = replacedDeleteOf(step, known, nodes);
    if (typeof replaced === "string") return { rejected: { address: step.address, why: replaced } };
    if (replaced) {
      steps.push(replaced);
      continue;
    }
    const why = unlistedRuleDeleteProblem(topology, step);
    if (why !== undefined) return { rejected: { address: step.address, why } };
    const key = (step.identity as { workspace: { key: string } }).workspace.key;
    steps.push({
      address: step.address,
      kind: "outboundRule",
      identity: {
        workspace: workspaceRef(topology, key, topology.workspaces[key]!),
        ruleName: (step.identity as { ruleName: string }).ruleName,
      },
      after: null,
      dependsOn: [address.workspace(key)],
      lane: address.lane(key),
      actions: ["delete"],
    });
    deletesByWorkspace.set(key, [...(deletesByWorkspace.get(key) ?? []), step.address]);
  }
  // The diff makes provisioning wait for the deletes of its workspace.
  if (deletesByWorkspace.size > 0) {
    for (const derived of steps) {
      if (derived.kind !== "managedNetwork") continue;
      const key = (derived.identity as { workspace: { key: string } }).workspace.key;
      const deletes = deletesByWorkspace.get(key);
      if (deletes) derived.dependsOn = [...derived.dependsOn, ...deletes];
    }
  }
  return { steps };
};

/**
 * `destroy`: the removals and kept workspaces of plan/destroy.ts. A removal is `delete` when it
 * exists and `noop` when it is gone; a workspace is always `noop` with nothing desired. No other
 * step: destroy never deletes unlisted rules.
 */
const deriveDestroy: Derive = (_origin, topology, plan) => {
  const planned = new Map(plan.steps.map((step) => [step.address, step]));
  return {
    steps: destroyNodes(expand(topology)).map(({ node, role, dependsOn }) => {
      // A private-endpoint rule replaced earlier is removed under its replacement's name.
      const ruleName = (planned.get(node.address)?.identity as { ruleName?: unknown } | undefined)?.ruleName;
      const after = node.properties as { type?: unknown; destination?: unknown };
      const renamed =
        node.kind === "outboundRule" &&
        after.type === "PrivateEndpoint" &&
        ruleName === replacementRuleName((node.identity as { ruleName: string }).ruleName, after.destination);
      return {
        address: node.address,
        kind: node.kind,
        identity: renamed ? { ...(node.identity as object), ruleName } : node.identity,
        after: null,
        dependsOn,
        lane: node.lane,
        actions: role === "keep" ? ["noop"] : ["delete", "noop"],
      };
    }),
  };
};

/** The derivation of each plan mode. A new mode adds one entry (see the module comment). */
const DERIVE_BY_MODE: Record<PlanMode, Derive> = {
  apply: deriveApply,
  destroy: deriveDestroy,
};

/** `targets` and what they depend on, among a mode's steps; a target no step has is rejected. */
function restrictToTargets(derivation: Derivation, targets: readonly string[]): Derivation | Rejected {
  let kept: Set<string>;
  try {
    kept = targetClosure(derivation.steps, targets);
  } catch (error) {
    if (!isPfnetError(error) || error.code !== "TARGET_NOT_FOUND") throw error;
    const unknown = (error.details?.unknown as string[] | undefined)?.[0] ?? "";
    return { rejected: { address: unknown, why: `the target ${unknown} is no step of the spec` } };
  }
  return { steps: derivation.steps.filter((step) => kept.has(step.address)) };
}

/** Re-make the steps of a plan from its origin, dispatching on the recorded mode, then its targets. */
export function deriveSteps(origin: PlanOrigin, plan: Plan): Derivation | Rejected {
  const derive = DERIVE_BY_MODE[origin.mode] as Derive | undefined;
  if (derive === undefined)
    return { rejected: { address: "", why: `unknown plan mode ${String(origin.mode)}` } };
  const derivation = derive(origin, origin.topology, plan);
  if ("rejected" in derivation || origin.targets === undefined) return derivation;
  return restrictToTargets(derivation, origin.targets);
}

/**
 * The origin `plan()` records: the mode, the topology as canonical JSON, the spec path and the
 * targets (when the plan is restricted to them).
 *
 * With the hash of its topology (`hashJson(origin.topology)`, the plan's `specHash`), from one
 * canonical text: canonical JSON of its own parse is the same text, and writing a
 * 5,000-workspace topology twice was a tenth of a plan's garbage.
 */
export function planOriginAndHash(
  topology: Topology,
  options: { mode: PlanMode; specPath?: string | undefined; targets?: readonly string[] },
): { origin: PlanOrigin; specHash: string } {
  const text = canonicalJson(topology);
  const origin: PlanOrigin = {
    mode: options.mode,
    topology: JSON.parse(text) as Topology,
    ...(options.specPath === undefined ? {} : { specPath: options.specPath }),
    ...(options.targets === undefined ? {} : { targets: [...options.targets] }),
  };
  return { origin, specHash: sha256(text) };
}
