/**
 * The serviceNetworkAccess contract: its node (address, properties per intent, dependencies),
 * its diff, its weakening declarations, and the in-memory handler's check of the private paths.
 */
import { describe, expect, it } from "vitest";
import { AOAI, RG, SEARCH, SUB } from "../../test/support.js";
import type { PlanStep } from "../plan/types.js";
import { MemoryProvider, memoryWorkspace } from "../testing/index.js";
import {
  type NetworkAccessIntent,
  type ServicePrivatePath,
  serviceNetworkAccess,
} from "./serviceNetworkAccess.js";
import { weakeningsOf } from "./weakening.js";

const ref = { subscriptionId: SUB, resourceGroup: RG, name: "pf-ws", key: "pf-ws" };
const managedPath: ServicePrivatePath = { via: "managed", workspace: ref, ruleName: "pe-aoai" };
const context = { signal: new AbortController().signal, emit: () => {} };

const stepOf = (
  node: ReturnType<typeof serviceNetworkAccess.node>,
  before: Record<string, unknown> | null,
): PlanStep =>
  ({
    address: node.address,
    kind: node.kind,
    identity: node.identity as unknown as Record<string, unknown>,
    action: "update",
    before,
    after: node.properties as unknown as Record<string, unknown>,
    dependsOn: node.dependsOn,
    changedPaths: [],
    reason: "test",
    guard: true,
  }) as unknown as PlanStep;

describe("serviceNetworkAccess node", () => {
  it("is one node per service, after every private path's steps (sorted, once each)", () => {
    const node = serviceNetworkAccess.node(
      "aoai",
      AOAI,
      { public: "disabled" },
      [managedPath],
      ["workspace.pf-ws.approval.aoai", "workspace.b.pe.aoai.dns", "workspace.pf-ws.approval.aoai"],
    );
    expect(node.address).toBe("service.aoai.network-access");
    expect(node.dependsOn).toEqual(["workspace.b.pe.aoai.dns", "workspace.pf-ws.approval.aoai"]);
    expect(node.properties).toEqual({ publicNetworkAccess: "Disabled" });
    expect(node.identity).toEqual({ service: "aoai", targetId: AOAI, paths: [managedPath] });
  });

  it("maps the intent to each service's own settings: trusted services only where the API offers them", () => {
    const selected = {
      public: "selected",
      ipRules: ["203.0.113.9", "198.51.100.0/24"],
      trustedServices: true,
    } satisfies NetworkAccessIntent;
    expect(serviceNetworkAccess.node("aoai", AOAI, selected, [], []).properties).toEqual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Deny",
      ipRules: ["198.51.100.0/24", "203.0.113.9"],
      bypass: "AzureServices",
    });
    expect(serviceNetworkAccess.node("aoai", AOAI, { public: "selected" }, [], []).properties).toMatchObject({
      bypass: "None",
    });
    expect(
      serviceNetworkAccess.node("search", SEARCH, { public: "selected", ipRules: ["203.0.113.9"] }, [], [])
        .properties,
    ).toEqual({ publicNetworkAccess: "Enabled", defaultAction: "Deny", ipRules: ["203.0.113.9"] });
    expect(serviceNetworkAccess.node("search", SEARCH, { public: "enabled" }, [], []).properties).toEqual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Allow",
      ipRules: [],
    });
  });
});

