/**
 * What pfnet leaves alone: an online endpoint the spec no longer lists (it was applied earlier)
 * is reported in the plan's `unmanaged` list beside unlisted rules, and nothing deletes it.
 */
import { apply, plan, planHasChanges } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, ROWS, rowSpec, startTestEmulator } from "./harness.js";

describe("resources the spec does not list", () => {
  it("a leftover online endpoint is listed as left alone, and no step touches it", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const withEndpoint = rowSpec(ROWS[0]!, { services: ["aoai"] });
      const first = await apply(await plan(withEndpoint, provider), provider);
      expect(first.errors).toEqual([]);

      const withoutEndpoint = rowSpec(ROWS[0]!, { services: ["aoai"], endpoints: false });
      const planned = await plan(withoutEndpoint, provider);
      expect(planHasChanges(planned)).toBe(false);
      expect(planned.unmanaged.map((found) => [found.kind, found.address])).toEqual([
        ["onlineEndpoint", "workspace.pf-ws.endpoint.pf-chat"],
      ]);
      expect(planned.steps.some((step) => step.address.includes(".endpoint."))).toBe(false);
      // Listed in the spec again: a managed endpoint, nothing left alone.
      expect((await plan(withEndpoint, provider)).unmanaged).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
