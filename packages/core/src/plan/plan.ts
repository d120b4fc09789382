/**
 * `plan`: validate -> expand -> graph (cycle check) -> provider.read -> state rules -> diff ->
 * ordered steps with estimates, waits and guards. Reads only; never writes.
 */
import type { Diagnostic } from "../diagnostics.js";
import { diff, isServiceOwnedRule } from "../diff/diff.js";
import { createEmitter } from "../emitter.js";
import { PfnetError } from "../errors.js";
import type { EventListener } from "../events.js";
import { expand, workspaceDefaults } from "../expand/expand.js";
import { address, workspaceKeyOf } from "../expand/names.js";
import { Graph } from "../graph/graph.js";
import type { EstimateContext } from "../kinds/contract.js";
import { kindOf } from "../kinds/index.js";
import { weakeningsOf } from "../kinds/weakening.js";
import type { DiscoveredResource, ResourceNode, RoleAssignmentSeen } from "../model.js";
import type { Provider, ProviderContext, ReadResult } from "../provider.js";
import { checkState, type StateView } from "../rules/index.js";
import { classifyStorageAccess, DIRECT_ASSIGNMENT_CODE, type Posture } from "../rules/posture.js";
import { UNLISTED_RULE_CODE } from "../rules/state-rules.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";
import { hashJson } from "./canonical.js";
import { destroySteps } from "./destroy.js";
import { planOrigin } from "./origin.js";
import { hasErrors, resolveSpec } from "./spec-input.js";
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

/**
 * Each changing step's estimate (its kind's), in plan order: the firewall wait goes on one step
 * per workspace.
 */
function estimateSteps(steps: readonly PlanStep[], resources: ReadResult["resources"]): void {
  const firewallCounted = new Set<string>();
  for (const step of steps) {
    if (step.action === "noop") continue;
    const key = workspaceKeyOf(step.identity, step.address);
    const network = key === undefined ? undefined : resources[address.network(key)];
    const context: EstimateContext = {
      network,
      firewallCounted: key !== undefined && firewallCounted.has(key),
    };
    const estimate = kindOf(step.kind).estimate(step, resources[step.address], context);
    if (key !== undefined && estimate.waits?.some((wait) => wait.kind === "firewall"))
      firewallCounted.add(key);
    Object.assign(step, estimate);
  }
}

/**
 * Whether a completed `dependency` is expected to change the resource of `step` (so a fresh
 * read before the step's write would not match the fingerprint taken while planning).
 */
function changesResourceOf(dependency: PlanStep, step: PlanStep): boolean {
  if (dependency.action === "noop") return false;
  const depKey = workspaceKeyOf(dependency.identity, dependency.address);
  const key = workspaceKeyOf(step.identity, step.address);
  const sameWorkspace = depKey !== undefined && depKey === key;
  // A new workspace: everything of it appears only after the create.
  if (dependency.kind === "workspace" && dependency.action === "create") return sameWorkspace;
  // Provisioning creates the managed private endpoints (connections to approve) and changes
  // what endpoints see.
  if (dependency.kind === "managedNetwork") {
    return sameWorkspace && (step.kind === "privateEndpointApproval" || step.kind === "onlineEndpoint");
  }
  // Rule and workspace writes change the managed network's state (rule statuses, mode).
  if (
    step.kind === "managedNetwork" &&
    (dependency.kind === "outboundRule" || dependency.kind === "workspace")
  ) {
    return sameWorkspace;
  }
  // A private endpoint's create/replace changes its DNS zone group and the connection on the target.
  if (dependency.kind === "privateEndpoint") {
    const service = (dependency.identity as { service?: string }).service;
    if (step.kind === "privateDnsZoneGroup") {
      const parent = (step.identity as { privateEndpoint?: { name?: string } }).privateEndpoint?.name;
      return parent !== undefined && parent === (dependency.identity as { name?: string }).name;
    }
    if (step.kind === "privateEndpointApproval") {
      return sameWorkspace && (step.identity as { service?: string }).service === service;
    }
  }
  return false;
}

/**
 * Set `guard` on every step: false when a transitive dependency changes its resource. The graph
 * is built only when some step changes something (otherwise every guard is true).
 */
function assignGuards(steps: PlanStep[], buildGraph: () => Graph): void {
  const changing = steps.some((step) => step.action !== "noop");
  if (!changing) {
    for (const step of steps) step.guard = true;
    return;
  }
  const graph = buildGraph();
  const byAddress = new Map(steps.map((step) => [step.address, step]));
  for (const step of steps) {
    step.guard = true;
    for (const dependencyAddress of graph.transitiveDependencies(step.address)) {
      const dependency = byAddress.get(dependencyAddress);
      if (dependency && changesResourceOf(dependency, step)) {
        step.guard = false;
        break;
      }
    }
  }
}

