/** `pfnet plan <spec>`: read Azure, print what apply would do; optionally save it. */
import { stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { planHasChanges, serializePlan } from "@pfnet/core";
import { CliError, CliUsageError, EXIT } from "../errors.js";
import { describeFsError } from "../provider.js";
import { renderPlan } from "../render/plan.js";
import { type CommandContext, planProgress, planSpecText, readInput } from "./context.js";
import { planKeyOf } from "./plan-key.js";
import { refuseSavedPlan } from "./saved-plan.js";

export async function runPlan(ctx: CommandContext): Promise<number> {
  const { flags, io } = ctx;
  const markdown = flags.format === "markdown";
  if (markdown && ctx.json)
    throw new CliUsageError("--format markdown and --json are two outputs; choose one");
  // Where the plan goes is checked before Azure is read: a typo must not cost a whole plan.
  if (flags.out !== undefined) await checkOutFile(resolve(io.cwd, flags.out), flags.out);
  const text = await readInput(ctx);
  refuseSavedPlan(text, ctx.input, "plan");
  // A missing key file, too, fails before Azure is read.
  const planKey = await planKeyOf(ctx);
  const planned = await planSpecText(ctx, text, planProgress(ctx));
  const thePlan = planned.plan;
  const fileText = serializePlan(thePlan, planKey === undefined ? {} : { planKey });

  if (flags.out !== undefined) {
    try {
      await writeFile(resolve(io.cwd, flags.out), fileText, "utf8");
    } catch (error) {
      throw new CliError(
        `Cannot write the plan to '${flags.out}': ${describeFsError(error)}.`,
        "Check that the folder exists and is writable.",
        "FILE_UNWRITABLE",
      );
    }
  }
  if (ctx.json) {
    ctx.json.diagnostics(thePlan.diagnostics);
    ctx.json.line("plan", { plan: JSON.parse(fileText) });
    const changes = thePlan.steps.filter((step) => step.action !== "noop").length;
    ctx.json.resultFields({ changes, summary: thePlan.summary });
  } else if (markdown) {
    const { renderPlanMarkdown } = await import("../render/markdown.js");
    io.stdout.write(renderPlanMarkdown(thePlan, { notes: planned.notes, spec: ctx.input }));
  } else {
    io.stdout.write(
      renderPlan(thePlan, ctx.out, { notes: planned.notes, ...(planned.spec ? { spec: planned.spec } : {}) }),
    );
    if (flags.out !== undefined) {
      io.stdout.write(
        `\nSaved the plan to ${flags.out}${planKey === undefined ? "" : " (signed)"}. To perform exactly these actions, run:\n  pfnet apply ${flags.out}\n`,
      );
    }
  }
  return flags.detailedExitcode && planHasChanges(thePlan) ? EXIT.changes : EXIT.ok;
}

/** The folder of `--out` exists and `--out` itself is not a folder. */
async function checkOutFile(file: string, given: string): Promise<void> {
  const folder = dirname(file);
  const kind = async (path: string) => {
    try {
      return (await stat(path)).isDirectory() ? "folder" : "file";
    } catch {
      return "missing";
    }
  };
  const folderKind = await kind(folder);
  if (folderKind !== "folder") {
    throw new CliError(
      `Cannot write the plan to '${given}': ${folderKind === "missing" ? `the folder '${dirname(given)}' does not exist` : `'${dirname(given)}' is a file, not a folder`}. Nothing was read or changed.`,
      "Create the folder first, or pass --out a path in an existing folder.",
      "FILE_UNWRITABLE",
    );
  }
  if ((await kind(file)) === "folder") {
    throw new CliError(
      `Cannot write the plan to '${given}': it is a folder. Nothing was read or changed.`,
      "Pass --out a file name, e.g. --out plan.json.",
      "FILE_UNWRITABLE",
    );
  }
}
