/** Saved plans on the command line: telling one from a spec, parsing it with the file named, and checking where it came from. */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { checkProvenance, isPfnetError, type Plan, parsePlan, verifyPlan } from "@pfnet/core";
import { CliError } from "../errors.js";
import { describeFsError } from "../provider.js";
import { type CommandContext, loadValidSpec } from "./context.js";
import { planKeyOf } from "./plan-key.js";

/** True when the text is a plan saved by `pfnet plan --out` rather than a spec. */
export function looksLikeSavedPlan(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null && "formatVersion" in value && "steps" in value;
  } catch {
    return false;
  }
}

/**
 * A saved plan given where a spec belongs (`pfnet validate plan.json`): say what it is and which
 * commands take it, instead of listing every way it is not a spec.
 */
export function refuseSavedPlan(text: string, file: string, command: string): void {
  if (!looksLikeSavedPlan(text)) return;
  throw new CliError(
    `${file} is a saved plan, not a spec; \`pfnet ${command}\` reads specs. Nothing was read or changed.`,
    `Apply it with \`pfnet apply ${file}\` (or print it with \`pfnet show ${file}\`); to check the spec it was made from, run \`pfnet ${command} <spec>\`.`,
  );
}

/** Parse a saved plan; a damaged or edited one is a user mistake that names the file. */
export function parseSavedPlan(text: string, file: string): Plan {
  try {
    return parsePlan(text);
  } catch (error) {
    const reason = isPfnetError(error) && error.code === "PLAN_INVALID" ? error.details?.reason : undefined;
    if (typeof reason !== "string") throw error;
    throw new CliError(
      `${file} is not a usable pfnet plan: ${reason}. Nothing was read or changed.`,
      "Make a new plan with `pfnet plan <spec> --out FILE`, review it, and apply that file.",
      "PLAN_INVALID",
    );
  }
}

/**
 * Before a saved plan is shown or anything is read: it must be one pfnet makes from the spec it
 * embeds (core `verifyPlan`), and a witness must vouch for that spec: the signature when a plan
 * key is set, the spec given with --spec, else the spec at the path the plan records. Without a
 * witness the plan is refused unless --trust-plan-file. Returns a note saying what vouched.
 */
export async function checkSavedPlan(ctx: CommandContext, plan: Plan): Promise<string> {
  verifyPlan(plan);
  const planKey = await planKeyOf(ctx);
  const witness = await specWitness(ctx, plan, planKey !== undefined);
  const vouched = checkProvenance(plan, {
    ...(planKey === undefined ? {} : { planKey }),
    ...(witness ? { specTopology: witness.topology, specSource: witness.file } : {}),
    trustPlanFile: ctx.flags.trustPlanFile,
  });
  const said = vouched.map((kind) =>
    kind === "signature"
      ? "its signature matches the plan key"
      : kind === "spec"
        ? `it was made from ${witness?.file}`
        : "trusted with --trust-plan-file (no spec or signature checked)",
  );
  return `Saved plan verified: pfnet makes exactly these steps from the spec it embeds; ${said.join(", and ")}.`;
}

/** The spec that vouches for a saved plan: --spec, else the recorded path when the file is there. */
async function specWitness(
  ctx: CommandContext,
  plan: Plan,
  signed: boolean,
): Promise<{ file: string; topology: unknown } | undefined> {
  const given = ctx.flags.spec;
  const recorded = plan.origin.specPath;
  // The recorded path is a fallback witness: with a key, the signature vouches.
  const file = given ?? (signed ? undefined : recorded);
  if (file === undefined) return undefined;
  let text: string;
  try {
    text = await readFile(resolve(ctx.io.cwd, file), "utf8");
  } catch (error) {
    if (given === undefined && (error as { code?: string }).code === "ENOENT") return undefined;
    throw new CliError(`Cannot read the spec '${file}': ${describeFsError(error)}.`);
  }
  const { spec } = loadValidSpec(text, { ...ctx, input: file });
  return { file, topology: spec.topology };
}
