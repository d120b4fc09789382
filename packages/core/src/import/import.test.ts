import { describe, expect, it } from "vitest";
import { AOAI, byoPrivate, managedPrivate, RG, rgId, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { plan } from "../plan/plan.js";
import { planHasChanges } from "../plan/types.js";
import type { Topology } from "../spec/schema.js";
import { validateTopology } from "../spec/validate.js";
import type { MemoryProvider } from "../testing/memory-provider.js";
import { importTopology } from "./import.js";

const wsId = (name: string) => `${rgId}/providers/Microsoft.MachineLearningServices/workspaces/${name}`;

async function applied(spec: Topology): Promise<MemoryProvider> {
  const provider = seededProvider();
  // Azure reports every workspace's region (the seed leaves it out).
  provider.update((state) => {
    for (const ws of state.workspaces) ws.location = "eastus";
  });
  const result = await apply(await plan(spec, provider), provider);
  expect(result.errors).toEqual([]);
  return provider;
}

async function expectRoundTrip(provider: MemoryProvider, ids: string[]) {
  const writesBefore = provider.writes().length;
  const imported = await importTopology(provider, ids);
  const checked = validateTopology(imported.topology);
  expect(checked.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const again = await plan(imported.topology, provider);
  expect(again.steps.filter((s) => s.action !== "noop").map((s) => s.address)).toEqual([]);
  expect(planHasChanges(again)).toBe(false);
  expect(provider.writes().length).toBe(writesBefore);
  return imported;
}

describe("importTopology", () => {
  it("managed network: describes what apply made, and its plan is empty", async () => {
    const spec = topology({ "pf-ws": managedPrivate() });
    const provider = await applied(spec);
    const { topology: imported, notes } = await expectRoundTrip(provider, [wsId("pf-ws")]);
    const ws = imported.workspaces["pf-ws"]!;
    expect(ws).toMatchObject({
      network: "managed",
      ingress: "private",
      egress: "private",
      firewallSku: "Basic",
      reach: { services: ["aoai", "safety", "search"], hosts: ["serpapi.com"] },
      endpoints: { "pf-chat": { ingress: "private" } },
      inference: "managedOnlineEndpoint",
    });
    expect(ws.storageRole).toBeUndefined();
    expect(imported.services?.aoai).toEqual({ kind: "aiServices", id: AOAI });
    expect(notes.map((n) => n.path)).toEqual(["/services"]);
  });

  it("own VNet: private endpoints, DNS zone group, NSG and serverless subnet", async () => {
    const spec = topology({ "pf-byo": byoPrivate() });
    const provider = await applied(spec);
    const { topology: imported } = await expectRoundTrip(provider, [rgId]);
    const ws = imported.workspaces["pf-byo"]!;
    expect(ws.network).toBe("byo");
    expect(ws.vnet).toEqual({
      vnetId: spec.workspaces["pf-byo"]!.vnet!.vnetId,
      subnetId: spec.workspaces["pf-byo"]!.vnet!.subnetId,
      nsgId: spec.workspaces["pf-byo"]!.vnet!.nsgId,
    });
    expect(ws.serverless).toEqual(spec.workspaces["pf-byo"]!.serverless);
    expect([...(ws.reach?.services ?? [])].sort()).toEqual(["aoai", "safety", "search"]);
    // A resource group id imports every workspace that can be described; pf-ws (no isolation, no
    // own-VNet endpoints) cannot, and says so.
    expect(Object.keys(imported.workspaces)).toEqual(["pf-byo"]);
  });

  it("configured behind pfnet's back: what it can say is written, what it cannot is a note", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      const ws = state.workspaces.find((w) => w.name === "pf-ws")!;
      ws.publicNetworkAccess = "Disabled";
      ws.isolationMode = "AllowOnlyApprovedOutbound";
      ws.networkStatus = "Active";
      ws.rules["pe-aoai"] = {
        type: "PrivateEndpoint",
        category: "UserDefined",
        destination: { serviceResourceId: AOAI, subresourceTarget: "account", sparkEnabled: false },
        status: "Active",
      };
      ws.rules["fqdn-pypi-org"] = {
        type: "FQDN",
        category: "UserDefined",
        destination: "pypi.org",
        status: "Active",
      };
      ws.rules["my-monitor"] = {
        type: "ServiceTag",
        category: "UserDefined",
        destination: { serviceTag: "AzureMonitor", protocol: "TCP", portRanges: "443", action: "Allow" },
        status: "Active",
      };
      ws.rules["openai-by-hand"] = {
        type: "FQDN",
        category: "UserDefined",
        destination: "example.org",
        status: "Active",
      };
      ws.rules.__SYS_REQUIRED = {
        type: "FQDN",
        category: "Required",
        destination: "x.azure.com",
        status: "Active",
      };
      state.connections.push({
        targetId: AOAI,
        id: `${AOAI}/privateEndpointConnections/c1`,
        status: "Approved",
        source: "x",
      });
    });
    const imported = await importTopology(provider, [wsId("pf-ws")]);
    const ws = imported.topology.workspaces["pf-ws"]!;
    expect(ws.reach).toEqual({
      services: ["aoai"],
      hosts: ["pypi.org"],
      serviceTags: [{ name: "my-monitor", serviceTag: "AzureMonitor" }],
    });
    expect(ws.storageRole).toBe(false);
    expect(imported.notes.some((n) => n.message.includes("openai-by-hand is left out"))).toBe(true);
    expect(validateTopology(imported.topology).diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    // The plan keeps what was left out (an unlisted rule) and changes nothing.
    const again = await plan(imported.topology, provider);
    expect(again.unmanaged.map((r) => r.address)).toEqual(["workspace.pf-ws.rule.openai-by-hand"]);
  });

  it("refuses bad ids, two subscriptions, missing workspaces and providers that cannot list", async () => {
    const provider = seededProvider();
    await expect(importTopology(provider, ["not-an-id"])).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(importTopology(provider, [])).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(
      importTopology(provider, [
        wsId("pf-ws"),
        `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/${RG}`,
      ]),
    ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    await expect(importTopology(provider, [wsId("nope")])).rejects.toMatchObject({
      code: "WORKSPACE_NOT_FOUND",
    });
    const bare = { name: "bare", read: provider.read.bind(provider), apply: provider.apply.bind(provider) };
    await expect(importTopology(bare, [wsId("pf-ws")])).rejects.toMatchObject({ code: "NOT_SUPPORTED" });
    const controller = new AbortController();
    controller.abort();
    await expect(
      importTopology(provider, [wsId("pf-ws")], { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: "ABORTED",
    });
  });
});
