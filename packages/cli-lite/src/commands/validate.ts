/** `pfnet validate <spec>`: schema and rules, offline. */
import { EXIT } from "../errors.js";
import { countDiagnostics, renderDiagnostics } from "../render/diagnostics.js";
import { type CommandContext, loadAndCheck, readInput } from "./context.js";
import { refuseSavedPlan } from "./saved-plan.js";

export async function runValidate(ctx: CommandContext): Promise<number> {
  const text = await readInput(ctx);
  refuseSavedPlan(text, ctx.input, "validate");
  const loaded = loadAndCheck(text, ctx.input, ctx.flags.subscription).spec;
  const valid = loaded.topology !== undefined && !loaded.diagnostics.some((d) => d.severity === "error");
  if (ctx.flags.json) {
    ctx.io.stdout.write(`${JSON.stringify({ valid, diagnostics: loaded.diagnostics }, null, 2)}\n`);
    return valid ? EXIT.ok : EXIT.error;
  }
  if (loaded.diagnostics.length > 0)
    ctx.io.stdout.write(`${renderDiagnostics(loaded.diagnostics, ctx.out, ctx.input)}\n\n`);
  if (valid && loaded.topology) {
    const workspaces = Object.keys(loaded.topology.workspaces).length;
    const services = Object.keys(loaded.topology.services ?? {}).length;
    const counts = `${workspaces} workspace${workspaces === 1 ? "" : "s"}, ${services} service${services === 1 ? "" : "s"}`;
    ctx.io.stdout.write(
      `${ctx.out.green("Valid:")} ${ctx.input} (${counts}; ${countDiagnostics(loaded.diagnostics)}).\n`,
    );
    return EXIT.ok;
  }
  ctx.io.stdout.write(
    `${ctx.out.red("Invalid:")} ${ctx.input} has ${countDiagnostics(loaded.diagnostics)}.\n`,
  );
  return EXIT.error;
}
