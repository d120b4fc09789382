/**
 * Plan files: the plan as JSON plus a `checksum` (sha256 over the canonical JSON of everything
 * else), and a `signature` when written with a plan key. `parsePlan` rejects truncated,
 * damaged, wrong-version and wrongly shaped files with `PLAN_INVALID` (the shape is the TypeBox
 * plan schema, schema.ts). The checksum is not a security check: anyone can recompute it;
 * re-derivation and provenance (verify.ts, sign.ts) are.
 */
import { Value } from "@sinclair/typebox/value";
import { PfnetError } from "../errors.js";
import { jsonTooDeepAt, MAX_NESTING_DEPTH } from "../input-limits.js";
import { hashJson } from "./canonical.js";
import { PLAN_FORMAT_VERSION, type Plan, PlanSchema } from "./schema.js";
import { type PlanKey, signPlan } from "./sign.js";

const AGAIN = "Run `pfnet plan` again to make a new plan file.";

export interface SerializePlanOptions {
  /** Sign the plan with this key (HMAC-SHA256); see docs/security.md. */
  planKey?: PlanKey;
}

export function serializePlan(plan: Plan, options: SerializePlanOptions = {}): string {
  const { checksum: _ignored, ...unsigned } = plan as Plan & { checksum?: string };
  const rest = options.planKey === undefined ? unsigned : signPlan(unsigned, options.planKey);
  return `${JSON.stringify({ ...rest, checksum: hashJson(rest) }, null, 2)}\n`;
}

function invalid(reason: string, details?: Record<string, unknown>): PfnetError {
  return new PfnetError("PLAN_INVALID", `The plan file is not usable: ${reason}. ${AGAIN}`, {
    hint: AGAIN,
    details: { reason, ...details },
  });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Where in the plan a schema error is, in words: `step 3 (workspace.pf): /guard`. */
function placeOf(path: string, value: Record<string, unknown>): string {
  const match = /^\/steps\/(\d+)(.*)$/.exec(path);
  if (!match) return path || "/";
  const step = (value.steps as unknown[])[Number(match[1])];
  const address = isRecord(step) && typeof step.address === "string" ? ` (${step.address})` : "";
  return `step ${match[1]}${address}${match[2] ? `: ${match[2]}` : ""}`;
}

/**
 * Before JSON.parse: the checks after it walk the value recursively, and a file of 100,000
 * nested brackets would overflow the stack instead of being refused.
 */
function refuseOverDeep(text: string): void {
  if (typeof text !== "string") return;
  const at = jsonTooDeepAt(text, MAX_NESTING_DEPTH);
  if (at === undefined) return;
  const before = text.slice(0, at);
  const line = before.split("\n").length;
  const column = at - before.lastIndexOf("\n");
  throw invalid(
    `it nests more than ${MAX_NESTING_DEPTH} levels deep (at line ${line}, column ${column}); pfnet writes plans about 10 levels deep`,
    { line, column },
  );
}

/** Parse a plan file written by `serializePlan`. Throws `PLAN_INVALID` with a clear message. */
export function parsePlan(text: string): Plan {
  refuseOverDeep(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalid(`it is not valid JSON (truncated or edited?): ${(error as Error).message}`);
  }
  if (!isRecord(value)) throw invalid("it is not a JSON object");
  if (value.formatVersion !== PLAN_FORMAT_VERSION) {
    throw invalid(
      `it has format version ${JSON.stringify(value.formatVersion ?? null)} and this pfnet reads version ${PLAN_FORMAT_VERSION}`,
      { formatVersion: value.formatVersion ?? null, expected: PLAN_FORMAT_VERSION },
    );
  }
  const { checksum, ...rest } = value;
  if (typeof checksum !== "string") throw invalid("it has no checksum (was it written by pfnet?)");
  if (hashJson(rest) !== checksum)
    throw invalid("its checksum does not match its content (it was edited or damaged)");
  if (!Value.Check(PlanSchema, rest)) {
    const first = Value.Errors(PlanSchema, rest).First();
    const where = first ? placeOf(first.path, rest) : "/";
    throw invalid(`it is not shaped like a plan at ${where}: ${first?.message ?? "unexpected content"}`, {
      path: first?.path ?? "",
    });
  }
  return rest;
}
