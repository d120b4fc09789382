/**
 * One retry layer and shared back-off, shown by the emulator's request log: a request that
 * always fails is sent exactly as often as pfnet's budget says (no pipeline retries underneath),
 * and a 429 with Retry-After keeps every request to that subscription back until it has passed.
 */
import { apply, plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import {
  fleetSeed,
  fleetSpec,
  fleetWorkspaceName,
  providerFor,
  ROWS,
  rowSpec,
  startTestEmulator,
} from "./harness.js";

const PRIVATE_PRIVATE = ROWS[3]!;

describe("exactly one retry layer", () => {
  it.each([0, 2, 3])(
    "a rule PUT that always returns 500 is sent 1 + maxRetries times (maxRetries %i)",
    async (maxRetries) => {
      const em = await startTestEmulator();
      try {
        const provider = providerFor(em, {
          retry: { server: { maxRetries, baseDelaySeconds: 1, maxDelaySeconds: 1 } },
        });
        const spec = rowSpec(PRIVATE_PRIVATE, { services: [], endpoints: false });
        const planned = await plan(spec, provider);
        const rule = planned.steps.find((s) => s.kind === "outboundRule" && s.action === "create")!;
        const ruleName = (rule.identity as { ruleName: string }).ruleName;
        em.faults.add({ kind: "serverError", method: "PUT", path: `/outboundRules/${ruleName}$` });
        const result = await apply(planned, provider);
        const failed = result.steps.find((s) => s.address === rule.address)!;
        expect(failed.outcome).toBe("failed");
        expect(failed.error).toMatchObject({ code: "RETRIES_EXHAUSTED" });
        const puts = em.requests.find("PUT", `/outboundRules/${ruleName}$`);
        expect(puts).toHaveLength(1 + maxRetries);
        expect(puts.every((r) => r.status === 500)).toBe(true);
      } finally {
        await em.close();
      }
    },
  );
});

describe("shared back-off", () => {
  it("a 429 with Retry-After on one request keeps every request to that subscription back until it has passed", async () => {
    // Six workspaces provisioning at once keep requests flowing (rule PUTs, polls); one rule PUT
    // of one workspace gets a 429 with Retry-After: 4 (seconds, wall time, as Azure sends it).
    const em = await startTestEmulator({ seed: fleetSeed(6) });
    try {
      const provider = providerFor(em);
      const spec = fleetSpec(6, 4);
      const planned = await plan(spec, provider);
      em.faults.add({
        kind: "throttle",
        method: "PUT",
        path: `/workspaces/${fleetWorkspaceName(3)}/outboundRules/`,
        times: 1,
        retryAfterSeconds: 4,
      });
      const result = await apply(planned, provider);
      expect(result.errors).toEqual([]);
      const log = em.requests.entries;
      const throttled = log.find((r) => r.status === 429)!;
      expect(throttled).toBeDefined();
      const answeredAt = Date.parse(throttled.at) + throttled.durationMs;
      const resumeAt = Date.parse(throttled.at) + 4000;
      const later = log.filter((r) => r.seq > throttled.seq && r.path.includes("/subscriptions/"));
      // Requests already on their way when the 429 was answered (at most `concurrency`, 10; a
      // first request of a new SDK client still sets up its TLS connection, which on a loaded
      // machine takes a good part of a second) may arrive in the first moments; after those,
      // nothing until Retry-After has passed.
      const grace = answeredAt + 1000;
      const inFlight = later.filter((r) => Date.parse(r.at) < grace);
      expect(inFlight.length).toBeLessThanOrEqual(10);
      const early = later.filter((r) => Date.parse(r.at) >= grace && Date.parse(r.at) < resumeAt);
      expect(early.map((r) => `${r.method} ${r.path}`)).toEqual([]);
      // …and then traffic resumes, the throttled PUT first among the rule writes of its workspace.
      expect(later.filter((r) => Date.parse(r.at) >= resumeAt).length).toBeGreaterThan(10);
    } finally {
      await em.close();
    }
  });
});
