/** The dependency kind: its order per network (expansion), its diff and a round trip in memory. */
import { describe, expect, it } from "vitest";
import { byoPrivate, managedPrivate, rgId, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { expand } from "../expand/expand.js";
import type { ResourceNode } from "../model.js";
import { plan } from "../plan/plan.js";
import { planHasChanges } from "../plan/types.js";
import type { WorkspaceSpec } from "../spec/schema.js";
import { dependencyNetworkAccess } from "./dependencyNetworkAccess.js";

const STORAGE = `${rgId}/providers/Microsoft.Storage/storageAccounts/stpfws`;
const VAULT = `${rgId}/providers/Microsoft.KeyVault/vaults/kv-pf-ws`;
const PRIVATE = { private: true, storageAccount: STORAGE, keyVault: VAULT } as const;

const dependsOn = (spec: WorkspaceSpec, key = "pf-ws") =>
  Object.fromEntries(
    expand(topology({ [key]: spec }))
      .filter((node) => node.kind === "dependencyNetworkAccess" || node.kind === "managedNetwork")
      .map((node) => [node.address, node.dependsOn]),
  );

describe("dependencyNetworkAccess", () => {
  it("AllowOnlyApprovedOutbound: each dependency after the managed network", () => {
    const order = dependsOn(managedPrivate({ dependencies: PRIVATE }));
    expect(order["workspace.pf-ws.dependency.storageAccount"]).toEqual([
      "workspace.pf-ws",
      "workspace.pf-ws.network",
    ]);
    expect(order["workspace.pf-ws.network"]).not.toContain("workspace.pf-ws.dependency.storageAccount");
  });

  it("AllowInternetOutbound: the managed network after each dependency, which follows only the workspace", () => {
    const order = dependsOn(
      managedPrivate({
        egress: "public",
        reach: { services: ["aoai"] },
        firewallSku: undefined,
        dependencies: PRIVATE,
      }),
    );
    expect(order["workspace.pf-ws.dependency.keyVault"]).toEqual(["workspace.pf-ws"]);
    expect(order["workspace.pf-ws.network"]).toEqual(
      expect.arrayContaining([
        "workspace.pf-ws.dependency.storageAccount",
        "workspace.pf-ws.dependency.keyVault",
      ]),
    );
  });

  it("own VNet: after pfnet's private endpoints, DNS zone groups and approvals to it", () => {
    const spec = byoPrivate({
      reach: { services: ["st-blob", "st-file"] },
      dependencies: { private: true, storageAccount: STORAGE },
    });
    const tree = topology({ "pf-byo": spec });
    tree.services!["st-blob"] = { kind: "storage", id: STORAGE };
    tree.services!["st-file"] = { kind: "storage", id: STORAGE, subresource: "file" };
    const node = expand(tree).find(
      (n) => n.address === "workspace.pf-byo.dependency.storageAccount",
    ) as ResourceNode<"dependencyNetworkAccess">;
    expect(node.identity.privatePath).toBe("privateEndpoint");
    expect(node.dependsOn).toEqual(
      expect.arrayContaining([
        "workspace.pf-byo.pe.st-blob",
        "workspace.pf-byo.pe.st-blob.dns",
        "workspace.pf-byo.pe.st-file.dns",
        "workspace.pf-byo.approval.st-file",
      ]),
    );
  });

  it("compares Key Vault's lower-case spelling without case; never creates a missing dependency", () => {
    const [node] = expand(
      topology({ "pf-ws": managedPrivate({ dependencies: { private: true, keyVault: VAULT } }) }),
    ).filter((n) => n.kind === "dependencyNetworkAccess") as Parameters<
      typeof dependencyNetworkAccess.diff
    >[0][];
    const context = { verdictOf: () => undefined, diffedOf: () => [] };
    const read = (publicNetworkAccess: string) => ({
      exists: true as const,
      properties: { publicNetworkAccess },
      fingerprint: "f",
    });
    expect(dependencyNetworkAccess.diff(node!, read("disabled"), context).action).toBe("noop");
    expect(dependencyNetworkAccess.diff(node!, read("Enabled"), context)).toMatchObject({
      action: "update",
      changedPaths: ["/publicNetworkAccess"],
    });
    expect(dependencyNetworkAccess.diff(node!, { exists: false, fingerprint: "" }, context).action).toBe(
      "noop",
    );
  });

  it("in memory: applied, the next plan has no changes", async () => {
    const provider = seededProvider();
    const spec = topology({
      "pf-ws": managedPrivate({ reach: { services: ["aoai"] }, endpoints: {}, dependencies: PRIVATE }),
    });
    const result = await apply(await plan(spec, provider), provider);
    expect(result.errors).toEqual([]);
    expect(
      provider.state().dependencies?.map((d) => `${d.id.split("/").pop()} ${d.publicNetworkAccess}`),
    ).toEqual(["kv-pf-ws Disabled", "stpfws Disabled"]);
    expect(planHasChanges(await plan(spec, provider))).toBe(false);
  });
});
