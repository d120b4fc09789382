/**
 * Waits (nock): progress events carry the expected duration scaled to the provider's time scale,
 * an abort ends every kind of wait at once, rules are read from the workspace GET (the paged list
 * only when the map is missing), and no bearer token ever reaches an event or an error.
 */
import { inspect } from "node:util";
import { AzureProvider, type AzureProviderOptions } from "@pfnet/azure";
import {
  type PfnetEventInput,
  type PlanStep,
  type ResourceNode,
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
  serializeError,
} from "@pfnet/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialWith, HOST, PRINCIPAL, STORAGE, step, WS_PATH, ws } from "./nock-fixtures.js";

const TOKEN = "eyJ0eXAiOiJKV1Qi.secret-bearer-token.never-logged";
const credential = credentialWith(TOKEN);
const TARGET = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Search/searchServices/srch";
const NETWORK_ID = "net-0001";
const ROLE_ID = `/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR}`;

const provider = (options: Partial<AzureProviderOptions> = {}) =>
  new AzureProvider({ credential, endpoint: HOST, ...options });

const workspaceBody = (networkStatus: "Active" | "Inactive", rules: Record<string, unknown> = {}) => ({
  name: "pf",
  etag: "e1",
  location: "eastus",
  identity: { type: "SystemAssigned", principalId: PRINCIPAL },
  properties: {
    storageAccount: STORAGE,
    managedNetwork: {
      isolationMode: "AllowOnlyApprovedOutbound",
      networkId: NETWORK_ID,
      status: { status: networkStatus },
      outboundRules: rules,
    },
  },
});

const networkStep = step({
  address: "workspace.pf.network",
  kind: "managedNetwork",
  action: "provision",
  after: { status: "Active", hasFqdnRules: true },
  waits: [
    { kind: "provisioning", label: "provisioning", expectedSeconds: 1800 },
    { kind: "firewall", label: "firewall", expectedSeconds: 600 },
  ],
});
const approvalStep = step({
  address: "workspace.pf.approval.search",
  kind: "privateEndpointApproval",
  action: "approve",
  identity: { workspace: ws, service: "search", targetId: TARGET, approve: true, via: "managed" },
  after: { status: "Approved" },
  waits: [{ kind: "approval", label: "approval", expectedSeconds: 120 }],
});
const roleStep = step({
  address: "workspace.pf.storage-role",
  kind: "roleAssignment",
  action: "create",
  after: { roleDefinitionId: ROLE_ID, principalType: "ServicePrincipal" },
  waits: [{ kind: "propagation", label: "propagation", expectedSeconds: 600 }],
});

const endpointStep = step({
  address: "workspace.pf.endpoint.pf-chat",
  kind: "onlineEndpoint",
  action: "create",
  identity: { workspace: ws, endpointName: "pf-chat" },
  after: { publicNetworkAccess: "Disabled" },
});

const connection = (status: string) => ({
  id: `${TARGET}/privateEndpointConnections/c1`,
  name: "c1",
  properties: {
    privateEndpoint: { id: `/subscriptions/x/resourceGroups/azureml-managed-network-${NETWORK_ID}/pe1` },
    privateLinkServiceConnectionState: { status },
  },
});

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("progress of waits", () => {
  it("provisioning reports elapsed against the plan's expected time scaled to the provider (40 Azure min at 100 ms/min = 4000 ms)", async () => {
    nock(HOST)
      .get(WS_PATH)
      .query(true)
      .reply(200, workspaceBody("Inactive"))
      .post(`${WS_PATH}/provisionManagedNetwork`)
      .query(true)
      .reply(202, "", { Location: `${HOST}/subscriptions/sub/providers/op/1` })
      .get("/subscriptions/sub/providers/op/1")
      .query(true)
      .reply(200, { status: "Active" })
      .get(WS_PATH)
      .query(true)
      .reply(200, workspaceBody("Inactive"))
      .get(WS_PATH)
      .query(true)
      .reply(200, workspaceBody("Active"));
    const events: PfnetEventInput[] = [];
    const result = await provider({ waits: { timeScale: 100 } }).apply(networkStep, {
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });
    expect(result).toEqual({ outcome: "succeeded" });
    const waits = events.filter((e) => e.type === "step.progress" && e.wait);
    // Before the request, at its poll, while waiting for Active, and when Active.
    expect(waits.length).toBeGreaterThanOrEqual(4);
    for (const e of waits) {
      expect(e).toMatchObject({ wait: { kind: "provisioning", expectedMs: 4000 } });
    }
  });

  it("approval reports its wait for the connection to appear (2 Azure min at 100 ms/min = 200 ms)", async () => {
    nock(HOST)
      .get(WS_PATH)
      .query(true)
      .times(2)
      .reply(200, workspaceBody("Active"))
      .get(`${TARGET}/privateEndpointConnections`)
      .query(true)
      .reply(200, { value: [] })
      .get(`${TARGET}/privateEndpointConnections`)
      .query(true)
      .reply(200, { value: [connection("Approved")] });
    const events: PfnetEventInput[] = [];
    const result = await provider({ waits: { timeScale: 100 } }).apply(approvalStep, {
      signal: new AbortController().signal,
      emit: (e) => events.push(e),
    });
    expect(result).toEqual({ outcome: "succeeded" });
    const progress = events.filter((e) => e.type === "step.progress");
    // While the connection has not appeared (the wait's start), and when it is Approved (its end).
    expect(progress).toHaveLength(2);
    for (const e of progress) {
      expect(e).toMatchObject({ wait: { kind: "approval", expectedMs: 200 } });
    }
    expect(progress.at(-1)).toMatchObject({ message: expect.stringMatching(/c1 Approved$/) });
  });
});

