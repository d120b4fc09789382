/**
 * The Provider port. Core defines it; `@pfnet/azure` implements it against Azure and
 * `@pfnet/core/testing` in memory. Contracts:
 * - `read` never writes. It returns an entry for every address asked (exists: false when absent).
 * - `apply` executes exactly one plan step and resolves when its effect is in place (waits
 *   included). It resolves `{ outcome: "pendingApproval" }` when a human must act, and throws a
 *   `PfnetError` on failure. A step that throws may have partly happened; the next plan reads
 *   actual state and reconciles.
 * - Every method honours `signal` and reports progress through `emit`.
 */
import type { PendingApproval, PfnetEventInput } from "./events.js";
import type { ActualResource, DiscoveredResource, ResourceNode } from "./model.js";
import type { PlanStep } from "./plan/types.js";

export interface ProviderContext {
  signal: AbortSignal;
  /** Emit progress/retry events; `sequence` and `time` are filled in by the engine. */
  emit: (event: PfnetEventInput) => void;
}

export interface ReadResult {
  /** One entry per requested address. */
  resources: Record<string, ActualResource>;
  /** Resources found that no requested node names (e.g. user-defined rules not in the spec). */
  discovered: DiscoveredResource[];
}

export type StepResult = { outcome: "succeeded" } | { outcome: "pendingApproval"; pending: PendingApproval };

export interface Provider {
  /** Short name recorded in plans, e.g. `azure` or `memory`. */
  readonly name: string;
  read(nodes: readonly ResourceNode[], context: ProviderContext): Promise<ReadResult>;
  apply(step: PlanStep, context: ProviderContext): Promise<StepResult>;
}
