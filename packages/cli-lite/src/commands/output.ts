/** `pfnet output <spec>`: what users need after apply, read from Azure (reads only). */
import { readOutputs } from "@pfnet/core";
import { EXIT } from "../errors.js";
import { renderOutputs } from "../render/outputs.js";
import { type CommandContext, loadValidSpec, planProgress, providerFor, readInput } from "./context.js";

export async function runOutput(ctx: CommandContext): Promise<number> {
  const { spec } = loadValidSpec(await readInput(ctx), ctx);
  const provider = await providerFor(ctx);
  const outputs = await readOutputs(spec, provider, { signal: ctx.signal, onEvent: planProgress(ctx) });
  if (ctx.json) ctx.json.line("outputs", { outputs });
  else ctx.io.stdout.write(renderOutputs(outputs, ctx.out));
  return EXIT.ok;
}
