/** `pfnet plan <spec>`: read Azure, print what apply would do; optionally save it. */
import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { planHasChanges, serializePlan } from "@pfnet/core";
import { CliError, EXIT } from "../errors.js";
import { createProvider, describeFsError, providerSettings } from "../provider.js";
import { renderPlan } from "../render/plan.js";
import {
  type CommandContext,
  loadValidSpec,
  makePlan,
  planNotes,
  planProgress,
  readInput,
} from "./context.js";

export async function runPlan(ctx: CommandContext): Promise<number> {
  const text = await readInput(ctx);
  const { spec, specSubscription } = loadValidSpec(text, ctx);
  const provider = await createProvider(await providerSettings(ctx.flags, ctx.io), ctx.io, ctx.internals);
  const thePlan = await makePlan(ctx, spec, provider, ctx.flags.json ? undefined : planProgress(ctx));

  if (ctx.flags.out !== undefined) {
    const target = resolve(ctx.io.cwd, ctx.flags.out);
    try {
      await writeFile(target, serializePlan(thePlan), "utf8");
    } catch (error) {
      throw new CliError(`Cannot write the plan to '${ctx.flags.out}': ${describeFsError(error)}.`);
    }
  }
  if (ctx.flags.json) {
    ctx.io.stdout.write(`${serializePlan(thePlan)}\n`);
  } else {
    ctx.io.stdout.write(renderPlan(thePlan, ctx.out, { notes: planNotes(ctx, specSubscription) }));
    if (ctx.flags.out !== undefined) {
      ctx.io.stdout.write(
        `\nSaved the plan to ${ctx.flags.out}. To perform exactly these actions, run:\n  pfnet apply ${ctx.flags.out}\n`,
      );
    }
  }
  return ctx.flags.detailedExitcode && planHasChanges(thePlan) ? EXIT.changes : EXIT.ok;
}
