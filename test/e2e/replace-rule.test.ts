/**
 * Safe replacement of a private-endpoint rule whose destination changes, against the ARM
 * emulator with the real SDK clients: the renamed rule is written, provisioned and its
 * connection approved before the old rule is deleted; a failed create leaves the old rule and
 * its connection in place.
 */
import { apply, parsePlan, plan, planHasChanges, serializePlan, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { renderPlan } from "../../packages/cli-lite/src/render/plan.js";
import { createStyle } from "../../packages/cli-lite/src/style.js";
import { providerFor, ROWS, rowSpec, startTestEmulator, TARGETS } from "./harness.js";

const PRIVATE_PRIVATE = ROWS[3]!;
const RULE = "workspace.pf-ws.rule.pe-aoai";

/** The spec reaching AOAI only, at the account `id`. */
function spec(id: string = TARGETS.aoai): Topology {
  const topology = rowSpec(PRIVATE_PRIVATE, { services: ["aoai"], endpoints: false });
  topology.services!.aoai!.id = id;
  return topology;
}

type Rule = { category: string; status: string; destination: { serviceResourceId?: string } };
const userRules = (rules: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(rules as Record<string, Rule>)
      .filter(([, rule]) => rule.category === "UserDefined" && typeof rule.destination === "object")
      .map(([name, rule]) => [
        name,
        `${rule.status} ${String(rule.destination.serviceResourceId).split("/").pop()}`,
      ]),
  );

describe("safe replacement of a private-endpoint rule", () => {
  it("a changed service id: the new rule is PUT, provisioned and its connection approved before the old rule's DELETE; the next plan is empty", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      expect((await apply(await plan(spec(), provider), provider)).errors).toEqual([]);

      const replacing = await plan(spec(TARGETS.safety), provider);
      const create = replacing.steps.find((step) => step.address === RULE)!;
      const renamed = (create.identity as { ruleName: string }).ruleName;
      expect(renamed).toMatch(/^pe-aoai-[0-9a-f]{6}$/);
      expect(create.action).toBe("create");
      expect(create.reason).toBe(
        `replace outbound rule pe-aoai: its destination changes; create ${renamed} first, delete pe-aoai once the new path is approved`,
      );
      const old = replacing.steps.find((step) => step.address === `${RULE}.replaced`)!;
      expect(old.action).toBe("delete");
      expect(old.reason).toBe(
        `delete outbound rule pe-aoai: replaced by ${renamed} (destination changed), once the new rule is provisioned and its connection approved`,
      );

      // The plan text: the create and the delete, each with its reason.
      const text = renderPlan(replacing, createStyle(false));
      expect(text).toContain(create.reason);
      expect(text).toContain(old.reason);

      const from = em.requests.entries.length;
      const result = await apply(parsePlan(serializePlan(replacing)), provider);
      expect(result.errors).toEqual([]);
      const log = em.requests.entries.slice(from).map((r) => `${r.method} ${r.path.split("?")[0]}`);
      const put = log.findIndex(
        (line) => line.startsWith("PUT") && line.endsWith(`/outboundRules/${renamed}`),
      );
      // The approval step: the new connection on cs-pf, read again once the rule is written
      // (approved where still Pending); the first read is the stale check's.
      const approve = log.findIndex(
        (line, at) => at > put && line.includes("/accounts/cs-pf/privateEndpointConnections"),
      );
      const del = log.findIndex(
        (line) => line.startsWith("DELETE") && line.endsWith("/outboundRules/pe-aoai"),
      );
      expect(put).toBeGreaterThanOrEqual(0);
      expect(approve).toBeGreaterThan(put);
      expect(del).toBeGreaterThan(approve);
      expect(userRules(em.state.rules("pf-ws"))).toEqual({ [renamed]: "Active cs-pf" });

      const next = await plan(spec(TARGETS.safety), provider);
      expect(planHasChanges(next)).toBe(false);
      expect(next.unmanaged).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it("a failed PUT of the new rule leaves the old rule and its connection; a re-apply without the failure converges", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em, {
        retry: { server: { maxRetries: 0, baseDelaySeconds: 1, maxDelaySeconds: 1 } },
      });
      expect((await apply(await plan(spec(), provider), provider)).errors).toEqual([]);
      const connectionsBefore = em.requests.entries.length;

      const replacing = await plan(spec(TARGETS.safety), provider);
      const renamed = (
        replacing.steps.find((step) => step.address === RULE)!.identity as { ruleName: string }
      ).ruleName;
      const fault = em.faults.add({ kind: "serverError", method: "PUT", path: `/outboundRules/${renamed}$` });
      const failed = await apply(replacing, provider);
      expect(failed.steps.find((step) => step.address === RULE)?.outcome).toBe("failed");
      expect(failed.steps.find((step) => step.address === `${RULE}.replaced`)?.outcome).toBe("skipped");
      expect(em.requests.entries.slice(connectionsBefore).some((r) => r.method === "DELETE")).toBe(false);
      expect(userRules(em.state.rules("pf-ws"))).toEqual({ "pe-aoai": "Active aoai-pf" });
      // The old path and its connection on the AOAI account are intact: the old spec plans nothing.
      expect(planHasChanges(await plan(spec(), provider))).toBe(false);

      em.faults.remove(fault);
      const again = await apply(await plan(spec(TARGETS.safety), provider), provider);
      expect(again.errors).toEqual([]);
      expect(userRules(em.state.rules("pf-ws"))).toEqual({ [renamed]: "Active cs-pf" });
      expect(planHasChanges(await plan(spec(TARGETS.safety), provider))).toBe(false);
    } finally {
      await em.close();
    }
  });
});
