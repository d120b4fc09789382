import { describe, expect, it } from "vitest";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import { checkSpec } from "./spec-rules.js";

const ID = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow/providers";
const topology = (workspace: WorkspaceSpec, extra: Partial<Topology> = {}): Topology => ({
  version: 1,
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg-promptflow",
  workspaces: { "pf-ws": workspace },
  ...extra,
});
const managedPrivate = (reach: WorkspaceSpec["reach"]): WorkspaceSpec => ({
  network: "managed",
  ingress: "private",
  egress: "private",
  firewallSku: "Basic",
  reach,
});
const codesFor = (t: Topology) => checkSpec(t).map((d) => `${d.code} ${d.path}`);

describe("reach.hosts", () => {
  it.each([
    ["serpapi.com", []],
    ["*.pythonhosted.org", []],
    ["pypi.org:443", []],
    ["example.com:80", []],
    ["example.com:8080", ["PFN108"]],
    ["http://example.com", ["PFN109"]],
    ["example.com/path", ["PFN109"]],
    ["exa mple.com", ["PFN109"]],
    ["example.com:abc", ["PFN109"]],
    ["example.com:99999", ["PFN109"]],
    ["a.*.example.com", ["PFN109"]],
    ["*example.com", ["PFN109"]],
    ["localhost", ["PFN109"]],
    ["-bad.example.com", ["PFN109"]],
    ["stpfws.blob.core.windows.net", ["PFN110"]],
    ["*.file.core.windows.net", ["PFN110"]],
    ["x.dfs.core.chinacloudapi.cn", ["PFN110"]],
    ["*.core.windows.net", ["PFN110"]],
    ["myvault.vault.azure.net", []],
  ])("%s -> %j", (host, expected) => {
    const found = checkSpec(topology(managedPrivate({ hosts: [host] }))).map((d) => d.code);
    expect(found).toEqual(expected);
  });
});

describe("PFN115 duplicate rule names", () => {
  it("finds hosts that sanitise to the same rule name", () => {
    expect(codesFor(topology(managedPrivate({ hosts: ["a.b.com", "a-b.com"] })))).toEqual([
      "PFN115 /workspaces/pf-ws/reach/hosts/1",
    ]);
  });

  it("finds a service listed twice and an explicit tag name colliding with a derived one", () => {
    const t = topology(
      managedPrivate({
        services: ["aoai", "aoai"],
        serviceTags: [{ serviceTag: "AzureMonitor", name: "pe-aoai" }],
      }),
      {
        services: { aoai: { kind: "azureOpenAI", id: `${ID}/Microsoft.CognitiveServices/accounts/aoai-pf` } },
      },
    );
    const found = checkSpec(t).filter((d) => d.code === "PFN115");
    expect(found.map((d) => d.path)).toEqual([
      "/workspaces/pf-ws/reach/services/1",
      "/workspaces/pf-ws/reach/serviceTags/0/name",
    ]);
    expect(found[0]?.message).toContain("twice");
    expect(found[1]?.message).toContain('"pe-aoai"');
  });

  it("accepts two tags of different names", () => {
    const t = topology(
      managedPrivate({ serviceTags: [{ serviceTag: "AzureMonitor" }, { serviceTag: "Storage.eastus" }] }),
    );
    expect(codesFor(t)).toEqual([]);
  });
});

describe("network model", () => {
  it("reports every managed-only setting of a byo workspace at its own path", () => {
    const t = topology({
      network: "byo",
      ingress: "private",
      egress: "public",
      firewallSku: "Basic",
      provision: "now",
      reach: { hosts: ["serpapi.com"], serviceTags: [{ serviceTag: "AzureMonitor" }] },
      vnet: {
        vnetId: `${ID}/Microsoft.Network/virtualNetworks/v`,
        subnetId: `${ID}/Microsoft.Network/virtualNetworks/v/subnets/s`,
      },
    });
    expect(codesFor(t)).toEqual([
      "PFN105 /workspaces/pf-ws/firewallSku",
      "PFN105 /workspaces/pf-ws/provision",
      "PFN105 /workspaces/pf-ws/reach/hosts",
      "PFN105 /workspaces/pf-ws/reach/serviceTags",
    ]);
  });

  it("allows a kubernetes endpoint in a byo workspace with public egress", () => {
    const t = topology({
      network: "byo",
      ingress: "private",
      egress: "public",
      inference: "kubernetesOnlineEndpoint",
      endpoints: { "pf-aks": { kind: "kubernetes", ingress: "private" } },
      vnet: {
        vnetId: `${ID}/Microsoft.Network/virtualNetworks/v`,
        subnetId: `${ID}/Microsoft.Network/virtualNetworks/v/subnets/s`,
      },
    });
    expect(codesFor(t)).toEqual([]);
  });

  it("treats an endpoint without kind as managed (PFN104 in byo) and reports at the endpoint", () => {
    const t = topology({
      network: "byo",
      ingress: "private",
      egress: "public",
      endpoints: { "pf-chat": { ingress: "private" } },
      vnet: {
        vnetId: `${ID}/Microsoft.Network/virtualNetworks/v`,
        subnetId: `${ID}/Microsoft.Network/virtualNetworks/v/subnets/s`,
      },
    });
    const [hit] = checkSpec(t);
    expect(hit?.code).toBe("PFN104");
    expect(hit?.path).toBe("/workspaces/pf-ws/endpoints/pf-chat");
    expect(hit?.message).toContain("default kind");
    expect(hit?.hint).toContain("two-workspace");
  });

  it("allows a private endpoint in a public workspace (no diagnostic)", () => {
    const t = topology({
      network: "managed",
      ingress: "public",
      egress: "public",
      inference: "managedOnlineEndpoint",
      endpoints: { "pf-chat": { ingress: "private" } },
    });
    expect(codesFor(t)).toEqual([]);
  });
});

describe("names", () => {
  it("checks the workspace key when no name is given, and the name otherwise", () => {
    const workspace: WorkspaceSpec = { network: "managed", ingress: "public", egress: "public" };
    expect(codesFor({ ...topology(workspace), workspaces: { ab: workspace } })).toEqual([
      "PFN116 /workspaces/ab",
    ]);
    expect(codesFor({ ...topology(workspace), workspaces: { ab: { ...workspace, name: "pf-ab" } } })).toEqual(
      [],
    );
    expect(codesFor(topology({ ...workspace, name: "x".repeat(34) }))).toEqual([
      "PFN116 /workspaces/pf-ws/name",
    ]);
  });

  it("escapes keys with a slash in paths", () => {
    const workspace: WorkspaceSpec = { network: "managed", ingress: "public", egress: "public" };
    expect(codesFor({ ...topology(workspace), workspaces: { "a/b": workspace } })).toEqual([
      "PFN116 /workspaces/a~1b",
    ]);
  });
});
