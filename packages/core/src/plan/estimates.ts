/**
 * Azure-time estimates of plan steps: the figures, and the two shapes a kind's `estimate` takes
 * (a duration range, or one wait). Each kind says which applies to its steps (`kinds/<kind>.ts`).
 */
import type { Estimate } from "../kinds/contract.js";
import type { ActualResource } from "../model.js";
import type { PlanWait } from "./types.js";

/** Azure-time estimates (seconds) used in plans. */
export const ESTIMATES = {
  provisioning: 1800,
  firstFqdnRule: 600,
  /** Rules written to a network that is already Active settling (assumed; no documented figure). */
  ruleActivation: 120,
  rolePropagation: 600,
  approval: 120,
} as const;

// Module-level (not per call): plans estimate thousands of steps.
export function range(min: number, max: number): Estimate {
  return { estimatedSeconds: { min, max } };
}

/** A step that is mostly one wait: it takes at least `min`, at most the whole wait. */
export function oneWait(min: number, wait: PlanWait): Estimate {
  return { estimatedSeconds: { min, max: wait.expectedSeconds }, waits: [wait] };
}

/** A delete of a resource pfnet manages (outbound rules take longer: `range(10, 120)`). */
export const deleting = (): Estimate => range(5, 120);

/** The wait for the Azure Firewall that the first FQDN rule of a workspace brings. */
export const FIREWALL_WAIT: PlanWait = {
  kind: "firewall",
  label: "creating the Azure Firewall for the first FQDN rule",
  expectedSeconds: ESTIMATES.firstFqdnRule,
};

export const isActive = (network: ActualResource | undefined) =>
  network?.exists === true && network.properties.status === "Active";
