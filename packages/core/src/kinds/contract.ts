/**
 * A resource kind's contract in core: how its nodes are built, how the plan names it, how the
 * diff judges it, what its steps are expected to take, which of its writes change the resources
 * of later steps and which of its changes weaken isolation. One value per kind, in
 * `kinds/<kind>.ts`, collected in `KINDS` (`kinds/index.ts`); expansion builds nodes through
 * it, and the diff, the guards, destroy, the estimates, the weakening marks and the CLI's plan
 * text dispatch through it instead of switching on the kind.
 */
import type { ActualResource, ResourceKind, ResourceNode } from "../model.js";
import type { PlanAction, PlanStep } from "../plan/types.js";
import type { WeakeningDeclaration } from "./weakening.js";

/** What the diff decides for one node. */
export interface Verdict {
  action: PlanAction;
  changedPaths: string[];
  reason: string;
}

/** A node the diff judged before, with what was read for it. */
export interface Diffed<K extends ResourceKind = ResourceKind> {
  node: ResourceNode<K>;
  actual: ActualResource;
  verdict: Verdict;
}

/** What a kind diffed last (`diffLast`) sees of the others: their verdicts. */
export interface DiffContext {
  /** The verdict of an address already diffed. */
  verdictOf(address: string): Verdict | undefined;
  /** The nodes of one kind of one workspace (by spec key) already diffed, in node order. */
  diffedOf<K extends ResourceKind>(workspaceKey: string, kind: K): ReadonlyArray<Diffed<K>>;
}

/** Estimated duration range and waits of a changing step (Azure time, before any emulator scale). */
export type Estimate = Pick<PlanStep, "estimatedSeconds" | "waits">;

/** What a step's estimate needs beyond its own read: its workspace's managed network as read. */
export interface EstimateContext {
  network: ActualResource | undefined;
  /** The firewall wait is already on an earlier step of this workspace. */
  firewallCounted: boolean;
}

/** How the plan shows a kind. Identities are loose records here: plan files are data. */
export interface KindDisplay {
  /** The kind in words: `outbound rule`. */
  name: string;
  /** The Azure name a step acts on, for its title line: `outbound rule pe-aoai on pf-ws`. */
  title(identity: Record<string, unknown>): string;
  /** A line the plan adds under a changing step of the kind, when there is something to say. */
  note?(step: Pick<PlanStep, "identity">): string | undefined;
}

/**
 * Builds a node of the kind from what expansion decided (which workspace, which service, the
 * desired values): the kind supplies its address, identity shape, dependencies and lane. Each
 * kind takes its own arguments; expansion calls the constructor of the kind's module.
 */
export type NodeConstructor<K extends ResourceKind> = (...input: never[]) => ResourceNode<K>;

export interface KindContract<
  K extends ResourceKind = ResourceKind,
  Node extends NodeConstructor<K> = NodeConstructor<K>,
> {
  kind: K;
  display: KindDisplay;
  node: Node;
  /** What the diff can make of a node of the kind (deletes come only as extra steps); re-derivation checks it. */
  actions: readonly PlanAction[];
  /** The node's step from what was read (`diff/verdicts.ts` holds the common forms). */
  diff(node: ResourceNode<K>, actual: ActualResource, context: DiffContext): Verdict;
  /** Diffed after every other kind, from their verdicts (the managed network). */
  diffLast?: true;
  /** Duration and waits of a changing step of the kind (`noop` steps get none). */
  estimate(step: PlanStep, actual: ActualResource | undefined, context: EstimateContext): Estimate;
  /** Changes of the kind that widen exposure (`kinds/weakening.ts` runs them). */
  weakenings: readonly WeakeningDeclaration[];
  /**
   * Whether this kind's completed write `write` (a changing step) is expected to change the
   * resource of `step`, which depends on it — then `step` is not guarded (`plan/guards.ts`).
   * Absent: its writes change nothing a later step reads.
   */
  changes?(write: PlanStep, step: PlanStep, sameWorkspace: boolean): boolean;
  /** Present for the kinds `pfnet destroy` removes (what pfnet created): how its reasons name a node. */
  destroy?: { label(identity: Record<string, unknown>): string };
}
