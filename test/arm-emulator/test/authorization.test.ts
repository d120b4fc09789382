/** Role assignments: PrincipalNotFound, RoleAssignmentExists, tenant-scoped role id, filters, propagation. */
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { type Emulator, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { afterEach, describe, expect, test } from "vitest";
import { rest, sdkOptions, targetId } from "./helpers.js";

let emu: Emulator;
afterEach(async () => emu?.close());

const API = "2022-04-01";
const STORAGE_FILE = "69566ab7-960f-475b-8e7c-b3118f30c6bd";
const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
type ArmErr = { error: { code: string; message: string; details?: { code: string; message: string }[] } };
type Assignment = {
  id: string;
  name: string;
  properties: { roleDefinitionId: string; principalId: string; scope: string; principalType: string };
};

function assignmentPath(scope: string, name: string) {
  return `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
}

function body(emuRef: Emulator, role: string, principalId: string, principalType?: string) {
  return {
    properties: {
      roleDefinitionId: `/subscriptions/${emuRef.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
      principalId,
      ...(principalType ? { principalType } : {}),
    },
  };
}

/** PUT a role assignment through the real pipeline at 2022-04-01. */
function putAssignment(
  scope: string,
  name: string,
  role: string,
  principalId: string,
  principalType?: string,
) {
  return rest(emu, "PUT", assignmentPath(scope, name), body(emu, role, principalId, principalType), API);
}

