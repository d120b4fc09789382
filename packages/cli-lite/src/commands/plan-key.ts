/**
 * The plan key: from --plan-key-file, else the PFNET_PLAN_KEY environment variable. The key is
 * never printed: messages name the file or the variable, never the content.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { PlanKey } from "@pfnet/core";
import { CliError } from "../errors.js";
import { describeFsError } from "../provider.js";
import type { CommandContext } from "./context.js";

export const PLAN_KEY_VARIABLE = "PFNET_PLAN_KEY";

/** The key bytes, or undefined when neither the flag nor the variable is set. */
export async function planKeyOf(ctx: CommandContext): Promise<PlanKey | undefined> {
  const file = ctx.flags.planKeyFile;
  if (file !== undefined) {
    let bytes: Buffer;
    try {
      bytes = await readFile(resolve(ctx.io.cwd, file));
    } catch (error) {
      throw new CliError(`Cannot read the plan key file '${file}': ${describeFsError(error)}.`);
    }
    // A trailing newline from `echo` or an editor is not part of the key.
    let end = bytes.length;
    while (end > 0 && (bytes[end - 1] === 0x0a || bytes[end - 1] === 0x0d)) end--;
    if (end === 0) throw new CliError(`The plan key file '${file}' is empty.`, KEY_HINT);
    return bytes.subarray(0, end);
  }
  const fromEnv = ctx.io.env[PLAN_KEY_VARIABLE];
  if (fromEnv === undefined || fromEnv === "") return undefined;
  return fromEnv;
}

const KEY_HINT = "Put a secret of at least 32 random bytes in it, e.g. `openssl rand -hex 32 > plan.key`.";
