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

      // Every wait reported progress against its expected duration: the plan's expected Azure
      // time of the step, scaled to the provider's time scale (1 Azure minute = em.timeScale ms).
      const waits = events.flatMap((e) =>
        e.type === "step.progress" && e.wait
          ? [{ address: e.address, wait: e.wait, message: e.message }]
          : [],
      );
      // (Approvals here are immediate: the targets auto-approve, so there is no approval wait.)
      expect(new Set(waits.map((e) => e.wait.kind))).toEqual(new Set(["propagation", "provisioning"]));
      for (const { address, wait, message } of waits) {
        // Long-running writes (workspace, rules, online endpoint) expect the provider's own estimate.
        if (/: (started|in progress|done)$/.test(message)) {
          expect(wait.expectedMs, address).toBeGreaterThan(0);
          continue;
        }
        const step = first.steps.find((s) => s.address === address)!;
        const expectedSeconds = (step.waits ?? []).reduce((sum, w) => sum + w.expectedSeconds, 0);
        expect(expectedSeconds, address).toBeGreaterThan(0);
        expect(wait.expectedMs, address).toBe(Math.round((expectedSeconds * 1000 * em.timeScale) / 60_000));
      }
      // Provisioning with the first FQDN rule expects the firewall too (30 + 10 minutes).
      const network = waits.find((e) => e.address === "workspace.pf-ws.network");
      expect(network?.wait.expectedMs).toBe((row.egress === "private" ? 40 : 30) * em.timeScale);

      // Reading the applied workspace costs one request per kind, however many rules it has:
      // the rules come with the workspace GET (no rule list), then one role-assignment list of
      // the storage account — the storage role's read and the posture report share it (the
      // principal-filtered list this replaced held nothing the `atScope()` list lacks: the role
      // is matched at exactly that scope) — one connection list per target and the online endpoints;
      // with private ingress also the compute list (where the computes sit: PFN221).
      const before = em.requests.length;
      await plan(spec, provider);
      const reads = em.requests.entries
        .slice(before)
        .map((r) => `${r.method} ${r.path.replace(/^.*\/providers\//, "")}`);
      expect(reads.filter((r) => r.includes("outboundRules"))).toEqual([]);
      expect(reads).toHaveLength(row.ingress === "private" ? 7 : 6);
      expect(reads.filter((r) => r.endsWith("/computes"))).toHaveLength(row.ingress === "private" ? 1 : 0);
      const posture = em.requests.entries
        .slice(before)
        .filter(
          (r) => r.path.endsWith("/roleAssignments") && decodeURIComponent(r.query).includes("atScope()"),
        );
      expect(posture).toHaveLength(1);

      await expectRowState(em, provider, row);

      const second = await plan(spec, provider);
      expect(second.steps.filter((s) => s.action !== "noop").map((s) => s.address)).toEqual([]);
      expect(planHasChanges(second)).toBe(false);
    } finally {
      await em.close();
    }
  });
});