describe("role assignments", () => {
  test("a principal younger than the replication delay → 400 PrincipalNotFound, unless principalType ServicePrincipal", async () => {
    emu = await startEmulator({ timeScale: 1000 });
    const scope = targetId(emu, "Microsoft.Storage/storageAccounts/stpfws");
    const fresh = emu.state.newPrincipal();
    const res = await putAssignment(scope, "a1b2c3d4-0000-4000-8000-000000000001", STORAGE_FILE, fresh);
    expect(res.status).toBe(400);
    expect((res.body as ArmErr).error.code).toBe("PrincipalNotFound");
    const asUser = await putAssignment(
      scope,
      "a1b2c3d4-0000-4000-8000-000000000001",
      STORAGE_FILE,
      fresh,
      "User",
    );
    expect(asUser.status).toBe(400);
    const sp = await putAssignment(
      scope,
      "a1b2c3d4-0000-4000-8000-000000000001",
      STORAGE_FILE,
      fresh,
      "ServicePrincipal",
    );
    expect(sp.status).toBe(201);
    // After the replication delay the directory knows the principal.
    const other = emu.state.newPrincipal();
    emu.state.advance(3);
    const later = await putAssignment(scope, "a1b2c3d4-0000-4000-8000-000000000002", READER, other);
    expect(later.status).toBe(201);
    expect((later.body as Assignment).properties.principalType).toBe("User");
  });

  test("same (scope, role, principal) under another name → 409 RoleAssignmentExists; same name is idempotent", async () => {
    emu = await startEmulator();
    const scope = targetId(emu, "Microsoft.Storage/storageAccounts/stpfws");
    const principal = (emu.state.workspace("pf-ws")!.identity as { principalId: string }).principalId;
    const first = await putAssignment(
      scope,
      "b1b2c3d4-0000-4000-8000-000000000001",
      STORAGE_FILE,
      principal,
      "ServicePrincipal",
    );
    expect(first.status).toBe(201);
    const created = first.body as Assignment;
    // The answer carries the tenant-scoped role definition id.
    expect(created.properties.roleDefinitionId).toBe(
      `/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_FILE}`,
    );
    expect(created.properties.scope).toBe(scope);
    const again = await putAssignment(
      scope,
      "b1b2c3d4-0000-4000-8000-000000000001",
      STORAGE_FILE,
      principal,
      "ServicePrincipal",
    );
    expect(again.status).toBe(200);
    const dup = await putAssignment(
      scope,
      "b1b2c3d4-0000-4000-8000-000000000099",
      STORAGE_FILE,
      principal,
      "ServicePrincipal",
    );
    expect(dup.status).toBe(409);
    expect((dup.body as ArmErr).error.code).toBe("RoleAssignmentExists");
    const changed = await putAssignment(
      scope,
      "b1b2c3d4-0000-4000-8000-000000000001",
      READER,
      principal,
      "ServicePrincipal",
    );
    expect(changed.status).toBe(409);
    expect((changed.body as ArmErr).error.code).toBe("RoleAssignmentUpdateNotPermitted");
    const unknownRole = await putAssignment(
      scope,
      "b1b2c3d4-0000-4000-8000-000000000002",
      "00000000-0000-4000-8000-000000000000",
      principal,
      "ServicePrincipal",
    );
    expect((unknownRole.body as ArmErr).error.code).toBe("RoleDefinitionDoesNotExist");
  });

  test("list with $filter principalId / atScope(), by-scope inheritance, get and delete (200 then 204)", async () => {
    emu = await startEmulator();
    const rgScope = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-promptflow`;
    const storage = targetId(emu, "Microsoft.Storage/storageAccounts/stpfws");
    const p1 = "11111111-aaaa-4aaa-8aaa-111111111111";
    const p2 = "22222222-bbbb-4bbb-8bbb-222222222222";
    await putAssignment(rgScope, "c1b2c3d4-0000-4000-8000-000000000001", READER, p1);
    await putAssignment(storage, "c1b2c3d4-0000-4000-8000-000000000002", STORAGE_FILE, p2);
    const list = async (scope: string) =>
      (
        (
          await rest(
            emu,
            "GET",
            `${scope}/providers/Microsoft.Authorization/roleAssignments`,
            undefined,
            API,
            {},
          )
        ).body as {
          value: Assignment[];
        }
      ).value;
    const listFiltered = async (scope: string, filter: string) => {
      const res = await rest(
        emu,
        "GET",
        `${scope}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent(filter)}`,
        undefined,
        API,
      );
      return (res.body as { value: Assignment[] }).value;
    };
    expect((await list(storage)).map((a) => a.properties.principalId).sort()).toEqual([p1, p2]); // inherited + own
    expect((await list(rgScope)).map((a) => a.properties.principalId).sort()).toEqual([p1, p2]); // own + below
    expect((await listFiltered(rgScope, "atScope()")).map((a) => a.properties.principalId)).toEqual([p1]);
    expect((await listFiltered(storage, `principalId eq '${p2}'`)).map((a) => a.name)).toEqual([
      "c1b2c3d4-0000-4000-8000-000000000002",
    ]);
    const bad = await rest(
      emu,
      "GET",
      `${storage}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent("roleName eq 'x'")}`,
      undefined,
      API,
    );
    expect(bad.status).toBe(400);
    const path = assignmentPath(storage, "C1B2C3D4-0000-4000-8000-000000000002");
    expect((await rest(emu, "GET", path, undefined, API)).status).toBe(200);
    expect((await rest(emu, "DELETE", path, undefined, API)).status).toBe(200);
    expect((await rest(emu, "DELETE", path, undefined, API)).status).toBe(204);
    expect((await rest(emu, "GET", path, undefined, API)).status).toBe(404);
  });

  test("role definitions: get by id and list by roleName", async () => {
    emu = await startEmulator();
    const sub = `/subscriptions/${emu.subscriptionId}`;
    const res = await rest(
      emu,
      "GET",
      `${sub}/providers/Microsoft.Authorization/roleDefinitions?$filter=${encodeURIComponent("roleName eq 'Storage File Data Privileged Contributor'")}`,
      undefined,
      API,
    );
    const value = (res.body as { value: { name: string }[] }).value;
    expect(value.map((v) => v.name)).toEqual([STORAGE_FILE]);
    expect(
      (
        await rest(
          emu,
          "GET",
          `${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
          undefined,
          API,
        )
      ).status,
    ).toBe(200);
  });

  test("propagation: a compute session needs the storage role in effect (403 AuthorizationFailed before)", async () => {
    emu = await startEmulator({ timeScale: 1000 });
    emu.state.addCompute("pf-ws", "ci-1");
    const ws =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow/providers/Microsoft.MachineLearningServices/workspaces/pf-ws";
    const before = await rest(emu, "POST", `${ws}/computes/ci-1/start`, undefined, "2025-12-01");
    expect(before.status).toBe(403);
    expect((before.body as ArmErr).error.code).toBe("AuthorizationFailed");
    expect((before.body as ArmErr).error.message).toContain("If access was recently granted");
    const principal = (emu.state.workspace("pf-ws")!.identity as { principalId: string }).principalId;
    const put = await rest(
      emu,
      "PUT",
      assignmentPath(
        `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-promptflow`,
        "d1b2c3d4-0000-4000-8000-000000000001",
      ),
      body(emu, STORAGE_FILE, principal, "ServicePrincipal"),
      API,
    );
    expect(put.status).toBe(201);
    expect((await rest(emu, "POST", `${ws}/computes/ci-1/start`, undefined, "2025-12-01")).status).toBe(403);
    emu.state.advance(5);
    expect((await rest(emu, "POST", `${ws}/computes/ci-1/start`, undefined, "2025-12-01")).status).toBe(202);
  });

  test("a subscription's list pages with nextLink (filter kept), a resource's comes whole; atScope() gives what is at or above; the state API adds assignments behind the caller's back", async () => {
    emu = await startEmulator({ pageSize: 2 });
    const sub = `/subscriptions/${emu.subscriptionId}`;
    const storage = targetId(emu, "Microsoft.Storage/storageAccounts/stpfws");
    const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    const UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
    const added = [
      emu.state.addRoleAssignment({ scope: storage, role: OWNER, principalId: "p-direct-1" }),
      emu.state.addRoleAssignment({
        scope: storage,
        role: UAA,
        principalId: "p-direct-2",
        principalType: "Group",
      }),
      emu.state.addRoleAssignment({
        scope: `${sub}/resourceGroups/rg-promptflow`,
        role: READER,
        principalId: "p-rg",
      }),
      emu.state.addRoleAssignment({ scope: sub, role: OWNER, principalId: "p-sub" }),
      emu.state.addRoleAssignment({
        scope: `${storage}/blobServices/default/containers/c1`,
        role: OWNER,
        principalId: "p-below",
      }),
      emu.state.addRoleAssignment({ scope: sub, role: READER, principalId: "p-sub-2" }),
      emu.state.addRoleAssignment({ scope: sub, role: READER, principalId: "p-sub-3" }),
    ];
    expect(added[1]).toMatchObject({
      properties: {
        scope: storage,
        principalType: "Group",
        roleDefinitionId: expect.stringMatching(/18d7d88d/),
      },
    });
    const first = await rest(
      emu,
      "GET",
      `${storage}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent("atScope()")}`,
      undefined,
      API,
    );
    // A resource's list is not paged: `$skipToken` is "only supported on provider level calls".
    const whole = first.body as { value: Assignment[]; nextLink?: string };
    expect(whole.value.map((a) => a.properties.principalId).sort()).toEqual([
      "p-direct-1",
      "p-direct-2",
      "p-rg",
      "p-sub",
      "p-sub-2",
      "p-sub-3",
    ]);
    expect(whole.nextLink).toBeUndefined();
    const subscriptionPage = (
      await rest(
        emu,
        "GET",
        `${sub}/providers/Microsoft.Authorization/roleAssignments?$filter=${encodeURIComponent("atScope()")}`,
        undefined,
        API,
      )
    ).body as { value: Assignment[]; nextLink?: string };
    expect(subscriptionPage.value).toHaveLength(2);
    expect(new URL(subscriptionPage.nextLink!).searchParams.get("$filter")).toBe("atScope()");
    // The SDK follows nextLink to the end: everything at or above the account, nothing below it.
    const client = new AuthorizationManagementClient(fakeCredential, emu.subscriptionId, sdkOptions(emu));
    const all: string[] = [];
    for await (const ra of client.roleAssignments.listForScope(storage.slice(1), { filter: "atScope()" }))
      all.push(ra.principalId!);
    expect(all.sort()).toEqual(["p-direct-1", "p-direct-2", "p-rg", "p-sub", "p-sub-2", "p-sub-3"]);
    const atSubscription: string[] = [];
    for await (const ra of client.roleAssignments.listForScope(sub.slice(1), { filter: "atScope()" }))
      atSubscription.push(ra.principalId!);
    expect(atSubscription.sort()).toEqual(["p-sub", "p-sub-2", "p-sub-3"]);
    const unfiltered: string[] = [];
    for await (const ra of client.roleAssignments.listForScope(storage.slice(1)))
      unfiltered.push(ra.principalId!);
    expect(unfiltered).toContain("p-below");
    expect(() =>
      emu.state.addRoleAssignment({ scope: storage, role: "no-such-role", principalId: "x" }),
    ).toThrow(/no role definition/);
  });
});
