import { describe, expect, it } from "vitest";
import type { Topology } from "../spec/schema.js";
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
  const state = (unlistedRules?: string[]): StateView => ({
    workspaces: {
      "pf-ws": {
        exists: true,
        isolationMode: "AllowOnlyApprovedOutbound",
        ...(unlistedRules ? { unlistedRules } : {}),
      },
    },
  });

  it("warns once per workspace, naming every rule, at the workspace's reach", () => {
    const found = checkState(topology(workspace), state(["hand-made", "legacy-pypi"]));
    expect(found).toEqual([
      expect.objectContaining({
        code: "PFN205",
        severity: "warning",
        path: "/workspaces/pf-ws/reach",
        message: expect.stringMatching(/"hand-made", "legacy-pypi"/),
        hint: expect.stringContaining("unlistedRules: delete"),
      }),
    ]);
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
