/**
 * Every managed row of the seed table against the ARM emulator with the real SDK clients:
 * validate -> plan -> apply -> plan has no changes, and the emulator holds exactly the spec.
 */
import { apply, plan, planHasChanges, validate } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { expectRowState, providerFor, ROWS, recorder, rowSpec, startTestEmulator } from "./harness.js";

describe.each(ROWS)("managed VNet, ingress $ingress / egress $egress", (row) => {
  it("validate -> plan -> apply -> plan is empty, and Azure holds exactly the spec", async () => {
    const em = await startTestEmulator();
    try {
      const spec = rowSpec(row);
      const checked = validate(spec);
      expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);

      const provider = providerFor(em);
      const first = await plan(spec, provider);
      expect(planHasChanges(first)).toBe(true);
      expect(first.steps.find((s) => s.address === "workspace.pf-ws.network")?.action).toBe("provision");
      expect(em.requests.entries.every((r) => r.method === "GET")).toBe(true);

      const { events, onEvent } = recorder();
      const result = await apply(first, provider, { onEvent });
      expect(result.errors).toEqual([]);
      expect(result.outcomes.failed + result.outcomes.pendingApproval + result.outcomes.skipped).toBe(0);

      // Provisioning reported progress against the expected duration.
      const waits = events.filter(
        (e) =>
          e.type === "step.progress" &&
          e.address === "workspace.pf-ws.network" &&
          e.wait?.kind === "provisioning",
      );
      expect(waits.length).toBeGreaterThan(0);
      expect(waits.every((e) => e.type === "step.progress" && (e.wait?.expectedMs ?? 0) > 0)).toBe(true);

      await expectRowState(em, provider, row);

      const second = await plan(spec, provider);
      expect(second.steps.filter((s) => s.action !== "noop").map((s) => s.address)).toEqual([]);
      expect(planHasChanges(second)).toBe(false);
    } finally {
      await em.close();
    }
  });
});
