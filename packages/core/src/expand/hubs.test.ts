import { describe, expect, it } from "vitest";
import { createBlock, managedPrivate, RG, rgId, SUB, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { plan } from "../plan/plan.js";
import { parsePlan, serializePlan } from "../plan/serialize.js";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import { workspaceKeysOf } from "../state/session.js";
import { MemoryProvider, memoryWorkspace } from "../testing/index.js";
import { expand } from "./expand.js";
import { workspaceIdOf } from "./hubs.js";

const HUB_ID = workspaceIdOf({ subscriptionId: SUB, resourceGroup: RG, name: "pf-hub" });
const SHARED_ID = `/subscriptions/${SUB}/resourceGroups/rg-shared/providers/Microsoft.MachineLearningServices/workspaces/shared-hub`;

const hub = (overrides: Partial<WorkspaceSpec> = {}): WorkspaceSpec =>
  managedPrivate({
    kind: "hub",
    reach: { services: ["aoai"], hosts: ["serpapi.com"] },
    endpoints: {},
    ...overrides,
  });
const project = (overrides: Partial<WorkspaceSpec> = {}): WorkspaceSpec => ({
  kind: "project",
  hub: "pf-hub",
  reach: { services: ["aoai", "search"], hosts: ["serpapi.com", "api.bing.microsoft.com"] },
  endpoints: { "pf-chat": { ingress: "private" } },
  ...overrides,
});
const pair = (): Topology => topology({ "pf-hub": hub(), "pf-project": project() });
const changes = (p: Awaited<ReturnType<typeof plan>>) => p.steps.filter((step) => step.action !== "noop");

describe("expand: a hub and its project", () => {
  const nodes = expand(pair());
  const map = new Map(nodes.map((node) => [node.address, node]));

  it("puts the project's rules and approvals on the hub, each shared rule once, and nothing network on the project", () => {
    expect(nodes.map((node) => node.address).sort()).toEqual(
      [
        "workspace.pf-hub",
        "workspace.pf-hub.approval.aoai",
        "workspace.pf-hub.approval.search",
        "workspace.pf-hub.network",
        "workspace.pf-hub.rule.fqdn-api-bing-microsoft-com",
        "workspace.pf-hub.rule.fqdn-serpapi-com",
        "workspace.pf-hub.rule.pe-aoai",
        "workspace.pf-hub.rule.pe-search",
        "workspace.pf-hub.storage-role",
        "workspace.pf-project",
        "workspace.pf-project.endpoint.pf-chat",
        "workspace.pf-project.storage-role",
      ].sort(),
    );
    expect(map.get("workspace.pf-hub.rule.fqdn-api-bing-microsoft-com")?.identity).toMatchObject({
      workspace: { name: "pf-hub", key: "pf-hub" },
    });
    expect(map.get("workspace.pf-hub.network")?.dependsOn).toContain(
      "workspace.pf-hub.rule.fqdn-api-bing-microsoft-com",
    );
    expect(map.get("workspace.pf-project")?.properties).toEqual({});
  });

  it("orders the project after its hub, its endpoint after the hub's provisioning, its storage role on the hub's storage", () => {
    expect(map.get("workspace.pf-project")?.dependsOn).toEqual(["workspace.pf-hub"]);
    expect(map.get("workspace.pf-project.endpoint.pf-chat")?.dependsOn).toContain("workspace.pf-hub.network");
    expect(map.get("workspace.pf-project.storage-role")?.identity).toMatchObject({
      workspace: { name: "pf-project" },
      storageOf: { name: "pf-hub", key: "pf-hub" },
    });
  });

  it("creates a project with kind Project and its hub's id, naming none of the hub's resources", () => {
    const created = expand(
      topology({ "pf-hub": hub({ create: createBlock }), "pf-project": project({ create: {} }) }),
    );
    const node = created.find((n) => n.address === "workspace.pf-project")!;
    expect(node.identity).toEqual({
      workspace: { subscriptionId: SUB, resourceGroup: RG, name: "pf-project", key: "pf-project" },
      create: { location: "eastus", kind: "project", hubResourceId: HUB_ID, provisionNetworkNow: false },
    });
    expect(created.find((n) => n.address === "workspace.pf-project.storage-role")?.identity).toMatchObject({
      scope: createBlock.storageAccount,
    });
  });

  it("addresses a hub named by ARM id by its name: read, nothing desired of it, the project's rules on it", () => {
    const external = expand(topology({ "pf-project": project({ hub: SHARED_ID, endpoints: {} }) }));
    const hubNode = external.find((n) => n.address === "workspace.shared-hub")!;
    expect(hubNode.properties).toEqual({});
    expect(hubNode.identity).toEqual({
      workspace: { subscriptionId: SUB, resourceGroup: "rg-shared", name: "shared-hub", key: "shared-hub" },
      external: true,
    });
    expect(external.map((n) => n.address)).toEqual(
      expect.arrayContaining([
        "workspace.shared-hub.rule.pe-aoai",
        "workspace.shared-hub.rule.fqdn-serpapi-com",
        "workspace.shared-hub.network",
        "workspace.shared-hub.approval.search",
      ]),
    );
    expect(external.some((n) => n.address === "workspace.shared-hub.storage-role")).toBe(false);
  });
});

describe("ownership: what a project put on its hub", () => {
  const sharedHub = () =>
    new MemoryProvider({
      state: {
        workspaces: [
          memoryWorkspace({
            subscriptionId: SUB,
            resourceGroup: "rg-shared",
            name: "shared-hub",
            kind: "Hub",
            isolationMode: "AllowOnlyApprovedOutbound",
          }),
          memoryWorkspace({
            subscriptionId: SUB,
            resourceGroup: RG,
            name: "pf-project",
            kind: "Project",
            hubResourceId: SHARED_ID,
          }),
        ],
      },
    });
  const projectOnly = () => topology({ "pf-project": project({ hub: SHARED_ID, endpoints: {} }) });

  it("a project's apply locks its hub (the rules are the hub's); its destroy removes nothing on a hub pfnet does not manage", async () => {
    const provider = sharedHub();
    const planned = await plan(projectOnly(), provider);
    const keys = workspaceKeysOf(planned);
    expect(keys.get("workspace.shared-hub.rule.fqdn-serpapi-com")).toBe(`${SUB}/rg-shared/shared-hub`);
    expect((await apply(planned, provider)).errors).toEqual([]);
    const hubRules = () =>
      Object.keys(provider.state().workspaces.find((w) => w.name === "shared-hub")!.rules).sort();
    expect(hubRules()).toEqual(["fqdn-api-bing-microsoft-com", "fqdn-serpapi-com", "pe-aoai", "pe-search"]);

    const destroying = await plan(projectOnly(), provider, { mode: "destroy" });
    expect(destroying.steps.filter((step) => step.action === "delete").map((step) => step.address)).toEqual([
      "workspace.pf-project.storage-role",
    ]);
    expect((await apply(parsePlan(serializePlan(destroying)), provider)).errors).toEqual([]);
    expect(hubRules()).toEqual(["fqdn-api-bing-microsoft-com", "fqdn-serpapi-com", "pe-aoai", "pe-search"]);
  });
});

describe("plan and apply: a hub and its project as one", () => {
  const seeded = (hubResourceId = HUB_ID) =>
    new MemoryProvider({
      state: {
        workspaces: [
          memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name: "pf-hub", kind: "Hub" }),
          memoryWorkspace({
            subscriptionId: SUB,
            resourceGroup: RG,
            name: "pf-project",
            kind: "Project",
            hubResourceId,
            storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/stpfhub`,
          }),
        ],
      },
    });

  it("applies the hub's steps first and plans nothing after; the project's role is on the hub's storage", async () => {
    const provider = seeded();
    const first = await plan(pair(), provider);
    const order = first.steps.map((step) => step.address);
    expect(order.indexOf("workspace.pf-hub")).toBeLessThan(order.indexOf("workspace.pf-project"));
    expect(changes(first).some((step) => step.address === "workspace.pf-project")).toBe(false);
    const result = await apply(parsePlan(serializePlan(first)), provider);
    expect(result.errors).toEqual([]);
    const state = provider.state();
    const hubWs = state.workspaces.find((ws) => ws.name === "pf-hub")!;
    expect(Object.keys(hubWs.rules).sort()).toEqual([
      "fqdn-api-bing-microsoft-com",
      "fqdn-serpapi-com",
      "pe-aoai",
      "pe-search",
    ]);
    expect(state.workspaces.find((ws) => ws.name === "pf-project")!.rules).toEqual({});
    const projectPrincipal = state.workspaces.find((ws) => ws.name === "pf-project")!.principalId;
    expect(
      state.roleAssignments.filter((ra) => ra.principalId === projectPrincipal).map((ra) => ra.scope),
    ).toEqual([hubWs.storageAccount]);
    expect(changes(await plan(pair(), provider))).toEqual([]);
  });

  it("refuses a project whose hubResourceId is another hub (PFN225)", async () => {
    const provider = seeded(SHARED_ID);
    await expect(plan(pair(), provider)).rejects.toMatchObject({
      code: "PLAN_FORBIDDEN",
      details: {
        diagnostics: [expect.objectContaining({ code: "PFN225", path: "/workspaces/pf-project/hub" })],
      },
    });
  });
});
