/** `pfnet output <spec>`: what users need after apply, read from Azure (reads only). */
import { readOutputs } from "@pfnet/core";
import { EXIT } from "../errors.js";
import { renderOutputs } from "../render/outputs.js";
import { type CommandContext, loadValidSpec, planProgress, providerFor, readInput } from "./context.js";

export async function runOutput(ctx: CommandContext): Promise<number> {
  const { spec } = loadValidSpec(await readInput(ctx), ctx);
  const provider = await providerFor(ctx);
  const outputs = await readOutputs(spec, provider, {
    signal: ctx.signal,
    ...(ctx.flags.json ? {} : { onEvent: planProgress(ctx) }),
  });
  ctx.io.stdout.write(ctx.flags.json ? `${JSON.stringify(outputs)}\n` : renderOutputs(outputs, ctx.out));
  return EXIT.ok;
}
