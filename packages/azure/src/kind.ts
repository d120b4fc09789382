/**
 * What each module of `kinds/` gives the provider for its resource kind: how to read a node of
 * the kind (through the shared `ReadSession` and its caches) and how to apply a step of it
 * (through the shared `StepEnv`: clients, retry, waits), and which actions a step of it performs
 * where (`requiredActions`, for the permissions check before apply). `AZURE_KINDS` (kinds/index.ts) lists one
 * per `ResourceKind`, so a kind without its module does not compile.
 */
import type {
  ActualResource,
  DiscoveredResource,
  PlanStep,
  ResourceKind,
  ResourceNode,
  StepResult,
} from "@pfnet/core";
import type { ReadSession } from "./read.js";
import type { StepEnv } from "./steps.js";

/** Actions the caller performs on one scope (an ARM id: a resource, or a resource group). */
export interface RequiredActions {
  scope: string;
  actions: string[];
}

export interface AzureKind<K extends ResourceKind> {
  readonly kind: K;
  /** The node as Azure holds it, normalised to the kind's desired-property shape. */
  read(session: ReadSession, node: ResourceNode<K>): Promise<ActualResource>;
  /**
   * Resources of the kind that no node names and pfnet leaves alone, read after every node of
   * one read call (the nodes tell which workspaces to look at).
   */
  discover?(session: ReadSession, nodes: readonly ResourceNode[]): Promise<DiscoveredResource[]>;
  /**
   * The actions a step of the kind performs and the scope of each (ARM ids), for the permissions
   * check before apply (permissions.ts): what the caller must hold for `apply` to succeed. Reads
   * through `session` only what it needs (e.g. the workspace's storage account).
   */
  requiredActions?(session: ReadSession, step: PlanStep): Promise<RequiredActions[]>;
  /** Bring Azure to the step's `after` (waits included); see steps.ts for the contract. */
  apply(env: StepEnv, step: PlanStep): Promise<StepResult>;
}
