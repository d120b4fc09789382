/**
 * Step behaviour on error shapes that are hard to provoke in the emulator (nock):
 * PrincipalNotFound retried, RoleAssignmentExists adopted, propagation 403 ending in a typed
 * PROPAGATION_TIMEOUT naming principal, role and scope, 403 elsewhere failing at once, and a
 * rule write refused with 409 OperationInProgress retried.
 */
import { AzureProvider, roleAssignmentName } from "@pfnet/azure";
import type { PfnetEventInput } from "@pfnet/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { credentialWith, HOST, PRINCIPAL, STORAGE, step, WS_PATH, ws } from "./nock-fixtures.js";

const credential = credentialWith("t");
const ROLE = "69566ab7-960f-475b-8e7c-b3118f30c6bd";
const ROLE_ID = `/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/${ROLE}`;

// 1 Azure minute = 1 ms: budgets of minutes pass in milliseconds.
const provider = () => new AzureProvider({ credential, endpoint: HOST, waits: { timeScale: 1 } });

function context(events: PfnetEventInput[]) {
  return { signal: new AbortController().signal, emit: (e: PfnetEventInput) => events.push(e) };
}

const workspaceBody = {
  name: "pf",
  etag: "e1",
  identity: { type: "SystemAssigned", principalId: PRINCIPAL },
  properties: { storageAccount: STORAGE },
};
const roleStep = step({
  address: "workspace.pf.storage-role",
  kind: "roleAssignment",
  action: "create",
  after: { roleDefinitionId: ROLE_ID, principalType: "ServicePrincipal" },
});
const expectedName = roleAssignmentName(STORAGE, PRINCIPAL, ROLE);
const roleBody = (name: string) => ({
  id: `${STORAGE}/providers/Microsoft.Authorization/roleAssignments/${name}`,
  name,
  properties: {
    scope: STORAGE,
    principalId: PRINCIPAL,
    principalType: "ServicePrincipal",
    roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLE}`,
  },
});

/** What the role step reads before its PUT: the workspace (principal, storage) and the storage account. */
const grantPrelude = () =>
  nock(HOST)
    .get(WS_PATH)
    .query(true)
    .reply(200, workspaceBody)
    .get(STORAGE)
    .query(true)
    .reply(200, { id: STORAGE, name: "stpf", location: "eastus" });

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());

describe("storage role step", () => {
  it("retries PrincipalNotFound, PUTs the deterministic name as ServicePrincipal, then waits until readable 3 times", async () => {
    let putBody: unknown;
    const scope = grantPrelude()
      .put(`${STORAGE}/providers/Microsoft.Authorization/roleAssignments/${expectedName}`)
      .query(true)
      .times(2)
      .reply(400, { error: { code: "PrincipalNotFound", message: "not yet" } })
      .put(`${STORAGE}/providers/Microsoft.Authorization/roleAssignments/${expectedName}`)
      .query(true)
      .reply(201, (_uri, body) => {
        putBody = body;
        return roleBody(expectedName);
      })
      .get(`${STORAGE}/providers/Microsoft.Authorization/roleAssignments/${expectedName}`)
      .query(true)
      .times(3)
      .reply(200, roleBody(expectedName));
    const events: PfnetEventInput[] = [];
    expect(await provider().apply(roleStep, context(events))).toEqual({ outcome: "succeeded" });
    expect(scope.isDone()).toBe(true);
    expect(putBody).toMatchObject({
      properties: { principalId: PRINCIPAL, principalType: "ServicePrincipal", roleDefinitionId: ROLE_ID },
    });
    expect(
      events.filter((e) => e.type === "step.retrying").map((e) => (e as { reason: string }).reason),
    ).toEqual(["PrincipalNotFound", "PrincipalNotFound"]);
    expect(events.some((e) => e.type === "step.progress" && e.wait?.kind === "propagation")).toBe(true);
  });

  it("adopts an assignment that exists under another name (409 RoleAssignmentExists)", async () => {
    const other = "11111111-1111-1111-1111-111111111111";
    const scope = grantPrelude()
      .put(`${STORAGE}/providers/Microsoft.Authorization/roleAssignments/${expectedName}`)
      .query(true)
      .reply(409, { error: { code: "RoleAssignmentExists", message: "The role assignment already exists." } })
      .get(`${STORAGE}/providers/Microsoft.Authorization/roleAssignments`)
      .query((q) => q.$filter === `principalId eq '${PRINCIPAL}'`)
      .reply(200, { value: [roleBody(other)] })
      .get(`${STORAGE}/providers/Microsoft.Authorization/roleAssignments/${other}`)
      .query(true)
      .times(3)
      .reply(200, roleBody(other));
    const events: PfnetEventInput[] = [];
    expect(await provider().apply(roleStep, context(events))).toEqual({ outcome: "succeeded" });
    expect(scope.isDone()).toBe(true);
    expect(events.some((e) => e.type === "step.progress" && e.message.includes(other))).toBe(true);
  });
});

describe("role propagation", () => {
  const endpointStep = step({
    address: "workspace.pf.endpoint.chat",
    kind: "onlineEndpoint",
    action: "update",
    identity: { workspace: ws, endpointName: "chat" },
    after: { publicNetworkAccess: "Disabled" },
    dependsOn: ["workspace.pf", "workspace.pf.storage-role"],
  });

  it("treats 403 AuthorizationFailed on a dependent of the grant as propagation, then fails PROPAGATION_TIMEOUT naming principal, role and scope", async () => {
    nock(HOST)
      .get(`${WS_PATH}/onlineEndpoints/chat`)
      .query(true)
      .times(100)
      .reply(403, {
        error: {
          code: "AuthorizationFailed",
          message: "If access was recently granted, please refresh your credentials.",
        },
      })
      .get(WS_PATH)
      .query(true)
      .reply(200, workspaceBody);
    const events: PfnetEventInput[] = [];
    const error = await provider()
      .apply(endpointStep, context(events))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "PROPAGATION_TIMEOUT",
      address: "workspace.pf.endpoint.chat",
      details: { principalId: PRINCIPAL, roleDefinitionId: ROLE_ID, scope: STORAGE },
    });
    expect(String((error as Error).message)).toContain(PRINCIPAL);
    const retries = events.filter((e) => e.type === "step.retrying");
    // 10 min budget of back-off (10, 20, 40, then 60 s steps) = 11 retries.
    expect(retries).toHaveLength(11);
    expect(retries.every((e) => (e as { reason: string }).reason === "AuthorizationFailed")).toBe(true);
  });

  it("fails at once on 403 where no grant is involved", async () => {
    nock(HOST)
      .get(`${WS_PATH}/onlineEndpoints/chat`)
      .query(true)
      .reply(403, { error: { code: "AuthorizationFailed", message: "no" } });
    const events: PfnetEventInput[] = [];
    const error = await provider()
      .apply({ ...endpointStep, dependsOn: ["workspace.pf"] }, context(events))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: "AZURE_REQUEST_FAILED",
      status: 403,
      armCode: "AuthorizationFailed",
    });
    expect(events.filter((e) => e.type === "step.retrying")).toHaveLength(0);
  });
});

describe("409 while another operation runs", () => {
  it("retries an outbound-rule write refused with 409 OperationInProgress, then verifies the rule", async () => {
    const RULE = `${WS_PATH}/outboundRules/fqdn-a`;
    const rule = {
      name: "fqdn-a",
      properties: { type: "FQDN", category: "UserDefined", destination: "a.com" },
    };
    const scope = nock(HOST)
      .get(RULE)
      .query(true)
      .times(2)
      .reply(404, { error: { code: "NotFound", message: "no rule" } })
      .put(RULE)
      .query(true)
      .reply(409, { error: { code: "OperationInProgress", message: "another operation is running" } })
      .put(RULE)
      .query(true)
      .reply(200, rule)
      .get(RULE)
      .query(true)
      .reply(200, rule);
    const events: PfnetEventInput[] = [];
    const ruleStep = step({
      address: "workspace.pf.rule.fqdn-a",
      kind: "outboundRule",
      action: "create",
      identity: { workspace: ws, ruleName: "fqdn-a" },
      after: { type: "FQDN", category: "UserDefined", destination: "a.com" },
    });
    expect(await provider().apply(ruleStep, context(events))).toEqual({ outcome: "succeeded" });
    expect(scope.isDone()).toBe(true);
    expect(events.filter((e) => e.type === "step.retrying")).toEqual([
      expect.objectContaining({ reason: "409 OperationInProgress" }),
    ]);
  });
});
