/**
 * `pfnet apply <spec | saved plan>`: plan (or load the saved plan), show it, confirm, apply,
 * report. A saved plan is recognised by its content (JSON with `formatVersion` and `steps`).
 */
import {
  apply,
  isPfnetError,
  type PfnetEvent,
  planHasChanges,
  refuseUnconsentedWeakening,
  serializePlan,
  weakeningsOf,
} from "@pfnet/core";
import { CliError, CliUsageError, EXIT } from "../errors.js";
import { confirm } from "../prompt.js";
import { renderPlan } from "../render/plan.js";
import { ProgressReporter } from "../render/progress.js";
import { renderApplyResult } from "../render/result.js";
import { diagnosisStarted, renderVerification } from "../render/verification.js";
import { canRedraw } from "../style.js";
import {
  type CommandContext,
  type PlannedSpec,
  planProgress,
  planSpecText,
  providerFor,
  readInput,
} from "./context.js";
import { checkSavedPlan, looksLikeSavedPlan, parseSavedPlan } from "./saved-plan.js";
import { ciWarning, stateBackendFor } from "./state.js";

/** A saved plan, parsed and verified before anything else: a refused file needs no credentials. */
async function loadSavedPlan(ctx: CommandContext, text: string): Promise<PlannedSpec> {
  const plan = parseSavedPlan(text, ctx.input);
  const note = await checkSavedPlan(ctx, plan);
  return { plan, provider: await providerFor(ctx), notes: [note] };
}

/** `pfnet destroy <spec>`: apply's flow with a destroy plan (context.ts plans it in destroy mode; the plan says what stays). */
export async function runDestroy(ctx: CommandContext): Promise<number> {
  return runApply(ctx);
}

