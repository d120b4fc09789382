/** Managed network behaviour: deferred provisioning, required rules, approvals, refusals, paging, races. */
import { type Emulator, startEmulator } from "@pfnet/arm-emulator";
import { afterEach, describe, expect, test } from "vitest";
import { raw, rest, restLro, targetId, wsPath } from "./helpers.js";

let emu: Emulator;
afterEach(async () => emu?.close());

type Ws = {
  etag: string;
  properties: {
    managedNetwork: {
      isolationMode: string;
      status: { status: string };
      networkId: string;
      outboundRules: Record<string, { type: string; category: string; status: string; destination: unknown }>;
    };
  };
};
type Rule = {
  name: string;
  properties: { type: string; status: string; category: string; errorInformation?: string };
};
type ArmErr = { error: { code: string; message: string } };

const fqdn = (destination: string) => ({
  properties: { type: "FQDN", category: "UserDefined", destination },
});
const peRule = (emuRef: Emulator, typeAndName: string, sub: string) => ({
  properties: {
    type: "PrivateEndpoint",
    category: "UserDefined",
    destination: {
      serviceResourceId: targetId(emuRef, typeAndName),
      subresourceTarget: sub,
      sparkEnabled: false,
    },
  },
});

async function enableIsolation(mode: string, ws = "pf-ws", rules?: Record<string, unknown>) {
  const result = await restLro(emu, "PATCH", wsPath(emu, ws), {
    properties: { managedNetwork: { isolationMode: mode, ...(rules ? { outboundRules: rules } : {}) } },
  });
  return result as Ws;
}

async function putRule(name: string, body: unknown, ws = "pf-ws") {
  return (await restLro(emu, "PUT", `${wsPath(emu, ws)}/outboundRules/${name}`, body)) as Rule;
}

