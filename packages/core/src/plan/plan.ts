/**
 * `plan`: validate -> expand -> graph (cycle check) -> provider.read -> state rules -> diff ->
 * ordered steps with estimates, waits and guards -> the caller's permissions for its writes
 * (`permissions.ts`, PFN216). Reads only; never writes. Parts: the state
 * view and posture (`state-view.ts`), each mode's steps (`mode-steps.ts`, `destroy.ts`), guards
 * (`guards.ts`), estimates (`estimate-steps.ts`, from each kind's contract).
 */
import { createEmitter } from "../emitter.js";
import { PfnetError } from "../errors.js";
import type { EventListener } from "../events.js";
import { expand } from "../expand/expand.js";
import { Graph } from "../graph/graph.js";
import { weakeningsOf } from "../kinds/weakening.js";
import type { Provider, ProviderContext } from "../provider.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";
import { estimateSteps } from "./estimate-steps.js";
import { applyPlanSteps, destroyPlanSteps } from "./mode-steps.js";
import { planOriginAndHash } from "./origin.js";
import { checkPermissions } from "./permissions.js";
import { resolveSpec } from "./spec-input.js";
import { readPostureInputs } from "./state-view.js";
import { targetClosure } from "./targets.js";
import { PLAN_FORMAT_VERSION, type Plan, type PlanAction, type PlanMode, type PlanStep } from "./types.js";

export { ESTIMATES } from "./estimates.js";

export interface PlanOptions {
  signal?: AbortSignal;
  /** The same as `signal`, under the Azure SDK's name (`signal` wins when both are given). */
  abortSignal?: AbortSignal;
  onEvent?: EventListener;
  /**
   * The spec file's path relative to the working directory, recorded in the plan's origin so
   * that `pfnet apply` can find the spec as a witness (see docs/security.md). Default: the
   * `file` of a `LoadedSpec` when it is a relative path, else none.
   */
  specPath?: string;
  /**
   * `apply` (default): make Azure match the spec. `destroy`: remove what pfnet created for the
   * spec (plan/destroy.ts); settings and workspaces stay. Recorded in the plan.
   */
  mode?: PlanMode;
  /**
   * Plan only these step addresses and what they depend on (Terraform's `-target`); the plan is
   * partial. Recorded in the plan. Unknown addresses throw `TARGET_NOT_FOUND`.
   */
  targets?: readonly string[];
  /**
   * Compliance gates: the posture findings made directly at a workspace (unlisted outbound
   * rules, PFN205; role assignments at its storage account, PFN206) are errors, and `plan` throws
   * `POSTURE_STRICT` with them instead of returning a plan. Inherited role assignments never are.
   */
  strict?: boolean;
}

const ACTIONS: PlanAction[] = ["create", "update", "delete", "replace", "provision", "approve", "noop"];

function emptySummary(): Record<PlanAction, number> {
  return Object.fromEntries(ACTIONS.map((action) => [action, 0])) as Record<PlanAction, number>;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PfnetError("ABORTED", "Planning was aborted; nothing was changed.");
}

/** A provider read: an abort during it is `ABORTED` (whatever the provider threw), and is checked after it. */
async function reading<T>(read: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  let result: T;
  try {
    result = await read();
  } catch (error) {
    if (signal?.aborted)
      throw new PfnetError("ABORTED", "Planning was aborted while reading; nothing was changed.", {
        cause: error,
      });
    throw error;
  }
  throwIfAborted(signal);
  return result;
}

/** A spec path as the origin records it: relative, with `/` separators; none when absolute. */
function recordedSpecPath(file: string | undefined): string | undefined {
  if (file === undefined || file === "" || file.startsWith("/") || /^[a-zA-Z]:[\\/]/.test(file))
    return undefined;
  return file.replace(/\\/g, "/");
}

/**
 * Make a plan: what apply would do to reach the spec (or, in `destroy` mode, to remove what
 * pfnet creates for it), restricted to `targets` and their dependencies when given. Throws
 * `SPEC_INVALID` on spec errors, `PLAN_FORBIDDEN` when actual state makes the spec impossible
 * (e.g. loosening isolation), `GRAPH_CYCLE` on a dependency cycle, `TARGET_NOT_FOUND` for a
 * target no step has, `ABORTED` when the signal fires. Reads only.
 */
