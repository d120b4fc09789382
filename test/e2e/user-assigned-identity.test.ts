/**
 * A workspace whose identity is user-assigned (issue 13 item 4), end to end against the emulator:
 * the storage role and the Azure AI Enterprise Network Connection Approver role go to the
 * user-assigned identity's principal (read from the workspace's `identity.userAssignedIdentities`),
 * the approver role on the reached service before provisioning; the next plan is empty.
 */
import { defaultSeed } from "@pfnet/arm-emulator";
import { apply, plan, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, RG, STORAGE_ROLE, SUB, startTestEmulator, TARGETS } from "./harness.js";

const GROUP = `/subscriptions/${SUB}/resourceGroups/${RG}`;
const UAI = `${GROUP}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-pf`;
const STORAGE = `${GROUP}/providers/Microsoft.Storage/storageAccounts/stpfuai`;
const APPROVER_ROLE = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea";

function uaiSeed() {
  const seed = defaultSeed();
  seed.workspaces.push({
    name: "pf-uai",
    storageAccount: "stpfuai",
    keyVault: "kv-pf-uai",
    userAssignedIdentities: ["uai-pf"],
  });
  seed.targets.push({ type: "storage", name: "stpfuai" }, { type: "keyVault", name: "kv-pf-uai" });
  return seed;
}

const spec = (identity = true): Topology => ({
  version: 1,
  subscriptionId: SUB,
  resourceGroup: RG,
  location: "eastus",
  services: { aoai: { kind: "azureOpenAI", id: TARGETS.aoai } },
  workspaces: {
    "pf-uai": {
      network: "managed",
      ingress: "private",
      egress: "public",
      reach: { services: ["aoai"] },
      ...(identity ? { identity: { userAssigned: UAI } } : {}),
    },
  },
});

type Assignment = { properties: { principalId: string; scope: string; roleDefinitionId: string } };

describe("a user-assigned identity workspace (emulator)", () => {
  it("gets the storage role and the approver role for its user-assigned principal; the next plan is empty", async () => {
    const em = await startTestEmulator({ seed: uaiSeed() });
    try {
      const provider = providerFor(em);
      const ws = em.state.workspace("pf-uai") as {
        identity: {
          type: string;
          principalId?: string;
          userAssignedIdentities: Record<string, { principalId: string }>;
        };
        properties: { primaryUserAssignedIdentity: string };
      };
      expect(ws.identity.type).toBe("UserAssigned");
      expect(ws.identity.principalId).toBeUndefined();
      expect(ws.properties.primaryUserAssignedIdentity).toBe(UAI);
      const principal = ws.identity.userAssignedIdentities[UAI]!.principalId;

      const planned = await plan(spec(), provider);
      const approver = planned.steps.find((step) => step.address === "workspace.pf-uai.approver-role.aoai");
      expect(approver?.action).toBe("create");
      const network = planned.steps.find((step) => step.kind === "managedNetwork");
      expect(network?.dependsOn).toContain("workspace.pf-uai.approver-role.aoai");

      const result = await apply(planned, provider, { verify: false });
      expect(result.errors).toEqual([]);
      const grants = (em.state.roleAssignments() as Assignment[])
        .filter((ra) => ra.properties.principalId.toLowerCase() === principal.toLowerCase())
        .map((ra) => [ra.properties.scope.toLowerCase(), ra.properties.roleDefinitionId.split("/").pop()]);
      expect(grants.sort()).toEqual(
        [
          [STORAGE.toLowerCase(), STORAGE_ROLE],
          [TARGETS.aoai.toLowerCase(), APPROVER_ROLE],
        ].sort(),
      );

      // The managed network approved its connection on the service itself (the identity holds the
      // approver role there in time): pfnet sent no approval.
      const connections = em.state.connections(TARGETS.aoai) as Array<{
        name: string;
        properties: { privateLinkServiceConnectionState: { status: string; description: string } };
      }>;
      const networkId = (
        em.state.workspace("pf-uai") as { properties: { managedNetwork: { networkId: string } } }
      ).properties.managedNetwork.networkId;
      const mine = connections.filter((c) => c.name.toLowerCase().startsWith(networkId.toLowerCase()));
      expect(mine.map((c) => c.properties.privateLinkServiceConnectionState)).toEqual([
        { status: "Approved", description: "Auto-Approved", actionsRequired: expect.anything() },
      ]);
      expect(em.requests.find("PUT", /aoai-pf\/privateEndpointConnections\//)).toEqual([]);

      const next = await plan(spec(), provider);
      expect(next.steps.filter((step) => step.action !== "noop")).toEqual([]);
      expect(next.diagnostics.filter((d) => d.code === "PFN218" || d.code === "PFN217")).toEqual([]);

      // A spec that does not name the identity is warned about: its grant would go elsewhere.
      const silent = await plan(spec(false), provider);
      expect(silent.diagnostics.filter((d) => d.code === "PFN218").map((d) => d.path)).toEqual([
        "/workspaces/pf-uai",
      ]);
    } finally {
      await em.close();
    }
  });
});
