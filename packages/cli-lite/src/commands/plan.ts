/** `pfnet plan <spec>`: read Azure, print what apply would do; optionally save it. */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { planHasChanges, serializePlan } from "@pfnet/core";
import { CliError, EXIT } from "../errors.js";
import { describeFsError } from "../provider.js";
import { renderPlan } from "../render/plan.js";
import { type CommandContext, planProgress, planSpecText, readInput } from "./context.js";

export async function runPlan(ctx: CommandContext): Promise<number> {
  const { flags, io } = ctx;
  const planned = await planSpecText(ctx, await readInput(ctx), flags.json ? undefined : planProgress(ctx));
  const thePlan = planned.plan;

  if (flags.out !== undefined) {
    try {
      await writeFile(resolve(io.cwd, flags.out), serializePlan(thePlan), "utf8");
    } catch (error) {
      throw new CliError(`Cannot write the plan to '${flags.out}': ${describeFsError(error)}.`);
    }
  }
  if (flags.json) {
    io.stdout.write(serializePlan(thePlan));
  } else {
    io.stdout.write(renderPlan(thePlan, ctx.out, { notes: planned.notes }));
    if (flags.out !== undefined) {
      io.stdout.write(
        `\nSaved the plan to ${flags.out}. To perform exactly these actions, run:\n  pfnet apply ${flags.out}\n`,
      );
    }
  }
  return flags.detailedExitcode && planHasChanges(thePlan) ? EXIT.changes : EXIT.ok;
}
