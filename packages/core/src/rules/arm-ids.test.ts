import { describe, expect, it } from "vitest";
import type { ServiceKind, Topology, WorkspaceSpec } from "../spec/schema.js";
import { armResourceType, SERVICE_RESOURCE_TYPES } from "./arm-ids.js";
import { checkSpec } from "./spec-rules.js";

const RG = "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow/providers";
const VNET = `${RG}/Microsoft.Network/virtualNetworks/vnet-pf`;
const topology = (workspace: WorkspaceSpec, extra: Partial<Topology> = {}): Topology => ({
  version: 1,
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg-promptflow",
  workspaces: { "pf-ws": workspace },
  ...extra,
});
const byo = (vnet: Partial<NonNullable<WorkspaceSpec["vnet"]>> = {}, rest: Partial<WorkspaceSpec> = {}) =>
  ({
    network: "byo",
    ingress: "private",
    egress: "public",
    vnet: { vnetId: VNET, subnetId: `${VNET}/subnets/snet-pe`, ...vnet },
    ...rest,
  }) as WorkspaceSpec;
const hits = (t: Topology, code: string) =>
  checkSpec(t)
    .filter((d) => d.code === code)
    .map((d) => d.path);

describe("armResourceType", () => {
  it.each([
    [`${VNET}/subnets/a`, "Microsoft.Network/virtualNetworks/subnets"],
    [VNET, "Microsoft.Network/virtualNetworks"],
    [`${RG}/Microsoft.Network/virtualNetworks`, undefined],
    [`${RG}/Microsoft.Network`, undefined],
    ["/subscriptions/x/resourceGroups/y", undefined],
  ])("%s -> %s", (id, type) => expect(armResourceType(id)).toBe(type));
});

describe("PFN123 ARM ids of the right type", () => {
  it("accepts every field with its own type, whatever the case of the type", () => {
    const ws = byo(
      { nsgId: `${RG}/microsoft.network/NETWORKSECURITYGROUPS/nsg-pf` },
      {
        authoring: ["serverless"],
        serverless: { subnetId: `${VNET}/subnets/snet-compute` },
        create: {
          storageAccount: `${RG}/Microsoft.Storage/storageAccounts/st`,
          keyVault: `${RG}/Microsoft.KeyVault/vaults/kv`,
          containerRegistry: `${RG}/Microsoft.ContainerRegistry/registries/cr`,
          applicationInsights: `${RG}/Microsoft.Insights/components/ai`,
        },
      },
    );
    expect(hits(topology(ws, { location: "eastus" }), "PFN123")).toEqual([]);
  });

  it("refuses a VNet id as the serverless subnet and as the private-endpoint subnet", () => {
    const ws = byo({ subnetId: VNET }, { authoring: ["serverless"], serverless: { subnetId: VNET } });
    expect(hits(topology(ws), "PFN123").sort()).toEqual([
      "/workspaces/pf-ws/serverless/subnetId",
      "/workspaces/pf-ws/vnet/subnetId",
    ]);
  });

  it("refuses a subnet id as the VNet, a VNet id as the NSG, and swapped dependencies", () => {
    const ws = byo(
      { vnetId: `${VNET}/subnets/snet-pe`, nsgId: VNET },
      {
        create: {
          storageAccount: `${RG}/Microsoft.KeyVault/vaults/kv`,
          keyVault: `${RG}/Microsoft.Storage/storageAccounts/st`,
        },
      },
    );
    expect(hits(topology(ws, { location: "eastus" }), "PFN123").sort()).toEqual([
      "/workspaces/pf-ws/create/keyVault",
      "/workspaces/pf-ws/create/storageAccount",
      "/workspaces/pf-ws/vnet/nsgId",
      "/workspaces/pf-ws/vnet/vnetId",
    ]);
  });

  it("refuses a private-endpoint subnet of another VNet", () => {
    const ws = byo({ subnetId: `${RG}/Microsoft.Network/virtualNetworks/vnet-other/subnets/snet-pe` });
    const found = checkSpec(topology(ws)).filter((d) => d.code === "PFN123");
    expect(found.map((d) => d.path)).toEqual(["/workspaces/pf-ws/vnet/subnetId"]);
    expect(found[0]?.message).toContain("another virtual network");
    // A VNet whose name is a prefix of the other's is still another VNet.
    const prefix = byo({ subnetId: `${VNET}-2/subnets/snet-pe` });
    expect(hits(topology(prefix), "PFN123")).toEqual(["/workspaces/pf-ws/vnet/subnetId"]);
  });

  it("refuses an approvalConnection that is not a connection of its service", () => {
    const aoai = `${RG}/Microsoft.CognitiveServices/accounts/aoai`;
    const withConnection = (approvalConnection: string): Topology =>
      topology(
        { network: "managed", ingress: "private", egress: "private", reach: { services: ["aoai"] } },
        { services: { aoai: { kind: "azureOpenAI", id: aoai, approvalConnection } } },
      );
    expect(hits(withConnection(`${aoai}/privateEndpointConnections/pe1`), "PFN123")).toEqual([]);
    expect(hits(withConnection(`${aoai.toUpperCase()}/privateEndpointConnections/pe1`), "PFN123")).toEqual(
      [],
    );
    for (const wrong of [
      `${RG}/Microsoft.CognitiveServices/accounts/other/privateEndpointConnections/pe1`,
      `${aoai}/privateEndpointConnections/pe1/extra/x`,
      `${aoai}/privateLinkResources/account`,
    ])
      expect(hits(withConnection(wrong), "PFN123"), wrong).toEqual(["/services/aoai/approvalConnection"]);
  });
});