describe("aborting a wait", () => {
  // Real time (the default scale): each of these waits would otherwise last 5 s or more, so only
  // an abort that ends the wait itself lets the step settle within the test's timeout.
  const pendingRule = {
    "fqdn-a": { type: "FQDN", category: "UserDefined", destination: "a.com", status: "Provisioning" },
  };
  const cases: {
    name: string;
    step: PlanStep;
    mock: (abort: () => void) => void;
    options?: Partial<AzureProviderOptions>;
  }[] = [
    {
      name: "the managed network to become Active (15 s poll)",
      step: networkStep,
      mock: () => {
        nock(HOST).get(WS_PATH).query(true).times(2).reply(200, workspaceBody("Active", pendingRule));
      },
    },
    {
      name: "an LRO poll (provisionManagedNetwork, Retry-After 60 s)",
      step: networkStep,
      mock: (abort) => {
        nock(HOST)
          .get(WS_PATH)
          .query(true)
          .reply(200, workspaceBody("Inactive"))
          .post(`${WS_PATH}/provisionManagedNetwork`)
          .query(true)
          .reply(() => {
            // Abort once the poller sleeps on the Retry-After.
            setTimeout(abort, 50);
            return [202, "", { Location: `${HOST}/subscriptions/sub/providers/op/1`, "Retry-After": "60" }];
          });
      },
    },
    {
      name: "an SDK LRO poll (online endpoint create, 5 s poll)",
      step: endpointStep,
      mock: (abort) => {
        const operation = `${HOST}/subscriptions/sub/providers/op/2`;
        nock(HOST)
          .get(`${WS_PATH}/onlineEndpoints/pf-chat`)
          .query(true)
          .reply(404, { error: { code: "NotFound", message: "no endpoint" } })
          .get(WS_PATH)
          .query(true)
          .reply(200, workspaceBody("Active"))
          .put(`${WS_PATH}/onlineEndpoints/pf-chat`)
          .query(true)
          .reply(() => {
            // Abort once pfnet sleeps between the SDK poller's polls.
            setTimeout(abort, 50);
            return [
              201,
              { name: "pf-chat", properties: { provisioningState: "Creating" } },
              { "Azure-AsyncOperation": operation, "Retry-After": "60" },
            ];
          })
          .get("/subscriptions/sub/providers/op/2")
          .query(true)
          .reply(200, { status: "InProgress" }, { "Retry-After": "60" });
      },
    },
    {
      name: "a private-endpoint connection to appear (15 s poll)",
      step: approvalStep,
      mock: () => {
        nock(HOST)
          .get(WS_PATH)
          .query(true)
          .reply(200, workspaceBody("Active"))
          .get(`${TARGET}/privateEndpointConnections`)
          .query(true)
          .reply(200, { value: [] });
      },
    },
    {
      name: "a retry back-off (429 without Retry-After, 60 s)",
      step: approvalStep,
      options: { retry: { throttled: { baseDelaySeconds: 60 } } },
      mock: () => {
        nock(HOST)
          .get(WS_PATH)
          .query(true)
          .times(10)
          .reply(429, { error: { code: "TooManyRequests", message: "slow down" } });
      },
    },
  ];

  it.each(cases)(
    "stops waiting for $name at once with ABORTED",
    async ({ step: s, mock, options }) => {
      const controller = new AbortController();
      mock(() => controller.abort());
      const events: PfnetEventInput[] = [];
      const outcome = await provider(options)
        .apply(s, {
          signal: controller.signal,
          emit: (e) => {
            events.push(e);
            const waiting =
              e.type === "step.retrying" ||
              (e.type === "step.progress" && e.wait !== undefined && e.message.startsWith("waiting"));
            if (waiting) controller.abort();
          },
        })
        .catch((e: unknown) => e);
      expect(outcome).toMatchObject({ code: "ABORTED" });
      expect(controller.signal.aborted).toBe(true);
    },
    10_000,
  );
});

