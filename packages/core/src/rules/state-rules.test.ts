import { describe, expect, it } from "vitest";
import type { Topology } from "../spec/schema.js";
import { classifyStorageAccess, describeScope } from "./posture.js";
import { checkState, desiredIsolationMode, type StateView } from "./state-rules.js";

const base = {
  version: 1,
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg-promptflow",
} as const;

const topology = (workspace: Topology["workspaces"][string], key = "pf-ws"): Topology => ({
  ...base,
  workspaces: { [key]: workspace },
});

const codes = (t: Topology, state: StateView) => checkState(t, state).map((d) => d.code);

describe("desiredIsolationMode", () => {
  it("maps byo to Disabled and egress to the managed modes", () => {
    expect(desiredIsolationMode({ network: "byo", egress: "public" })).toBe("Disabled");
    expect(desiredIsolationMode({ network: "managed", egress: "public" })).toBe("AllowInternetOutbound");
    expect(desiredIsolationMode({ network: "managed", egress: "private" })).toBe("AllowOnlyApprovedOutbound");
  });
});

describe("PFN201 isolation only tightens", () => {
  const cases: Array<[string, Topology["workspaces"][string], string | undefined, boolean]> = [
    [
      "approved -> internet",
      { network: "managed", ingress: "public", egress: "public" },
      "AllowOnlyApprovedOutbound",
      true,
    ],
    [
      "internet -> disabled (byo)",
      { network: "byo", ingress: "public", egress: "public" },
      "AllowInternetOutbound",
      true,
    ],
    [
      "approved -> disabled (byo)",
      { network: "byo", ingress: "public", egress: "public" },
      "AllowOnlyApprovedOutbound",
      true,
    ],
    ["disabled -> internet", { network: "managed", ingress: "public", egress: "public" }, "Disabled", false],
    ["disabled -> approved", { network: "managed", ingress: "public", egress: "private" }, "Disabled", false],
    [
      "internet -> approved",
      { network: "managed", ingress: "public", egress: "private" },
      "AllowInternetOutbound",
      false,
    ],
    [
      "same mode",
      { network: "managed", ingress: "public", egress: "private" },
      "AllowOnlyApprovedOutbound",
      false,
    ],
    ["unknown actual mode", { network: "byo", ingress: "public", egress: "public" }, undefined, false],
    [
      "case-insensitive",
      { network: "managed", ingress: "public", egress: "public" },
      "allowonlyapprovedoutbound",
      true,
    ],
  ];
  it.each(cases)("%s", (_name, workspace, isolationMode, reported) => {
    const state: StateView = {
      workspaces: { "pf-ws": { exists: true, ...(isolationMode ? { isolationMode } : {}) } },
    };
    expect(codes(topology(workspace), state).includes("PFN201")).toBe(reported);
  });

  it("points at egress for managed and at network for byo", () => {
    const state: StateView = {
      workspaces: { "pf-ws": { exists: true, isolationMode: "AllowInternetOutbound" } },
    };
    const [byo] = checkState(topology({ network: "byo", ingress: "public", egress: "public" }), state);
    expect(byo?.path).toBe("/workspaces/pf-ws/network");
    const approved: StateView = {
      workspaces: { "pf-ws": { exists: true, isolationMode: "AllowOnlyApprovedOutbound" } },
    };
    const [managed] = checkState(
      topology({ network: "managed", ingress: "public", egress: "public" }),
      approved,
    );
    expect(managed?.path).toBe("/workspaces/pf-ws/egress");
    expect(managed?.message).toContain("AllowOnlyApprovedOutbound");
  });
});

