/**
 * The plan: plain, versioned JSON. `apply` is driven only by it; human fields (`reason`) are
 * display only and never steer apply.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { DiscoveredResource, ResourceKind } from "../model.js";

export const PLAN_FORMAT_VERSION = 1;

export type PlanAction = "create" | "update" | "delete" | "replace" | "provision" | "approve" | "noop";

/** A wait a step includes: shown in plans as an estimate, reported in progress events. */
export interface PlanWait {
  kind: "provisioning" | "propagation" | "approval" | "firewall";
  /** Human label, e.g. "provisioning the managed network". Display only. */
  label: string;
  /** Expected duration in seconds of Azure time (before any emulator time scale). */
  expectedSeconds: number;
}

export interface PlanStep {
  address: string;
  kind: ResourceKind;
  action: PlanAction;
  /** The node identity (how the provider finds the resource). */
  identity: Record<string, unknown>;
  /** Actual properties (null when absent). */
  before: Record<string, unknown> | null;
  /** Desired properties (null for delete). */
  after: Record<string, unknown> | null;
  /** JSON pointers of the properties that differ, e.g. `/publicNetworkAccess`. */
  changedPaths: string[];
  /** Why this step exists, in words. Display only. */
  reason: string;
  dependsOn: string[];
  lane?: string;
  /** Estimated duration range in seconds (Azure time). */
  estimatedSeconds?: { min: number; max: number };
  waits?: PlanWait[];
  /**
   * Check the step's fingerprint against a fresh read right before its write. False for steps
   * whose resource an earlier step of this plan is expected to change (e.g. an approval after
   * provisioning).
   */
  guard: boolean;
}

export interface Plan {
  formatVersion: typeof PLAN_FORMAT_VERSION;
  /** sha256 of the canonical JSON of the validated spec. */
  specHash: string;
  /** Name of the provider the plan was made with (e.g. `azure`, `memory`). */
  provider: string;
  steps: PlanStep[];
  diagnostics: Diagnostic[];
  /** Fingerprint of every resource read while planning, by address. */
  fingerprints: Record<string, string>;
  /** Resources found that the spec does not list and that pfnet leaves alone. */
  unmanaged: DiscoveredResource[];
  summary: Record<PlanAction, number>;
}

/** True when applying the plan would change nothing. */
export function planHasChanges(plan: Plan): boolean {
  return plan.steps.some((step) => step.action !== "noop");
}
