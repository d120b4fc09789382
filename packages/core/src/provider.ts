/**
 * The Provider port. Core defines it; `@pfnet/azure` implements it against Azure and
 * `@pfnet/core/testing` in memory. Contracts:
 * - `read` never writes. It returns an entry for every address asked (exists: false when absent).
 *   With `context.resourcesOnly` it may leave `discovered` empty and omit the facts only
 *   plan-time state rules read (the caller uses neither).
 * - `apply` executes exactly one plan step and resolves when its effect is in place (waits
 *   included). It resolves `{ outcome: "pendingApproval" }` when a human must act, and throws a
 *   `PfnetError` on failure. A step that throws may have partly happened; the next plan reads
 *   actual state and reconciles.
 * - Every method honours `signal` and reports progress through `emit`.
 * - When apply runs with a state backend, `context.journal` is the step's journal: before
 *   sending a request that starts a long-running operation a provider awaits
 *   `journal.intent(operation)`, once Azure accepted it `journal.started(operation, handle)`; and
 *   when `journal.unfinished` names an operation an earlier apply started (or was about to) and
 *   never saw end, it re-attaches to it (polls the handle, or finds it under way in what it
 *   reads) instead of starting another. Providers without long-running operations ignore it.
 * - `apply` runs waits that send nothing (sleeps between polls, back-offs) through
 *   `context.idle` when given, so that a step waiting on Azure does not hold a slot.
 */

import type { DiagnosisFinding } from "./diagnosis/verify.js";
import type { PendingApproval, PfnetEventInput } from "./events.js";
import type {
  ActualResource,
  DiscoveredResource,
  ResourceNode,
  RoleAssignmentSeen,
  WorkspaceRef,
} from "./model.js";
import type { PlanStep } from "./plan/types.js";

export interface ProviderContext {
  signal: AbortSignal;
  /** Emit progress/retry events; `sequence` and `time` are filled in by the engine. */
  emit: (event: PfnetEventInput) => void;
  /** The step's journal, when apply runs with a state backend (see the contracts above). */
  journal?: StepJournal;
  /**
   * Run an Azure-side wait — a sleep between polls of an operation, a back-off, waiting out role
   * propagation or an approval — without holding one of apply's concurrency slots; the step
   * keeps its lane, and gets a slot back before `idle` resolves. Concurrency bounds work in
   * flight, not waits. Absent outside `apply` (e.g. a read, or a test calling the provider
   * directly): then just run `wait`.
   */
  idle?: <T>(wait: () => Promise<T>) => Promise<T>;
  /**
   * True when, by core's one re-read rule (`rereadReason`, apply/freshness.ts), what apply read
   * up front for this step is still what Azure holds — the step's `before` — so the provider may
   * write without reading the resource first (a retry after a failed attempt reads again).
   * False or absent: read before writing.
   */
  fresh?: boolean;
  /**
   * For `read`: true when the caller uses only `resources` and runs no plan-time state rule on
   * them (apply's up-front stale check and its re-reads before a write, `outputs`), so the
   * provider may skip discovery and return `discovered: []` — requests that would list what no
   * node names — and leave out facts only those rules read (a workspace's `computes`,
   * `computePlacement` and `onlineEndpoints`, never part of a fingerprint). Absent: discover and
   * read them as usual.
   */
  resourcesOnly?: boolean;
  /**
   * One object that every read-only call of one `plan` (its `read`, `listRoleAssignments`, …)
   * carries: a provider may answer calls with the same `snapshot` from what it already read for
   * it (e.g. one role-assignment list per storage account) instead of asking again. Absent: each
   * call reads afresh.
   */
  snapshot?: object;
}

/** An operation an earlier apply announced or started for this step and never saw end. */
export interface UnfinishedOperation {
  /** What the provider called it in `intent`, e.g. `provisionManagedNetwork`. */
  operation: string;
  /** ISO time of the intent record. */
  announcedAt: string;
  /** The handle (Location / Azure-AsyncOperation URL); absent when the apply died before it came. */
  url?: string;
  /** ISO time Azure accepted the operation. */
  startedAt?: string;
}

export interface StepJournal {
  readonly unfinished?: UnfinishedOperation;
  /** Record, before sending it, that the step is about to start `operation` (write-ahead). */
  intent(operation: string): Promise<void>;
  /** Record the handle of the operation Azure accepted. */
  started(operation: string, handle: { url: string; startedAt?: string }): Promise<void>;
}

export interface ReadResult {
  /** One entry per requested address. */
  resources: Record<string, ActualResource>;
  /** Resources found that no requested node names (e.g. user-defined rules not in the spec). */
  discovered: DiscoveredResource[];
}