const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((item) => typeof item === "string") : undefined;

/** Storage access read for the posture report, by workspace key (absent: not read). */
type StorageAccess = Map<string, { storageAccount: string; assignments: RoleAssignmentSeen[] }>;

function stateView(nodes: readonly ResourceNode[], read: ReadResult, access: StorageAccess): StateView {
  const workspaces: StateView["workspaces"] = {};
  // User-defined rules in Azure that no node describes, by workspace key.
  // Built only when something was discovered (usually nothing is).
  const desired = read.discovered.length > 0 ? new Set(nodes.map((node) => node.address)) : undefined;
  const unlisted = new Map<string, NonNullable<StateView["workspaces"][string]["unlistedRules"]>>();
  for (const found of read.discovered) {
    if (found.kind !== "outboundRule" || desired?.has(found.address) || isServiceOwnedRule(found)) continue;
    const key = workspaceKeyOf(found.identity, found.address);
    if (key === undefined) continue;
    const ruleName = found.identity.ruleName;
    unlisted.set(key, [
      ...(unlisted.get(key) ?? []),
      {
        name: typeof ruleName === "string" ? ruleName : found.address,
        type: String(found.properties.type ?? ""),
        destination: found.properties.destination ?? null,
      },
    ]);
  }
  for (const node of nodes) {
    if (node.kind !== "workspace") continue;
    const key = (node as ResourceNode<"workspace">).identity.workspace.key;
    const actual = read.resources[node.address];
    if (!actual?.exists) {
      workspaces[key] = { exists: false };
      continue;
    }
    const facts = actual.facts ?? {};
    const computes = strings(facts.computes);
    const onlineEndpoints = strings(facts.onlineEndpoints);
    const unlistedRules = unlisted.get(key)?.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const storage = access.get(key);
    workspaces[key] = {
      exists: true,
      ...(typeof actual.properties.isolationMode === "string"
        ? { isolationMode: actual.properties.isolationMode }
        : {}),
      ...(computes ? { computes } : {}),
      ...(onlineEndpoints ? { onlineEndpoints } : {}),
      ...(typeof facts.kind === "string" ? { kind: facts.kind } : {}),
      ...(unlistedRules ? { unlistedRules } : {}),
      ...(storage
        ? {
            storageAccess: {
              ...storage,
              ...(typeof facts.principalId === "string" ? { principalId: facts.principalId } : {}),
            },
          }
        : {}),
    };
  }
  return { workspaces };
}

/**
 * The posture report's role part: one paged list per storage account of the existing
 * workspaces (`Provider.listRoleAssignments`), read in parallel. Empty when the provider cannot
 * list role assignments.
 */
async function readStorageAccess(
  nodes: readonly ResourceNode[],
  read: ReadResult,
  provider: Provider,
  context: ProviderContext,
): Promise<StorageAccess> {
  const access: StorageAccess = new Map();
  if (!provider.listRoleAssignments) return access;
  const byAccount = new Map<string, { storageAccount: string; keys: string[] }>();
  for (const node of nodes) {
    if (node.kind !== "workspace") continue;
    const actual = read.resources[node.address];
    const storageAccount = actual?.exists ? actual.facts?.storageAccount : undefined;
    if (typeof storageAccount !== "string" || storageAccount === "") continue;
    const entry = byAccount.get(storageAccount.toLowerCase()) ?? { storageAccount, keys: [] };
    entry.keys.push((node as ResourceNode<"workspace">).identity.workspace.key);
    byAccount.set(storageAccount.toLowerCase(), entry);
  }
  await Promise.all(
    [...byAccount.values()].map(async ({ storageAccount, keys }) => {
      const assignments = await provider.listRoleAssignments!(storageAccount, context);
      for (const key of keys) access.set(key, { storageAccount, assignments });
    }),
  );
  return access;
}

/** The plan's posture: per existing workspace, its unmanaged rules and storage role assignments. */
function postureOf(topology: Topology, state: StateView, unmanaged: Plan["unmanaged"]): Posture {
  const workspaces: Posture["workspaces"] = [];
  for (const [key, workspace] of Object.entries(topology.workspaces)) {
    const view = state.workspaces[key];
    if (!view?.exists) continue;
    const outboundRules = unmanaged
      .filter(
        (found) => found.kind === "outboundRule" && workspaceKeyOf(found.identity, found.address) === key,
      )
      .map((found) => ({
        name: String(found.identity.ruleName ?? found.address),
        address: found.address,
        type: String(found.properties.type ?? ""),
        destination: found.properties.destination ?? null,
      }));
    workspaces.push({
      key,
      name: workspace.name ?? key,
      outboundRules,
      ...(view.storageAccess
        ? {
            storageAccount: view.storageAccess.storageAccount,
            roleAssignments: classifyStorageAccess(view.storageAccess),
          }
        : {}),
    });
  }
  return { workspaces };
}

