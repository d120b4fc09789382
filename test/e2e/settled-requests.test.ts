/**
 * What a settled plan (right after a successful apply, nothing to change) costs per workspace
 * (issue 9 item 6): one workspace GET and — the fleet's workspaces have private ingress — one
 * compute list (where the computes sit, issue 13 item 1) per workspace, no online-endpoint list
 * (the spec names no endpoint), one role-assignment list per storage account — shared by the
 * workspaces using it and by the posture report of the same plan — and one connection list per
 * target service.
 */
import { apply, plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { fleetSeed, fleetSpec, providerFor, startTestEmulator } from "./harness.js";

const WORKSPACES = 5;
const TARGETS = 2;

describe("settled plan of a small fleet", () => {
  it("sends 2 requests per workspace + 1 per target service + 1 per storage account", async () => {
    const em = await startTestEmulator({ seed: fleetSeed(WORKSPACES) });
    try {
      const provider = providerFor(em);
      // Two rules: the aoai and search private endpoints, i.e. two target services.
      const spec = fleetSpec(WORKSPACES, TARGETS);
      const result = await apply(await plan(spec, provider), provider, { verify: false });
      expect(result.errors).toEqual([]);

      const from = em.requests.length;
      const settled = await plan(spec, provider);
      expect(settled.steps.filter((s) => s.action !== "noop")).toEqual([]);
      const log = em.requests.entries.slice(from);
      expect(log.every((r) => r.method === "GET")).toBe(true);
      const count = (re: RegExp) => log.filter((r) => re.test(r.path)).length;
      expect(count(/\/workspaces\/fleet-\d+$/i)).toBe(WORKSPACES);
      expect(count(/\/workspaces\/fleet-\d+\/onlineEndpoints$/i)).toBe(0);
      expect(count(/\/workspaces\/fleet-\d+\/computes$/i)).toBe(WORKSPACES);
      // Every fleet workspace uses storage account stpfws: one list for the role reads and the posture.
      expect(count(/\/storageAccounts\/stpfws\/providers\/Microsoft\.Authorization\/roleAssignments$/i)).toBe(
        1,
      );
      expect(count(/\/privateEndpointConnections$/i)).toBe(TARGETS);
      expect(log.length).toBe(2 * WORKSPACES + TARGETS + 1);
    } finally {
      await em.close();
    }
  });
});
