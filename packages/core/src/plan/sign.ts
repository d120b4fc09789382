/**
 * Plan signatures and provenance. A plan file's checksum proves only that it is intact (anyone
 * can recompute it); re-derivation (verify.ts) proves the steps follow from the embedded
 * topology, but a forger can edit topology, steps and hash together. Provenance says who vouches
 * for the topology: the reviewed spec file (its topology must hash to `specHash`), or an
 * HMAC-SHA256 signature made with a key the plan job and the apply job share.
 *
 * The key is never stored, logged or put in an error: messages name only "the plan key".
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { PfnetError } from "../errors.js";
import { canonicalJson, hashJson } from "./canonical.js";
import type { Plan } from "./schema.js";

/** A plan key: the secret bytes (a string is taken as UTF-8). */
export type PlanKey = string | Uint8Array;

const PREFIX = "hmac-sha256:";

/** The plan without `signature` and `checksum`: what the signature covers. */
function signedContent(plan: Plan): string {
  const { signature: _signature, checksum: _checksum, ...rest } = plan as Plan & { checksum?: string };
  return canonicalJson(rest);
}

function keyBytes(key: PlanKey): Buffer {
  const bytes = typeof key === "string" ? Buffer.from(key, "utf8") : Buffer.from(key);
  if (bytes.length === 0)
    throw new PfnetError("INVALID_ARGUMENT", "The plan key is empty.", {
      hint: "Set PFNET_PLAN_KEY (or --plan-key-file) to a secret of at least 32 random bytes.",
    });
  return bytes;
}

/** `hmac-sha256:<hex>` of the plan's content under the key. */
export function planSignature(plan: Plan, key: PlanKey): string {
  return `${PREFIX}${createHmac("sha256", keyBytes(key)).update(signedContent(plan)).digest("hex")}`;
}

/** The plan with a signature under the key (replacing any earlier one). */
export function signPlan(plan: Plan, key: PlanKey): Plan {
  const { signature: _old, ...rest } = plan;
  return { ...rest, signature: planSignature(rest as Plan, key) };
}

/** Throws `PLAN_SIGNATURE` unless the plan carries a valid signature under the key. */
export function verifyPlanSignature(plan: Plan, key: PlanKey): void {
  if (plan.signature === undefined) {
    throw new PfnetError(
      "PLAN_SIGNATURE",
      "The plan is not signed, and a plan key is set: only signed plans are applied. Nothing was read or changed.",
      {
        hint: "Make the plan with the same plan key set (PFNET_PLAN_KEY or --plan-key-file) and apply that file.",
      },
    );
  }
  const expected = Buffer.from(planSignature(plan, key));
  const actual = Buffer.from(plan.signature);
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    throw new PfnetError(
      "PLAN_SIGNATURE",
      "The plan's signature does not match the plan key: it was signed with another key, or edited after signing. Nothing was read or changed.",
      { hint: "Use the key the plan job signed with, or make a new plan with this key." },
    );
  }
}

/** What vouches for a plan's topology (see `checkProvenance`). */
export type PlanWitness = "signature" | "spec" | "trusted";

export interface ProvenanceOptions {
  /** Verify the plan's signature with this key; unsigned plans are refused. */
  planKey?: PlanKey;
  /** The topology of the reviewed spec (e.g. the checked-in file): must hash to `specHash`. */
  specTopology?: unknown;
  /** Where that spec came from, for messages (e.g. `specs/prod.yaml`). */
  specSource?: string;
  /** Accept a plan nothing vouches for (`--trust-plan-file`). */
  trustPlanFile?: boolean;
}

/**
 * Check who vouches for a saved plan: the signature (when a key is given), the spec (when given),
 * both when both are given. Throws `PLAN_SIGNATURE`, `PLAN_TAMPERED` (the spec's topology is not
 * the plan's) or `PLAN_UNVERIFIED` (no witness and no trust). Returns the witnesses that vouched.
 */
export function checkProvenance(plan: Plan, options: ProvenanceOptions): PlanWitness[] {
  const witnesses: PlanWitness[] = [];
  if (options.planKey !== undefined) {
    verifyPlanSignature(plan, options.planKey);
    witnesses.push("signature");
  }
  if (options.specTopology !== undefined) {
    const source = options.specSource ?? "the spec";
    if (hashJson(options.specTopology) !== plan.specHash) {
      throw new PfnetError(
        "PLAN_TAMPERED",
        `The plan was not made from ${source}: its topology differs from the one in the plan (the spec changed since, or the plan was edited). Nothing was read or changed.`,
        {
          hint: `Make a new plan from ${source} and apply that file (a plan made with --subscription needs --spec FILE with the same --subscription).`,
          details: { field: "specHash", witness: source },
        },
      );
    }
    witnesses.push("spec");
  }
  if (witnesses.length === 0) {
    if (options.trustPlanFile) return ["trusted"];
    throw new PfnetError(
      "PLAN_UNVERIFIED",
      "Nothing vouches for this saved plan: no spec file to compare it with and no plan key to check a signature. A plan file anyone could edit is not applied. Nothing was read or changed.",
      {
        hint: "Pass the reviewed spec with --spec FILE (or run where the spec is at the path the plan records), sign plans with PFNET_PLAN_KEY, or pass --trust-plan-file if the file comes from a place only you can write.",
      },
    );
  }
  return witnesses;
}
