import { describe, expect, it } from "vitest";
import { AOAI, managedPrivate, RG, rgId, SEARCH, SUB, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { isPfnetError } from "../errors.js";
import {
  NETWORK_CONNECTION_APPROVER,
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
} from "../kinds/roleAssignment.js";
import { plan } from "../plan/plan.js";
import { MemoryProvider, memoryWorkspace } from "../testing/index.js";
import { expand } from "./expand.js";

const UAI = `${rgId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-pf`;
const UAI_PRINCIPAL = "0000aaaa-0000-4000-8000-00000000aaaa";

const uaiSpec = () =>
  topology({
    "pf-ws": {
      ...managedPrivate(),
      identity: { userAssigned: UAI },
      reach: { services: ["aoai", "search"] },
    },
  });

function uaiProvider(attached: Record<string, string> = { [UAI]: UAI_PRINCIPAL }) {
  return new MemoryProvider({
    state: {
      workspaces: [
        memoryWorkspace({
          subscriptionId: SUB,
          resourceGroup: RG,
          name: "pf-ws",
          userAssignedIdentities: attached,
        }),
      ],
    },
  });
}

describe("a workspace with a user-assigned identity", () => {
  it("expands to the storage role for that identity and the approver role on each reached service, both before provisioning", () => {
    const nodes = expand(uaiSpec());
    const roles = nodes.filter((node) => node.kind === "roleAssignment");
    expect(roles.map((node) => [node.address, node.identity])).toEqual([
      [
        "workspace.pf-ws.storage-role",
        { workspace: expect.objectContaining({ key: "pf-ws" }), userAssignedIdentity: UAI },
      ],
      [
        "workspace.pf-ws.approver-role.aoai",
        {
          workspace: expect.objectContaining({ key: "pf-ws" }),
          scope: AOAI,
          userAssignedIdentity: UAI,
          purpose: "connectionApprover",
          service: "aoai",
        },
      ],
      [
        "workspace.pf-ws.approver-role.search",
        expect.objectContaining({ scope: SEARCH, purpose: "connectionApprover", service: "search" }),
      ],
    ]);
    expect(
      String((roles[1]?.properties as { roleDefinitionId?: string } | undefined)?.roleDefinitionId),
    ).toMatch(new RegExp(`${NETWORK_CONNECTION_APPROVER}$`));
    const network = nodes.find((node) => node.kind === "managedNetwork");
    expect(network?.dependsOn).toEqual(
      expect.arrayContaining(["workspace.pf-ws.approver-role.aoai", "workspace.pf-ws.approver-role.search"]),
    );
    // Without `identity`: the system-assigned identity's storage role only, as before.
    const plain = expand(topology({ "pf-ws": managedPrivate() })).filter(
      (node) => node.kind === "roleAssignment",
    );
    expect(plain.map((node) => node.identity)).toEqual([
      { workspace: expect.objectContaining({ key: "pf-ws" }) },
    ]);
  });

  it("gets both grants for its user-assigned principal, and the next plan is empty", async () => {
    const provider = uaiProvider();
    const spec = uaiSpec();
    const result = await apply(await plan(spec, provider), provider);
    expect(result.errors).toEqual([]);
    const grants = provider
      .state()
      .roleAssignments.map((ra) => [ra.principalId, ra.scope, ra.roleDefinitionId.split("/").pop()]);
    expect(grants).toEqual(
      expect.arrayContaining([
        [
          UAI_PRINCIPAL,
          expect.stringMatching(/storageAccounts\/stpfws$/),
          STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
        ],
        [UAI_PRINCIPAL, AOAI, NETWORK_CONNECTION_APPROVER],
        [UAI_PRINCIPAL, SEARCH, NETWORK_CONNECTION_APPROVER],
      ]),
    );
    expect(grants).toHaveLength(3);
    const next = await plan(spec, provider);
    expect(next.steps.filter((step) => step.action !== "noop")).toEqual([]);
  });

  it("is refused (PFN217) when the identity is not attached, and warned about (PFN218) when the spec names none", async () => {
    const refused = await plan(uaiSpec(), uaiProvider({})).catch((error: unknown) => error);
    expect(isPfnetError(refused) && refused.code).toBe("PLAN_FORBIDDEN");
    const diagnostics = (refused as { details?: { diagnostics?: Array<{ code: string }> } }).details
      ?.diagnostics;
    expect(diagnostics?.map((d) => d.code)).toContain("PFN217");

    const silent = await plan(topology({ "pf-ws": managedPrivate() }), uaiProvider());
    const warning = silent.diagnostics.filter((d) => d.code === "PFN218");
    expect(warning.map((d) => [d.severity, d.path])).toEqual([["warning", "/workspaces/pf-ws"]]);
    expect(warning[0]?.message).toContain(UAI);
  });
});
