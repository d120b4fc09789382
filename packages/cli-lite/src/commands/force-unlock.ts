/** `pfnet force-unlock <lock id>`: break a workspace lock whose apply is gone. Changes nothing in Azure. */
import { EXIT } from "../errors.js";
import type { CommandContext } from "./context.js";
import { stateBackendFor } from "./state.js";

export async function runForceUnlock(ctx: CommandContext): Promise<number> {
  const state = await stateBackendFor(ctx);
  const lock = await state.forceUnlock(ctx.input, { signal: ctx.signal });
  const holder = `${lock.holder.user ? `${lock.holder.user}@` : ""}${lock.holder.host}, pid ${lock.holder.pid}`;
  ctx.io.stdout.write(
    `Broke lock ${lock.id} of workspace ${lock.key} (held by ${holder} since ${lock.since}).\n` +
      "The next apply of that workspace takes the lock and resumes from its journal.\n",
  );
  return EXIT.ok;
}
