/** The official SDK clients and the REST layer each complete a round trip, LROs polled to the end. */

import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { NetworkManagementClient } from "@azure/arm-network";
import { StorageManagementClient } from "@azure/arm-storage";
import { type Emulator, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { RG, rest, restLro, sdkOptions, targetId, wsPath } from "./helpers.js";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
});
afterAll(async () => emu?.close());

describe("@azure/arm-machinelearning 2.1.1 (api-version 2022-10-01)", () => {
  test("get, update (LRO) and list workspaces", async () => {
    const client = new AzureMachineLearningWorkspaces(fakeCredential, emu.subscriptionId, sdkOptions(emu));
    const ws = await client.workspaces.get(RG, "pf-ws");
    expect(ws.name).toBe("pf-ws");
    expect(ws.publicNetworkAccess).toBe("Enabled");
    expect(ws.storageAccount).toMatch(/storageAccounts\/stpfws$/);
    expect(ws.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
    const updated = await client.workspaces.beginUpdateAndWait(
      RG,
      "pf-ws",
      { description: "updated by sdk", publicNetworkAccess: "Disabled" },
      { updateIntervalInMs: 5 },
    );
    expect(updated.description).toBe("updated by sdk");
    expect(updated.publicNetworkAccess).toBe("Disabled");
    expect(updated.provisioningState).toBe("Succeeded");
    const log = emu.requests.find("PATCH", /workspaces\/pf-ws$/);
    expect(log.at(-1)?.status).toBe(202);
    expect(log.at(-1)?.apiVersion).toBe("2022-10-01");
    const names: string[] = [];
    for await (const w of client.workspaces.listByResourceGroup(RG)) names.push(w.name!);
    expect(names.sort()).toEqual(["pf-byo", "pf-ws"]);
  });

  test("create a workspace with a fresh identity (LRO to the end)", async () => {
    const client = new AzureMachineLearningWorkspaces(fakeCredential, emu.subscriptionId, sdkOptions(emu));
    const created = await client.workspaces.beginCreateOrUpdateAndWait(
      RG,
      "pf-deploy",
      {
        location: "eastus",
        identity: { type: "SystemAssigned" },
        storageAccount: targetId(emu, "Microsoft.Storage/storageAccounts/stpfdeploy"),
        keyVault: targetId(emu, "Microsoft.KeyVault/vaults/kv-pf-deploy"),
      },
      { updateIntervalInMs: 5 },
    );
    expect(created.provisioningState).toBe("Succeeded");
    expect(created.identity?.principalId).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("REST layer at 2025-12-01 (@azure-rest/core-client + @azure/core-lro)", () => {
  test("workspace GET shows the managed network; PATCH polled to the end", async () => {
    const got = await rest(emu, "GET", wsPath(emu, "pf-byo"));
    expect(got.status).toBe(200);
    const body = got.body as {
      properties: { managedNetwork: { isolationMode: string; status: { status: string } } };
    };
    expect(body.properties.managedNetwork.isolationMode).toBe("Disabled");
    expect(body.properties.managedNetwork.status.status).toBe("Inactive");
    const result = (await restLro(emu, "PATCH", wsPath(emu, "pf-byo"), {
      properties: { friendlyName: "BYO" },
    })) as {
      properties: { friendlyName: string; provisioningState: string };
    };
    expect(result.properties.friendlyName).toBe("BYO");
    expect(result.properties.provisioningState).toBe("Succeeded");
  });
});

describe("@azure/arm-authorization 9.0.0", () => {
  test("create, get, list with $filter and delete a role assignment", async () => {
    const client = new AuthorizationManagementClient(fakeCredential, emu.subscriptionId, sdkOptions(emu));
    const principalId = emu.state.workspace("pf-byo")!.identity as { principalId: string };
    const scope = targetId(emu, "Microsoft.Storage/storageAccounts/stpfbyo");
    const name = "0f8fad5b-d9cb-469f-a165-70867728950e";
    const created = await client.roleAssignments.create(scope, name, {
      roleDefinitionId: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/69566ab7-960f-475b-8e7c-b3118f30c6bd`,
      principalId: principalId.principalId,
      principalType: "ServicePrincipal",
    });
    expect(created.roleDefinitionId).toBe(
      "/providers/Microsoft.Authorization/roleDefinitions/69566ab7-960f-475b-8e7c-b3118f30c6bd",
    );
    expect(created.scope).toBe(scope);
    const got = await client.roleAssignments.get(scope, name);
    expect(got.principalId).toBe(principalId.principalId);
    const listed = [];
    for await (const a of client.roleAssignments.listForScope(scope, {
      filter: `principalId eq '${principalId.principalId}'`,
    }))
      listed.push(a);
    expect(listed.map((a) => a.name)).toEqual([name]);
    const deleted = await client.roleAssignments.delete(scope, name);
    expect(deleted.name).toBe(name);
    expect(emu.state.roleAssignments()).toHaveLength(0);
  });
});

describe("@azure/arm-network 36.0.0 (api-version 2025-05-01)", () => {
  test("private endpoint create (Azure-AsyncOperation LRO) makes a connection on the target", async () => {
    const client = new NetworkManagementClient(fakeCredential, emu.subscriptionId, sdkOptions(emu));
    const pe = await client.privateEndpoints.beginCreateOrUpdateAndWait(
      RG,
      "pe-aoai",
      {
        location: "eastus",
        subnet: { id: targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe") },
        privateLinkServiceConnections: [
          {
            name: "aoai",
            privateLinkServiceId: targetId(emu, "Microsoft.CognitiveServices/accounts/aoai-pf"),
            groupIds: ["account"],
          },
        ],
      },
      { updateIntervalInMs: 5 },
    );
    expect(pe.provisioningState).toBe("Succeeded");
    expect(pe.privateLinkServiceConnections?.[0]?.privateLinkServiceConnectionState?.status).toBe("Approved");
    const conns = emu.state.connections("aoai-pf");
    expect(conns).toHaveLength(1);
    expect((conns[0]!.properties as { privateEndpoint: { id: string } }).privateEndpoint.id).toBe(pe.id);
    const zoneGroup = await client.privateDnsZoneGroups.beginCreateOrUpdateAndWait(
      RG,
      "pe-aoai",
      "default",
      {
        privateDnsZoneConfigs: [
          {
            name: "openai",
            privateDnsZoneId: targetId(emu, "Microsoft.Network/privateDnsZones/privatelink.openai.azure.com"),
          },
        ],
      },
      { updateIntervalInMs: 5 },
    );
    expect(zoneGroup.provisioningState).toBe("Succeeded");
    const vnet = await client.virtualNetworks.get(RG, "vnet-pf");
    expect(vnet.subnets?.map((s) => s.name).sort()).toEqual(["snet-aks", "snet-compute", "snet-pe"]);
    await client.privateEndpoints.beginDeleteAndWait(RG, "pe-aoai", { updateIntervalInMs: 5 });
    expect(emu.state.connections("aoai-pf")).toHaveLength(0);
    const nsg = await client.networkSecurityGroups.beginCreateOrUpdateAndWait(
      RG,
      "nsg-pf",
      {
        location: "eastus",
        securityRules: [
          {
            name: "deny-internet",
            protocol: "*",
            access: "Deny",
            direction: "Outbound",
            priority: 4000,
            sourceAddressPrefix: "*",
            sourcePortRange: "*",
            destinationAddressPrefix: "Internet",
            destinationPortRange: "*",
          },
        ],
      },
      { updateIntervalInMs: 5 },
    );
    expect(nsg.securityRules?.map((r) => r.name)).toEqual(["deny-internet"]);
  });
});

describe("@azure/arm-storage 20.0.0 (api-version 2025-08-01)", () => {
  test("get and update a storage account's network settings", async () => {
    const client = new StorageManagementClient(fakeCredential, emu.subscriptionId, sdkOptions(emu));
    const account = await client.storageAccounts.getProperties(RG, "stpfws");
    expect(account.name).toBe("stpfws");
    expect(account.publicNetworkAccess).toBe("Enabled");
    const updated = await client.storageAccounts.update(RG, "stpfws", {
      publicNetworkAccess: "Disabled",
      networkRuleSet: { defaultAction: "Deny", bypass: "AzureServices" },
    });
    expect(updated.publicNetworkAccess).toBe("Disabled");
    expect(updated.networkRuleSet?.defaultAction).toBe("Deny");
    expect(
      (emu.state.resource("stpfws")!.properties as { publicNetworkAccess: string }).publicNetworkAccess,
    ).toBe("Disabled");
  });
});
