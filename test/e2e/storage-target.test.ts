/**
 * A storage account as a reached service: the managed network's private endpoint to its blob
 * service leaves a Pending connection, which pfnet finds and approves through the Storage
 * 2023-05-01 connection routes (checked against the vendored storage.json / privatelinks.json
 * when the emulator closes). Storage connections carry no group id (its privatelinks.json
 * declares none), so the match rests on the private endpoint.
 */
import { apply, plan, planHasChanges, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, RG, ROWS, rowSpec, SUB, startTestEmulator } from "./harness.js";
import { expectApprovedThrough } from "./target-connections.js";

const STORAGE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stpfdeploy`;

describe("a storage account reached by private endpoint", () => {
  it("its Pending connection is approved through the Storage connection routes; the next plan is empty", async () => {
    const em = await startTestEmulator();
    try {
      em.state.setTargetFlags(STORAGE, { autoApprove: false });
      const provider = providerFor(em);
      const spec = rowSpec(ROWS[3]!, { services: ["data"], endpoints: false }) as Topology;
      spec.services = { ...spec.services, data: { kind: "storage", id: STORAGE, subresource: "blob" } };
      const result = await apply(await plan(spec, provider), provider);
      expect(result.errors).toEqual([]);
      expect(result.steps.find((s) => s.address === "workspace.pf-ws.approval.data")?.outcome).toBe(
        "succeeded",
      );
      expectApprovedThrough(em, STORAGE, "2023-05-01");
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });
});