/** Codes of the posture findings `strict` turns into errors. */
const POSTURE_CODES = new Set([UNLISTED_RULE_CODE, DIRECT_ASSIGNMENT_CODE]);

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
  const nodes = expand(topology);
  // Cycle check before any read: ordering throws GRAPH_CYCLE naming the cycle.
  const nodeOrder = Graph.orderOf(nodes);
  emit({ type: "plan.started", nodes: nodes.length });

  const context: ProviderContext = { signal: signal ?? new AbortController().signal, emit };
  const read = await reading(() => provider.read(nodes, context), signal);
  emit({ type: "plan.read", resources: Object.keys(read.resources).length + read.discovered.length });

  const mode: PlanMode = options.mode ?? "apply";
  // The posture report (apply mode): one role-assignment list per storage account.
  const access =
    mode === "destroy"
      ? undefined
      : await reading(() => readStorageAccess(nodes, read, provider, context), signal);
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
  // Judged on the steps the plan holds, as apply re-judges them (a target's workspace comes with it).
  const byAddress = new Map(planSteps.map((step) => [step.address, step]));
  for (const [stepAddress, weakens] of weakeningsOf(planSteps)) byAddress.get(stepAddress)!.weakens = weakens;

  const fingerprints: Record<string, string> = {};
  for (const node of nodes) {
    const actual = read.resources[node.address];
    if (actual && byAddress.has(node.address)) fingerprints[node.address] = actual.fingerprint;
  }
  for (const found of read.discovered) {
    if (!kept || byAddress.has(found.address)) fingerprints[found.address] = found.fingerprint;
  }

  const summary = emptySummary();
  for (const step of planSteps) summary[step.action]++;

  const origin = planOrigin(topology, {
    mode,
    specPath: recordedSpecPath(options.specPath ?? resolved.file),
    ...(options.targets ? { targets: options.targets } : {}),
  });
  const planned: Plan = {
    formatVersion: PLAN_FORMAT_VERSION,
    specHash: hashJson(origin.topology),
    provider: provider.name,
    origin,
    steps: planSteps,
    diagnostics: [...resolved.diagnostics, ...stateDiagnostics],
    fingerprints,
    unmanaged,
    ...(posture ? { posture } : {}),
    summary,
  };
  emit({ type: "plan.finished", steps: planSteps.length, changes: planSteps.length - summary.noop });
  return planned;
}

interface ModeSteps {
  steps: PlanStep[];
  unmanaged: DiscoveredResource[];
  stateDiagnostics: Diagnostic[];
  /** The posture report (apply mode). */
  posture?: Posture;
}

/** `apply` mode: state rules, then the diff, in dependency order with guards. */
function applyPlanSteps(
  topology: Topology,
  nodes: ResourceNode[],
  nodeOrder: string[],
  read: ReadResult,
  access: StorageAccess,
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
        hint: "Review each finding: add the rules to the spec or remove them, and remove role assignments that are not intended (pfnet never deletes what it does not manage). Inherited assignments are listed as information and never fail strict mode.",
      },
    );
  }

  // Order: topological with a lexical tie-break, over nodes plus the planned deletes.
  // Deletes add steps and edges (provisioning after the deletes); otherwise the node graph is it.
  const sameGraph = result.steps.length === nodes.length;
  const order = sameGraph ? nodeOrder : Graph.orderOf(result.steps);
  const byAddress = new Map(result.steps.map((step) => [step.address, step]));
  const steps = order.map((addr) => byAddress.get(addr)!);
  assignGuards(steps, () => Graph.fromDependencies(sameGraph ? nodes : result.steps));
  return { steps, unmanaged: result.unmanaged, stateDiagnostics, posture };
}

/**
 * `destroy` mode: no state rules (nothing is changed toward the spec; a missing workspace simply
 * has nothing to remove), the removals of plan/destroy.ts in their order, unlisted rules left alone.
 */
function destroyPlanSteps(nodes: ResourceNode[], read: ReadResult): ModeSteps {
  const unordered = destroySteps(nodes, read);
  const byAddress = new Map(unordered.map((step) => [step.address, step]));
  const steps = Graph.orderOf(unordered).map((addr) => byAddress.get(addr)!);
  const unmanaged = read.discovered.filter((found) => !isServiceOwnedRule(found));
  return { steps, unmanaged, stateDiagnostics: [] };
}
