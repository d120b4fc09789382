/** The end of an apply: one line per outcome, root-cause errors, and what to do about pending approvals. */
import { type AppliedStep, countOutcomes, type StepOutcome } from "@pfnet/core";
import { elapsed, plural } from "../format.js";
import type { Style } from "../style.js";

/** The parts of core's ApplyResult the CLI shows. */
export interface ApplyResultView {
  steps: readonly AppliedStep[];
  outcomes: Record<StepOutcome, number>;
  durationMs: number;
}

export interface RenderResultOptions {
  /** Steps whose write Azure accepted (a long-running operation under way): cancelled, they go on in Azure. */
  accepted?: ReadonlySet<string>;
}

/** What a cancelled step means: stopped before Azure had it, or started there and going on. */
export const STARTED_IN_AZURE = "started in Azure — the next plan shows its state";

export function renderApplyResult(
  result: ApplyResultView,
  style: Style,
  options: RenderResultOptions = {},
): string {
  const changing = result.steps.filter((step) => step.action !== "noop" || step.outcome !== "succeeded");
  const counts = countOutcomes(changing);
  const count = (outcome: StepOutcome) => counts[outcome];
  const started = changing.filter(
    (step) => step.outcome === "cancelled" && options.accepted?.has(step.address) === true,
  );
  const out: string[] = [];
  const failed = count("failed");
  const pending = count("pendingApproval");
  const cancelled = count("cancelled");
  const headline =
    failed > 0
      ? style.red(style.bold("Apply failed."))
      : cancelled > 0
        ? style.red(style.bold("Apply interrupted."))
        : pending > 0
          ? style.yellow(style.bold("Apply finished; some private endpoints wait for approval."))
          : style.green(style.bold("Apply complete."));
  out.push(`${headline} ${style.dim(`(${elapsed(result.durationMs)})`)}`);
  out.push(
    `  ${count("succeeded")} succeeded, ${failed} failed, ${count("skipped")} skipped, ${pending} pending approval, ${cancelled} cancelled${started.length > 0 ? ` (${started.length} of them ${STARTED_IN_AZURE})` : ""}.`,
  );

  const errors = changing.filter((step) => step.outcome === "failed");
  if (errors.length > 0) {
    out.push("");
    out.push(style.red(`${plural(errors.length, "step")} failed:`));
    for (const step of errors) {
      out.push(
        `  ${step.address}: ${step.error?.message ?? "failed"}${step.error ? style.dim(` [${step.error.code}]`) : ""}`,
      );
      if (step.error?.hint) out.push(`    hint: ${step.error.hint}`);
    }
  }
  const skipped = changing.filter((step) => step.outcome === "skipped");
  if (skipped.length > 0) {
    out.push("");
    out.push(`${plural(skipped.length, "step")} skipped because a step they depend on did not succeed:`);
    for (const step of skipped) {
      out.push(`  ${step.address}${step.skippedBecause ? style.dim(` (after ${step.skippedBecause})`) : ""}`);
    }
  }
  const waiting = changing.filter((step) => step.outcome === "pendingApproval");
  if (waiting.length > 0) {
    out.push("");
    out.push(style.yellow(`${plural(waiting.length, "private-endpoint connection")} pending approval:`));
    for (const step of waiting) {
      out.push(`  ${step.address}`);
      if (step.pending) {
        if (step.pending.connectionId) out.push(`    connection: ${step.pending.connectionId}`);
        out.push(`    to do:      ${step.pending.action}`);
        out.push(`    needs:      ${step.pending.permission}`);
        for (const c of step.pending.candidates ?? []) {
          out.push(`    candidate:  ${c.id}`);
          out.push(
            style.dim(
              `                private endpoint ${c.privateEndpointId}; state ${c.state || "-"}; group ${c.groupIds.join(", ") || "-"}; description ${c.description ? JSON.stringify(c.description) : "-"}`,
            ),
          );
        }
      }
    }
    out.push(
      "  Ask the owner of each service to approve the connection (or grant the permission above), then run",
      "  `pfnet apply` again: it finds the approved connections and finishes the remaining steps.",
    );
  }
  if (started.length > 0) {
    out.push("");
    out.push(`${plural(started.length, "step")} ${STARTED_IN_AZURE}:`);
    for (const step of started) out.push(`  ${step.address}`);
  }
  if (cancelled > started.length) {
    out.push("");
    out.push(
      started.length > 0
        ? "The other cancelled steps stopped before Azure accepted their writes. Run `pfnet plan` to see where things stand."
        : "Cancelled steps stopped before Azure accepted their writes; one in flight may still have reached it. Run `pfnet plan` to see where things stand.",
    );
  }
  return `${out.join("\n")}\n`;
}
