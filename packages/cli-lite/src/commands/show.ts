/**
 * `pfnet show <plan file>`: a saved plan as `pfnet plan` printed it, or its JSON. Offline: the
 * file is checked (checksum, format) and rendered; Azure is not read.
 */
import { serializePlan } from "@pfnet/core";
import { CliError, EXIT } from "../errors.js";
import { renderPlan } from "../render/plan.js";
import { type CommandContext, readInput } from "./context.js";
import { looksLikeSavedPlan, parseSavedPlan } from "./saved-plan.js";

export async function runShow(ctx: CommandContext): Promise<number> {
  const text = await readInput(ctx);
  if (!looksLikeSavedPlan(text)) {
    throw new CliError(
      `${ctx.input} is not a saved plan (no JSON with formatVersion and steps).`,
      `Save one with \`pfnet plan <spec> --out FILE\`, then \`pfnet show FILE\`. To see what a spec would change, run \`pfnet plan ${ctx.input}\`.`,
    );
  }
  const saved = parseSavedPlan(text, ctx.input);
  if (ctx.json) {
    ctx.json.diagnostics(saved.diagnostics);
    ctx.json.line("plan", { plan: JSON.parse(serializePlan(saved)) });
    ctx.json.resultFields({
      changes: saved.steps.filter((step) => step.action !== "noop").length,
      summary: saved.summary,
    });
    return EXIT.ok;
  }
  ctx.io.stdout.write(renderPlan(saved, ctx.out));
  return EXIT.ok;
}
