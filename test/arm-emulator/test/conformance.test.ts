/**
 * Conformance of the emulator with the official specs vendored in test/azure-specs (SOURCES.md):
 * every ML-workspace and role-assignment route the emulator serves is driven (successes and
 * refusals) and the whole request log is checked by `checkLog` (conformance/log-check.ts) — each
 * request matched to the operation that declares it, request and response bodies validated,
 * undeclared fields and undeclared statuses reported, LRO polls tied to their operation. No skip: the specs are in
 * the repository. The e2e harness runs the same check on every e2e test's log.
 */
import { defaultSeed, type Emulator, startEmulator } from "@pfnet/arm-emulator";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { checkLog, type LogEntry } from "../conformance/log-check.js";
import { specIndex } from "../conformance/spec-index.js";
import { manualEndpointBody, raw, rest, restLro, targetId, wsPath } from "./helpers.js";

describe("conformance with the official specs", () => {
  let emu: Emulator;
  /** Answers of the permissions lists the scenario drives (status, body), by call. */
  const permissionAnswers: Record<string, { status: number; body: unknown }> = {};

  beforeAll(async () => {
    // The default environment plus a Cosmos DB account, a SQL server and a Redis cache (targets
    // a `kind: other` service can name), whose connection routes the scenario drives below.
    const seed = defaultSeed();
    seed.targets.push(
      { type: "cosmos", name: "cosmos-pf" },
      { type: "sql", name: "sql-pf" },
      { type: "redis", name: "redis-pf" },
      { type: "registry", name: "crbasic", sku: "Basic" },
    );
    emu = await startEmulator({ timeScale: 2, raceMode: "off", pageSize: 5, lroForms: "accepted", seed });
    const ws = wsPath(emu);
    // Drive every ML-workspace and role-assignment route, successes and refusals.
    await rest(emu, "GET", ws);
    await rest(
      emu,
      "GET",
      `/subscriptions/${emu.subscriptionId}/providers/Microsoft.MachineLearningServices/workspaces`,
    );
    await rest(emu, "PATCH", ws, { properties: { description: "stale" } }, "2025-12-01", {
      "If-Match": '"0"',
    });
    const current = (await rest(emu, "GET", ws)).body as {
      location: string;
      properties: Record<string, unknown>;
    };
    await restLro(emu, "PUT", ws, {
      location: current.location,
      identity: { type: "SystemAssigned" },
      properties: {
        storageAccount: current.properties.storageAccount,
        keyVault: current.properties.keyVault,
        containerRegistry: current.properties.containerRegistry,
        applicationInsights: current.properties.applicationInsights,
        friendlyName: "prompt flow",
      },
    });
    await rest(
      emu,
      "GET",
      `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-promptflow/providers/Microsoft.MachineLearningServices/workspaces`,
    );
    await restLro(emu, "PATCH", ws, {
      tags: { owner: "pfnet" },
      properties: {
        publicNetworkAccess: "Disabled",
        managedNetwork: {
          isolationMode: "AllowOnlyApprovedOutbound",
          firewallSku: "Basic",
          outboundRules: { pypi: { type: "FQDN", category: "UserDefined", destination: "pypi.org" } },
        },
      },
    });
    await restLro(emu, "PUT", `${ws}/outboundRules/aoai`, {
      properties: {
        type: "PrivateEndpoint",
        category: "UserDefined",
        destination: {
          serviceResourceId: targetId(emu, "Microsoft.CognitiveServices/accounts/aoai-pf"),
          subresourceTarget: "account",
          sparkEnabled: false,
        },
      },
    });
    await restLro(emu, "PUT", `${ws}/outboundRules/monitor`, {
      properties: {
        type: "ServiceTag",
        category: "UserDefined",
        destination: { serviceTag: "AzureMonitor", protocol: "TCP", portRanges: "443", action: "Allow" },
      },
    });
    await rest(emu, "PUT", `${ws}/outboundRules/smtp`, {
      properties: { type: "FQDN", category: "UserDefined", destination: "smtp.contoso.com:25" },
    });
    await restLro(emu, "POST", `${ws}/provisionManagedNetwork`, { includeSpark: false });
    const firstPage = (await rest(emu, "GET", `${ws}/outboundRules`)).body as { nextLink?: string };
    expect(firstPage.nextLink).toBeDefined(); // more rules than the page size: the next page too
    await raw(emu, "GET", firstPage.nextLink!);
    await rest(emu, "GET", `${ws}/outboundRules/aoai`);
    await rest(emu, "GET", `${ws}/outboundRules/missing`);
    await restLro(emu, "DELETE", `${ws}/outboundRules/monitor`);
    await rest(emu, "PATCH", ws, { properties: { managedNetwork: { isolationMode: "Disabled" } } });
    const created = await restLro(emu, "PUT", wsPath(emu, "pf-deploy"), {
      location: "eastus",
      identity: { type: "SystemAssigned" },
      sku: { name: "Basic", tier: "Basic" },
      properties: {
        storageAccount: targetId(emu, "Microsoft.Storage/storageAccounts/stpfdeploy"),
        keyVault: targetId(emu, "Microsoft.KeyVault/vaults/kv-pf-deploy"),
        publicNetworkAccess: "Disabled",
        managedNetwork: { isolationMode: "AllowInternetOutbound" },
      },
    });
    const principalId = (created as { identity: { principalId: string } }).identity.principalId;
    // A manual private endpoint from the customer VNet to the new workspace: its connection on the workspace.
    await restLro(
      emu,
      "PUT",
      targetId(emu, "Microsoft.Network/privateEndpoints/pe-ws"),
      {
        location: "eastus",
        properties: {
          subnet: { id: targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe") },
          manualPrivateLinkServiceConnections: [
            {
              name: "ws",
              properties: {
                privateLinkServiceId: wsPath(emu, "pf-deploy"),
                groupIds: ["amlworkspace"],
                requestMessage: "please",
              },
            },
          ],
        },
      },
      "2025-05-01",
    );
    const connections = (await rest(emu, "GET", `${wsPath(emu, "pf-deploy")}/privateEndpointConnections`))
      .body as { value: { name: string }[] };
    const connection = `${wsPath(emu, "pf-deploy")}/privateEndpointConnections/${connections.value[0]!.name}`;
    await rest(emu, "GET", connection);
    await rest(emu, "PUT", connection, {
      properties: {
        privateLinkServiceConnectionState: { status: "Approved", description: "approved by pfnet" },
      },
    });
    await rest(emu, "GET", `${wsPath(emu, "pf-deploy")}/privateEndpointConnections/missing`);
    await rest(emu, "DELETE", connection);
    // Key Vault, Container Registry, Storage, Cosmos DB, SQL and Redis targets (pfnet lists and
    // approves their connections when a spec's private endpoint reaches one): a manual endpoint
    // to each, then list, get, approve, a missing connection, delete — at the api-versions pfnet
    // uses (rest/connections.ts).
    for (const [target, group, apiVersion] of [
      ["Microsoft.KeyVault/vaults/kv-pf-deploy", "vault", "2023-07-01"],
      ["Microsoft.ContainerRegistry/registries/crpfws", "registry", "2023-07-01"],
      ["Microsoft.Storage/storageAccounts/stpfdeploy", "blob", "2023-05-01"],
      ["Microsoft.DocumentDB/databaseAccounts/cosmos-pf", "Sql", "2024-05-15"],
      ["Microsoft.Sql/servers/sql-pf", "sqlServer", "2023-08-01"],
      ["Microsoft.Cache/redis/redis-pf", "redisCache", "2024-03-01"],
    ] as const) {
      const targetPath = targetId(emu, target);
      await restLro(
        emu,
        "PUT",
        targetId(emu, `Microsoft.Network/privateEndpoints/pe-${group}`),
        manualEndpointBody(emu, target, group),
        "2025-05-01",
      );
      const list = (await rest(emu, "GET", `${targetPath}/privateEndpointConnections`, undefined, apiVersion))
        .body as { value: { id: string }[] };
      const id = list.value[0]!.id;
      await rest(emu, "GET", id, undefined, apiVersion);
      await restLro(
        emu,
        "PUT",
        id,
        {
          properties: { privateLinkServiceConnectionState: { status: "Approved", description: "by pfnet" } },
        },
        apiVersion,
      );
      await rest(emu, "GET", `${targetPath}/privateEndpointConnections/missing`, undefined, apiVersion);
      await restLro(emu, "DELETE", id, undefined, apiVersion);
    }
    // The network settings of a CognitiveServices account (long-running PATCH) and a Search
    // service (synchronous PATCH, lowercase values), as pfnet makes a target private; a value of
    // the other spelling is refused.
    const account = targetId(emu, "Microsoft.CognitiveServices/accounts/aoai-pf");
    await restLro(
      emu,
      "PATCH",
      account,
      {
        properties: {
          publicNetworkAccess: "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ value: "203.0.113.0/24" }],
          },
        },
      },
      "2024-10-01",
    );
    await restLro(emu, "PATCH", account, { properties: { publicNetworkAccess: "Disabled" } }, "2024-10-01");
    const accountNow = (await rest(emu, "GET", account, undefined, "2024-10-01")).body as {
      properties: Record<string, unknown>;
    };
    expect(accountNow.properties.publicNetworkAccess).toBe("Disabled");
    expect(accountNow.properties.networkAcls).toMatchObject({
      defaultAction: "Deny",
      bypass: "AzureServices",
    });
    const search = targetId(emu, "Microsoft.Search/searchServices/srch-pf");
    await rest(
      emu,
      "PATCH",
      search,
      {
        properties: {
          publicNetworkAccess: "enabled",
          networkRuleSet: { ipRules: [{ value: "203.0.113.7" }] },
        },
      },
      "2023-11-01",
    );
    await rest(emu, "PATCH", search, { properties: { publicNetworkAccess: "disabled" } }, "2023-11-01");
    const refused = await rest(
      emu,
      "PATCH",
      search,
      { properties: { publicNetworkAccess: "Disabled" } },
      "2023-11-01",
    );
    expect(refused.status).toBe(400);
    const searchNow = (await rest(emu, "GET", search, undefined, "2023-11-01")).body as {
      properties: Record<string, unknown>;
    };
    expect(searchNow.properties.publicNetworkAccess).toBe("disabled");
    expect(searchNow.properties.networkRuleSet).toEqual({ ipRules: [{ value: "203.0.113.7" }] });
    // A private DNS zone linked to the customer VNet, and the zone's links as pfnet lists them
    // before making a service private for an own-VNet workspace (privatedns.json 2024-06-01).
    const zone = targetId(emu, "Microsoft.Network/privateDnsZones/privatelink.openai.azure.com");
    await restLro(
      emu,
      "PUT",
      `${zone}/virtualNetworkLinks/vnet-pf`,
      {
        location: "global",
        properties: {
          virtualNetwork: { id: targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf") },
          registrationEnabled: false,
        },
      },
      "2024-06-01",
    );
    await rest(emu, "GET", `${zone}/virtualNetworkLinks`, undefined, "2024-06-01");
    // A workspace's dependencies made private as pfnet does it: the storage account's and the key
    // vault's synchronous PATCH, the registry's long-running one; a Basic registry refuses.
    for (const [dependency, apiVersion, pna] of [
      ["Microsoft.Storage/storageAccounts/stpfdeploy", "2025-08-01", "Disabled"],
      ["Microsoft.KeyVault/vaults/kv-pf-deploy", "2023-07-01", "Disabled"],
      ["Microsoft.ContainerRegistry/registries/crpfws", "2023-07-01", "Disabled"],
    ] as const) {
      const dependencyId = targetId(emu, dependency);
      await rest(emu, "GET", dependencyId, undefined, apiVersion);
      await restLro(emu, "PATCH", dependencyId, { properties: { publicNetworkAccess: pna } }, apiVersion);
    }
    const basic = await rest(
      emu,
      "PATCH",
      targetId(emu, "Microsoft.ContainerRegistry/registries/crbasic"),
      { properties: { publicNetworkAccess: "Disabled" } },
      "2023-07-01",
    );
    expect(basic.status).toBe(400);
    await restLro(
      emu,
      "PATCH",
      targetId(emu, "Microsoft.ContainerRegistry/registries/crpfws"),
      { properties: { publicNetworkAccess: "Enabled" } },
      "2023-07-01",
    );
    const scope = targetId(emu, "Microsoft.Storage/storageAccounts/stpfdeploy");
    const ra = (name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    const raBody = (type?: string) => ({
      properties: {
        roleDefinitionId: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/69566ab7-960f-475b-8e7c-b3118f30c6bd`,
        principalId,
        ...(type ? { principalType: type } : {}),
      },
    });
    await rest(emu, "PUT", ra("e1b2c3d4-0000-4000-8000-000000000001"), raBody(), "2022-04-01"); // PrincipalNotFound
    await rest(
      emu,
      "PUT",
      ra("e1b2c3d4-0000-4000-8000-000000000001"),
      raBody("ServicePrincipal"),
      "2022-04-01",
    );
    await rest(
      emu,
      "PUT",
      ra("e1b2c3d4-0000-4000-8000-000000000002"),
      raBody("ServicePrincipal"),
      "2022-04-01",
    ); // exists
    await rest(emu, "GET", ra("e1b2c3d4-0000-4000-8000-000000000001"), undefined, "2022-04-01");
    await rest(
      emu,
      "GET",
      `${scope}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`,
      undefined,
      "2022-04-01",
    );
    const subAssignments = `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleAssignments`;
    await rest(
      emu,
      "GET",
      `${subAssignments}?$filter=${encodeURIComponent("atScope()")}`,
      undefined,
      "2022-04-01",
    );
    await rest(
      emu,
      "GET",
      `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-promptflow/providers/Microsoft.Authorization/roleAssignments`,
      undefined,
      "2022-04-01",
    );
    await rest(emu, "GET", ra("e1b2c3d4-0000-4000-8000-0000000000ff"), undefined, "2022-04-01"); // 404
    await rest(emu, "DELETE", ra("e1b2c3d4-0000-4000-8000-000000000001"), undefined, "2022-04-01");
    // The caller's permissions: read everywhere, role assignments at one storage account only.
    emu.state.setCallerPermissions([
      { scope: "/", actions: ["*/read"], notActions: ["Microsoft.Authorization/*/read"] },
      { scope, actions: ["Microsoft.Authorization/roleAssignments/write"] },
    ]);
    const rg = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-promptflow`;
    const permissions = "providers/Microsoft.Authorization/permissions";
    for (const [name, path] of [
      ["group", `${rg}/${permissions}`],
      // A top-level resource: parentResourcePath is empty (the SDK sends `Microsoft.Storage//storageAccounts`).
      ["storage", `${rg}/providers/Microsoft.Storage//storageAccounts/stpfdeploy/${permissions}`],
      ["subnet", `${rg}/providers/Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe/${permissions}`],
      ["missingResource", `${rg}/providers/Microsoft.Storage//storageAccounts/stnothere/${permissions}`],
      ["missingGroup", `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-nothere/${permissions}`],
    ] as const)
      permissionAnswers[name] = await rest(emu, "GET", path, undefined, "2022-04-01");
    emu.state.setCallerPermissions([{ scope: "/", actions: ["*"] }]);
    await restLro(emu, "DELETE", wsPath(emu, "pf-deploy"));
    // Where computes sit (Compute_List, 2022-10-01): a compute instance and a cluster in the own
    // VNet beside the seeded AKS compute with its aksNetworkingConfiguration.
    const vnet = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-promptflow/providers/Microsoft.Network/virtualNetworks/vnet-pf`;
    emu.state.addCompute("pf-byo", "ci-dev", "ComputeInstance", {
      properties: {
        vmSize: "Standard_DS3_v2",
        subnet: { id: `${vnet}/subnets/snet-compute` },
        enableNodePublicIp: false,
      },
    });
    emu.state.addCompute("pf-byo", "cpu-cluster", "AmlCompute", {
      properties: {
        vmSize: "STANDARD_D2_V2",
        subnet: { id: `${vnet}/subnets/snet-compute` },
        enableNodePublicIp: false,
        scaleSettings: { maxNodeCount: 2, minNodeCount: 0 },
      },
    });
    await rest(emu, "GET", `${wsPath(emu, "pf-byo")}/computes`, undefined, "2022-10-01");
    // The own VNet's peerings (VirtualNetworkPeerings_List, 2025-05-01), whole and subnet peering.
    emu.state.addPeering("vnet-pf", { name: "to-hub", remoteVirtualNetwork: "vnet-hub" });
    emu.state.addPeering("vnet-pf", {
      name: "to-aks",
      remoteVirtualNetwork: "vnet-aks",
      peeringState: "Initiated",
      remoteSubnetNames: ["snet-aks"],
    });
    await rest(emu, "GET", `${vnet}/virtualNetworkPeerings`, undefined, "2025-05-01");
    // Hubs and projects: the seeded pair's reads, a project created under the hub (kind Project,
    // hubResourceId, nothing else of the network), and the refusals: another kind as the hub, a
    // rule written to a project.
    const foundry = (name: string) => wsPath(emu, name).replace("/rg-promptflow/", "/rg-foundry/");
    await rest(emu, "GET", foundry("pf-hub"));
    const project = (await rest(emu, "GET", foundry("pf-project"))).body as {
      kind?: string;
      properties: { hubResourceId?: string; storageAccount?: string };
    };
    expect([project.kind, project.properties.hubResourceId]).toEqual([
      "Project",
      emu.state.workspace("pf-hub")!.id,
    ]);
    const hubId = emu.state.workspace("pf-hub")!.id;
    await restLro(emu, "PUT", foundry("pf-project-2"), {
      location: "eastus",
      kind: "Project",
      identity: { type: "SystemAssigned" },
      properties: { hubResourceId: hubId },
    });
    // It takes its hub's storage account (and reports its hub).
    expect(emu.state.workspace("pf-project-2")?.properties).toMatchObject({
      hubResourceId: hubId,
      storageAccount: project.properties.storageAccount,
    });
    const notAHub = await rest(emu, "PUT", foundry("pf-project-3"), {
      location: "eastus",
      kind: "Project",
      identity: { type: "SystemAssigned" },
      properties: { hubResourceId: emu.state.workspace("pf-ws")!.id },
    });
    expect(notAHub.status).toBe(400);
    const ruleOnProject = await rest(emu, "PUT", `${foundry("pf-project")}/outboundRules/fqdn-x`, {
      properties: { type: "FQDN", category: "UserDefined", destination: "x.example.com" },
    });
    expect((ruleOnProject.body as { error: { code: string } }).error.code).toBe("ProjectHasNoManagedNetwork");
    await restLro(emu, "DELETE", foundry("pf-project-2"));
  });
  afterAll(async () => emu?.close());

  test("every request and answer of the scenario conforms: no unknown route, no invalid body, no undeclared field or status", () => {
    const check = checkLog(specIndex(), emu.requests.entries);
    expect(check.unmatched).toEqual([]);
    expect(check.problems).toEqual([]);
    expect(check.validated).toBeGreaterThan(40);
    // The scenario really drove each route (method, path template, api-version) of these operations.
    const driven = new Set(
      [...check.routes.values()].map((r) => `${r.method} ${r.template.split("/providers/").pop()}`),
    );
    for (const route of [
      "GET Microsoft.MachineLearningServices/workspaces/{workspaceName}",
      "PUT Microsoft.MachineLearningServices/workspaces/{workspaceName}",
      "PATCH Microsoft.MachineLearningServices/workspaces/{workspaceName}",
      "DELETE Microsoft.MachineLearningServices/workspaces/{workspaceName}",
      "GET Microsoft.MachineLearningServices/workspaces",
      "GET Microsoft.MachineLearningServices/workspaces/{workspaceName}/outboundRules",
      "GET Microsoft.MachineLearningServices/workspaces/{workspaceName}/outboundRules/{ruleName}",
      "PUT Microsoft.MachineLearningServices/workspaces/{workspaceName}/outboundRules/{ruleName}",
      "DELETE Microsoft.MachineLearningServices/workspaces/{workspaceName}/outboundRules/{ruleName}",
      "POST Microsoft.MachineLearningServices/workspaces/{workspaceName}/provisionManagedNetwork",
      "GET Microsoft.MachineLearningServices/workspaces/{workspaceName}/privateEndpointConnections",
      "GET Microsoft.MachineLearningServices/workspaces/{workspaceName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.MachineLearningServices/workspaces/{workspaceName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.MachineLearningServices/workspaces/{workspaceName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
      "GET Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
      "DELETE Microsoft.Authorization/roleAssignments/{roleAssignmentName}",
      "GET Microsoft.Authorization/roleAssignments",
      "GET Microsoft.Authorization/permissions",
      "PUT Microsoft.Network/privateEndpoints/{privateEndpointName}",
      "PUT Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks/{virtualNetworkLinkName}",
      "GET Microsoft.Network/privateDnsZones/{privateZoneName}/virtualNetworkLinks",
      "PATCH Microsoft.CognitiveServices/accounts/{accountName}",
      "GET Microsoft.CognitiveServices/accounts/{accountName}",
      "PATCH Microsoft.Search/searchServices/{searchServiceName}",
      "GET Microsoft.Search/searchServices/{searchServiceName}",
      "GET Microsoft.Storage/storageAccounts/{accountName}",
      "PATCH Microsoft.Storage/storageAccounts/{accountName}",
      "GET Microsoft.KeyVault/vaults/{vaultName}",
      "PATCH Microsoft.KeyVault/vaults/{vaultName}",
      "GET Microsoft.ContainerRegistry/registries/{registryName}",
      "PATCH Microsoft.ContainerRegistry/registries/{registryName}",
      "GET Microsoft.KeyVault/vaults/{vaultName}/privateEndpointConnections",
      "GET Microsoft.KeyVault/vaults/{vaultName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.KeyVault/vaults/{vaultName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.KeyVault/vaults/{vaultName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "GET Microsoft.ContainerRegistry/registries/{registryName}/privateEndpointConnections",
      "GET Microsoft.ContainerRegistry/registries/{registryName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.ContainerRegistry/registries/{registryName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.ContainerRegistry/registries/{registryName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "GET Microsoft.Storage/storageAccounts/{accountName}/privateEndpointConnections",
      "GET Microsoft.Storage/storageAccounts/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.Storage/storageAccounts/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.Storage/storageAccounts/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "GET Microsoft.DocumentDB/databaseAccounts/{accountName}/privateEndpointConnections",
      "GET Microsoft.DocumentDB/databaseAccounts/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.DocumentDB/databaseAccounts/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.DocumentDB/databaseAccounts/{accountName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "GET Microsoft.Sql/servers/{serverName}/privateEndpointConnections",
      "GET Microsoft.Sql/servers/{serverName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.Sql/servers/{serverName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.Sql/servers/{serverName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "GET Microsoft.Cache/redis/{cacheName}/privateEndpointConnections",
      "GET Microsoft.Cache/redis/{cacheName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "PUT Microsoft.Cache/redis/{cacheName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "DELETE Microsoft.Cache/redis/{cacheName}/privateEndpointConnections/{privateEndpointConnectionName}",
      "GET Microsoft.MachineLearningServices/workspaces/{workspaceName}/computes",
      "GET Microsoft.Network/virtualNetworks/{virtualNetworkName}/virtualNetworkPeerings",
    ]) {
      expect(driven, route).toContain(route);
    }
    // Both permissions operations, the resource one with and without a parent resource path.
    const templates = new Set([...check.routes.values()].map((r) => r.template));
    expect(templates).toContain(
      "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Authorization/permissions",
    );
    expect(templates).toContain(
      "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/{resourceProviderNamespace}/{parentResourcePath}/{resourceType}/{resourceName}/providers/Microsoft.Authorization/permissions",
    );
  });

  test("the permissions lists answer the caller's grants at or above the scope; a missing resource or group is 404", () => {
    const read = {
      actions: ["*/read"],
      notActions: ["Microsoft.Authorization/*/read"],
      dataActions: [],
      notDataActions: [],
    };
    const grant = {
      actions: ["Microsoft.Authorization/roleAssignments/write"],
      notActions: [],
      dataActions: [],
      notDataActions: [],
    };
    expect(permissionAnswers.group).toEqual({
      status: 200,
      headers: expect.anything(),
      body: { value: [read] },
    });
    expect(permissionAnswers.storage?.body).toEqual({ value: [read, grant] });
    expect(permissionAnswers.subnet?.body).toEqual({ value: [read] });
    expect(permissionAnswers.missingResource).toMatchObject({
      status: 404,
      body: { error: { code: "ResourceNotFound" } },
    });
    expect(permissionAnswers.missingGroup).toMatchObject({
      status: 404,
      body: { error: { code: "ResourceGroupNotFound" } },
    });
  });
});

/** One logged exchange, as the emulator records it. */
function entry(
  method: string,
  path: string,
  apiVersion: string,
  status: number,
  request: unknown,
  response: unknown,
): LogEntry {
  return { method, path, apiVersion, status, requestBody: request, responseBody: response };
}

const SUB = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg";
const WS = `${SUB}/providers/Microsoft.MachineLearningServices/workspaces/pf-ws`;

describe("the checker is not vacuous: a deliberately wrong exchange on each provider is caught", () => {
  const wrong: [string, LogEntry][] = [
    [
      "ML 2025-12-01 (request)",
      entry(
        "PATCH",
        WS,
        "2025-12-01",
        202,
        { properties: { managedNetwork: { isolationMode: "Sometimes" } } },
        null,
      ),
    ],
    [
      "ML 2025-12-01 (undeclared field)",
      entry("GET", WS, "2025-12-01", 200, null, { id: WS, name: "pf-ws", etag: '"1"', properties: {} }),
    ],
    [
      "ML 2025-12-01 (project create: hubResourceId not a string)",
      entry(
        "PUT",
        WS,
        "2025-12-01",
        200,
        { location: "eastus", kind: "Project", properties: { hubResourceId: { id: "/x" } } },
        null,
      ),
    ],
    [
      "ML 2025-12-01 (rule subtype)",
      entry(
        "PUT",
        `${WS}/outboundRules/r1`,
        "2025-12-01",
        200,
        { properties: { type: "FQDN", category: "UserDefined", destination: { not: "a string" } } },
        null,
      ),
    ],
    [
      "ML 2022-10-01",
      entry(
        "PUT",
        `${WS}/onlineEndpoints/ep`,
        "2022-10-01",
        201,
        { location: "eastus", properties: { authMode: 42 } },
        null,
      ),
    ],
    [
      "ML 2022-10-01 (compute instance public IP)",
      entry("GET", `${WS}/computes`, "2022-10-01", 200, null, {
        value: [
          {
            name: "ci",
            properties: { computeType: "ComputeInstance", properties: { enableNodePublicIp: "no" } },
          },
        ],
      }),
    ],
    [
      "ML 2022-10-01 (AKS subnet)",
      entry("GET", `${WS}/computes`, "2022-10-01", 200, null, {
        value: [
          {
            name: "aks",
            properties: { computeType: "AKS", properties: { aksNetworkingConfiguration: { subnetId: 7 } } },
          },
        ],
      }),
    ],
    [
      "Network 2025-05-01 (peering state)",
      entry(
        "GET",
        `${SUB}/providers/Microsoft.Network/virtualNetworks/v/virtualNetworkPeerings`,
        "2025-05-01",
        200,
        null,
        {
          value: [{ name: "p", properties: { peeringState: "Peered" } }],
        },
      ),
    ],
    [
      "Authorization 2022-04-01",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Storage/storageAccounts/st/providers/Microsoft.Authorization/roleAssignments/11111111-1111-4111-8111-111111111111`,
        "2022-04-01",
        201,
        { properties: { roleDefinitionId: "/x", principalId: "p", principalType: "Robot" } },
        null,
      ),
    ],
    [
      "Authorization 2022-04-01 (permissions list: actions must be an array)",
      entry(
        "GET",
        `${SUB}/providers/Microsoft.Storage/storageAccounts/st/providers/Microsoft.Authorization/permissions`,
        "2022-04-01",
        200,
        null,
        { value: [{ actions: "*", notActions: [] }] },
      ),
    ],
    [
      "Network 2025-05-01 (NSG)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Network/networkSecurityGroups/nsg/securityRules/r`,
        "2025-05-01",
        201,
        { properties: { protocol: "Tcp", access: "Perhaps", priority: 100, direction: "Outbound" } },
        null,
      ),
    ],
    [
      "Network 2025-05-01 (private endpoint)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Network/privateEndpoints/pe`,
        "2025-05-01",
        201,
        // groupIds is an array in privateEndpoint.json (a Subnet declares no `type`, so a
        // string subnet would pass: the official file is looser than the SDK's mapper was).
        {
          location: "eastus",
          properties: {
            subnet: { id: `${SUB}/providers/Microsoft.Network/virtualNetworks/v/subnets/s` },
            manualPrivateLinkServiceConnections: [
              { name: "c", properties: { privateLinkServiceId: WS, groupIds: "amlworkspace" } },
            ],
          },
        },
        null,
      ),
    ],
    [
      "Storage 2025-08-01",
      entry("GET", `${SUB}/providers/Microsoft.Storage/storageAccounts/st`, "2025-08-01", 200, null, {
        kind: "Floppy",
        properties: {},
      }),
    ],
    [
      "CognitiveServices 2024-10-01",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.CognitiveServices/accounts/a/privateEndpointConnections/c`,
        "2024-10-01",
        200,
        { properties: { privateLinkServiceConnectionState: { status: 42 } } },
        null,
      ),
    ],
    [
      "Private DNS 2024-06-01 (virtual network link)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Network/privateDnsZones/privatelink.openai.azure.com/virtualNetworkLinks/l`,
        "2024-06-01",
        201,
        { location: "global", properties: { virtualNetwork: { id: "/v" }, registrationEnabled: "yes" } },
        null,
      ),
    ],
    [
      "CognitiveServices 2024-10-01 (account PATCH)",
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.CognitiveServices/accounts/a`,
        "2024-10-01",
        202,
        {
          properties: { networkAcls: { defaultAction: "Sometimes", ipRules: [{ value: "203.0.113.0/24" }] } },
        },
        null,
      ),
    ],
    [
      "Search 2023-11-01 (service PATCH, capitalised value)",
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.Search/searchServices/s`,
        "2023-11-01",
        200,
        { properties: { publicNetworkAccess: "Disabled" } },
        null,
      ),
    ],
    [
      "Search 2023-11-01 (service PATCH is not long-running)",
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.Search/searchServices/s`,
        "2023-11-01",
        202,
        { properties: { publicNetworkAccess: "disabled" } },
        null,
      ),
    ],
    [
      "Search 2023-11-01 (status)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Search/searchServices/s/privateEndpointConnections/c`,
        "2023-11-01",
        202,
        { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        null,
      ),
    ],
    [
      "Storage 2025-08-01 (PATCH request)",
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.Storage/storageAccounts/st`,
        "2025-08-01",
        200,
        { properties: { allowBlobPublicAccess: "no" } },
        null,
      ),
    ],
    [
      "KeyVault 2023-07-01 (vault without tenantId)",
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.KeyVault/vaults/kv`,
        "2023-07-01",
        200,
        { properties: { publicNetworkAccess: "Disabled" } },
        { properties: { sku: { family: "A", name: "standard" }, publicNetworkAccess: "Disabled" } },
      ),
    ],
    [
      "ContainerRegistry 2023-07-01 (PATCH publicNetworkAccess enum)",
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.ContainerRegistry/registries/cr`,
        "2023-07-01",
        200,
        { properties: { publicNetworkAccess: "Private" } },
        null,
      ),
    ],
    [
      "KeyVault 2023-07-01 (status enum)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.KeyVault/vaults/kv/privateEndpointConnections/c`,
        "2023-07-01",
        200,
        { properties: { privateLinkServiceConnectionState: { status: "Timeout" } } },
        null,
      ),
    ],
    [
      "KeyVault 2023-07-01 (undeclared groupIds)",
      entry(
        "GET",
        `${SUB}/providers/Microsoft.KeyVault/vaults/kv/privateEndpointConnections`,
        "2023-07-01",
        200,
        null,
        {
          value: [{ properties: { groupIds: ["vault"] } }],
        },
      ),
    ],
    [
      "Storage 2023-05-01 (synchronous put only)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Storage/storageAccounts/st/privateEndpointConnections/c`,
        "2023-05-01",
        202,
        { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        null,
      ),
    ],
    [
      "Storage 2023-05-01 (status enum)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Storage/storageAccounts/st/privateEndpointConnections/c`,
        "2023-05-01",
        200,
        { properties: { privateLinkServiceConnectionState: { status: "Disconnected" } } },
        null,
      ),
    ],
    [
      "ContainerRegistry 2023-07-01 (status)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.ContainerRegistry/registries/cr/privateEndpointConnections/c`,
        "2023-07-01",
        202,
        { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        null,
      ),
    ],
    [
      "ContainerRegistry 2023-07-01 (actionsRequired enum)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.ContainerRegistry/registries/cr/privateEndpointConnections/c`,
        "2023-07-01",
        200,
        {
          properties: { privateLinkServiceConnectionState: { status: "Approved", actionsRequired: "Maybe" } },
        },
        null,
      ),
    ],
    [
      "Cosmos DB 2024-05-15 (delete answers 202 or 204 only)",
      entry(
        "DELETE",
        `${SUB}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos/privateEndpointConnections/c`,
        "2024-05-15",
        200,
        null,
        null,
      ),
    ],
    [
      "Cosmos DB 2024-05-15 (one groupId string)",
      entry(
        "GET",
        `${SUB}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos/privateEndpointConnections`,
        "2024-05-15",
        200,
        null,
        { value: [{ properties: { groupId: ["Sql"] } }] },
      ),
    ],
    [
      "SQL 2023-08-01 (provisioningState enum)",
      entry(
        "GET",
        `${SUB}/providers/Microsoft.Sql/servers/sql/privateEndpointConnections/c`,
        "2023-08-01",
        200,
        null,
        { properties: { provisioningState: "Succeeded" } },
      ),
    ],
    [
      "SQL 2023-08-01 (state description required)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Sql/servers/sql/privateEndpointConnections/c`,
        "2023-08-01",
        202,
        { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        null,
      ),
    ],
    [
      "Redis 2024-03-01 (status enum)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Cache/redis/redis/privateEndpointConnections/c`,
        "2024-03-01",
        200,
        { properties: { privateLinkServiceConnectionState: { status: "Disconnected" } } },
        null,
      ),
    ],
    [
      "Redis 2024-03-01 (put answers 200 or 201 only)",
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Cache/redis/redis/privateEndpointConnections/c`,
        "2024-03-01",
        202,
        { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        null,
      ),
    ],
    [
      "Search 2023-11-01 (undeclared field)",
      entry(
        "GET",
        `${SUB}/providers/Microsoft.Search/searchServices/s/privateEndpointConnections`,
        "2023-11-01",
        200,
        null,
        { value: [{ properties: { groupIds: ["searchService"] } }] },
      ),
    ],
  ];
  test.each(wrong)("%s", (_provider, e) => {
    const check = checkLog(specIndex(), [e]);
    expect(check.unmatched).toEqual([]);
    expect(check.problems.length).toBeGreaterThan(0);
  });

  test("a request no vendored spec declares is reported", () => {
    const check = checkLog(specIndex(), [
      entry("GET", `${SUB}/providers/Microsoft.Sql/servers/db`, "2023-08-01", 200, null, {}),
    ]);
    expect(check.unmatched).toEqual([`GET ${SUB}/providers/Microsoft.Sql/servers/db 2023-08-01`]);
  });

  test("the same exchanges with correct bodies pass", () => {
    const check = checkLog(specIndex(), [
      entry(
        "PATCH",
        WS,
        "2025-12-01",
        202,
        {
          properties: {
            managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Basic" },
          },
        },
        null,
      ),
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Search/searchServices/s/privateEndpointConnections/c`,
        "2023-11-01",
        200,
        { properties: { privateLinkServiceConnectionState: { status: "Approved" } } },
        null,
      ),
      entry(
        "PUT",
        `${SUB}/providers/Microsoft.Sql/servers/sql/privateEndpointConnections/c`,
        "2023-08-01",
        202,
        {
          properties: { privateLinkServiceConnectionState: { status: "Approved", description: "by pfnet" } },
        },
        null,
      ),
      entry(
        "DELETE",
        `${SUB}/providers/Microsoft.DocumentDB/databaseAccounts/cosmos/privateEndpointConnections/c`,
        "2024-05-15",
        202,
        null,
        null,
      ),
      entry(
        "GET",
        `${SUB}/providers/Microsoft.Cache/redis/redis/privateEndpointConnections`,
        "2024-03-01",
        200,
        null,
        { value: [{ properties: { privateLinkServiceConnectionState: { status: "Approved" } } }] },
      ),
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.Search/searchServices/s`,
        "2023-11-01",
        200,
        { properties: { publicNetworkAccess: "disabled", networkRuleSet: { ipRules: [] } } },
        null,
      ),
      entry(
        "PATCH",
        `${SUB}/providers/Microsoft.CognitiveServices/accounts/a`,
        "2024-10-01",
        202,
        {
          properties: { publicNetworkAccess: "Enabled", networkAcls: { defaultAction: "Deny", ipRules: [] } },
        },
        null,
      ),
    ]);
    expect(check.problems).toEqual([]);
    expect(check.routes.size).toBe(7);
  });
});
