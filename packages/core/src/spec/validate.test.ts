import { describe, expect, expectTypeOf, it } from "vitest";
import { defineTopology } from "./define.js";
import { validateTopology } from "./validate.js";

const valid = defineTopology({
  version: 1,
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg-promptflow",
  workspaces: { "pf-ws": { network: "managed", ingress: "private", egress: "private" } },
});

describe("defineTopology", () => {
  it("types the spec: literal values are kept, and typos fail to compile (checked by `pnpm typecheck`)", () => {
    expectTypeOf(valid.workspaces["pf-ws"].network).toEqualTypeOf<"managed">();
    const typo = () =>
      defineTopology({
        version: 1,
        subscriptionId: "11111111-2222-3333-4444-555555555555",
        resourceGroup: "rg-promptflow",
        // @ts-expect-error `network` is managed or byo
        workspaces: { "pf-ws": { network: "manged", ingress: "private", egress: "private" } },
      });
    const unknownField = () =>
      defineTopology({
        version: 1,
        subscriptionId: "11111111-2222-3333-4444-555555555555",
        resourceGroup: "rg-promptflow",
        // An unknown key is caught at run time (PFN001): with `const T extends Topology` TypeScript
        // checks no excess keys, and `egress` itself is optional (a project has none).
        workspaces: { "pf-ws": { network: "managed", ingress: "private", egres: "private" } },
      });
    // At run time it is the identity: validation is validateTopology's job.
    expect(validateTopology(typo()).diagnostics.map((d) => d.code)).toContain("PFN003");
    expect(validateTopology(unknownField()).diagnostics.map((d) => d.code)).toContain("PFN001");
  });
});

describe("validateTopology", () => {
  it("returns the topology unchanged (no defaults applied) when valid", () => {
    const result = validateTopology(valid);
    expect(result.diagnostics).toEqual([]);
    expect(result.topology).toEqual(valid);
    expect(result.topology?.workspaces["pf-ws"]?.provision).toBeUndefined();
  });

  it("reports a bad enum once (no union noise) and lists the allowed values", () => {
    const result = validateTopology({
      ...valid,
      workspaces: { "pf-ws": { network: "managd", ingress: "private", egress: "private" } },
    });
    expect(result.topology).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    const [d] = result.diagnostics;
    expect(d).toMatchObject({ code: "PFN003", severity: "error", path: "/workspaces/pf-ws/network" });
    expect(d?.message).toContain('"managed", "byo"');
    expect(d?.hint).toBe('Did you mean "managed"?');
  });

  it("reports a missing required field once, naming it and its allowed values", () => {
    const result = validateTopology({
      ...valid,
      workspaces: { "pf-ws": { network: "managed", ingress: "private" } },
    });
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ code: "PFN004", path: "/workspaces/pf-ws/egress" });
    expect(result.diagnostics[0]?.hint).toBe("Add `egress: public` or `egress: private`.");
  });

  it("reports unknown fields with a suggestion", () => {
    const result = validateTopology({ ...valid, workspces: {} });
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN001",
        path: "/workspces",
        hint: expect.stringContaining("Did you mean `workspaces`?"),
      }),
    ]);
  });

  it("reports wrong types with a helpful hint", () => {
    const result = validateTopology({
      ...valid,
      workspaces: {
        "pf-ws": {
          network: "managed",
          ingress: "private",
          egress: "private",
          authoring: "serverless",
          reach: { serviceTags: [{ serviceTag: "AzureMonitor", ports: 443 }] },
        },
      },
    });
    expect(result.diagnostics.map((d) => [d.code, d.path, d.hint])).toEqual([
      ["PFN002", "/workspaces/pf-ws/authoring", "Write a list, e.g. `[serverless]`."],
      ["PFN002", "/workspaces/pf-ws/reach/serviceTags/0/ports", 'Quote the value: "443".'],
    ]);
  });

  it("reports formats: subscription id, ARM ids, empty strings", () => {
    const result = validateTopology({
      ...valid,
      subscriptionId: "abc",
      services: { aoai: { kind: "azureOpenAI", id: "aoai-pf", subresource: "" } },
    });
    expect(result.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["PFN005", "/services/aoai/id"],
      ["PFN005", "/services/aoai/subresource"],
      ["PFN005", "/subscriptionId"],
    ]);
    expect(result.diagnostics[0]?.message).toContain("ARM resource id");
  });

  it("returns every diagnostic sorted by path, numeric segments as numbers", () => {
    const authoring = Array.from({ length: 11 }, (_, i) => (i === 2 || i === 10 ? "bad" : "serverless"));
    const result = validateTopology({
      ...valid,
      workspaces: { "pf-ws": { network: "managed", ingress: "private", egress: "x", authoring } },
    });
    expect(result.diagnostics.map((d) => d.path)).toEqual([
      "/workspaces/pf-ws/authoring/2",
      "/workspaces/pf-ws/authoring/10",
      "/workspaces/pf-ws/egress",
    ]);
  });

  it("rejects non-objects at the root", () => {
    for (const input of [null, undefined, 42, "text", [1, 2], true]) {
      const result = validateTopology(input);
      expect(result.topology).toBeUndefined();
      expect(result.diagnostics[0]).toMatchObject({ code: "PFN002", path: "" });
    }
  });

  it("runs the rules only after the schema passes, and keeps the topology with warnings only", () => {
    const warned = validateTopology({
      ...valid,
      workspaces: {
        "pf-ws": {
          network: "managed",
          ingress: "private",
          egress: "private",
          reach: { hosts: ["serpapi.com"] },
        },
      },
    });
    expect(warned.diagnostics.map((d) => d.code)).toEqual(["PFN114"]);
    expect(warned.topology).toBeDefined();
    const failed = validateTopology({
      ...valid,
      workspaces: {
        "pf-ws": { network: "byo", ingress: "private", egress: "private", firewallSku: "Cheap" },
      },
    });
    expect(failed.diagnostics.map((d) => d.code)).toEqual(["PFN003"]);
  });
});
