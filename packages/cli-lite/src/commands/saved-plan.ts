/** Saved plans on the command line: telling one from a spec, and parsing it with the file named. */
import { isPfnetError, type Plan, parsePlan } from "@pfnet/core";
import { CliError } from "../errors.js";

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
    );
  }
}