export async function runApply(ctx: CommandContext): Promise<number> {
  const { flags, io } = ctx;
  const destroying = ctx.command === "destroy";
  if (flags.json && !flags.autoApprove) {
    throw new CliUsageError("--json needs --auto-approve: there is no confirmation prompt in JSON mode");
  }
  const text = await readInput(ctx);
  const saved = looksLikeSavedPlan(text);
  if (saved && destroying) {
    throw new CliUsageError(
      "pfnet destroy takes a spec; apply a saved destroy plan (`pfnet plan --destroy --out FILE`) with `pfnet apply FILE`",
    );
  }
  if (saved && flags.target !== undefined) {
    throw new CliUsageError(
      "--target applies to specs only; make a targeted plan with `pfnet plan --target ... --out FILE`",
    );
  }
  if (saved && flags.subscription !== undefined && flags.spec === undefined) {
    throw new CliUsageError(
      "--subscription applies to specs only; a saved plan already names the subscription of every resource (with --spec, it says how the plan was made from that spec)",
    );
  }
  if (saved && flags.strict === true) {
    throw new CliUsageError(
      "--strict applies when planning: run `pfnet plan --strict --out FILE` in the plan job (apply never acts on a saved plan's posture report)",
    );
  }
  if (!saved && (flags.spec !== undefined || flags.trustPlanFile || flags.planKeyFile !== undefined)) {
    throw new CliUsageError(
      "--spec, --plan-key-file and --trust-plan-file apply to saved plans only; a spec is planned and applied in one go",
    );
  }

  // A saved plan is parsed before anything else: a damaged file needs no credentials to be refused.
  const {
    plan: thePlan,
    provider,
    notes,
    spec,
  }: PlannedSpec = saved ? await loadSavedPlan(ctx, text) : await planSpecText(ctx, text, planProgress(ctx));

  const shownPlan = () => renderPlan(thePlan, ctx.out, { notes, ...(spec ? { spec } : {}) });
  // A saved plan is shown once apply has checked it is not stale (with or without a prompt): a
  // plan already applied is refused without printing all of it, or asking, first.
  const deferPlan = saved && planHasChanges(thePlan);
  if (ctx.json) {
    ctx.json.diagnostics(thePlan.diagnostics);
    ctx.json.line("plan", { plan: JSON.parse(serializePlan(thePlan)) });
  } else if (!deferPlan) {
    io.stdout.write(shownPlan());
  }
  if (!planHasChanges(thePlan)) return EXIT.ok;
  // Before the confirmation: consent to weakening is a flag, not a "yes" typed in passing.
  refuseUnconsentedWeakening(weakeningsOf(thePlan.steps), flags.allowWeaken === true);

  const interactive = !flags.autoApprove;
  if (interactive && (!io.stdin || !ctx.tty.stdin)) {
    throw new CliError(
      `pfnet ${ctx.command} needs a confirmation, but stdin is not a terminal. Nothing was changed.`,
      "Review the plan, then run again with --auto-approve (for CI: `pfnet plan --out plan.json`, review, `pfnet apply --auto-approve plan.json`).",
      "CONFIRMATION_REQUIRED",
    );
  }
  const newProgress = () =>
    ctx.json
      ? undefined
      : new ProgressReporter({
          sink: io.stderr,
          style: ctx.err,
          live: canRedraw(io.env, ctx.tty.stderr),
          ...(io.columns === undefined ? {} : { columns: io.columns }),
          ...(ctx.internals.progressIntervalMs === undefined
            ? {}
            : { intervalMs: ctx.internals.progressIntervalMs }),
        });
  // The live progress starts once confirmed: it must not redraw over the prompt.
  let progress = interactive ? undefined : newProgress();
  // Apply asks once its checks (locks, the stale check, consent) have passed; what it reports
  // before the answer is shown after it, so the prompt stands alone.
  let confirmed = !interactive;
  const beforeAnswer: PfnetEvent[] = [];
  const askToConfirm = async (_plan: unknown, { signal }: { signal: AbortSignal }) => {
    if (deferPlan) io.stdout.write(shownPlan());
    const approved = await confirm(
      `\n${ctx.out.bold("Do you want to perform these actions?")}\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: `,
      io.stdin!,
      io.stdout,
      signal,
    );
    if (!approved) return false;
    io.stdout.write("\n");
    confirmed = true;
    progress = newProgress();
    for (const event of beforeAnswer.splice(0)) onEvent(event);
    return true;
  };

  const state = await stateBackendFor(ctx);
  const warning = ciWarning(ctx, state);
  if (warning) io.stderr.write(`${ctx.err.yellow(warning)}\n`);
  // Steps whose write Azure accepted (they report waiting on its long-running operation): if the
  // apply is interrupted, they go on in Azure.
  const accepted = new Set<string>();
  const running = new Set<string>();
  const onEvent = (event: PfnetEvent): void => {
    if (!confirmed) {
      beforeAnswer.push(event);
      return;
    }
    if (event.type === "apply.started" && deferPlan && !interactive && !ctx.json)
      io.stdout.write(`${shownPlan()}\n`);
    if (event.type === "step.started" && event.action !== "noop") running.add(event.address);
    if (event.type === "step.finished") running.delete(event.address);
    if (event.type === "step.progress" && event.wait) accepted.add(event.address);
    // The live line stopped at apply.finished: the diagnosis says what it does on its own line.
    if (event.type === "verify.started" && !ctx.json)
      io.stderr.write(diagnosisStarted(event.workspace, ctx.err));
    if (progress) progress.onEvent(event);
    else ctx.json?.event(event);
  };
  const onInterrupt = () => {
    if (ctx.json) return;
    progress?.stop();
    io.stderr.write(
      running.size > 0
        ? `\nInterrupted: waiting for ${running.size === 1 ? "the running step" : `the ${running.size} running steps`} to stop (Ctrl-C again to quit now)...\n`
        : "\nInterrupted.\n",
    );
  };
  ctx.signal.addEventListener("abort", onInterrupt, { once: true });
  let result: Awaited<ReturnType<typeof apply>>;
  try {
    result = await apply(thePlan, provider, {
      signal: ctx.signal,
      allowWeaken: flags.allowWeaken === true,
      state,
      ...(flags.concurrency === undefined ? {} : { concurrency: flags.concurrency }),
      ...(interactive ? { confirm: askToConfirm } : {}),
      ...(flags.skipVerify === true ? { verify: false } : {}),
      onEvent,
    });
  } catch (error) {
    // Declined, or Ctrl-C before the answer: nothing was written.
    const unanswered = !confirmed && isPfnetError(error) && error.code === "ABORTED";
    if (!isPfnetError(error) || (error.code !== "APPLY_DECLINED" && !unanswered)) throw error;
    io.stdout.write(`\n${destroying ? "Destroy" : "Apply"} cancelled. Nothing was changed.\n`);
    return EXIT.error;
  } finally {
    ctx.signal.removeEventListener("abort", onInterrupt);
    progress?.stop();
  }
  const { verification } = result;
  if (ctx.json) {
    if (verification) ctx.json.line("verification", { verification });
    ctx.json.resultFields({ outcomes: result.outcomes });
  } else {
    io.stdout.write(`\n${renderApplyResult(result, ctx.out, { accepted })}`);
    if (verification) io.stdout.write(`\n${renderVerification(verification, ctx.out)}`);
  }
  if (result.outcomes.failed > 0 || result.outcomes.cancelled > 0) return EXIT.error;
  // Every step succeeded, yet Azure says the setup does not work: not done.
  if (verification && verification.errors > 0) return EXIT.error;
  if (result.outcomes.pendingApproval > 0) return EXIT.pendingApproval;
  return EXIT.ok;
}
