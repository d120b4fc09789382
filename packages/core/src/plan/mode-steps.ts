/**
 * The steps of each plan mode. `apply`: the state rules, the diff, dependency order and guards.
 * `destroy`: the removals of destroy.ts in their order.
 */
import type { Diagnostic } from "../diagnostics.js";
import { diff, isServiceOwnedRule } from "../diff/diff.js";
import { PfnetError } from "../errors.js";
import { workspaceDefaults } from "../expand/expand.js";
import { Graph } from "../graph/graph.js";
import type { DiscoveredResource, ResourceNode } from "../model.js";
import type { ReadResult } from "../provider.js";
import { COMPUTE_POSTURE_CODES } from "../rules/compute-placement.js";
import { checkState } from "../rules/index.js";
import { DIRECT_ASSIGNMENT_CODE, type Posture } from "../rules/posture.js";
import { UNLISTED_RULE_CODE } from "../rules/state-rules.js";
import type { Topology } from "../spec/schema.js";
import { destroySteps } from "./destroy.js";
import { assignGuards } from "./guards.js";
import { hasErrors } from "./spec-input.js";
import { type PostureReads, postureOf, stateView } from "./state-view.js";
import type { PlanStep } from "./types.js";

/** Codes of the posture findings `strict` turns into errors. */
const POSTURE_CODES = new Set<string>([UNLISTED_RULE_CODE, DIRECT_ASSIGNMENT_CODE, ...COMPUTE_POSTURE_CODES]);

export interface ModeSteps {
  steps: PlanStep[];
  unmanaged: DiscoveredResource[];
  stateDiagnostics: Diagnostic[];
  /** The posture report (apply mode). */
  posture?: Posture;
}

/**
 * `steps` in dependency order: `order` (positions or addresses) when given, else their own. By
 * position where addresses are unique, so a large plan builds no address map to order itself.
 */
function ordered(steps: PlanStep[], order: Int32Array | string[] | undefined): PlanStep[] {
  const positions = order ?? Graph.orderIndexesOf(steps);
  if (positions instanceof Int32Array) return Array.from(positions, (index) => steps[index]!);
  const byAddress = new Map(steps.map((step) => [step.address, step]));
  return (positions ?? Graph.orderOf(steps)).map((addr) => byAddress.get(addr)!);
}

/** `apply` mode: state rules, then the diff, in dependency order with guards. */
export function applyPlanSteps(
  topology: Topology,
  nodes: ResourceNode[],
  nodeOrder: Int32Array | string[],
  read: ReadResult,
  access: PostureReads,
  specDiagnostics: Diagnostic[],
  strict: boolean,
): ModeSteps {
  const state = stateView(nodes, read, access);
  const stateDiagnostics: Diagnostic[] = checkState(topology, state, { strict });
  const forbidden = stateDiagnostics.filter((d) => d.severity === "error" && !POSTURE_CODES.has(d.code));
  if (forbidden.length > 0) {
    const errors = forbidden;
    throw new PfnetError(
      "PLAN_FORBIDDEN",
      `The spec cannot be applied to what exists: ${errors.map((d) => `${d.path || "/"}: ${d.message}`).join(" ")}`,
      {
        details: { diagnostics: [...specDiagnostics, ...stateDiagnostics] },
        hint:
          errors[0]?.hint ??
          "Change the spec or the existing resources as the diagnostics say; nothing was changed.",
      },
    );
  }

  const unlistedRules: Record<string, "keep" | "delete"> = {};
  for (const [key, ws] of Object.entries(topology.workspaces))
    unlistedRules[key] = workspaceDefaults(ws).unlistedRules;
  const result = diff(nodes, read, { unlistedRules });
  const posture = postureOf(topology, state, result.unmanaged);
  if (hasErrors(stateDiagnostics)) {
    const findings = stateDiagnostics.filter((d) => d.severity === "error");
    throw new PfnetError(
      "POSTURE_STRICT",
      `The posture report has ${findings.length} finding${findings.length === 1 ? "" : "s"} made directly at the workspaces, and strict mode makes them errors: ${findings.map((d) => `${d.code} ${d.path || "/"}: ${d.message}`).join(" ")}`,
      {
        details: { diagnostics: [...specDiagnostics, ...stateDiagnostics], posture },
        hint: "Review each finding: add the rules to the spec or remove them, remove role assignments that are not intended, and move or recreate computes outside the stated subnets or with public IPs (pfnet never deletes what it does not manage). Inherited assignments are listed as information and never fail strict mode.",
      },
    );
  }

  // Order: topological with a lexical tie-break, over nodes plus the planned deletes.
  // Deletes add steps and edges (provisioning after the deletes); otherwise the node graph is it.
  const sameGraph = result.steps.length === nodes.length;
  const steps = ordered(result.steps, sameGraph ? nodeOrder : undefined);
  assignGuards(steps, () => Graph.fromDependencies(sameGraph ? nodes : result.steps));
  return { steps, unmanaged: result.unmanaged, stateDiagnostics, posture };
}

/**
 * `destroy` mode: no state rules (nothing is changed toward the spec; a missing workspace simply
 * has nothing to remove), the removals of plan/destroy.ts in their order, unlisted rules left alone.
 */
export function destroyPlanSteps(nodes: ResourceNode[], read: ReadResult): ModeSteps {
  const steps = ordered(destroySteps(nodes, read), undefined);
  const unmanaged = read.discovered.filter((found) => !isServiceOwnedRule(found));
  return { steps, unmanaged, stateDiagnostics: [] };
}