describe("reading rules", () => {
  const ruleNode = (ruleName: string): ResourceNode => ({
    address: `workspace.pf.rule.${ruleName}`,
    kind: "outboundRule",
    identity: { workspace: ws, ruleName },
    properties: { type: "FQDN", category: "UserDefined", destination: "a.com" },
    dependsOn: [],
  });

  it("takes the rules from the workspace GET's managedNetwork.outboundRules (no rule list)", async () => {
    const scope = nock(HOST)
      .get(WS_PATH)
      .query(true)
      .reply(
        200,
        workspaceBody("Active", {
          "fqdn-a": { type: "FQDN", category: "UserDefined", destination: "a.com", status: "Active" },
          "required-x": { type: "ServiceTag", category: "Required", destination: {}, status: "Active" },
          "other-b": { type: "FQDN", category: "UserDefined", destination: "b.com", status: "Active" },
        }),
      );
    const result = await provider().read([ruleNode("fqdn-a")], {
      signal: new AbortController().signal,
      emit: () => {},
    });
    expect(scope.isDone()).toBe(true);
    expect(result.resources["workspace.pf.rule.fqdn-a"]).toMatchObject({
      exists: true,
      properties: { type: "FQDN", destination: "a.com" },
    });
    expect(result.discovered.map((d) => d.address)).toEqual(["workspace.pf.rule.other-b"]);
  });

  it("reads the paged rule list when the workspace carries no rule map", async () => {
    const body = workspaceBody("Active");
    delete (body.properties.managedNetwork as { outboundRules?: unknown }).outboundRules;
    const scope = nock(HOST)
      .get(WS_PATH)
      .query(true)
      .reply(200, body)
      .get(`${WS_PATH}/outboundRules`)
      .query({ "api-version": "2025-12-01" })
      .reply(200, {
        value: [{ name: "x", properties: { type: "FQDN", category: "UserDefined", destination: "x.com" } }],
        nextLink: `${HOST}${WS_PATH}/outboundRules?api-version=2025-12-01&$skipToken=1`,
      })
      .get(`${WS_PATH}/outboundRules`)
      .query({ "api-version": "2025-12-01", $skipToken: "1" })
      .reply(200, {
        value: [
          { name: "fqdn-a", properties: { type: "FQDN", category: "UserDefined", destination: "a.com" } },
        ],
      });
    const result = await provider().read([ruleNode("fqdn-a")], {
      signal: new AbortController().signal,
      emit: () => {},
    });
    expect(scope.isDone()).toBe(true);
    expect(result.resources["workspace.pf.rule.fqdn-a"]?.exists).toBe(true);
    expect(result.discovered.map((d) => d.address)).toEqual(["workspace.pf.rule.x"]);
  });
});

describe("secrets", () => {
  it("never puts the bearer token in events or errors (REST layer and SDK clients, retried and failed)", async () => {
    // Every request must carry the token (so it was there to leak).
    nock(HOST, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      // REST layer: a 429 without Retry-After, then the workspace; the approval target refuses.
      .get(WS_PATH)
      .query(true)
      .reply(429, { error: { code: "TooManyRequests", message: "slow down" } })
      .get(WS_PATH)
      .query(true)
      .times(3)
      .reply(200, workspaceBody("Active"))
      .get(`${TARGET}/privateEndpointConnections`)
      .query(true)
      .reply(400, { error: { code: "BadRequest", message: "no" } })
      // SDK client (arm-storage): a 500 that stays. (Dropped connections: retry.test.ts, on the emulator.)
      .get(STORAGE)
      .query(true)
      .times(10)
      .reply(500, { error: { code: "InternalServerError", message: "boom" } });
    const seen: unknown[] = [];
    const events: PfnetEventInput[] = [];
    const p = provider({
      waits: { timeScale: 1 },
      retry: { server: { maxRetries: 1 } },
    });
    const context = { signal: new AbortController().signal, emit: (e: PfnetEventInput) => events.push(e) };
    for (const s of [approvalStep, roleStep]) seen.push(await p.apply(s, context).catch((e: unknown) => e));
    expect(seen.map((e) => (e as { code?: string }).code)).toEqual([
      "AZURE_REQUEST_FAILED",
      "RETRIES_EXHAUSTED",
    ]);
    expect(events.some((e) => e.type === "step.retrying")).toBe(true);
    const text = [
      JSON.stringify(events),
      ...seen.map((e) => JSON.stringify(serializeError(e))),
      ...seen.map((e) => inspect(e, { depth: 20 })),
    ].join("\n");
    expect(text).not.toContain(TOKEN);
    expect(text).not.toContain("secret-bearer-token");
  });
});
