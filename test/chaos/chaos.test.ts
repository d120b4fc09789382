/**
 * Chaos against the ARM emulator (private/private row, the longest chain):
 * - 20 seeded runs with ~10% of all requests failing (429 with and without Retry-After, 503,
 *   dropped connections) converge to the spec, without a duplicate role assignment or a missing
 *   or extra rule;
 * - 20 runs aborted at a seeded random moment, then re-planned and re-applied, converge.
 * Runs are sequential in one file; the emulator runs at 1 Azure minute = 10 ms.
 */
import type { FaultRule } from "@pfnet/arm-emulator";
import { apply, plan, planHasChanges } from "@pfnet/core";
import { seededRandom } from "@pfnet/core/testing";
import { describe, expect, it } from "vitest";
import { expectRowState, providerFor, ROWS, recorder, rowSpec, startTestEmulator } from "../e2e/harness.js";

const ROW = ROWS[3]!;
const RUNS = 20;

/** Four fault kinds, each 2.6% of the requests it sees: 1 − 0.974⁴ ≈ 10% of all requests fail. */
const TEN_PERCENT: FaultRule[] = [
  { kind: "throttle", path: ".*", chance: 0.026, retryAfterSeconds: 0 },
  { kind: "throttle", path: ".*", chance: 0.026 },
  { kind: "unavailable", path: ".*", chance: 0.026 },
  { kind: "drop", path: ".*", chance: 0.026 },
];

describe("chaos", () => {
  it(`${RUNS} seeded runs with 10% failing requests all converge in one plan + apply`, async () => {
    const summary: { seed: number; requests: number; faults: number; retries: number }[] = [];
    for (let seed = 1; seed <= RUNS; seed++) {
      const em = await startTestEmulator({ randomSeed: seed, faults: TEN_PERCENT });
      try {
        const provider = providerFor(em);
        const spec = rowSpec(ROW);
        const { events, onEvent } = recorder();
        const result = await apply(await plan(spec, provider, { onEvent }), provider, { onEvent });
        expect(result.errors, `seed ${seed}`).toEqual([]);
        expect(
          result.outcomes.failed + result.outcomes.skipped + result.outcomes.pendingApproval,
          `seed ${seed}`,
        ).toBe(0);
        em.faults.clear();
        await expectRowState(em, provider, ROW);
        expect(planHasChanges(await plan(spec, provider)), `seed ${seed}`).toBe(false);
        summary.push({
          seed,
          requests: em.requests.length,
          faults: em.faults.hits.length,
          retries: events.filter((e) => e.type === "step.retrying").length,
        });
      } finally {
        await em.close();
      }
    }
    // Faults really happened, at about the intended rate, and every kind was seen.
    const requests = summary.reduce((n, s) => n + s.requests, 0);
    const faults = summary.reduce((n, s) => n + s.faults, 0);
    const retries = summary.reduce((n, s) => n + s.retries, 0);
    console.log(
      `chaos: ${RUNS} runs, ${requests} requests, ${faults} injected failures (${((100 * faults) / requests).toFixed(1)}%), ${retries} pfnet-level retries; all converged`,
    );
    expect(faults / requests).toBeGreaterThan(0.05);
    expect(faults / requests).toBeLessThan(0.15);
  });

  it(`${RUNS} runs aborted at a random moment, then re-applied, all converge`, async () => {
    // Abort moments, replayable: the same 20 moments on every run.
    const random = seededRandom(42);
    let abortedMidway = 0;
    let staleReplans = 0;
    for (let run = 1; run <= RUNS; run++) {
      const em = await startTestEmulator({ randomSeed: 100 + run });
      try {
        const provider = providerFor(em);
        const spec = rowSpec(ROW);
        const first = await plan(spec, provider);
        const controller = new AbortController();
        // The undisturbed apply takes roughly 0.5–1 s at this scale: abort anywhere in it.
        const timer = setTimeout(() => controller.abort(), Math.floor(random() * 800));
        const outcome = await apply(first, provider, { signal: controller.signal }).then(
          (r) => r,
          (e: unknown) => e,
        );
        clearTimeout(timer);
        if (controller.signal.aborted) abortedMidway++;
        if (outcome instanceof Error)
          expect((outcome as { code?: string }).code, `run ${run}`).toBe("ABORTED");

        // A fresh provider (a new process would have one) re-plans and re-applies. Work the
        // aborted apply started may still be running in Azure (provisioning), so a plan can go
        // stale before it is applied: then plan again, as the PLAN_STALE hint says.
        const again = providerFor(em);
        let stale = 0;
        for (;;) {
          const next = await plan(spec, again);
          const result = await apply(next, again).catch((e: unknown) => e);
          const staleNow =
            (result as { code?: string }).code === "PLAN_STALE" ||
            ((result as { errors?: { code: string }[] }).errors ?? []).some(
              (e) => e.code === "RESOURCE_STALE",
            );
          if (staleNow && stale < 3) {
            stale++;
            continue;
          }
          expect((result as { errors?: unknown }).errors, `run ${run}`).toEqual([]);
          break;
        }
        staleReplans += stale;
        await expectRowState(em, again, ROW);
        expect(planHasChanges(await plan(spec, again)), `run ${run}`).toBe(false);
      } finally {
        await em.close();
      }
    }
    console.log(
      `abort: ${RUNS} runs, ${abortedMidway} aborted mid-apply, ${staleReplans} re-plans after PLAN_STALE/RESOURCE_STALE; all converged`,
    );
    expect(abortedMidway).toBeGreaterThan(RUNS / 2);
    expect(staleReplans).toBeLessThanOrEqual(RUNS);
  });
});
