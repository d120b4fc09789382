import { describe, expect, it } from "vitest";
import { createBlock, managedPrivate, SUB, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import type { Topology } from "../spec/schema.js";
import { memoryWorkspace } from "../testing/index.js";
import { hashJson } from "./canonical.js";
import { plan } from "./plan.js";
import { parsePlan, serializePlan } from "./serialize.js";
import type { Plan } from "./types.js";
import { firstDifference, verifyPlan } from "./verify.js";

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";

/** Edit a plan as a forger with write access to the file would, and re-checksum it. */
function forge(planned: Plan, edit: (plan: Plan) => void): Plan {
  // As read from a file: no object shared between steps.
  const copy = JSON.parse(JSON.stringify(planned)) as Plan;
  edit(copy);
  return parsePlan(serializePlan(copy));
}

const step = (p: Plan, address: string) => p.steps.find((s) => s.address === address)!;

describe("verifyPlan: re-derivation from the embedded topology", async () => {
  const spec = topology({ "pf-ws": managedPrivate() });
  const planned = await plan(spec, seededProvider());

  it("accepts what plan() made, and its file round trip", () => {
    expect(() => verifyPlan(planned)).not.toThrow();
    expect(() => verifyPlan(parsePlan(serializePlan(planned)))).not.toThrow();
  });

  const cases: Array<[string, (p: Plan) => void, RegExp]> = [
    [
      "an Owner role",
      (p) => {
        const role = step(p, "workspace.pf-ws.storage-role");
        role.after = {
          ...role.after,
          roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
        };
      },
      /Step workspace\.pf-ws\.storage-role differs from what the spec makes: \/after\/roleDefinitionId is ".*8e3af657/,
    ],
    [
      "an FQDN rule to another host",
      (p) => {
        step(p, "workspace.pf-ws.rule.fqdn-serpapi-com").after!.destination = "evil.example.net";
      },
      /rule\.fqdn-serpapi-com differs .*\/after\/destination is "evil\.example\.net", the spec gives "serpapi\.com"/,
    ],
    [
      "a public online endpoint",
      (p) => {
        step(p, "workspace.pf-ws.endpoint.pf-chat").after!.publicNetworkAccess = "Enabled";
      },
      /endpoint\.pf-chat differs .*\/after\/publicNetworkAccess is "Enabled", the spec gives "Disabled"/,
    ],
    [
      "a public workspace with internet egress",
      (p) => {
        Object.assign(step(p, "workspace.pf-ws").after!, {
          publicNetworkAccess: "Enabled",
          isolationMode: "AllowInternetOutbound",
        });
      },
      /Step workspace\.pf-ws differs .*\/after\/isolationMode/,
    ],
    [
      "another subscription in one identity",
      (p) => {
        (
          step(p, "workspace.pf-ws.rule.pe-aoai").identity.workspace as { subscriptionId: string }
        ).subscriptionId = "99999999-2222-3333-4444-555555555555";
      },
      /rule\.pe-aoai differs .*\/identity\/workspace\/subscriptionId is "99999999/,
    ],
    [
      "an added step",
      (p) => {
        p.steps.push({
          ...structuredClone(step(p, "workspace.pf-ws.rule.fqdn-serpapi-com")),
          address: "workspace.pf-ws.rule.extra",
        });
      },
      /Step workspace\.pf-ws\.rule\.extra is not one the apply mode makes/,
    ],
    [
      "a removed step",
      (p) => {
        p.steps = p.steps.filter((s) => s.address !== "workspace.pf-ws.storage-role");
      },
      /lacks step workspace\.pf-ws\.storage-role/,
    ],
    [
      "a removed dependency",
      (p) => {
        step(p, "workspace.pf-ws.network").dependsOn = ["workspace.pf-ws"];
      },
      /Step workspace\.pf-ws\.network differs .*dependsOn/,
    ],
    [
      "an edited lane",
      (p) => {
        step(p, "workspace.pf-ws.rule.pe-aoai").lane = "fast-lane";
      },
      /rule\.pe-aoai differs .*lane is "fast-lane", the spec gives "workspace\.pf-ws"/,
    ],
    [
      "a delete of a rule the spec lists",
      (p) => {
        const rule = step(p, "workspace.pf-ws.rule.pe-aoai");
        rule.action = "delete";
      },
      /rule\.pe-aoai differs .*action is "delete"/,
    ],
    [
      "a delete of an unlisted rule while the spec keeps them",
      (p) => {
        p.steps.push({
          address: "workspace.pf-ws.rule.theirs",
          kind: "outboundRule",
          action: "delete",
          identity: { workspace: step(p, "workspace.pf-ws").identity.workspace, ruleName: "theirs" },
          before: { type: "FQDN", category: "UserDefined", destination: "x.example.com" },
          after: null,
          changedPaths: [],
          reason: "delete",
          dependsOn: ["workspace.pf-ws"],
          lane: "workspace.pf-ws",
          guard: true,
        });
      },
      /rule\.theirs is not one the apply mode makes: workspace pf-ws keeps unlisted rules/,
    ],
    [
      "a delete of another kind",
      (p) => {
        p.steps.push({
          ...structuredClone(step(p, "workspace.pf-ws")),
          address: "workspace.other",
          action: "delete",
          after: null,
        });
      },
      /workspace\.other is not one the apply mode makes: pfnet deletes nothing but unlisted outbound rules/,
    ],
    [
      "a specHash that is not the topology's",
      (p) => {
        p.specHash = hashJson({ something: "else" });
      },
      /specHash does not match the topology embedded in it/,
    ],
  ];

  for (const [name, edit, message] of cases) {
    it(`refuses ${name} with PLAN_TAMPERED, reading and writing nothing`, async () => {
      const provider = seededProvider();
      const forged = forge(planned, edit);
      expect(() => verifyPlan(forged)).toThrow(message);
      await expect(apply(forged, provider)).rejects.toMatchObject({ code: "PLAN_TAMPERED" });
      expect(provider.calls).toEqual({ read: 0, apply: 0 });
    });
  }

  it("refuses an embedded topology that breaks a spec rule with SPEC_INVALID (hash recomputed too)", async () => {
    const provider = seededProvider();
    const forged = forge(planned, (p) => {
      // Private egress with a Kubernetes inference target breaks a spec rule.
      (p.origin.topology as Topology).workspaces["pf-ws"]!.inference = "kubernetesOnlineEndpoint";
      p.specHash = hashJson(p.origin.topology);
    });
    await expect(apply(forged, provider)).rejects.toMatchObject({
      code: "SPEC_INVALID",
      details: { embedded: true },
    });
    expect(provider.calls).toEqual({ read: 0, apply: 0 });
  });

  it("a coherent forgery (topology, steps and hash edited together) re-derives: provenance must catch it", () => {
    const forged = forge(planned, (p) => {
      const ws = (p.origin.topology as Topology).workspaces["pf-ws"]!;
      ws.reach!.hosts = ["serpapi.com", "evil.example.net"];
      p.specHash = hashJson(p.origin.topology);
      const rule = structuredClone(step(p, "workspace.pf-ws.rule.fqdn-serpapi-com"));
      rule.address = "workspace.pf-ws.rule.fqdn-evil-example-net";
      rule.identity.ruleName = "fqdn-evil-example-net";
      rule.after!.destination = "evil.example.net";
      for (const weakening of rule.weakens ?? [])
        weakening.description = weakening.description.replace("serpapi.com", "evil.example.net");
      p.steps.push(rule);
      step(p, "workspace.pf-ws.network").dependsOn.push(rule.address);
    });
    expect(() => verifyPlan(forged)).not.toThrow();
  });
});

describe("verifyPlan: deletes the apply mode makes", () => {
  it("accepts the delete of an unlisted rule under unlistedRules: delete, refuses a service-owned one", async () => {
    const ws = memoryWorkspace({ subscriptionId: SUB, resourceGroup: "rg-promptflow", name: "pf-ws" });
    ws.rules = {
      theirs: { type: "FQDN", category: "UserDefined", destination: "x.example.com", status: "Active" },
    };
    const provider = seededProvider({ state: { workspaces: [ws] } });
    const planned = await plan(topology({ "pf-ws": managedPrivate({ unlistedRules: "delete" }) }), provider);
    expect(step(planned, "workspace.pf-ws.rule.theirs").action).toBe("delete");
    expect(() => verifyPlan(planned)).not.toThrow();

    const owned = forge(planned, (p) => {
      step(p, "workspace.pf-ws.rule.theirs").before!.category = "Required";
    });
    expect(() => verifyPlan(owned)).toThrow(/only user-defined rules are ever deleted/);
    const elsewhere = forge(planned, (p) => {
      (step(p, "workspace.pf-ws.rule.theirs").identity.workspace as { name: string }).name = "other-ws";
    });
    expect(() => verifyPlan(elsewhere)).toThrow(
      /rule\.theirs differs .*\/identity\/workspace\/name is "other-ws"/,
    );
  });

  it("re-derives a workspace create (the create block is part of the identity)", async () => {
    const provider = seededProvider({ state: { workspaces: [] } });
    const planned = await plan(topology({ fresh: managedPrivate({ create: createBlock }) }), provider);
    expect(step(planned, "workspace.fresh").action).toBe("create");
    expect(() => verifyPlan(planned)).not.toThrow();
    const forged = forge(planned, (p) => {
      (step(p, "workspace.fresh").identity.create as { storageAccount: string }).storageAccount += "x";
    });
    expect(() => verifyPlan(forged)).toThrow(/\/identity\/create\/storageAccount/);
  });
});

describe("firstDifference", () => {
  it("names the first differing pointer, keys in sorted order", () => {
    expect(firstDifference({ b: 1, a: { c: [1, 2] } }, { b: 2, a: { c: [1, 3] } })).toEqual({
      path: "/a/c/1",
      actual: 2,
      expected: 3,
    });
    expect(firstDifference({ a: 1 }, { a: 1 })).toBeUndefined();
    expect(firstDifference({ "x/y": 1 }, {})).toEqual({ path: "/x~1y", actual: 1, expected: undefined });
  });
});
