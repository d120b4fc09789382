/**
 * What pfnet leaves alone: an online endpoint the spec no longer lists (it was applied earlier)
 * is reported in the plan's `unmanaged` list beside unlisted rules, and nothing deletes it. The
 * endpoint list is read only for workspaces whose spec names endpoints (or whose isolation mode
 * changes): a workspace whose spec names none costs no list.
 */
import { apply, plan, planHasChanges, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, ROWS, rowSpec, startTestEmulator } from "./harness.js";

/** ROWS[0]'s spec with exactly the endpoints named (none: no `endpoints` map). */
function withEndpoints(...names: string[]): Topology {
  const spec = rowSpec(ROWS[0]!, { services: ["aoai"], endpoints: false });
  const ws = spec.workspaces["pf-ws"]!;
  if (names.length > 0) {
    ws.endpoints = Object.fromEntries(names.map((name) => [name, { ingress: ROWS[0]!.ingress }]));
  }
  return spec;
}

describe("resources the spec does not list", () => {
  it("a leftover online endpoint is listed as left alone, and no step touches it", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const first = await apply(await plan(withEndpoints("pf-chat", "pf-batch"), provider), provider);
      expect(first.errors).toEqual([]);

      const planned = await plan(withEndpoints("pf-batch"), provider);
      expect(planHasChanges(planned)).toBe(false);
      expect(planned.unmanaged.map((found) => [found.kind, found.address])).toEqual([
        ["onlineEndpoint", "workspace.pf-ws.endpoint.pf-chat"],
      ]);
      expect(planned.steps.some((step) => step.address.endsWith(".endpoint.pf-chat"))).toBe(false);
      // Listed in the spec again: a managed endpoint, nothing left alone.
      expect((await plan(withEndpoints("pf-chat", "pf-batch"), provider)).unmanaged).toEqual([]);

      // A spec that names no endpoint of the workspace: no endpoint list is read at all.
      const from = em.requests.length;
      const none = await plan(withEndpoints(), provider);
      expect(planHasChanges(none)).toBe(false);
      expect(none.unmanaged).toEqual([]);
      const lists = em.requests.entries.slice(from).filter((r) => /\/onlineEndpoints$/i.test(r.path));
      expect(lists).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