describe("deferred provisioning", () => {
  test("network and rules stay Inactive until provisionManagedNetwork; ~30 min + 10 for the first FQDN rule", async () => {
    emu = await startEmulator({
      lroForms: "accepted",
      managedEndpointIds: "managedResourceGroup",
      timeScale: 1000,
      raceMode: "off",
    }); // slow wall clock: time moves only by advance()
    emu.state.patchWorkspace("pf-ws", {});
    const ws = await enableIsolationNoWait("AllowOnlyApprovedOutbound");
    expect(ws.status).toBe(202);
    emu.state.advance(1);
    await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/pypi`, fqdn("pypi.org"));
    await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/outboundRules/aoai`,
      peRule(emu, "Microsoft.CognitiveServices/accounts/aoai-pf", "account"),
    );
    await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/outboundRules/search`,
      peRule(emu, "Microsoft.Search/searchServices/srch-locked", "searchService"),
    );
    emu.state.advance(1);
    expect(emu.state.networkStatus("pf-ws")).toBe("Inactive");
    expect(emu.state.rules("pf-ws").pypi?.status).toBe("Inactive");
    expect(emu.state.connections("aoai-pf")).toHaveLength(0);

    const started = await rest(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {
      includeSpark: false,
    });
    expect(started.status).toBe(202);
    const location = started.headers.location!;
    expect(location).toContain("api-version=2025-12-01");
    expect(Number(started.headers["retry-after"])).toBeGreaterThan(0);
    emu.state.advance(35); // 30 min + 10 for the firewall of the first FQDN rule → not yet
    expect(emu.state.networkStatus("pf-ws")).toBe("Inactive");
    expect((await raw(emu, "GET", location)).status).toBe(202);
    emu.state.advance(6);
    expect(emu.state.networkStatus("pf-ws")).toBe("Active");
    const done = await raw(emu, "GET", location);
    expect(done.status).toBe(200);
    expect(done.body).toEqual({ status: "Active", sparkReady: false });
    const rules = emu.state.rules("pf-ws");
    expect(rules.pypi?.status).toBe("Active");
    expect(rules.aoai?.status).toBe("Active");
    // PE rules made connections on their targets, identifiable by the workspace's networkId.
    const networkId = (emu.state.workspace("pf-ws") as Ws).properties.managedNetwork.networkId;
    const aoai = emu.state.connections("aoai-pf") as {
      properties: { privateEndpoint: { id: string }; privateLinkServiceConnectionState: { status: string } };
    }[];
    expect(aoai).toHaveLength(1);
    expect(aoai[0]!.properties.privateLinkServiceConnectionState.status).toBe("Approved");
    expect(aoai[0]!.properties.privateEndpoint.id).toContain(
      `/resourceGroups/azureml-managed-network-${networkId}/`,
    );
    const locked = emu.state.connections("srch-locked") as typeof aoai;
    expect(locked[0]!.properties.privateLinkServiceConnectionState.status).toBe("Pending");
  });

  test("without FQDN rules provisioning takes ~30 minutes; a second call while running reuses the operation", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000, raceMode: "off" });
    await enableIsolationNoWait("AllowInternetOutbound");
    emu.state.advance(1);
    const first = await rest(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {});
    const second = await rest(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {});
    expect(second.headers.location).toBe(first.headers.location);
    emu.state.advance(29);
    expect(emu.state.networkStatus("pf-ws")).toBe("Inactive");
    emu.state.advance(1.1);
    expect(emu.state.networkStatus("pf-ws")).toBe("Active");
    const again = await rest(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {});
    expect(again.status).toBe(200);
  });

  test("provisionManagedNetwork polled to its end through core-lro", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    await enableIsolation("AllowOnlyApprovedOutbound");
    const result = await restLro(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {
      includeSpark: true,
    });
    expect(result).toEqual({ status: "Active", sparkReady: true });
    expect(emu.state.networkStatus("pf-ws")).toBe("Active");
  });

  test("without a trigger the network stays Inactive for hours; the first compute created starts provisioning", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000, raceMode: "off" }); // time moves only by advance()
    await enableIsolationNoWait("AllowOnlyApprovedOutbound");
    emu.state.advance(1);
    await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/pypi`, fqdn("pypi.org"));
    emu.state.advance(240);
    expect(emu.state.networkStatus("pf-ws")).toBe("Inactive");
    expect(emu.state.rules("pf-ws").pypi?.status).toBe("Inactive");
    expect(emu.state.rules("pf-ws").__SYS_PE_stpfws_blob?.status).toBe("Inactive");

    const compute = await rest(emu, "PUT", `${wsPath(emu)}/computes/ci-1`, {
      location: "eastus",
      properties: { computeType: "ComputeInstance", properties: { vmSize: "Standard_DS3_v2" } },
    });
    expect(compute.status).toBe(201);
    const poll = compute.headers["azure-asyncoperation"]!;
    expect(poll).toContain("api-version=");
    emu.state.advance(35); // 30 min + 10 for the first FQDN rule → not yet
    expect(emu.state.networkStatus("pf-ws")).toBe("Inactive");
    expect(((await raw(emu, "GET", poll)).body as { status: string }).status).toBe("InProgress");
    emu.state.advance(6);
    expect(emu.state.networkStatus("pf-ws")).toBe("Active");
    expect(emu.state.rules("pf-ws").pypi?.status).toBe("Active");
    expect(emu.state.rules("pf-ws").__SYS_PE_stpfws_blob?.status).toBe("Active");
    emu.state.advance(30); // the compute itself is created once the network is up
    expect(((await raw(emu, "GET", poll)).body as { status: string }).status).toBe("Succeeded");
  });

  test("a compute in a workspace without managed isolation provisions no network", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000, raceMode: "off" });
    const compute = await rest(emu, "PUT", `${wsPath(emu)}/computes/ci-1`, {
      location: "eastus",
      properties: { computeType: "ComputeInstance" },
    });
    expect(compute.status).toBe(201);
    emu.state.advance(60);
    expect(emu.state.networkStatus("pf-ws")).toBe("Inactive");
  });

  test("a rule added to an Active network goes Provisioning → Active and then connects", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000, raceMode: "off" });
    await enableIsolationNoWait("AllowOnlyApprovedOutbound");
    emu.state.advance(1);
    emu.state.provisionNow("pf-ws");
    const put = await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/outboundRules/cs-rule`,
      peRule(emu, "Microsoft.CognitiveServices/accounts/cs-pf", "account"),
    );
    expect(put.status).toBe(202);
    emu.state.advance(0.6); // race window
    expect(emu.state.rules("pf-ws")["cs-rule"]?.status).toBe("Provisioning");
    emu.state.advance(1.1);
    expect(emu.state.rules("pf-ws")["cs-rule"]?.status).toBe("Active");
    expect(emu.state.connections("cs-pf")).toHaveLength(1);
  });
});

async function enableIsolationNoWait(mode: string, ws = "pf-ws") {
  return rest(emu, "PATCH", wsPath(emu, ws), { properties: { managedNetwork: { isolationMode: mode } } });
}

describe("required rules (azure-facts c.3)", () => {
  test("approved-outbound adds service-owned PE rules for storage, key vault, registry plus service tags", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    // c.3: regardless of the resources' public access (stpfws is public).
    const storage = emu.state.resource("stpfws") as { properties: { publicNetworkAccess?: string } };
    expect(storage.properties.publicNetworkAccess ?? "Enabled").toBe("Enabled");
    const ws = await enableIsolation("AllowOnlyApprovedOutbound");
    const rules = ws.properties.managedNetwork.outboundRules;
    const required = Object.entries(rules).filter(([, r]) => r.category === "Required");
    const names = required.map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining([
        "__SYS_PE_stpfws_blob",
        "__SYS_PE_stpfws_file",
        "__SYS_PE_kv-pf-ws_vault",
        "__SYS_PE_crpfws_registry",
      ]),
    );
    const tags = required
      .filter(([, r]) => r.type === "ServiceTag")
      .map(([, r]) => (r.destination as { serviceTag: string }).serviceTag);
    expect(tags).toEqual(
      expect.arrayContaining([
        "AzureMachineLearning",
        "AzureActiveDirectory",
        "BatchNodeManagement.eastus",
        "AzureResourceManager",
        "AzureFrontDoor.FirstParty",
        "AzureMonitor",
      ]),
    );
    const put = await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/__SYS_PE_stpfws_blob`, fqdn("x.org"));
    expect(put.status).toBe(400);
    expect((put.body as ArmErr).error.code).toBe("CannotModifyRequiredRule");
    const del = await rest(emu, "DELETE", `${wsPath(emu)}/outboundRules/__SYS_PE_stpfws_blob`);
    expect(del.status).toBe(400);
    expect((del.body as ArmErr).error.code).toBe("CannotModifyRequiredRule");
  });

  test("internet-outbound adds them only for resources with public access disabled", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    const ws = await enableIsolation("AllowInternetOutbound");
    expect(
      Object.values(ws.properties.managedNetwork.outboundRules).filter((r) => r.category === "Required"),
    ).toHaveLength(0);
    emu.state.patchResource("stpfws", { publicNetworkAccess: "Disabled" });
    const again = (await rest(emu, "GET", wsPath(emu))).body as Ws;
    const names = Object.keys(again.properties.managedNetwork.outboundRules);
    expect(names).toEqual(["__SYS_PE_stpfws_blob", "__SYS_PE_stpfws_file"]);
    emu.state.patchResource("kv-pf-ws", { publicNetworkAccess: "Disabled" });
    emu.state.patchResource("crpfws", { publicNetworkAccess: "Disabled" });
    const all = (await rest(emu, "GET", wsPath(emu))).body as Ws;
    const rules = all.properties.managedNetwork.outboundRules;
    expect(Object.keys(rules).sort()).toEqual([
      "__SYS_PE_crpfws_registry",
      "__SYS_PE_kv-pf-ws_vault",
      "__SYS_PE_stpfws_blob",
      "__SYS_PE_stpfws_file",
    ]);
    // No service tags under internet-outbound: everything but these PEs goes out to the internet.
    expect(Object.values(rules).every((r) => r.type === "PrivateEndpoint" && r.category === "Required")).toBe(
      true,
    );
  });
});

