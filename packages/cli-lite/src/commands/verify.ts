/** `pfnet verify <spec>`: Azure's own diagnosis of each workspace of the spec (reads only). */
import { verify } from "@pfnet/core";
import { EXIT } from "../errors.js";
import { diagnosisStarted, renderVerification } from "../render/verification.js";
import { type CommandContext, loadValidSpec, planProgress, providerFor, readInput } from "./context.js";

export async function runVerify(ctx: CommandContext): Promise<number> {
  const { spec } = loadValidSpec(await readInput(ctx), ctx);
  const provider = await providerFor(ctx);
  const progress = planProgress(ctx);
  const onEvent: typeof progress = (event) => {
    if (!ctx.json && event.type === "verify.started")
      ctx.io.stderr.write(diagnosisStarted(event.workspace, ctx.err));
    else progress(event);
  };
  const verification = await verify(spec, provider, { signal: ctx.signal, onEvent });
  if (ctx.json) ctx.json.line("verification", { verification });
  else ctx.io.stdout.write(renderVerification(verification, ctx.out));
  return verification.errors > 0 ? EXIT.error : EXIT.ok;
}