export async function plan(
  spec: Topology | LoadedSpec,
  provider: Provider,
  options: PlanOptions = {},
): Promise<Plan> {
  const signal = options.signal ?? options.abortSignal;
  throwIfAborted(signal);
  const emit = createEmitter(options.onEvent);
  const resolved = resolveSpec(spec);
  const { topology } = resolved;
  const mode: PlanMode = options.mode ?? "apply";
  // Written first, while little else is alive: for a fleet the canonical text is tens of MB.
  const { origin, specHash } = planOriginAndHash(topology, {
    mode,
    specPath: recordedSpecPath(options.specPath ?? resolved.file),
    ...(options.targets ? { targets: options.targets } : {}),
  });
  const nodes = expand(topology);
  // Cycle check before any read: ordering throws GRAPH_CYCLE naming the cycle.
  const nodeOrder = Graph.orderIndexesOf(nodes) ?? Graph.orderOf(nodes);
  emit({ type: "plan.started", nodes: nodes.length });

  const context: ProviderContext = { signal: signal ?? new AbortController().signal, emit, snapshot: {} };
  const read = await reading(() => provider.read(nodes, context), signal);
  emit({ type: "plan.read", resources: Object.keys(read.resources).length + read.discovered.length });

  // The posture report (apply mode): role assignments per storage account, own-VNet dependencies.
  const access =
    mode === "destroy"
      ? undefined
      : await reading(() => readPostureInputs(topology, nodes, read, provider, context), signal);
  const { steps, unmanaged, stateDiagnostics, posture } =
    access === undefined
      ? destroyPlanSteps(nodes, read)
      : applyPlanSteps(
          topology,
          nodes,
          nodeOrder,
          read,
          access,
          resolved.diagnostics,
          options.strict === true,
        );
  estimateSteps(steps, read.resources);

  // --target: the targets and what they depend on; the rest is not planned.
  const kept = options.targets ? targetClosure(steps, options.targets) : undefined;
  const planSteps = kept ? steps.filter((step) => kept.has(step.address)) : steps;
  // Before a long apply starts: may the caller make the writes the plan holds? (PFN216, warnings)
  const permissionDiagnostics = await reading(
    () => checkPermissions(topology, planSteps, provider, context),
    signal,
  );
  // The address map is built only when needed: at 200,000 steps it is tens of megabytes.
  let byAddress: Map<string, PlanStep> | undefined;
  const stepAt = (stepAddress: string) => {
    byAddress ??= new Map(planSteps.map((step) => [step.address, step]));
    return byAddress.get(stepAddress);
  };

  // Every node has its step unless the plan is partial or destroys (which plans only removals).
  const everyNode = !kept && mode === "apply";
  const fingerprints: Record<string, string> = {};
  for (const node of nodes) {
    const actual = read.resources[node.address];
    if (actual && (everyNode || stepAt(node.address))) fingerprints[node.address] = actual.fingerprint;
  }
  for (const found of read.discovered) {
    if (!kept || stepAt(found.address)) fingerprints[found.address] = found.fingerprint;
  }
  // Weakenings are judged on the steps the plan holds, as apply re-judges them (a target's
  // workspace comes with it); after the last use of the read and the nodes, which are garbage by then.
  for (const [stepAddress, weakens] of weakeningsOf(planSteps)) stepAt(stepAddress)!.weakens = weakens;

  const summary = emptySummary();
  for (const step of planSteps) summary[step.action]++;

  const planned: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    specHash,
    provider: provider.name,
    origin,
    steps: planSteps,
    diagnostics: [...resolved.diagnostics, ...stateDiagnostics, ...permissionDiagnostics],
    fingerprints,
    unmanaged,
    ...(posture ? { posture } : {}),
    summary,
  };
  emit({ type: "plan.finished", steps: planSteps.length, changes: planSteps.length - summary.noop });
  return planned;
}
