/**
 * The serviceNetworkAccess module's two spellings: what it reads of a CognitiveServices account
 * (cognitiveservices.json 2024-10-01 `networkAcls`) and of a Search service (search.json
 * 2023-11-01, lowercase values, `networkRuleSet.ipRules` only), and the PATCH body it sends each.
 * The whole path (checks before the write, the request order) is test/e2e/service-access.test.ts.
 */
import { describe, expect, it } from "vitest";
import { normaliseAccess, patchBody } from "../src/kinds/serviceNetworkAccess.js";

const rg = "/subscriptions/s/resourceGroups/rg/providers";
const ACCOUNT = `${rg}/Microsoft.CognitiveServices/accounts/aoai`;
const SEARCH = `${rg}/Microsoft.Search/searchServices/srch`;

describe("serviceNetworkAccess: the services' own spellings", () => {
  it("reads an account's networkAcls and a Search service's lowercase access, its IP rules deciding its default", () => {
    expect(
      normaliseAccess(ACCOUNT, {
        properties: {
          publicNetworkAccess: "Enabled",
          networkAcls: {
            defaultAction: "Deny",
            bypass: "AzureServices",
            ipRules: [{ value: "203.0.113.9" }],
          },
        },
      }),
    ).toEqual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Deny",
      ipRules: ["203.0.113.9"],
      bypass: "AzureServices",
    });
    // An account that never set networkAcls is open.
    expect(normaliseAccess(ACCOUNT, { properties: {} })).toEqual({
      publicNetworkAccess: "Enabled",
      defaultAction: "Allow",
      ipRules: [],
      bypass: "None",
    });
    expect(normaliseAccess(SEARCH, { properties: { publicNetworkAccess: "disabled" } })).toEqual({
      publicNetworkAccess: "Disabled",
      defaultAction: "Allow",
      ipRules: [],
    });
    expect(
      normaliseAccess(SEARCH, {
        properties: {
          publicNetworkAccess: "enabled",
          networkRuleSet: { ipRules: [{ value: "203.0.113.9" }] },
        },
      }),
    ).toMatchObject({ defaultAction: "Deny", ipRules: ["203.0.113.9"] });
  });

  it("PATCHes an account in its spelling, keeping virtual-network rules pfnet does not own", () => {
    const current = {
      properties: { networkAcls: { defaultAction: "Allow", virtualNetworkRules: [{ id: "/subnet" }] } },
    };
    expect(patchBody(ACCOUNT, { publicNetworkAccess: "Disabled" }, current)).toEqual({
      properties: { publicNetworkAccess: "Disabled" },
    });
    expect(
      patchBody(
        ACCOUNT,
        { publicNetworkAccess: "Enabled", defaultAction: "Deny", ipRules: ["203.0.113.9"], bypass: "None" },
        current,
      ),
    ).toEqual({
      properties: {
        publicNetworkAccess: "Enabled",
        networkAcls: {
          defaultAction: "Deny",
          ipRules: [{ value: "203.0.113.9" }],
          virtualNetworkRules: [{ id: "/subnet" }],
          bypass: "None",
        },
      },
    });
  });

  it("PATCHes a Search service in lowercase with its networkRuleSet only", () => {
    expect(patchBody(SEARCH, { publicNetworkAccess: "Disabled" }, {})).toEqual({
      properties: { publicNetworkAccess: "disabled" },
    });
    expect(
      patchBody(
        SEARCH,
        { publicNetworkAccess: "Enabled", defaultAction: "Deny", ipRules: ["203.0.113.9"] },
        {},
      ),
    ).toEqual({
      properties: { publicNetworkAccess: "enabled", networkRuleSet: { ipRules: [{ value: "203.0.113.9" }] } },
    });
  });
});
