/**
 * Plan files: the plan as JSON plus a `checksum` (sha256 over the canonical JSON of everything
 * else). `parsePlan` rejects truncated, hand-edited and wrong-version files with `PLAN_INVALID`.
 */
import { PfnetError } from "../errors.js";
import { jsonTooDeepAt, MAX_NESTING_DEPTH } from "../input-limits.js";
import { hashJson } from "./canonical.js";
import { PLAN_FORMAT_VERSION, type Plan } from "./types.js";

const AGAIN = "Run `pfnet plan` again to make a new plan file.";

export function serializePlan(plan: Plan): string {
  const { checksum: _ignored, ...rest } = plan as Plan & { checksum?: string };
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

const STEP_FIELDS: Array<[string, (value: unknown) => boolean]> = [
  ["address", (v) => typeof v === "string"],
  ["kind", (v) => typeof v === "string"],
  [
    "action",
    (v) =>
      typeof v === "string" &&
      ["create", "update", "delete", "replace", "provision", "approve", "noop"].includes(v),
  ],
  ["identity", isRecord],
  ["changedPaths", Array.isArray],
  ["dependsOn", (v) => Array.isArray(v) && v.every((item) => typeof item === "string")],
  ["guard", (v) => typeof v === "boolean"],
];

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
  // The checksum proves pfnet wrote it; the shape check guards against other versions' bugs.
  if (typeof rest.specHash !== "string" || typeof rest.provider !== "string")
    throw invalid("it lacks specHash or provider");
  if (!Array.isArray(rest.steps)) throw invalid("it has no steps list");
  if (
    !isRecord(rest.fingerprints) ||
    !isRecord(rest.summary) ||
    !Array.isArray(rest.diagnostics) ||
    !Array.isArray(rest.unmanaged)
  ) {
    throw invalid("it lacks fingerprints, summary, diagnostics or unmanaged");
  }
  rest.steps.forEach((step, index) => {
    if (!isRecord(step)) throw invalid(`step ${index} is not an object`);
    for (const [field, ok] of STEP_FIELDS) {
      if (!ok(step[field]))
        throw invalid(`step ${index} (${String(step.address)}) has a missing or wrong \`${field}\``);
    }
  });
  return rest as unknown as Plan;
}
