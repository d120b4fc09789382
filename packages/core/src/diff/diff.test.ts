import { describe, expect, it } from "vitest";
import { byoPrivate, managedPrivate, topology } from "../../test/support.js";
import { expand } from "../expand/expand.js";
import type { ActualResource, DiscoveredResource, ResourceNode } from "../model.js";
import type { ReadResult } from "../provider.js";
import { changedPaths, roleGuid } from "./compare.js";
import { diff } from "./diff.js";

const present = (properties: Record<string, unknown>, facts?: Record<string, unknown>): ActualResource => ({
  exists: true,
  properties,
  ...(facts ? { facts } : {}),
  fingerprint: "f",
});

/** A read that says every node exists exactly as desired (rules Active, network Active, approvals Approved). */
function matching(nodes: ResourceNode[]): ReadResult {
  const resources: Record<string, ActualResource> = {};
  for (const node of nodes) {
    const properties = structuredClone(node.properties) as unknown as Record<string, unknown>;
    resources[node.address] = present(
      properties,
      node.kind === "outboundRule" ? { status: "Active" } : undefined,
    );
  }
  return { resources, discovered: [] };
}

const nodes = expand(topology({ w: managedPrivate() }));
const stepOf = (result: ReturnType<typeof diff>, address: string) =>
  result.steps.find((step) => step.address === address)!;

