/**
 * What a first apply of a small fleet sends besides the writes (issue 9 item 6): the plan lists
 * each workspace's computes and online endpoints once (the input of PFN202, since the isolation
 * mode changes); apply's up-front stale check reads only what the steps' fingerprints cover, so
 * it lists neither again.
 */
import { apply, plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { fleetSeed, fleetSpec, providerFor, startTestEmulator } from "./harness.js";

const WORKSPACES = 3;
const COMPUTES = /\/workspaces\/fleet-\d+\/computes$/i;
const ENDPOINTS = /\/workspaces\/fleet-\d+\/onlineEndpoints$/i;

describe("first apply of a small fleet", () => {
  it("lists computes and online endpoints in the plan only, once per workspace", async () => {
    const em = await startTestEmulator({ seed: fleetSeed(WORKSPACES) });
    try {
      const provider = providerFor(em);
      const spec = fleetSpec(WORKSPACES, 4);
      const planned = await plan(spec, provider);
      expect(em.requests.find("GET", COMPUTES)).toHaveLength(WORKSPACES);
      expect(em.requests.find("GET", ENDPOINTS)).toHaveLength(WORKSPACES);

      em.requests.clear();
      const result = await apply(planned, provider, { verify: false });
      expect(result.errors).toEqual([]);
      expect(result.outcomes.succeeded).toBe(planned.steps.filter((s) => s.action !== "noop").length);
      expect(em.requests.find("GET", COMPUTES)).toEqual([]);
      expect(em.requests.find("GET", ENDPOINTS)).toEqual([]);

      const settled = await plan(spec, provider);
      expect(settled.steps.filter((s) => s.action !== "noop")).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