export type StepResult = { outcome: "succeeded" } | { outcome: "pendingApproval"; pending: PendingApproval };

/** A resource group, the scope `inventory` lists. */
export interface ResourceGroupScope {
  subscriptionId: string;
  resourceGroup: string;
}

/**
 * What exists in one resource group that a spec can describe (`importTopology`). Read-only, like
 * `read`; everything else import needs it reads through `read` with nodes it builds.
 */
export interface Inventory {
  /** The Machine Learning workspaces of the group, with their region and online endpoint names. */
  workspaces: Array<{ name: string; location?: string; onlineEndpoints: string[] }>;
  /** The private endpoints of the group (own-VNet workspaces reach services through them). */
  privateEndpoints: Array<{ name: string; id: string; subnetId: string; targetId: string; groupId: string }>;
  /** The network security groups of the group, with the names of their security rules. */
  networkSecurityGroups: Array<{ id: string; ruleNames: string[] }>;
}

/**
 * A host an own-VNet workspace must reach outbound, as the workspace reports it (Azure:
 * `Workspaces_ListOutboundNetworkDependenciesEndpoints`): what the user's firewall must allow.
 */
export interface OutboundDependency {
  /** Azure's grouping, e.g. `Azure Active Directory`. */
  category: string;
  domainName: string;
  /** TCP ports (the list says no protocol; empty when it names none). */
  ports: number[];
}

/**
 * How other virtual networks reach an own-VNet workspace's VNet (Azure: its virtual network
 * peerings, and the workspace's private endpoints): what the AKS placement rule (PFN222) judges.
 */
export interface NetworkLinks {
  /**
   * Ids of the virtual networks the workspace's VNet is peered with (peering connected), or of the
   * remote subnets when a peering joins only some subnets.
   */
  peered: string[];
  /** Ids of the virtual networks holding an approved private endpoint of the workspace. */
  privateEndpointNetworks: string[];
}

/**
 * What the caller (the credential a provider runs as) lacks for one planned write: the actions
 * (e.g. `Microsoft.Authorization/roleAssignments/write`) it may not perform on `scope`.
 */
export interface PermissionGap {
  /** Address of the step that needs the actions. */
  step: string;
  /** ARM id of the scope the actions are performed on (a resource or a resource group). */
  scope: string;
  /** The actions the caller lacks there, in the step's order. */
  actions: string[];
}

export interface Provider {
  /** Short name recorded in plans, e.g. `azure` or `memory`. */
  readonly name: string;
  read(nodes: readonly ResourceNode[], context: ProviderContext): Promise<ReadResult>;
  apply(step: PlanStep, context: ProviderContext): Promise<StepResult>;
  /** Optional, for `importTopology`: list what exists in a resource group. Never writes. */
  inventory?(scope: ResourceGroupScope, context: ProviderContext): Promise<Inventory>;
  /**
   * Optional, for the posture report: every role assignment made at `scope` or at a scope above
   * it (resource group, subscription, management group), in one paged list. `plan` calls it once
   * per workspace storage account; without it the report says role assignments were not read.
   * Never writes.
   */
  listRoleAssignments?(scope: string, context: ProviderContext): Promise<RoleAssignmentSeen[]>;
  /**
   * Optional, for the posture report of own-VNet workspaces: the outbound dependencies the
   * existing workspace reports. `plan` calls it once per existing own-VNet workspace; without it
   * the report lists none. Never writes.
   */
  listOutboundDependencies?(workspace: WorkspaceRef, context: ProviderContext): Promise<OutboundDependency[]>;
  /**
   * Optional, for the AKS placement rule (PFN222): how other virtual networks reach `vnetId`, the
   * existing own-VNet workspace's VNet. `plan` calls it only for a workspace deploying to an AKS
   * cluster outside that VNet; without it the rule is not judged. Never writes.
   */
  networkLinks?(workspace: WorkspaceRef, vnetId: string, context: ProviderContext): Promise<NetworkLinks>;
  /**
   * Optional, for `verify` and the end of `apply`: the cloud's own diagnosis of a workspace's
   * setup (Azure: `Workspaces_Diagnose`), every finding of every check. Never changes anything;
   * throws `WORKSPACE_NOT_FOUND` when the workspace does not exist.
   */
  diagnose?(workspace: WorkspaceRef, context: ProviderContext): Promise<DiagnosisFinding[]>;
  /**
   * Optional, for `plan`'s permissions check (PFN216): of the actions `steps` (the plan's writes)
   * perform, those the caller may not perform, by step and scope. A scope whose permissions cannot
   * be read (e.g. it does not exist yet) is unknown and yields no gap. Never writes.
   */
  missingPermissions?(steps: readonly PlanStep[], context: ProviderContext): Promise<PermissionGap[]>;
}
