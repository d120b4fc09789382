/**
 * Conformance: every request body the emulator accepts and every response body it sends on the
 * ML-workspace and role-assignment routes validates against the official definitions in
 * ../shared/azure-specs (workspaceRP.json 2025-12-01, RoleAssignmentsCalls 2022-04-01).
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type Emulator, type RequestRecord, startEmulator } from "@pfnet/arm-emulator";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { raw, rest, restLro, targetId, wsPath } from "./helpers.js";

const repoRoot = resolve(import.meta.dirname, "../../..");
const specRoot = resolve(repoRoot, "../shared/azure-specs/specification");
const ML_SPEC = resolve(
  specRoot,
  "machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/workspaceRP.json",
);
const AUTH_SPEC = resolve(
  specRoot,
  "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json",
);
const SPEC_FILES = [
  ML_SPEC,
  AUTH_SPEC,
  resolve(
    specRoot,
    "authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/common-types.json",
  ),
  resolve(specRoot, "common-types/resource-management/v3/types.json"),
  resolve(specRoot, "common-types/resource-management/v3/managedidentity.json"),
  resolve(specRoot, "common-types/resource-management/v2/types.json"),
];
const specsPresent = SPEC_FILES.every((f) => existsSync(f));
const SKIP_REASON = `official specs not found at ${specRoot} (the CI clone keeps shared/ beside the repository)`;

// ajv-formats is CommonJS: its default export is the module object whose `default` is the plugin.
const addFormats = addFormatsModule.default;

function makeValidator() {
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
  addFormats(ajv);
  ajv.addFormat("arm-id", /^\/subscriptions\/|^\/providers\//i);
  for (const f of [
    "int32",
    "int64",
    "double",
    "float",
    "url",
    "unixtime",
    "duration",
    "password",
    "byte",
    "file",
  ])
    ajv.addFormat(f, true);
  for (const file of SPEC_FILES)
    ajv.addSchema(JSON.parse(readFileSync(file, "utf8")), pathToFileURL(file).href);
  const cache = new Map<string, ValidateFunction>();
  const get = (file: string, def: string) => {
    const ref = `${pathToFileURL(file).href}#/definitions/${def}`;
    let v = cache.get(ref);
    if (!v) {
      v = ajv.getSchema(ref);
      if (!v) throw new Error(`no schema ${ref}`);
      cache.set(ref, v);
    }
    return v;
  };
  return (file: string, def: string, value: unknown): string[] => {
    const v = get(file, def);
    if (v(value)) return [];
    return (v.errors ?? []).map((e) => `${def}${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
  };
}

const RULE_SUBTYPES: Record<string, string> = {
  FQDN: "FqdnOutboundRule",
  PrivateEndpoint: "PrivateEndpointOutboundRule",
  ServiceTag: "ServiceTagOutboundRule",
};

describe.skipIf(!specsPresent)("conformance with the official specs", () => {
  let emu: Emulator;
  let check: ReturnType<typeof makeValidator>;

  beforeAll(async () => {
    check = makeValidator();
    emu = await startEmulator({ timeScale: 2, raceMode: "off", pageSize: 5 });
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
    await restLro(emu, "DELETE", wsPath(emu, "pf-deploy"));
  });
  afterAll(async () => emu?.close());

  function classify(r: RequestRecord): { file: string; request?: string; response?: string } | undefined {
    const p = r.path.toLowerCase();
    if (p.includes("/providers/microsoft.authorization/roleassignments")) {
      const list = /roleassignments$/.test(p);
      return {
        file: AUTH_SPEC,
        ...(r.method === "PUT" ? { request: "RoleAssignmentCreateParameters" } : {}),
        response: r.status >= 400 ? "ErrorResponse" : list ? "RoleAssignmentListResult" : "RoleAssignment",
      };
    }
    if (p.includes("/operationresults/") && r.status === 200 && r.responseBody) {
      const body = r.responseBody as Record<string, unknown>;
      if (body.type === "Microsoft.MachineLearningServices/workspaces")
        return { file: ML_SPEC, response: "Workspace" };
      if (body.type === "workspace/outboundRules")
        return { file: ML_SPEC, response: "OutboundRuleBasicResource" };
      if ("sparkReady" in body) return { file: ML_SPEC, response: "ManagedNetworkProvisionStatus" };
      return { file: ML_SPEC, response: "UNCLASSIFIED" };
    }
    if (!p.includes("/microsoft.machinelearningservices/workspaces")) return undefined;
    const error = r.status >= 400 ? "ErrorResponse" : undefined;
    if (/\/outboundrules$/.test(p)) return { file: ML_SPEC, response: error ?? "OutboundRuleListResult" };
    if (/\/outboundrules\/[^/]+$/.test(p)) {
      return {
        file: ML_SPEC,
        ...(r.method === "PUT" ? { request: "OutboundRuleBasicResource" } : {}),
        ...(error
          ? { response: error }
          : r.method === "GET"
            ? { response: "OutboundRuleBasicResource" }
            : {}),
      };
    }
    if (/\/provisionmanagednetwork$/.test(p)) {
      return {
        file: ML_SPEC,
        request: "ManagedNetworkProvisionOptions",
        ...(error
          ? { response: error }
          : r.status === 200
            ? { response: "ManagedNetworkProvisionStatus" }
            : {}),
      };
    }
    if (/\/privateendpointconnections\/[^/]+$/.test(p)) {
      return {
        file: ML_SPEC,
        ...(r.method === "PUT" ? { request: "PrivateEndpointConnection" } : {}),
        ...(error
          ? { response: error }
          : r.method !== "DELETE"
            ? { response: "PrivateEndpointConnection" }
            : {}),
      };
    }
    if (/\/privateendpointconnections$/.test(p))
      return { file: ML_SPEC, response: error ?? "PrivateEndpointConnectionListResult" };
    if (/\/workspaces$/.test(p)) return { file: ML_SPEC, response: error ?? "WorkspaceListResult" };
    if (/\/workspaces\/[^/]+$/.test(p)) {
      const request =
        r.method === "PUT" ? "Workspace" : r.method === "PATCH" ? "WorkspaceUpdateParameters" : undefined;
      const response = error ?? (r.method === "GET" ? "Workspace" : undefined);
      return { file: ML_SPEC, ...(request ? { request } : {}), ...(response ? { response } : {}) };
    }
    return undefined;
  }

  test("request and response bodies validate against workspaceRP.json and RoleAssignmentsCalls.json", () => {
    const problems: string[] = [];
    const checked = new Set<string>();
    let count = 0;
    for (const r of emu.requests.entries) {
      const c = classify(r);
      if (!c) continue;
      const errFile =
        c.file === AUTH_SPEC
          ? resolve(specRoot, "common-types/resource-management/v2/types.json")
          : resolve(specRoot, "common-types/resource-management/v3/types.json");
      if (c.request && r.requestBody !== null && r.status < 400) {
        count++;
        checked.add(`request ${c.request}`);
        problems.push(
          ...check(c.file, c.request, r.requestBody).map((e) => `${r.method} ${r.path} request: ${e}`),
        );
      }
      if (c.response && r.responseBody !== null) {
        count++;
        checked.add(`response ${c.response}`);
        const file = c.response === "ErrorResponse" ? errFile : c.file;
        problems.push(
          ...check(file, c.response, r.responseBody).map(
            (e) => `${r.method} ${r.path} ${r.status} response: ${e}`,
          ),
        );
        if (c.response === "OutboundRuleBasicResource") {
          const props = (r.responseBody as { properties: { type: string } }).properties;
          problems.push(
            ...check(c.file, RULE_SUBTYPES[props.type]!, props).map((e) => `${r.path} rule subtype: ${e}`),
          );
        }
        if (c.response === "Workspace") {
          const rules =
            (
              r.responseBody as {
                properties: { managedNetwork?: { outboundRules: Record<string, { type: string }> } };
              }
            ).properties.managedNetwork?.outboundRules ?? {};
          for (const [name, rule] of Object.entries(rules)) {
            problems.push(
              ...check(c.file, RULE_SUBTYPES[rule.type]!, rule).map((e) => `${r.path} rule ${name}: ${e}`),
            );
          }
        }
      }
    }
    expect(problems).toEqual([]);
    // The scenario really exercised each definition.
    for (const def of [
      "request Workspace",
      "request WorkspaceUpdateParameters",
      "request OutboundRuleBasicResource",
      "request ManagedNetworkProvisionOptions",
      "request RoleAssignmentCreateParameters",
      "response Workspace",
      "response WorkspaceListResult",
      "response OutboundRuleBasicResource",
      "response OutboundRuleListResult",
      "response ManagedNetworkProvisionStatus",
      "response PrivateEndpointConnectionListResult",
      "request PrivateEndpointConnection",
      "response PrivateEndpointConnection",
      "response RoleAssignment",
      "response RoleAssignmentListResult",
      "response ErrorResponse",
    ]) {
      expect(checked, def).toContain(def);
    }
    expect(count).toBeGreaterThan(25);

    // Every ML-workspace and role-assignment route the emulator serves was driven and checked.
    const WS = String.raw`/providers/microsoft\.machinelearningservices/workspaces`;
    const RA = String.raw`/providers/microsoft\.authorization/roleassignments`;
    const routes: [string, RegExp][] = [
      ["GET", new RegExp(`/resourcegroups/[^/]+${WS}/[^/]+$`)],
      ["PUT", new RegExp(`/resourcegroups/[^/]+${WS}/[^/]+$`)],
      ["PATCH", new RegExp(`/resourcegroups/[^/]+${WS}/[^/]+$`)],
      ["DELETE", new RegExp(`/resourcegroups/[^/]+${WS}/[^/]+$`)],
      ["GET", new RegExp(`/resourcegroups/[^/]+${WS}$`)],
      ["GET", new RegExp(`^/subscriptions/[^/]+${WS}$`)],
      ["GET", new RegExp(`${WS}/[^/]+/outboundrules$`)],
      ["GET", new RegExp(`${WS}/[^/]+/outboundrules/[^/]+$`)],
      ["PUT", new RegExp(`${WS}/[^/]+/outboundrules/[^/]+$`)],
      ["DELETE", new RegExp(`${WS}/[^/]+/outboundrules/[^/]+$`)],
      ["POST", new RegExp(`${WS}/[^/]+/provisionmanagednetwork$`)],
      ["GET", new RegExp(`${WS}/[^/]+/privateendpointconnections$`)],
      ["GET", new RegExp(`${WS}/[^/]+/privateendpointconnections/[^/]+$`)],
      ["PUT", new RegExp(`${WS}/[^/]+/privateendpointconnections/[^/]+$`)],
      ["DELETE", new RegExp(`${WS}/[^/]+/privateendpointconnections/[^/]+$`)],
      ["PUT", new RegExp(`${RA}/[^/]+$`)],
      ["GET", new RegExp(`${RA}/[^/]+$`)],
      ["DELETE", new RegExp(`${RA}/[^/]+$`)],
      ["GET", new RegExp(`^/subscriptions/[^/]+${RA}$`)],
      ["GET", new RegExp(`/resourcegroups/[^/]+${RA}$`)],
      ["GET", new RegExp(`/providers/microsoft.storage/storageaccounts/[^/]+${RA}$`)],
    ];
    for (const [method, pattern] of routes) {
      const driven = emu.requests.entries.filter(
        (r) => r.method === method && pattern.test(r.path.toLowerCase()),
      );
      expect(driven.length, `${method} ${pattern.source}`).toBeGreaterThan(0);
      expect(
        driven.every((r) => classify(r) !== undefined),
        `${method} ${pattern.source} classified`,
      ).toBe(true);
    }
  });

  test("the validator is not vacuous: a malformed workspace and rule are rejected", () => {
    expect(
      check(ML_SPEC, "Workspace", { properties: { managedNetwork: { isolationMode: "Sometimes" } } }),
    ).not.toEqual([]);
    expect(
      check(ML_SPEC, "OutboundRuleBasicResource", { properties: { category: "UserDefined" } }),
    ).not.toEqual([]);
    expect(check(AUTH_SPEC, "RoleAssignment", { properties: { principalType: "Robot" } })).not.toEqual([]);
  });
});

test.skipIf(specsPresent)(`conformance skipped: ${SKIP_REASON}`, () => {
  expect(specsPresent).toBe(false);
});