describe("PFN124 service kind matches its id", () => {
  const ids: Record<string, string> = {
    "Microsoft.CognitiveServices/accounts": `${RG}/Microsoft.CognitiveServices/accounts/acc`,
    "Microsoft.Search/searchServices": `${RG}/Microsoft.Search/searchServices/srch`,
    "Microsoft.Storage/storageAccounts": `${RG}/Microsoft.Storage/storageAccounts/st`,
    "Microsoft.KeyVault/vaults": `${RG}/Microsoft.KeyVault/vaults/kv`,
    "Microsoft.ContainerRegistry/registries": `${RG}/Microsoft.ContainerRegistry/registries/cr`,
  };
  const withService = (kind: ServiceKind, id: string): Topology =>
    topology(
      { network: "managed", ingress: "private", egress: "private", reach: { services: ["svc"] } },
      { services: { svc: { kind, id, ...(kind === "other" ? { subresource: "x" } : {}) } } },
    );
  const cases = Object.entries(SERVICE_RESOURCE_TYPES).flatMap(([kind, expected]) =>
    Object.entries(ids).map(([type, id]) => [kind as ServiceKind, type, id, expected === type] as const),
  );
  it.each(cases)("kind %s on a %s id -> accepted: %s", (kind, _type, id, accepted) => {
    const found = checkSpec(withService(kind, id)).filter((d) => d.code === "PFN124");
    expect(found.map((d) => d.path)).toEqual(accepted || kind === "other" ? [] : ["/services/svc/kind"]);
  });

  it("names the kinds that fit the id in its hint", () => {
    const [found] = checkSpec(withService("aiSearch", ids["Microsoft.CognitiveServices/accounts"]!)).filter(
      (d) => d.code === "PFN124",
    );
    expect(found?.message).toContain("Microsoft.CognitiveServices/accounts");
    expect(found?.hint).toContain("`azureOpenAI` or `aiServices` or `contentSafety`");
  });
});

describe("verdicts from the guide", () => {
  it("PFN120: serverless authoring on an own VNet without a custom subnet is an error", () => {
    const found = checkSpec(topology(byo({}, { authoring: ["serverless"] }))).filter(
      (d) => d.code === "PFN120",
    );
    expect(found.map((d) => d.severity)).toEqual(["error"]);
  });

  it("PFN122: storageRole false is a warning with a hint; the default and true are silent", () => {
    const managed: WorkspaceSpec = { network: "managed", ingress: "private", egress: "private" };
    const off = checkSpec(topology({ ...managed, storageRole: false })).filter((d) => d.code === "PFN122");
    expect(off.map((d) => [d.severity, d.path])).toEqual([["warning", "/workspaces/pf-ws/storageRole"]]);
    expect(off[0]?.hint).toContain("az role assignment list");
    expect(hits(topology(managed), "PFN122")).toEqual([]);
    expect(hits(topology({ ...managed, storageRole: true }), "PFN122")).toEqual([]);
  });

  it("PFN125: IP ranges on the workspace and on an endpoint are refused, pointing at what Azure offers", () => {
    const ws: WorkspaceSpec = {
      network: "managed",
      ingress: "public",
      egress: "private",
      ipRules: ["203.0.113.0/24"],
      endpoints: { ep: { ingress: "public", ipRules: ["198.51.100.7"] } },
    };
    const found = checkSpec(topology(ws)).filter((d) => d.code === "PFN125");
    expect(found.map((d) => [d.severity, d.path])).toEqual([
      ["error", "/workspaces/pf-ws/ipRules"],
      ["error", "/workspaces/pf-ws/endpoints/ep/ipRules"],
    ]);
    expect(found[0]?.hint).toContain("private endpoint");
    expect(found[0]?.hint).toContain("target services");
  });
});
