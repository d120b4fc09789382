import { contentHash, normaliseRule, normaliseWorkspace, roleAssignmentName, roleGuid } from "@pfnet/azure";
import { describe, expect, it } from "vitest";

describe("roleAssignmentName", () => {
  const scope = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st";
  it("is a deterministic version-5 style UUID of (scope, principal, role)", () => {
    const a = roleAssignmentName(scope, "P1", "69566ab7-960f-475b-8e7c-b3118f30c6bd");
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(roleAssignmentName(scope.toUpperCase(), "p1", "69566AB7-960F-475B-8E7C-B3118F30C6BD")).toBe(a);
    expect(roleAssignmentName(scope, "P2", "69566ab7-960f-475b-8e7c-b3118f30c6bd")).not.toBe(a);
    expect(roleAssignmentName(`${scope}x`, "P1", "69566ab7-960f-475b-8e7c-b3118f30c6bd")).not.toBe(a);
  });
  it("compares role definitions by trailing GUID", () => {
    expect(roleGuid("/providers/Microsoft.Authorization/roleDefinitions/ABC")).toBe(
      roleGuid("/subscriptions/x/providers/Microsoft.Authorization/roleDefinitions/abc"),
    );
  });
});

describe("normalise", () => {
  it("maps rules to the model shapes, dropping read-only fields", () => {
    expect(
      normaliseRule({
        name: "pe-aoai",
        properties: {
          type: "PrivateEndpoint",
          category: "UserDefined",
          status: "Active",
          destination: { serviceResourceId: "/x/Y", subresourceTarget: "account", sparkStatus: "Inactive" },
        },
      }),
    ).toEqual({
      type: "PrivateEndpoint",
      category: "UserDefined",
      destination: { serviceResourceId: "/x/Y", subresourceTarget: "account", sparkEnabled: false },
    });
    expect(
      normaliseRule({ properties: { type: "FQDN", category: "UserDefined", destination: "serpapi.com" } }),
    ).toEqual({
      type: "FQDN",
      category: "UserDefined",
      destination: "serpapi.com",
    });
  });
  it("maps a workspace to publicNetworkAccess and isolationMode with defaults", () => {
    expect(normaliseWorkspace({ properties: {} })).toEqual({
      publicNetworkAccess: "Enabled",
      isolationMode: "Disabled",
    });
    expect(
      normaliseWorkspace({
        properties: {
          publicNetworkAccess: "Disabled",
          managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound", firewallSku: "Basic" },
        },
      }),
    ).toEqual({
      publicNetworkAccess: "Disabled",
      isolationMode: "AllowOnlyApprovedOutbound",
      firewallSku: "Basic",
    });
  });
  it("hashes canonically (key order does not matter)", () => {
    expect(contentHash({ a: 1, b: [1, { c: 2, d: 3 }] })).toBe(contentHash({ b: [1, { d: 3, c: 2 }], a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
  });
});
