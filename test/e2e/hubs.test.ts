/**
 * Hubs and projects against the ARM emulator with the real SDK clients: a hub and its project
 * (the seeded pf-hub and pf-project of rg-foundry) are planned and applied as one — the project's
 * outside host becomes an FQDN rule on the hub, its storage role goes to the hub's storage
 * account, nothing is written to the project's network —, the next plan is empty; a project with
 * network settings of its own, and a project whose hubResourceId is another hub, are refused
 * before any write.
 */
import { apply, plan, planHasChanges, type Topology, validateTopology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, STORAGE_ROLE, SUB, startTestEmulator, TARGETS } from "./harness.js";

const FOUNDRY = `/subscriptions/${SUB}/resourceGroups/rg-foundry`;
const HUB_ID = `${FOUNDRY}/providers/Microsoft.MachineLearningServices/workspaces/pf-hub`;
const HUB_STORAGE = `${FOUNDRY}/providers/Microsoft.Storage/storageAccounts/stpfhub`;

function spec(project: Record<string, unknown> = {}): Topology {
  return {
    version: 1,
    subscriptionId: SUB,
    resourceGroup: "rg-foundry",
    location: "eastus",
    services: {
      aoai: { kind: "azureOpenAI", id: TARGETS.aoai },
      search: { kind: "aiSearch", id: TARGETS.search },
    },
    workspaces: {
      "pf-hub": {
        kind: "hub",
        network: "managed",
        ingress: "private",
        egress: "private",
        firewallSku: "Basic",
        reach: { services: ["aoai"] },
      },
      "pf-project": {
        kind: "project",
        hub: "pf-hub",
        reach: { services: ["aoai", "search"], hosts: ["serpapi.com"] },
        ...project,
      },
    },
  } as Topology;
}

type Json = Record<string, unknown>;
const userRules = (rules: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries(rules as Record<string, { category: string; type: string; status: string }>)
      .filter(([, rule]) => rule.category === "UserDefined")
      .map(([name, rule]) => [name, `${rule.type} ${rule.status}`]),
  );

describe("a hub and its project", () => {
  it("are planned and applied as one: the hub's steps first, the project's host an FQDN rule on the hub, its storage role on the hub's storage; the next plan is empty", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const first = await plan(spec(), provider);
      const order = first.steps.map((step) => step.address);
      expect(order.indexOf("workspace.pf-hub")).toBeLessThan(order.indexOf("workspace.pf-project"));
      expect(order).toContain("workspace.pf-hub.rule.fqdn-serpapi-com");
      expect(order.some((address) => address.startsWith("workspace.pf-project.rule."))).toBe(false);

      const from = em.requests.entries.length;
      const result = await apply(first, provider);
      expect(result.errors).toEqual([]);
      const writes = em.requests.entries
        .slice(from)
        .filter((r) => r.method !== "GET")
        .map((r) => `${r.method} ${r.path.split("?")[0]}`);
      // Nothing written to the project's own workspace or network (only Azure's diagnosis after apply).
      expect(writes.filter((line) => /\/workspaces\/pf-project(\/|$)/.test(line))).toEqual([
        `POST ${FOUNDRY}/providers/Microsoft.MachineLearningServices/workspaces/pf-project/diagnose`,
      ]);

      expect(userRules(em.state.rules("pf-hub"))).toEqual({
        "fqdn-serpapi-com": "FQDN Active",
        "pe-aoai": "PrivateEndpoint Active",
        "pe-search": "PrivateEndpoint Active",
      });
      expect(em.state.networkStatus("pf-hub")).toBe("Active");
      expect(userRules(em.state.rules("pf-project"))).toEqual({});
      const project = em.state.workspace("pf-project") as Json & {
        identity: { principalId: string };
        properties: Json & { managedNetwork: Json };
      };
      expect(project.properties.managedNetwork.isolationMode).toBe("Disabled");
      const grants = em.state
        .roleAssignments()
        .map((a) => (a as { properties: Json }).properties)
        .filter((p) => String(p.principalId).toLowerCase() === project.identity.principalId.toLowerCase());
      expect(grants).toHaveLength(1);
      expect(String(grants[0]!.scope).toLowerCase()).toBe(HUB_STORAGE.toLowerCase());
      expect(String(grants[0]!.roleDefinitionId)).toContain(STORAGE_ROLE);

      expect(planHasChanges(await plan(spec(), provider))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it("refuses a project with network settings of its own before anything is read", () => {
    const result = validateTopology(spec({ egress: "public", firewallSku: "Standard" }));
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["PFN141", "/workspaces/pf-project/egress"],
      ["PFN141", "/workspaces/pf-project/firewallSku"],
    ]);
  });

  it("refuses a project whose hubResourceId is another hub than the one named, writing nothing", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const other = spec({ hub: "pf-hub-2" });
      other.workspaces["pf-hub-2"] = {
        ...other.workspaces["pf-hub"]!,
        create: {
          storageAccount: `/subscriptions/${SUB}/resourceGroups/rg-promptflow/providers/Microsoft.Storage/storageAccounts/stpfdeploy`,
          keyVault: `/subscriptions/${SUB}/resourceGroups/rg-promptflow/providers/Microsoft.KeyVault/vaults/kv-pf-deploy`,
        },
      };
      await expect(plan(other, provider)).rejects.toMatchObject({
        code: "PLAN_FORBIDDEN",
        details: {
          diagnostics: [
            expect.objectContaining({
              code: "PFN225",
              path: "/workspaces/pf-project/hub",
              message: expect.stringContaining(HUB_ID),
            }),
          ],
        },
      });
      expect(em.requests.entries.filter((r) => r.method !== "GET")).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
