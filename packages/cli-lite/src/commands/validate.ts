/** `pfnet validate <spec>`: schema and rules, offline. */
import pkg from "../../package.json" with { type: "json" };
import { CliUsageError, EXIT } from "../errors.js";
import { docsUrl } from "../links.js";
import { countDiagnostics, renderDiagnostics } from "../render/diagnostics.js";
import { type CommandContext, loadAndCheck, readInput } from "./context.js";
import { refuseSavedPlan } from "./saved-plan.js";

export async function runValidate(ctx: CommandContext): Promise<number> {
  const sarif = ctx.flags.format === "sarif";
  if (sarif && ctx.json) throw new CliUsageError("--format sarif and --json are two outputs; choose one");
  const text = await readInput(ctx);
  refuseSavedPlan(text, ctx.input, "validate");
  const loaded = loadAndCheck(text, ctx.input, ctx.flags.subscription).spec;
  const valid = loaded.topology !== undefined && !loaded.diagnostics.some((d) => d.severity === "error");
  if (ctx.json) {
    ctx.json.diagnostics(loaded.diagnostics);
    const count = (severity: string) => loaded.diagnostics.filter((d) => d.severity === severity).length;
    ctx.json.resultFields({
      valid,
      counts: {
        errors: count("error"),
        warnings: count("warning"),
        infos: count("info"),
        ...(loaded.topology
          ? {
              workspaces: Object.keys(loaded.topology.workspaces).length,
              services: Object.keys(loaded.topology.services ?? {}).length,
            }
          : {}),
      },
    });
    return valid ? EXIT.ok : EXIT.error;
  }
  if (sarif) {
    const { renderSarif } = await import("../render/sarif.js");
    const exitCode = valid ? EXIT.ok : EXIT.error;
    ctx.io.stdout.write(
      renderSarif(loaded.diagnostics, {
        version: pkg.version,
        file: ctx.input,
        docsUrl: docsUrl(ctx.io.env),
        exitCode,
      }),
    );
    return exitCode;
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
