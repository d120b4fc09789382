import { describe, expect, it } from "vitest";
import {
  byoPrivate,
  createBlock,
  managedPrivate,
  NSG,
  SUB,
  SUBNET_COMPUTE,
  SUBNET_PE,
  topology,
} from "../../test/support.js";
import { Graph } from "../graph/graph.js";
import { STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR } from "../model.js";
import { expand } from "./expand.js";

const byAddress = (nodes: ReturnType<typeof expand>) => new Map(nodes.map((node) => [node.address, node]));

describe("expand: managed network", () => {
  const nodes = expand(topology({ "pf-ws": managedPrivate() }));
  const map = byAddress(nodes);

  it("produces the workspace, rules, provisioning, role, approvals and endpoint with stable addresses", () => {
    expect(nodes.map((node) => node.address).sort()).toEqual(
      [
        "workspace.pf-ws",
        "workspace.pf-ws.approval.aoai",
        "workspace.pf-ws.approval.safety",
        "workspace.pf-ws.approval.search",
        "workspace.pf-ws.endpoint.pf-chat",
        "workspace.pf-ws.network",
        "workspace.pf-ws.rule.fqdn-serpapi-com",
        "workspace.pf-ws.rule.pe-aoai",
        "workspace.pf-ws.rule.pe-safety",
        "workspace.pf-ws.rule.pe-search",
        "workspace.pf-ws.storage-role",
      ].sort(),
    );
  });

  it("maps ingress/egress to workspace properties", () => {
    expect(map.get("workspace.pf-ws")!.properties).toEqual({
      publicNetworkAccess: "Disabled",
      isolationMode: "AllowOnlyApprovedOutbound",
      firewallSku: "Basic",
    });
    const publicEgress = expand(
      topology({
        w: managedPrivate({ egress: "public", ingress: "public", firewallSku: undefined, reach: {} }),
      }),
    );
    expect(publicEgress[0]!.properties).toEqual({
      publicNetworkAccess: "Enabled",
      isolationMode: "AllowInternetOutbound",
    });
  });

  it("derives rules with the kind's subresource and the host without port", () => {
    expect(map.get("workspace.pf-ws.rule.pe-search")!.properties).toEqual({
      type: "PrivateEndpoint",
      category: "UserDefined",
      destination: {
        serviceResourceId: expect.stringContaining("srch-pf"),
        subresourceTarget: "searchService",
        sparkEnabled: false,
      },
    });
    const withPort = expand(topology({ w: managedPrivate({ reach: { hosts: ["API.example.com:443"] } }) }));
    const rule = withPort.find((node) => node.kind === "outboundRule")!;
    expect(rule.properties).toEqual({
      type: "FQDN",
      category: "UserDefined",
      destination: "api.example.com",
    });
  });

  it("orders Azure's way: workspace -> rules -> provisioning -> approvals and endpoints", () => {
    const network = map.get("workspace.pf-ws.network")!;
    expect(network.dependsOn.sort()).toEqual(
      [
        "workspace.pf-ws",
        "workspace.pf-ws.rule.fqdn-serpapi-com",
        "workspace.pf-ws.rule.pe-aoai",
        "workspace.pf-ws.rule.pe-safety",
        "workspace.pf-ws.rule.pe-search",
      ].sort(),
    );
    expect(network.properties).toEqual({ status: "Active", hasFqdnRules: true });
    expect(map.get("workspace.pf-ws.approval.aoai")!.dependsOn).toEqual(["workspace.pf-ws.network"]);
    expect(map.get("workspace.pf-ws.endpoint.pf-chat")!.dependsOn).toContain("workspace.pf-ws.network");
    expect(map.get("workspace.pf-ws.rule.pe-aoai")!.dependsOn).toEqual(["workspace.pf-ws"]);
    const order = Graph.fromDependencies(nodes).topologicalOrder();
    expect(order.indexOf("workspace.pf-ws")).toBeLessThan(order.indexOf("workspace.pf-ws.rule.pe-aoai"));
    expect(order.indexOf("workspace.pf-ws.rule.pe-aoai")).toBeLessThan(
      order.indexOf("workspace.pf-ws.network"),
    );
  });

  it("puts every write to the workspace in one lane, and nothing else", () => {
    for (const node of nodes) {
      const inLane = ["workspace", "outboundRule", "managedNetwork", "onlineEndpoint"].includes(node.kind);
      expect(node.lane).toBe(inLane ? "workspace.pf-ws" : undefined);
    }
  });

  it("grants Storage File Data Privileged Contributor with the create block's storage as scope", () => {
    const created = byAddress(expand(topology({ d: managedPrivate({ create: createBlock }) })));
    const role = created.get("workspace.d.storage-role")!;
    expect(role.identity).toMatchObject({ scope: createBlock.storageAccount });
    expect(role.properties).toEqual({
      roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR}`,
      principalType: "ServicePrincipal",
    });
    expect(created.get("workspace.d")!.identity).toMatchObject({
      create: {
        location: "eastus",
        kind: "default",
        provisionNetworkNow: true,
        storageAccount: createBlock.storageAccount,
      },
    });
    expect(map.get("workspace.pf-ws.storage-role")!.identity).not.toHaveProperty("scope");
  });

  it("applies defaults and opt-outs: onFirstCompute, storageRole false, approve false", () => {
    const nodes2 = expand({
      ...topology({ w: managedPrivate({ provision: "onFirstCompute", storageRole: false, endpoints: {} }) }),
    });
    const kinds = nodes2.map((node) => node.kind);
    expect(kinds).not.toContain("managedNetwork");
    expect(kinds).not.toContain("privateEndpointApproval");
    expect(kinds).not.toContain("roleAssignment");
    const t = topology({ w: managedPrivate({ create: createBlock, provision: "onFirstCompute" }) });
    expect(byAddress(expand(t)).get("workspace.w")!.identity).toMatchObject({
      create: { provisionNetworkNow: false },
    });
    t.services!.aoai = { ...t.services!.aoai!, approve: false };
    const approval = byAddress(expand({ ...t, workspaces: { w: managedPrivate() } })).get(
      "workspace.w.approval.aoai",
    )!;
    expect(approval.identity).toMatchObject({ approve: false, via: "managed" });
  });

  it("uses an explicit subresource and skips undeclared services", () => {
    const t = topology({ w: managedPrivate({ reach: { services: ["blobby", "nope"] } }) });
    t.services = { blobby: { kind: "storage", id: `${t.services!.aoai!.id}x`, subresource: "file" } };
    const rules = expand(t).filter((node) => node.kind === "outboundRule");
    expect(rules).toHaveLength(1);
    expect(rules[0]!.properties).toMatchObject({ destination: { subresourceTarget: "file" } });
  });
});

describe("expand: own VNet", () => {
  const nodes = expand(topology({ "pf-byo": byoPrivate() }));
  const map = byAddress(nodes);

  it("sets isolation Disabled and the serverless subnet, and has no outbound rules or provisioning", () => {
    expect(map.get("workspace.pf-byo")!.properties).toEqual({
      publicNetworkAccess: "Disabled",
      isolationMode: "Disabled",
      serverlessComputeSettings: {
        serverlessComputeCustomSubnet: SUBNET_COMPUTE,
        serverlessComputeNoPublicIP: true,
      },
    });
    expect(nodes.some((node) => node.kind === "outboundRule" || node.kind === "managedNetwork")).toBe(false);
  });

  it("creates a private endpoint, DNS zone group and approval per reached service", () => {
    const pe = map.get("workspace.pf-byo.pe.aoai")!;
    expect(pe.identity).toMatchObject({
      name: "pe-pf-byo-aoai",
      resourceGroup: "rg-promptflow",
      location: "eastus",
    });
    expect(pe.properties).toEqual({
      subnetId: SUBNET_PE,
      targetId: expect.stringContaining("aoai-pf"),
      groupId: "account",
    });
    const dns = map.get("workspace.pf-byo.pe.aoai.dns")!;
    expect(dns.dependsOn).toEqual(["workspace.pf-byo.pe.aoai"]);
    expect(dns.properties).toEqual({
      privateDnsZoneIds: [
        `/subscriptions/${SUB}/resourceGroups/rg-promptflow/providers/Microsoft.Network/privateDnsZones/privatelink.cognitiveservices.azure.com`,
        `/subscriptions/${SUB}/resourceGroups/rg-promptflow/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com`,
      ],
    });
    const approval = map.get("workspace.pf-byo.approval.search")!;
    expect(approval.identity).toMatchObject({ via: "byo", service: "search" });
    expect(approval.dependsOn).toEqual(["workspace.pf-byo.pe.search"]);
  });

  it("keeps the required outbound NSG rules with stable priorities", () => {
    const rules = nodes.filter((node) => node.kind === "nsgRule");
    expect(rules).toHaveLength(8);
    const props = rules.map(
      (rule) =>
        rule.properties as {
          destinationAddressPrefix: string;
          protocol: string;
          destinationPortRanges: string[];
          priority: number;
        },
    );
    expect(props).toContainEqual(
      expect.objectContaining({
        destinationAddressPrefix: "AzureActiveDirectory",
        destinationPortRanges: ["80", "443"],
        protocol: "Tcp",
      }),
    );
    expect(props).toContainEqual(
      expect.objectContaining({
        destinationAddressPrefix: "AzureMachineLearning",
        destinationPortRanges: ["5831"],
        protocol: "Udp",
      }),
    );
    expect(props).toContainEqual(
      expect.objectContaining({ destinationAddressPrefix: "BatchNodeManagement.eastus" }),
    );
    expect(props).toContainEqual(
      expect.objectContaining({ destinationAddressPrefix: "MicrosoftContainerRegistry.eastus" }),
    );
    expect(new Set(props.map((p) => p.priority)).size).toBe(8);
    expect(rules.every((rule) => rule.lane === `nsg:${NSG.toLowerCase()}`)).toBe(true);
    expect(expand(topology({ "pf-byo": byoPrivate() }))).toEqual(nodes);
  });

  it("emits the rules of an NSG shared by two workspaces once, under the first workspace", () => {
    const shared = expand(topology({ b1: byoPrivate(), b2: byoPrivate() }));
    const rules = shared.filter((node) => node.kind === "nsgRule");
    expect(rules).toHaveLength(8);
    expect(rules.every((rule) => rule.address.startsWith("workspace.b1.nsg."))).toBe(true);
  });

  it("uses the DNS zone resource group when given, and no NSG rules without an NSG", () => {
    const other = expand(
      topology({
        b: byoPrivate({
          vnet: {
            vnetId: byoPrivate().vnet!.vnetId,
            subnetId: SUBNET_PE,
            privateDnsZoneResourceGroup: "rg-dns",
          },
        }),
      }),
    );
    expect(other.some((node) => node.kind === "nsgRule")).toBe(false);
    const dns = other.find((node) => node.kind === "privateDnsZoneGroup")!;
    expect((dns.properties as { privateDnsZoneIds: string[] }).privateDnsZoneIds[0]).toContain(
      "/resourceGroups/rg-dns/",
    );
  });
});
