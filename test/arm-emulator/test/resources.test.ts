/** Network children, manual PE approval, computes, rule-map PATCH semantics, workspace delete. */
import { type Emulator, startEmulator } from "@pfnet/arm-emulator";
import { afterEach, describe, expect, test } from "vitest";
import { manualEndpointBody, rest, restLro, targetId, wsPath } from "./helpers.js";

let emu: Emulator;
afterEach(async () => emu?.close());
const NET = "2025-05-01";

describe("network resources", () => {
  test("subnet child routes; a VNet PUT without subnets deletes them; DNS zone VNet links", async () => {
    emu = await startEmulator({ timeScale: 2 });
    const vnet = targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf");
    const subnet = (await rest(emu, "GET", `${vnet}/subnets/snet-pe`, undefined, NET)).body as {
      properties: { addressPrefix: string };
    };
    expect(subnet.properties.addressPrefix).toBe("10.0.1.0/24");
    await restLro(
      emu,
      "PUT",
      `${vnet}/subnets/snet-extra`,
      { properties: { addressPrefix: "10.0.3.0/24" } },
      NET,
    );
    const list = (await rest(emu, "GET", `${vnet}/subnets`, undefined, NET)).body as {
      value: { name: string }[];
    };
    expect(list.value.map((s) => s.name).sort()).toEqual([
      "snet-aks",
      "snet-compute",
      "snet-extra",
      "snet-pe",
    ]);
    const link = (await restLro(
      emu,
      "PUT",
      `${targetId(emu, "Microsoft.Network/privateDnsZones/privatelink.openai.azure.com")}/virtualNetworkLinks/link-pf`,
      { location: "global", properties: { virtualNetwork: { id: vnet }, registrationEnabled: false } },
      "2024-06-01",
    )) as { properties: { provisioningState: string } };
    expect(link.properties.provisioningState).toBe("Succeeded");
    const badLink = await rest(
      emu,
      "PUT",
      `${targetId(emu, "Microsoft.Network/privateDnsZones/privatelink.openai.azure.com")}/virtualNetworkLinks/link-x`,
      { location: "global", properties: { virtualNetwork: { id: `${vnet}-missing` } } },
      "2024-06-01",
    );
    expect(badLink.status).toBe(400);
    await restLro(
      emu,
      "PUT",
      vnet,
      {
        location: "eastus",
        properties: {
          addressSpace: { addressPrefixes: ["10.0.0.0/16"] },
          subnets: [{ name: "snet-pe", properties: { addressPrefix: "10.0.1.0/24" } }],
        },
      },
      NET,
    );
    const after = (await rest(emu, "GET", vnet, undefined, NET)).body as {
      properties: { subnets: { name: string }[] };
    };
    expect(after.properties.subnets.map((s) => s.name)).toEqual(["snet-pe"]);
    const missingParent = await rest(
      emu,
      "PUT",
      `${targetId(emu, "Microsoft.Network/virtualNetworks/nope")}/subnets/s`,
      { properties: { addressPrefix: "10.9.0.0/24" } },
      NET,
    );
    expect(missingParent.status).toBe(404);
    expect((missingParent.body as { error: { code: string } }).error.code).toBe("ParentResourceNotFound");
  });

  test("Key Vault and Container Registry connections as keyvault.json / containerregistry.json 2023-07-01 give them: no groupIds; KV PUT 200 and a missing connection 204; ACR PUT 200 or 201 + Azure-AsyncOperation by seed", async () => {
    const forms = new Set<number>();
    for (const randomSeed of [1, 2, 3, 4, 5, 6]) {
      emu = await startEmulator({ timeScale: 2, randomSeed });
      for (const [target, group] of [
        ["Microsoft.KeyVault/vaults/kv-pf-deploy", "vault"],
        ["Microsoft.ContainerRegistry/registries/crpfws", "registry"],
      ] as const) {
        await restLro(
          emu,
          "PUT",
          targetId(emu, `Microsoft.Network/privateEndpoints/pe-${group}`),
          manualEndpointBody(emu, target, group),
          NET,
        );
        const list = (
          await rest(
            emu,
            "GET",
            `${targetId(emu, target)}/privateEndpointConnections`,
            undefined,
            "2023-07-01",
          )
        ).body as { value: { id: string; properties: Record<string, unknown> }[] };
        expect(list.value).toHaveLength(1);
        expect(list.value[0]!.properties).not.toHaveProperty("groupIds");
        const put = await rest(
          emu,
          "PUT",
          list.value[0]!.id,
          { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
          "2023-07-01",
        );
        if (group === "vault") {
          expect(put.status).toBe(200);
          const missing = await rest(
            emu,
            "GET",
            `${targetId(emu, target)}/privateEndpointConnections/none`,
            undefined,
            "2023-07-01",
          );
          expect(missing.status).toBe(204);
        } else {
          expect([200, 201]).toContain(put.status);
          if (put.status === 201) expect(put.headers["azure-asyncoperation"]).toBeDefined();
          forms.add(put.status);
        }
      }
      await emu.close();
    }
    expect([...forms].sort()).toEqual([200, 201]);
  });

  test("a manual private endpoint connection stays Pending until the target approves it", async () => {
    emu = await startEmulator({ timeScale: 2 });
    const pe = (await restLro(
      emu,
      "PUT",
      targetId(emu, "Microsoft.Network/privateEndpoints/pe-search"),
      {
        location: "eastus",
        properties: {
          subnet: { id: targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe") },
          manualPrivateLinkServiceConnections: [
            {
              name: "search",
              properties: {
                privateLinkServiceId: targetId(emu, "Microsoft.Search/searchServices/srch-pf"),
                groupIds: ["searchService"],
                requestMessage: "please",
              },
            },
          ],
        },
      },
      NET,
    )) as {
      properties: {
        manualPrivateLinkServiceConnections: {
          properties: { privateLinkServiceConnectionState: { status: string } };
        }[];
      };
    };
    expect(
      pe.properties.manualPrivateLinkServiceConnections[0]!.properties.privateLinkServiceConnectionState
        .status,
    ).toBe("Pending");
    const conn = emu.state.connections("srch-pf")[0] as { name: string };
    emu.state.approveConnection("srch-pf", conn.name);
    const again = (
      await rest(emu, "GET", targetId(emu, "Microsoft.Network/privateEndpoints/pe-search"), undefined, NET)
    ).body as typeof pe;
    expect(
      again.properties.manualPrivateLinkServiceConnections[0]!.properties.privateLinkServiceConnectionState
        .status,
    ).toBe("Approved");
    const badSubnet = await rest(
      emu,
      "PUT",
      targetId(emu, "Microsoft.Network/privateEndpoints/pe-bad"),
      {
        location: "eastus",
        properties: { subnet: { id: "/subscriptions/x/nope" }, privateLinkServiceConnections: [] },
      },
      NET,
    );
    expect(badSubnet.status).toBe(400);
  });
});

describe("computes and workspace lifecycle", () => {
  test("compute get/list/delete; Kubernetes compute refused in a managed-network workspace", async () => {
    emu = await startEmulator({ timeScale: 2 });
    const created = (await restLro(emu, "PUT", `${wsPath(emu)}/computes/ci-1`, {
      location: "eastus",
      properties: { computeType: "ComputeInstance" },
    })) as {
      properties: { provisioningState: string };
    };
    expect(created.properties.provisioningState).toBe("Succeeded");
    const list = (await rest(emu, "GET", `${wsPath(emu)}/computes`)).body as { value: { name: string }[] };
    expect(list.value.map((c) => c.name)).toEqual(["ci-1"]);
    await restLro(emu, "DELETE", `${wsPath(emu)}/computes/ci-1`);
    expect((await rest(emu, "GET", `${wsPath(emu)}/computes/ci-1`)).status).toBe(404);
    await restLro(emu, "PATCH", wsPath(emu), {
      properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } },
    });
    const aks = await rest(emu, "PUT", `${wsPath(emu)}/computes/aks-2`, {
      properties: { computeType: "AKS" },
    });
    expect(aks.status).toBe(400);
  });

  test("PATCH merges the rule map and a null value deletes a rule; DELETE removes the workspace and its connections", async () => {
    emu = await startEmulator({ timeScale: 2, raceMode: "off" });
    const pe = {
      type: "PrivateEndpoint",
      category: "UserDefined",
      destination: {
        serviceResourceId: targetId(emu, "Microsoft.CognitiveServices/accounts/aoai-pf"),
        subresourceTarget: "account",
      },
    };
    await restLro(emu, "PATCH", wsPath(emu), {
      properties: {
        managedNetwork: {
          isolationMode: "AllowOnlyApprovedOutbound",
          outboundRules: {
            aoai: pe,
            pypi: { type: "FQDN", category: "UserDefined", destination: "pypi.org" },
          },
        },
      },
    });
    await restLro(emu, "PATCH", wsPath(emu), {
      properties: {
        managedNetwork: {
          outboundRules: {
            conda: { type: "FQDN", category: "UserDefined", destination: "conda.anaconda.org" },
            pypi: null,
          },
        },
      },
    });
    const rules = emu.state.rules("pf-ws");
    expect(rules.aoai).toBeDefined();
    expect(rules.conda).toBeDefined();
    expect(rules.pypi).toBeUndefined();
    emu.state.provisionNow("pf-ws");
    expect(emu.state.connections("aoai-pf")).toHaveLength(1);
    await restLro(emu, "DELETE", wsPath(emu));
    expect(emu.state.workspace("pf-ws")).toBeUndefined();
    expect(emu.state.connections("aoai-pf")).toHaveLength(0);
    expect((await rest(emu, "GET", wsPath(emu))).status).toBe(404);
    expect((await rest(emu, "DELETE", wsPath(emu))).status).toBe(204);
  });
});
