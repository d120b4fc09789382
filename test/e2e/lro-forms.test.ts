/**
 * The long-running operations in every form their specs allow: the emulator draws each answer's
 * form (e.g. a synchronous 200 or 202 + Location for the ML workspace and rule writes, 200 or
 * 202 for a CognitiveServices connection PUT) from a PRNG seeded with `randomSeed`. Over five
 * seeds the fullest managed row and the own-VNet example converge — plan, apply, plan is empty —
 * and the seeds between them really produced both forms. Each emulator's log is checked against
 * the specs when it closes (harness).
 */
import { apply, loadSpecFile, plan, planHasChanges } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { expectRowState, providerFor, ROWS, rowSpec, startTestEmulator, TARGETS } from "./harness.js";

const SEEDS = [1, 2, 3, 4, 5];
const PRIVATE_PRIVATE = ROWS[3]!;

/** Answers of the writes whose specs allow both a synchronous and an accepted form. */
function forms(entries: { method: string; path: string; status: number }[]): string[] {
  return entries
    .filter(
      (r) =>
        r.method !== "GET" &&
        /\/(workspaces\/[^/]+|outboundRules\/[^/]+|provisionManagedNetwork|accounts\/[^/]+\/privateEndpointConnections\/[^/]+)$/i.test(
          r.path,
        ),
    )
    .map((r) => `${r.method} ${r.path.split("/").slice(-2).join("/")} ${r.status}`);
}

describe("long-running operations in every form their specs allow, over five seeds", () => {
  const seen: string[] = [];

  it.each(SEEDS)("seed %i: managed private/private converges and holds exactly the spec", async (seed) => {
    const em = await startTestEmulator({ randomSeed: seed });
    try {
      // A target that does not auto-approve: pfnet's approval PUT (long-running on CognitiveServices) runs.
      em.state.setTargetFlags(TARGETS.aoai, { autoApprove: false });
      const provider = providerFor(em);
      const spec = rowSpec(PRIVATE_PRIVATE);
      const result = await apply(await plan(spec, provider), provider);
      expect(result.errors).toEqual([]);
      expect(result.outcomes.failed + result.outcomes.pendingApproval).toBe(0);
      await expectRowState(em, provider, PRIVATE_PRIVATE);
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
      seen.push(...forms(em.requests.entries));
    } finally {
      await em.close();
    }
  });

  it.each(SEEDS)("seed %i: own VNet (byo-private-public) converges", async (seed) => {
    const em = await startTestEmulator({ randomSeed: seed });
    try {
      const provider = providerFor(em);
      const spec = await loadSpecFile(
        new URL("../../examples/byo-private-public.yaml", import.meta.url).pathname,
      );
      const result = await apply(await plan(spec, provider), provider);
      expect(result.errors).toEqual([]);
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
      seen.push(...forms(em.requests.entries));
    } finally {
      await em.close();
    }
  });

  it("the seeds produced both forms of the ML writes and of the CognitiveServices approval", () => {
    const statuses = (pattern: RegExp) =>
      new Set(seen.filter((s) => pattern.test(s)).map((s) => s.split(" ").pop()));
    expect(statuses(/^PATCH workspaces\//)).toEqual(new Set(["200", "202"]));
    expect(statuses(/^PUT outboundRules\//)).toEqual(new Set(["200", "202"]));
    expect(statuses(/^PUT privateEndpointConnections\//)).toEqual(new Set(["200", "202"]));
  });
});
