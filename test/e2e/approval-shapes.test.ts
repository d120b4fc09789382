/**
 * Approvals whatever shape Azure gives the managed network's private endpoint (UNCONFIRMED): the
 * emulator generates each plausible shape, and pfnet finds and approves the workspace's
 * connection in every one. When two connections look equally like the workspace's, the step ends
 * at once `pendingApproval` listing both (no 10-minute wait), and naming one
 * (`approvalConnections`, the CLI's `--approve-connection`) completes it.
 */
import { ENDPOINT_ID_SHAPES, MICROSOFT_MANAGED_SUBSCRIPTION } from "@pfnet/arm-emulator";
import { apply, plan, planHasChanges } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, ROWS, rowSpec, startTestEmulator, TARGETS } from "./harness.js";

type Connection = {
  id: string;
  name: string;
  properties: { privateEndpoint: { id: string }; privateLinkServiceConnectionState: { status: string } };
};
const connections = (em: Awaited<ReturnType<typeof startTestEmulator>>) =>
  em.state.connections(TARGETS.aoai) as unknown as Connection[];
const SHAPE_PATTERN: Record<(typeof ENDPOINT_ID_SHAPES)[number], RegExp> = {
  managedResourceGroup:
    /\/resourceGroups\/azureml-managed-network-[0-9a-f-]+\/providers\/Microsoft\.Network\/privateEndpoints\/pf-ws-pe-aoai$/,
  workspaceResourceGroup:
    /\/resourceGroups\/azureml-rg-[0-9a-f-]+\/providers\/Microsoft\.Network\/privateEndpoints\/pe-aoai-[0-9a-f]+$/,
  opaque:
    /\/resourceGroups\/rg-managedvnet-[0-9a-f]+\/providers\/Microsoft\.Network\/privateEndpoints\/pf-ws-pe-aoai-[0-9a-f]+$/,
};

describe("private-endpoint approval across endpoint id shapes", () => {
  it.each(ENDPOINT_ID_SHAPES)(
    "shape %s: the workspace's Pending connection is found and approved",
    async (shape) => {
      const em = await startTestEmulator({ managedEndpointIds: shape });
      try {
        em.state.setTargetFlags(TARGETS.aoai, { autoApprove: false });
        const provider = providerFor(em);
        const spec = rowSpec(ROWS[0]!, { services: ["aoai"] });
        const result = await apply(await plan(spec, provider), provider);
        expect(result.errors).toEqual([]);
        expect(result.steps.find((s) => s.address === "workspace.pf-ws.approval.aoai")?.outcome).toBe(
          "succeeded",
        );
        const [mine] = connections(em);
        expect(mine?.properties.privateEndpoint.id).toMatch(SHAPE_PATTERN[shape]);
        expect(mine?.properties.privateLinkServiceConnectionState.status).toBe("Approved");
        expect(planHasChanges(await plan(spec, provider))).toBe(false);
      } finally {
        await em.close();
      }
    },
  );

  it("two equally likely connections: pendingApproval at once listing both; naming one completes it", async () => {
    const em = await startTestEmulator({ managedEndpointIds: "opaque" });
    try {
      em.state.setTargetFlags(TARGETS.aoai, { autoApprove: false });
      // Another endpoint whose name carries the same workspace and rule names (e.g. a workspace
      // of the same name in another subscription), waiting on the same target.
      const twinEndpoint = `/subscriptions/${MICROSOFT_MANAGED_SUBSCRIPTION}/resourceGroups/rg-managedvnet-ffff0000/providers/Microsoft.Network/privateEndpoints/pf-ws-pe-aoai-ffff`;
      const twin = em.state.addConnection(TARGETS.aoai, {
        privateEndpointId: twinEndpoint,
        groupIds: ["account"],
      });
      const spec = rowSpec(ROWS[0]!, { services: ["aoai"] });
      const provider = providerFor(em);
      const first = await plan(spec, provider);
      const listsBefore = em.requests.find("GET", "/accounts/aoai-pf/privateEndpointConnections$").length;
      const result = await apply(first, provider);
      const step = result.steps.find((s) => s.address === "workspace.pf-ws.approval.aoai");
      expect(step?.outcome).toBe("pendingApproval");
      expect(step?.pending?.connectionId).toBe("");
      const candidates = step?.pending?.candidates ?? [];
      expect(candidates.map((c) => c.privateEndpointId).sort()).toEqual(
        connections(em)
          .map((c) => c.properties.privateEndpoint.id)
          .sort(),
      );
      for (const c of candidates) {
        expect(c).toMatchObject({ state: "Pending", groupIds: ["account"] });
        expect(c.id).toContain("/privateEndpointConnections/");
      }
      expect(step?.pending?.action).toContain("services.aoai.approvalConnection");
      expect(step?.pending?.action).toContain("--approve-connection");
      // No waiting out the budget: the approval step read the target's connections once.
      const listsDuringApply =
        em.requests.find("GET", "/accounts/aoai-pf/privateEndpointConnections$").length - listsBefore;
      expect(listsDuringApply).toBeLessThanOrEqual(2);
      // Nothing was approved on a guess.
      expect(connections(em).map((c) => c.properties.privateLinkServiceConnectionState.status)).toEqual([
        "Pending",
        "Pending",
      ]);

      // The user names the workspace's connection: the approval completes, the twin stays Pending.
      const mine = connections(em).find((c) => c.name !== twin)!;
      const chosen = providerFor(em, { approvalConnections: [mine.id] });
      const again = await apply(await plan(spec, chosen), chosen);
      expect(again.errors).toEqual([]);
      expect(again.outcomes.pendingApproval).toBe(0);
      const states = Object.fromEntries(
        connections(em).map((c) => [c.name, c.properties.privateLinkServiceConnectionState.status]),
      );
      expect(states).toEqual({ [mine.name]: "Approved", [twin]: "Pending" });
    } finally {
      await em.close();
    }
  });
});