describe("compare", () => {
  it("compares only desired keys, ARM ids case-insensitively, role ids by GUID, string arrays as sets", () => {
    expect(changedPaths({ a: 1 }, { a: 1, readOnly: "x" })).toEqual([]);
    expect(
      changedPaths(
        { id: "/subscriptions/S/resourceGroups/RG/x" },
        { id: "/subscriptions/s/resourcegroups/rg/X" },
      ),
    ).toEqual([]);
    expect(changedPaths({ name: "Abc" }, { name: "abc" })).toEqual(["/name"]);
    const guid = "69566ab7-960f-475b-8e7c-b3118f30c6bd";
    expect(
      changedPaths(
        { roleDefinitionId: `/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/${guid}` },
        { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${guid.toUpperCase()}` },
      ),
    ).toEqual([]);
    expect(roleGuid(`/x/${guid}`)).toBe(guid);
    expect(
      changedPaths(
        { ids: ["/subscriptions/a", "/subscriptions/b"] },
        { ids: ["/subscriptions/B", "/subscriptions/A"] },
      ),
    ).toEqual([]);
    expect(changedPaths({ d: { x: 1, y: 2 } }, { d: { x: 1, y: 3 } })).toEqual(["/d/y"]);
    expect(changedPaths({ d: { x: 1 } }, {})).toEqual(["/d"]);
    expect(changedPaths({ "a/b": 1 }, {})).toEqual(["/a~1b"]);
  });
});

describe("diff", () => {
  it("is all noop when everything matches", () => {
    const result = diff(nodes, matching(nodes));
    expect(result.steps.map((step) => step.action)).toEqual(nodes.map(() => "noop"));
    expect(result.unmanaged).toEqual([]);
  });

  it("creates what is absent and provisions after rule changes", () => {
    const read = matching(nodes);
    read.resources["workspace.w.rule.pe-aoai"] = { exists: false, fingerprint: "absent" };
    const result = diff(nodes, read);
    expect(stepOf(result, "workspace.w.rule.pe-aoai").action).toBe("create");
    const network = stepOf(result, "workspace.w.network");
    expect(network.action).toBe("provision");
    expect(network.reason).toContain("pe-aoai");
  });

  it("provisions when a rule is not Active or the network is Inactive", () => {
    const read = matching(nodes);
    const rule = read.resources["workspace.w.rule.pe-search"] as { facts: Record<string, unknown> };
    rule.facts.status = "Inactive";
    expect(stepOf(diff(nodes, read), "workspace.w.network")).toMatchObject({
      action: "provision",
      reason: expect.stringContaining("pe-search: Inactive"),
    });
    const inactive = matching(nodes);
    inactive.resources["workspace.w.network"] = present({ status: "Inactive", hasFqdnRules: false });
    expect(stepOf(diff(nodes, inactive), "workspace.w.network")).toMatchObject({
      action: "provision",
      changedPaths: ["/status"],
    });
  });

  it("updates a workspace with the changed paths, and never plans loosening isolation", () => {
    const read = matching(nodes);
    read.resources["workspace.w"] = present({
      publicNetworkAccess: "Enabled",
      isolationMode: "Disabled",
      firewallSku: "Basic",
    });
    expect(stepOf(diff(nodes, read), "workspace.w")).toMatchObject({
      action: "update",
      changedPaths: ["/publicNetworkAccess", "/isolationMode"],
    });
    const looser = expand(
      topology({ w: managedPrivate({ egress: "public", reach: { services: ["aoai"] } }) }),
    );
    const tighter = matching(looser);
    tighter.resources["workspace.w"] = present({
      publicNetworkAccess: "Disabled",
      isolationMode: "AllowOnlyApprovedOutbound",
      firewallSku: "Basic",
    });
    expect(stepOf(diff(looser, tighter), "workspace.w").action).toBe("noop");
  });

  it("replaces a private-endpoint rule whose destination changed, updates an FQDN rule", () => {
    const read = matching(nodes);
    read.resources["workspace.w.rule.pe-aoai"] = present(
      {
        type: "PrivateEndpoint",
        category: "UserDefined",
        destination: {
          serviceResourceId: "/subscriptions/x/resourceGroups/y/providers/A/b/other",
          subresourceTarget: "account",
          sparkEnabled: false,
        },
      },
      { status: "Active" },
    );
    read.resources["workspace.w.rule.fqdn-serpapi-com"] = present(
      { type: "FQDN", category: "UserDefined", destination: "old.example.com" },
      { status: "Active" },
    );
    const result = diff(nodes, read);
    // A private-endpoint rule is replaced safely: a renamed create, then the old one's delete.
    expect(stepOf(result, "workspace.w.rule.pe-aoai")).toMatchObject({
      action: "create",
      changedPaths: ["/destination/serviceResourceId"],
      identity: { ruleName: expect.stringMatching(/^pe-aoai-[0-9a-f]{6}$/) },
    });
    expect(stepOf(result, "workspace.w.rule.pe-aoai.replaced")).toMatchObject({
      action: "delete",
      identity: { ruleName: "pe-aoai" },
    });
    expect(stepOf(result, "workspace.w.rule.fqdn-serpapi-com")).toMatchObject({
      action: "update",
      changedPaths: ["/destination"],
    });
  });

  it("ignores ARM-id casing in rule destinations", () => {
    const read = matching(nodes);
    const rule = read.resources["workspace.w.rule.pe-aoai"] as unknown as {
      properties: { destination: { serviceResourceId: string } };
    };
    rule.properties.destination.serviceResourceId = rule.properties.destination.serviceResourceId
      .toUpperCase()
      .replace("/SUBSCRIPTIONS/", "/subscriptions/");
    expect(stepOf(diff(nodes, read), "workspace.w.rule.pe-aoai").action).toBe("noop");
  });

  it("creates a missing role assignment and approves a pending connection", () => {
    const read = matching(nodes);
    read.resources["workspace.w.storage-role"] = { exists: false, fingerprint: "absent" };
    read.resources["workspace.w.approval.search"] = present({ status: "Pending" }, { connectionId: "c" });
    const result = diff(nodes, read);
    expect(stepOf(result, "workspace.w.storage-role").action).toBe("create");
    expect(stepOf(result, "workspace.w.approval.search")).toMatchObject({
      action: "approve",
      reason: expect.stringContaining("Pending"),
    });
  });

  it("creates an absent workspace only with a create block", () => {
    const read = matching(nodes);
    read.resources["workspace.w"] = { exists: false, fingerprint: "absent" };
    expect(stepOf(diff(nodes, read), "workspace.w").action).toBe("noop");
    const created = expand(
      topology({
        w: managedPrivate({
          create: {
            storageAccount: "/subscriptions/s/resourceGroups/r/providers/S/a/b",
            keyVault: "/subscriptions/s/resourceGroups/r/providers/K/v/k",
          },
        }),
      }),
    );
    const read2 = matching(created);
    read2.resources["workspace.w"] = { exists: false, fingerprint: "absent" };
    read2.resources["workspace.w.network"] = { exists: false, fingerprint: "absent" };
    const result = diff(created, read2);
    expect(stepOf(result, "workspace.w").action).toBe("create");
    expect(stepOf(result, "workspace.w.network")).toMatchObject({
      action: "provision",
      reason: expect.stringContaining("the workspace is new"),
    });
  });

  it("replaces a private endpoint whose subnet changed and updates a DNS zone group", () => {
    const byo = expand(topology({ b: byoPrivate() }));
    const read = matching(byo);
    const pe = read.resources["workspace.b.pe.aoai"] as { properties: Record<string, unknown> };
    pe.properties.subnetId = "/subscriptions/x/resourceGroups/y/providers/N/v/other";
    read.resources["workspace.b.pe.aoai.dns"] = present({ privateDnsZoneIds: [] });
    const result = diff(byo, read);
    expect(stepOf(result, "workspace.b.pe.aoai")).toMatchObject({
      action: "replace",
      changedPaths: ["/subnetId"],
    });
    expect(stepOf(result, "workspace.b.pe.aoai.dns")).toMatchObject({
      action: "update",
      changedPaths: ["/privateDnsZoneIds"],
    });
  });

  const discovered = (ruleName: string, category: string): DiscoveredResource => ({
    kind: "outboundRule",
    address: `workspace.w.rule.${ruleName}`,
    identity: { workspace: { key: "w", name: "w", resourceGroup: "rg", subscriptionId: "s" }, ruleName },
    properties: { type: "FQDN", category, destination: "x.example.com" },
    fingerprint: "fp",
  });

  it("keeps unlisted user-defined rules as unmanaged and ignores service-owned rules", () => {
    const read = matching(nodes);
    read.discovered = [
      discovered("old-rule", "UserDefined"),
      discovered("required-aml", "Required"),
      discovered("rec", "Recommended"),
      discovered("dep", "Dependency"),
    ];
    const result = diff(nodes, read);
    expect(result.steps.some((step) => step.action === "delete")).toBe(false);
    expect(result.unmanaged.map((found) => found.address)).toEqual(["workspace.w.rule.old-rule"]);
    // The warning is the state rule PFN205's job (checkState), not the diff's.
    expect(result).not.toHaveProperty("diagnostics");
  });

  it("deletes unlisted user-defined rules only when the workspace says delete, before provisioning", () => {
    const read = matching(nodes);
    read.discovered = [discovered("old-rule", "UserDefined"), discovered("required-aml", "Required")];
    const result = diff(nodes, read, { unlistedRules: { w: "delete" } });
    const deletes = result.steps.filter((step) => step.action === "delete");
    expect(deletes.map((step) => step.address)).toEqual(["workspace.w.rule.old-rule"]);
    expect(deletes[0]).toMatchObject({ after: null, lane: "workspace.w", dependsOn: ["workspace.w"] });
    expect(stepOf(result, "workspace.w.network").dependsOn).toContain("workspace.w.rule.old-rule");
    expect(result.unmanaged).toEqual([]);
  });
});