describe("pending approval", () => {
  test("a target that does not auto-approve stays Pending and refuses the caller's approval (403)", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000, raceMode: "off" });
    await enableIsolationNoWait("AllowOnlyApprovedOutbound");
    emu.state.advance(1);
    emu.state.provisionNow("pf-ws");
    await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/outboundRules/locked`,
      peRule(emu, "Microsoft.Search/searchServices/srch-locked", "searchService"),
    );
    await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/outboundRules/search`,
      peRule(emu, "Microsoft.Search/searchServices/srch-pf", "searchService"),
    );
    emu.state.advance(3);
    const list = await rest(
      emu,
      "GET",
      `${targetId(emu, "Microsoft.Search/searchServices/srch-locked")}/privateEndpointConnections`,
      undefined,
      "2025-05-01",
    );
    const conns = (
      list.body as {
        value: { name: string; properties: { privateLinkServiceConnectionState: { status: string } } }[];
      }
    ).value;
    expect(conns).toHaveLength(1);
    expect(conns[0]!.properties.privateLinkServiceConnectionState.status).toBe("Pending");
    const approve = await rest(
      emu,
      "PUT",
      `${targetId(emu, "Microsoft.Search/searchServices/srch-locked")}/privateEndpointConnections/${conns[0]!.name}`,
      { properties: { privateLinkServiceConnectionState: { status: "Approved", description: "ok" } } },
      "2025-05-01",
    );
    expect(approve.status).toBe(403);
    expect((approve.body as ArmErr).error.code).toBe("AuthorizationFailed");
    // A target that does not auto-approve but lets the caller approve: Pending, then Approved by PUT.
    emu.state.setTargetFlags("aoai-pf", { autoApprove: false });
    await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/outboundRules/aoai`,
      peRule(emu, "Microsoft.CognitiveServices/accounts/aoai-pf", "account"),
    );
    emu.state.advance(3);
    const aoai = emu.state.connections("aoai-pf") as {
      name: string;
      properties: { privateLinkServiceConnectionState: { status: string } };
    }[];
    expect(aoai[0]!.properties.privateLinkServiceConnectionState.status).toBe("Pending");
    const ok = await rest(
      emu,
      "PUT",
      `${targetId(emu, "Microsoft.CognitiveServices/accounts/aoai-pf")}/privateEndpointConnections/${aoai[0]!.name}`,
      {
        properties: {
          privateLinkServiceConnectionState: { status: "Approved", description: "approved by pfnet" },
        },
      },
      "2024-10-01",
    );
    // cognitiveservices.json 2024-10-01: the PUT is long-running (the accepted form: 202).
    expect(ok.status).toBe(202);
    emu.state.advance(1);
    expect(
      (emu.state.connections("aoai-pf")[0] as (typeof aoai)[0]).properties.privateLinkServiceConnectionState
        .status,
    ).toBe("Approved");
    expect(
      (emu.state.connections("srch-pf")[0] as (typeof aoai)[0]).properties.privateLinkServiceConnectionState
        .status,
    ).toBe("Approved");
  });
});

describe("Azure's refusals (400, nothing changes)", () => {
  test("isolation mode cannot go back", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    await enableIsolation("AllowOnlyApprovedOutbound");
    const etag = (emu.state.workspace("pf-ws") as Ws).etag;
    for (const mode of ["AllowInternetOutbound", "Disabled"]) {
      const res = await enableIsolationNoWait(mode);
      expect(res.status).toBe(400);
      expect((res.body as ArmErr).error.code).toBe("IsolationModeChangeNotAllowed");
    }
    expect((emu.state.workspace("pf-ws") as Ws).etag).toBe(etag);
    expect((emu.state.workspace("pf-ws") as Ws).properties.managedNetwork.isolationMode).toBe(
      "AllowOnlyApprovedOutbound",
    );
  });

  test("FQDN and ServiceTag rules under AllowInternetOutbound", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    await enableIsolation("AllowInternetOutbound");
    const a = await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/pypi`, fqdn("pypi.org"));
    expect(a.status).toBe(400);
    expect((a.body as ArmErr).error.code).toBe("OutboundRuleNotAllowedInIsolationMode");
    const b = await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/tag`, {
      properties: {
        type: "ServiceTag",
        category: "UserDefined",
        destination: { serviceTag: "AzureMonitor", protocol: "TCP", portRanges: "443", action: "Allow" },
      },
    });
    expect(b.status).toBe(400);
    const viaMap = await enableIsolationNoWait("AllowInternetOutbound").then(() =>
      rest(emu, "PATCH", wsPath(emu), {
        properties: { managedNetwork: { outboundRules: { pypi: fqdn("pypi.org").properties } } },
      }),
    );
    expect(viaMap.status).toBe(400);
    expect(emu.state.rules("pf-ws").pypi).toBeUndefined();
  });

  test("FQDN ports other than 80/443; rules on a workspace without managed isolation", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    const off = await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/pypi`, fqdn("pypi.org"));
    expect(off.status).toBe(400);
    expect((off.body as ArmErr).error.code).toBe("ManagedNetworkNotEnabled");
    await enableIsolation("AllowOnlyApprovedOutbound");
    const bad = await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/smtp`, fqdn("mail.contoso.com:25"));
    expect(bad.status).toBe(400);
    expect((bad.body as ArmErr).error.code).toBe("InvalidFqdnRulePort");
    const good = await rest(emu, "PUT", `${wsPath(emu)}/outboundRules/https`, fqdn("api.contoso.com:443"));
    expect(good.status).toBe(202);
  });

  test("enabling managed isolation while computes or online endpoints exist lists them", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    emu.state.addOnlineEndpoint("pf-ws", "ep-old");
    emu.state.addCompute("pf-ws", "ci-old");
    const res = await enableIsolationNoWait("AllowOnlyApprovedOutbound");
    expect(res.status).toBe(400);
    const err = (res.body as ArmErr).error;
    expect(err.code).toBe("ManagedNetworkEnableBlocked");
    expect(err.message).toContain("ci-old");
    expect(err.message).toContain("ep-old");
    const byo = await enableIsolationNoWait("AllowInternetOutbound", "pf-byo");
    expect((byo.body as ArmErr).error.message).toContain("aks-pf");
  });

  test("managed online endpoint in a workspace on its own VNet; Kubernetes endpoint allowed", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    const managed = await rest(emu, "PUT", `${wsPath(emu, "pf-byo")}/onlineEndpoints/ep-pf`, {
      location: "eastus",
      properties: { authMode: "Key", publicNetworkAccess: "Disabled" },
    });
    expect(managed.status).toBe(400);
    expect((managed.body as ArmErr).error.code).toBe("ManagedOnlineEndpointNotSupported");
    const k8s = await rest(emu, "PUT", `${wsPath(emu, "pf-byo")}/onlineEndpoints/ep-aks`, {
      location: "eastus",
      properties: { authMode: "Key", compute: "aks-pf" },
    });
    expect(k8s.status).toBe(201);
  });
});

describe("online endpoints", () => {
  test("PATCH publicNetworkAccess; a deployment fails before the network is Active, then 403 until the storage role propagates", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2, delays: { rolePropagation: 5000 } });
    await enableIsolation("AllowOnlyApprovedOutbound");
    const ep = (await restLro(emu, "PUT", `${wsPath(emu)}/onlineEndpoints/ep-pf`, {
      location: "eastus",
      properties: { authMode: "Key" },
    })) as { properties: { publicNetworkAccess: string; provisioningState: string } };
    expect(ep.properties.provisioningState).toBe("Succeeded");
    expect(ep.properties.publicNetworkAccess).toBe("Enabled");
    const patched = (await restLro(emu, "PATCH", `${wsPath(emu)}/onlineEndpoints/ep-pf`, {
      properties: { publicNetworkAccess: "Disabled" },
    })) as { properties: { publicNetworkAccess: string } };
    expect(patched.properties.publicNetworkAccess).toBe("Disabled");

    const deployment = {
      location: "eastus",
      properties: { endpointComputeType: "Managed", model: "azureml:flow:1" },
    };
    const early = await rest(emu, "PUT", `${wsPath(emu)}/onlineEndpoints/ep-pf/deployments/blue`, deployment);
    expect(early.status).toBe(400);
    expect((early.body as ArmErr).error.code).toBe("ManagedNetworkNotProvisioned");
    await restLro(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {});
    const noRole = await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/onlineEndpoints/ep-pf/deployments/blue`,
      deployment,
    );
    expect(noRole.status).toBe(403);
    expect((noRole.body as ArmErr).error.code).toBe("AuthorizationFailed");

    const principalId = (emu.state.workspace("pf-ws")!.identity as { principalId: string }).principalId;
    const scope = targetId(emu, "Microsoft.Storage/storageAccounts/stpfws");
    const assign = await rest(
      emu,
      "PUT",
      `${scope}/providers/Microsoft.Authorization/roleAssignments/6f0e0b7a-3c1d-4a8e-9d3f-1a2b3c4d5e6f`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${emu.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/69566ab7-960f-475b-8e7c-b3118f30c6bd`,
          principalId,
          principalType: "ServicePrincipal",
        },
      },
      "2022-04-01",
    );
    expect(assign.status).toBe(201);
    const stillPropagating = await rest(
      emu,
      "PUT",
      `${wsPath(emu)}/onlineEndpoints/ep-pf/deployments/blue`,
      deployment,
    );
    expect(stillPropagating.status).toBe(403);
    emu.state.advance(5000);
    const done = (await restLro(
      emu,
      "PUT",
      `${wsPath(emu)}/onlineEndpoints/ep-pf/deployments/blue`,
      deployment,
    )) as {
      properties: { provisioningState: string };
    };
    expect(done.properties.provisioningState).toBe("Succeeded");
  });
});

describe("outbound rule list paging", () => {
  test("nextLink pages through every rule", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000, pageSize: 4, raceMode: "off" });
    await enableIsolationNoWait("AllowOnlyApprovedOutbound");
    emu.state.advance(1);
    for (let i = 0; i < 9; i++)
      emu.state.setRule("pf-ws", `rule-${i}`, fqdn(`host${i}.contoso.com`).properties);
    const names: string[] = [];
    let next: string | undefined = `${wsPath(emu)}/outboundRules?api-version=2025-12-01`;
    let pages = 0;
    while (next) {
      const page = await raw(emu, "GET", next);
      expect(page.status).toBe(200);
      const body = page.body as { value: Rule[]; nextLink?: string };
      names.push(...body.value.map((r) => r.name));
      next = body.nextLink;
      if (next) expect(next).toContain("api-version=2025-12-01");
      pages++;
    }
    const total = Object.keys(emu.state.rules("pf-ws")).length;
    expect(names).toHaveLength(total);
    expect(new Set(names).size).toBe(total);
    expect(pages).toBe(Math.ceil(total / 4));
  });
});

describe("rule races", () => {
  async function concurrentPuts() {
    await enableIsolation("AllowOnlyApprovedOutbound");
    return Promise.allSettled([
      putRule("pypi", fqdn("pypi.org")),
      putRule("conda", fqdn("conda.anaconda.org")),
    ]);
  }

  test("lastWriterWins (default): both writers are told success, one rule is lost", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 5, delays: { raceWindow: 200 } });
    const results = await concurrentPuts();
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
    const rules = emu.state.rules("pf-ws");
    expect(["pypi", "conda"].filter((n) => rules[n] !== undefined)).toHaveLength(1);
  });

  test("conflict: the second concurrent writer gets 409 Conflict", async () => {
    emu = await startEmulator({
      lroForms: "accepted",
      timeScale: 5,
      raceMode: "conflict",
      delays: { raceWindow: 200 },
    });
    await enableIsolation("AllowOnlyApprovedOutbound");
    const [a, b] = await Promise.all([
      rest(emu, "PUT", `${wsPath(emu)}/outboundRules/pypi`, fqdn("pypi.org")),
      rest(emu, "PUT", `${wsPath(emu)}/outboundRules/conda`, fqdn("conda.anaconda.org")),
    ]);
    expect([a.status, b.status].sort()).toEqual([202, 409]);
    const conflict = [a, b].find((r) => r.status === 409)!;
    expect((conflict.body as ArmErr).error.code).toBe("Conflict");
    expect((conflict.body as ArmErr).error.message).toContain("another operation");
  });

  test("off: concurrent writes both land", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 5, raceMode: "off" });
    await concurrentPuts();
    const rules = emu.state.rules("pf-ws");
    expect(rules.pypi).toBeDefined();
    expect(rules.conda).toBeDefined();
  });
});

describe("workspace writes", () => {
  test("the workspace has no etag and If-Match is not evaluated: workspaceRP.json 2025-12-01 declares neither", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    const first = await rest(emu, "GET", wsPath(emu));
    expect(first.headers.etag).toBeUndefined();
    expect(first.body as Record<string, unknown>).not.toHaveProperty("etag");
    expect(
      (first.body as Ws & { properties: { managedNetwork: object } }).properties.managedNetwork,
    ).not.toHaveProperty("changeableIsolationModes");
    // A header the operation does not declare changes nothing (assumed: the RP ignores it).
    const patched = await rest(
      emu,
      "PATCH",
      wsPath(emu),
      { properties: { description: "a" } },
      "2025-12-01",
      {
        "If-Match": '"stale"',
      },
    );
    expect(patched.status).toBe(202);
    await emu.state.advance(5);
    expect(
      (emu.state.workspace("pf-ws") as { properties: { description: string } }).properties.description,
    ).toBe("a");
  });

  test("PUT replaces the rule map; ids are case-insensitive", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2, raceMode: "off" });
    await enableIsolation("AllowOnlyApprovedOutbound", "pf-ws", {
      pypi: fqdn("pypi.org").properties,
      conda: fqdn("conda.anaconda.org").properties,
    });
    const current = (
      await rest(emu, "GET", wsPath(emu).toUpperCase().replace("/SUBSCRIPTIONS", "/subscriptions"))
    ).body as Ws & {
      location: string;
      properties: Record<string, unknown>;
    };
    expect(current.properties.managedNetwork.outboundRules.pypi).toBeDefined();
    const body = {
      location: current.location,
      identity: { type: "SystemAssigned" },
      properties: {
        storageAccount: current.properties.storageAccount,
        keyVault: current.properties.keyVault,
        managedNetwork: {
          isolationMode: "AllowOnlyApprovedOutbound",
          outboundRules: { pypi: fqdn("pypi.org").properties },
        },
      },
    };
    await restLro(emu, "PUT", wsPath(emu), body);
    emu.state.advance(1);
    const rules = emu.state.rules("pf-ws");
    expect(rules.pypi).toBeDefined();
    expect(rules.conda).toBeUndefined();
  });
});