describe("serviceNetworkAccess diff and weakening", () => {
  const node = serviceNetworkAccess.node(
    "aoai",
    AOAI,
    { public: "selected", ipRules: ["203.0.113.9", "198.51.100.0/24"] },
    [],
    [],
  );
  const actual = (properties: Record<string, unknown>) => ({
    exists: true as const,
    properties,
    fingerprint: "f",
  });

  it("compares IP rules as a set and names what differs", () => {
    const same = actual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Deny",
      ipRules: ["203.0.113.9", "198.51.100.0/24"],
      bypass: "None",
    });
    expect(serviceNetworkAccess.diff(node, same, {} as never).action).toBe("noop");
    const open = actual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Allow",
      ipRules: [],
      bypass: "None",
    });
    const verdict = serviceNetworkAccess.diff(node, open, {} as never);
    expect(verdict.action).toBe("update");
    expect(verdict.changedPaths).toEqual(["/defaultAction", "/ipRules"]);
  });

  const marks = (after: ReturnType<typeof serviceNetworkAccess.node>, before: Record<string, unknown>) =>
    weakeningsOf([stepOf(after, before)])
      .get(after.address)
      ?.map((w) => [w.change, w.gated]) ?? [];

  it("public access back on is gated weakening; turning it off is not", () => {
    const enabled = serviceNetworkAccess.node("aoai", AOAI, { public: "enabled" }, [], []);
    const disabled = serviceNetworkAccess.node("aoai", AOAI, { public: "disabled" }, [], []);
    expect(marks(enabled, { publicNetworkAccess: "Disabled" })).toEqual([["servicePublicAccessOn", true]]);
    expect(marks(node, { publicNetworkAccess: "Disabled" })).toEqual([["servicePublicAccessOn", true]]);
    expect(marks(disabled, { publicNetworkAccess: "Enabled", defaultAction: "Allow" })).toEqual([]);
  });

  it("a wider firewall (default Allow, a new address, trusted services) is gated; a narrower one is not", () => {
    const behind = {
      publicNetworkAccess: "Enabled",
      defaultAction: "Deny",
      ipRules: ["203.0.113.9"],
      bypass: "None",
    };
    const enabled = serviceNetworkAccess.node("aoai", AOAI, { public: "enabled" }, [], []);
    expect(marks(enabled, behind)).toEqual([["serviceFirewallWidened", true]]);
    expect(marks(node, behind)).toEqual([["serviceFirewallWidened", true]]);
    const trusted = serviceNetworkAccess.node(
      "aoai",
      AOAI,
      { public: "selected", ipRules: ["203.0.113.9"], trustedServices: true },
      [],
      [],
    );
    expect(marks(trusted, behind)).toEqual([["serviceFirewallWidened", true]]);
    const narrower = serviceNetworkAccess.node("aoai", AOAI, { public: "selected", ipRules: [] }, [], []);
    expect(marks(narrower, behind)).toEqual([]);
    expect(marks(node, { ...behind, defaultAction: "Allow", ipRules: [] })).toEqual([]);
  });
});

describe("serviceNetworkAccess in memory", () => {
  const workspace = (status: "Active" | "Inactive") =>
    memoryWorkspace({
      subscriptionId: SUB,
      resourceGroup: RG,
      name: "pf-ws",
      isolationMode: "AllowOnlyApprovedOutbound",
      networkStatus: "Active",
      rules: {
        "pe-aoai": {
          type: "PrivateEndpoint",
          category: "UserDefined",
          destination: { serviceResourceId: AOAI, subresourceTarget: "account", sparkEnabled: false },
          status,
        },
      },
    });
  const connection = (status: "Approved" | "Pending") => ({
    targetId: AOAI,
    id: `${AOAI}/privateEndpointConnections/c1`,
    status,
    source: `${`/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/pf-ws`.toLowerCase()}/outboundrules/pe-aoai`,
  });
  const node = serviceNetworkAccess.node("aoai", AOAI, { public: "disabled" }, [managedPath], []);

  it("reads a service it never wrote as Azure creates one: public and open", async () => {
    const provider = new MemoryProvider({ state: { workspaces: [workspace("Active")] } });
    const read = await provider.read([node], context);
    expect(read.resources[node.address]).toMatchObject({
      exists: true,
      properties: { publicNetworkAccess: "Enabled", defaultAction: "Allow", ipRules: [], bypass: "None" },
    });
  });

  it("writes only once the rule is Active and the connection Approved", async () => {
    for (const [rule, status] of [
      ["Inactive", "Approved"],
      ["Active", "Pending"],
    ] as const) {
      const provider = new MemoryProvider({
        state: { workspaces: [workspace(rule)], connections: [connection(status)] },
      });
      await expect(provider.apply(stepOf(node, null), context)).rejects.toMatchObject({
        code: "PRIVATE_PATH_NOT_READY",
      });
      const read = await provider.read([node], context);
      expect(read.resources[node.address]).toMatchObject({ properties: { publicNetworkAccess: "Enabled" } });
    }
    const provider = new MemoryProvider({
      state: { workspaces: [workspace("Active")], connections: [connection("Approved")] },
    });
    expect(await provider.apply(stepOf(node, null), context)).toEqual({ outcome: "succeeded" });
    const read = await provider.read([node], context);
    expect(read.resources[node.address]).toMatchObject({ properties: { publicNetworkAccess: "Disabled" } });
  });
});
