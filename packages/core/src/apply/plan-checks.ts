/** The checks of a plan and of apply's options that need no read: they run before anything else. */
import { PfnetError } from "../errors.js";
import { PLAN_FORMAT_VERSION, type Plan } from "../plan/types.js";
import { type ApplyOptions, DEFAULT_CONCURRENCY } from "./options.js";

export function checkVersion(plan: Plan): void {
  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new PfnetError(
      "PLAN_INVALID",
      `The plan has format version ${String(plan.formatVersion)}; this pfnet applies version ${PLAN_FORMAT_VERSION}. Run \`pfnet plan\` again.`,
    );
  }
}

export function checkPlanShape(plan: Plan): void {
  const addresses = new Set<string>();
  for (const step of plan.steps) {
    if (addresses.has(step.address))
      throw new PfnetError(
        "PLAN_INVALID",
        `The plan lists step ${step.address} twice. Run \`pfnet plan\` again.`,
      );
    addresses.add(step.address);
  }
  for (const step of plan.steps) {
    for (const dependency of step.dependsOn) {
      if (!addresses.has(dependency)) {
        throw new PfnetError(
          "PLAN_INVALID",
          `Step ${step.address} depends on ${dependency}, which is not in the plan. Run \`pfnet plan\` again.`,
        );
      }
    }
  }
}

export function checkOptions(options: ApplyOptions): void {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new PfnetError(
      "INVALID_ARGUMENT",
      `concurrency must be a positive integer, got ${String(concurrency)}.`,
    );
  }
}