describe("PFN202 managed isolation needs an empty workspace", () => {
  it("lists every compute and online endpoint by name", () => {
    const state: StateView = {
      workspaces: {
        "pf-ws": {
          exists: true,
          isolationMode: "Disabled",
          computes: ["ci-1", "aks-pf"],
          onlineEndpoints: ["ep-1"],
        },
      },
    };
    const [hit] = checkState(topology({ network: "managed", ingress: "private", egress: "private" }), state);
    expect(hit?.code).toBe("PFN202");
    expect(hit?.message).toContain('"ci-1"');
    expect(hit?.message).toContain('"aks-pf"');
    expect(hit?.message).toContain('"ep-1"');
    expect(hit?.hint).toContain('"ep-1"');
  });

  it("is silent when the managed network is already on or the workspace stays byo", () => {
    const busy = { computes: ["ci-1"], onlineEndpoints: ["ep-1"] };
    expect(
      codes(topology({ network: "managed", ingress: "private", egress: "private" }), {
        workspaces: { "pf-ws": { exists: true, isolationMode: "AllowInternetOutbound", ...busy } },
      }),
    ).toEqual([]);
    expect(
      codes(topology({ network: "byo", ingress: "private", egress: "public" }), {
        workspaces: { "pf-ws": { exists: true, isolationMode: "Disabled", ...busy } },
      }),
    ).toEqual([]);
  });
});

describe("PFN203 and PFN204", () => {
  it("reports a missing workspace without create block, and not one with it", () => {
    const state: StateView = { workspaces: { "pf-deploy": { exists: false } } };
    const workspace = { network: "managed", ingress: "private", egress: "private" } as const;
    expect(codes(topology(workspace, "pf-deploy"), state)).toEqual(["PFN203"]);
    const withCreate = {
      ...workspace,
      create: {
        storageAccount: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
        keyVault: "/subscriptions/x/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv",
      },
    };
    expect(codes({ ...topology(withCreate, "pf-deploy"), location: "eastus" }, state)).toEqual([]);
  });

  it("compares the kind case-insensitively, default when unset", () => {
    const workspace = { network: "managed", ingress: "private", egress: "private" } as const;
    expect(
      codes(topology(workspace), { workspaces: { "pf-ws": { exists: true, kind: "Default" } } }),
    ).toEqual([]);
    expect(codes(topology(workspace), { workspaces: { "pf-ws": { exists: true, kind: "Hub" } } })).toEqual([
      "PFN204",
    ]);
    expect(
      codes(topology({ ...workspace, kind: "hub" }), {
        workspaces: { "pf-ws": { exists: true, kind: "Hub" } },
      }),
    ).toEqual([]);
  });

  it("does not judge workspaces missing from the state view", () => {
    expect(
      codes(topology({ network: "managed", ingress: "public", egress: "public" }), { workspaces: {} }),
    ).toEqual([]);
  });
});

describe("PFN205 unlisted user-defined rules", () => {
  const workspace = { network: "managed", ingress: "private", egress: "private" } as const;
  const state = (names?: string[]): StateView => ({
    workspaces: {
      "pf-ws": {
        exists: true,
        isolationMode: "AllowOnlyApprovedOutbound",
        ...(names
          ? {
              unlistedRules: names.map((name, index) =>
                index === 0
                  ? { name, type: "FQDN", destination: `${name}.example.org` }
                  : {
                      name,
                      type: "ServiceTag",
                      destination: {
                        serviceTag: "Storage",
                        protocol: "TCP",
                        portRanges: "443",
                        action: "Allow",
                      },
                    },
              ),
            }
          : {}),
      },
    },
  });

  it("warns once per workspace, naming every rule with its destination, at the workspace's reach", () => {
    const found = checkState(topology(workspace), state(["hand-made", "legacy-pypi"]));
    expect(found).toEqual([
      expect.objectContaining({
        code: "PFN205",
        severity: "warning",
        path: "/workspaces/pf-ws/reach",
        message: expect.stringContaining(
          '"hand-made" (FQDN to hand-made.example.org), "legacy-pypi" (ServiceTag to Storage TCP 443)',
        ),
        hint: expect.stringContaining("unlistedRules: delete"),
      }),
    ]);
  });

  it("is an error under strict", () => {
    const found = checkState(topology(workspace), state(["hand-made"]), { strict: true });
    expect(found.map((d) => [d.code, d.severity])).toEqual([["PFN205", "error"]]);
  });

  it("is silent with unlistedRules: delete, or when every rule is in the spec", () => {
    expect(codes(topology({ ...workspace, unlistedRules: "delete" }), state(["hand-made"]))).toEqual([]);
    expect(codes(topology({ ...workspace, unlistedRules: "keep" }), state(["hand-made"]))).toEqual([
      "PFN205",
    ]);
    expect(codes(topology(workspace), state([]))).toEqual([]);
    expect(codes(topology(workspace), state())).toEqual([]);
  });
});

describe("PFN206 role assignments made directly at the workspace storage account", () => {
  const SUB = "11111111-2222-3333-4444-555555555555";
  const storage = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st`;
  const identity = "aaaaaaaa-0000-4000-8000-000000000001";
  const role = (guid: string) => `/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
  const CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
  const UAA = "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9";
  const STORAGE_ROLE = "69566ab7-960f-475b-8e7c-b3118f30c6bd";
  const READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
  let n = 0;
  const at = (scope: string, guid: string, principalId: string, principalType = "User") => ({
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-${String(++n).padStart(12, "0")}`,
    scope,
    roleDefinitionId: role(guid),
    principalId,
    principalType,
  });
  const view = (assignments: ReturnType<typeof at>[]) => ({
    storageAccount: storage,
    principalId: identity,
    assignments,
  });
  const workspace = { network: "managed", ingress: "private", egress: "private" } as const;
  const state = (assignments: ReturnType<typeof at>[]): StateView => ({
    workspaces: { "pf-ws": { exists: true, storageAccess: view(assignments) } },
  });

  const assignments = [
    at(storage, STORAGE_ROLE, identity, "ServicePrincipal"), // pfnet's own: not reported
    at(storage, READER, "cccccccc-0000-4000-8000-000000000003"), // someone's Reader: not reported
    at(storage, READER, identity, "ServicePrincipal"), // the workspace identity beyond the storage role
    at(storage, OWNER, "bbbbbbbb-0000-4000-8000-000000000002"),
    at(storage, CONTRIBUTOR, identity, "ServicePrincipal"), // both reasons
    at(storage, UAA, "dddddddd-0000-4000-8000-000000000004", "Group"),
    at(`/subscriptions/${SUB}`, OWNER, "eeeeeeee-0000-4000-8000-000000000005"), // inherited
    at(`/subscriptions/${SUB}/resourceGroups/rg`, READER, identity, "ServicePrincipal"), // inherited
    at(`${storage}/blobServices/default/containers/c`, OWNER, "ffffffff-0000-4000-8000-000000000006"), // below: ignored
  ];

  it("classifies direct and inherited assignments, with why each is listed", () => {
    const { direct, inherited } = classifyStorageAccess(view(assignments));
    expect(direct.map((a) => [a.role ?? a.roleDefinitionId, a.principalId.slice(0, 8), a.why])).toEqual([
      [role(READER), "aaaaaaaa", ["workspaceIdentity"]],
      ["Owner", "bbbbbbbb", ["privilegedRole"]],
      ["Contributor", "aaaaaaaa", ["workspaceIdentity", "privilegedRole"]],
      ["User Access Administrator", "dddddddd", ["privilegedRole"]],
    ]);
    expect(inherited.map((a) => [a.scope, a.why])).toEqual([
      [`/subscriptions/${SUB}`, ["privilegedRole"]],
      [`/subscriptions/${SUB}/resourceGroups/rg`, ["workspaceIdentity"]],
    ]);
  });

  it("warns once per direct assignment, never for inherited ones; strict makes the direct ones errors", () => {
    const found = checkState(topology(workspace), state(assignments));
    expect(found.map((d) => [d.code, d.severity, d.path])).toEqual(
      Array(4).fill(["PFN206", "warning", "/workspaces/pf-ws"]),
    );
    expect(found[1]!.message).toContain(
      'Storage account "st" of workspace "pf-ws" has a role assignment made directly at its scope that pfnet does not manage: Owner for User bbbbbbbb-0000-4000-8000-000000000002',
    );
    const strict = checkState(topology(workspace), state(assignments), { strict: true });
    expect(strict.map((d) => d.severity)).toEqual(Array(4).fill("error"));
    const inheritedOnly = assignments.filter((a) => a.scope !== storage);
    expect(checkState(topology(workspace), state(inheritedOnly), { strict: true })).toEqual([]);
  });

  it("names the scope an inherited assignment comes from", () => {
    expect(describeScope(`/subscriptions/${SUB}`)).toBe(`subscription ${SUB}`);
    expect(describeScope(`/subscriptions/${SUB}/resourceGroups/rg`)).toBe("resource group rg");
    expect(describeScope("/providers/Microsoft.Management/managementGroups/mg")).toBe("management group mg");
  });
});
