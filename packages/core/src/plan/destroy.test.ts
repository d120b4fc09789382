import { describe, expect, it } from "vitest";
import { byoPrivate, managedPrivate, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { plan } from "./plan.js";
import { parsePlan, serializePlan } from "./serialize.js";
import { type Plan, planHasChanges } from "./types.js";
import { verifyPlan } from "./verify.js";

/** Edit a plan as a forger with write access to the file would, and re-checksum it. */
function forge(planned: Plan, edit: (plan: Plan) => void): Plan {
  const copy = JSON.parse(JSON.stringify(planned)) as Plan;
  edit(copy);
  return parsePlan(serializePlan(copy));
}

const step = (p: Plan, address: string) => p.steps.find((s) => s.address === address)!;

describe("destroy mode", () => {
  it("removes what apply created and leaves settings, workspace and endpoints", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-ws": managedPrivate(), "pf-byo": byoPrivate() });
    expect((await apply(await plan(spec, provider), provider)).errors).toEqual([]);
    const applied = provider.state();

    const destroy = await plan(spec, provider, { mode: "destroy" });
    expect(destroy.origin.mode).toBe("destroy");
    const removals = destroy.steps.filter((s) => s.kind !== "workspace");
    expect([...new Set(removals.map((s) => s.kind))].sort()).toEqual([
      "nsgRule",
      "outboundRule",
      "privateDnsZoneGroup",
      "privateEndpoint",
      "roleAssignment",
    ]);
    expect(removals.every((s) => s.action === "delete" && s.after === null)).toBe(true);
    // The workspaces are steps that stay as they are: what the plan judges weakening against.
    const kept = destroy.steps.filter((s) => s.kind === "workspace");
    expect(kept.map((s) => [s.address, s.action, s.after])).toEqual([
      ["workspace.pf-byo", "noop", null],
      ["workspace.pf-ws", "noop", null],
    ]);
    expect(step(destroy, "workspace.pf-ws").before?.isolationMode).toBe("AllowOnlyApprovedOutbound");
    // A DNS zone group goes before its private endpoint; every removal waits for its workspace step.
    const order = destroy.steps.map((s) => s.address);
    expect(order.indexOf("workspace.pf-byo.pe.aoai.dns")).toBeLessThan(
      order.indexOf("workspace.pf-byo.pe.aoai"),
    );
    expect(step(destroy, "workspace.pf-byo.pe.aoai").dependsOn).toEqual([
      "workspace.pf-byo",
      "workspace.pf-byo.pe.aoai.dns",
    ]);

    // A saved destroy plan round-trips, re-derives from its recorded mode and applies (the own
    // VNet's private endpoints and DNS zone groups weaken isolation: consent).
    const saved = parsePlan(serializePlan(destroy));
    expect(() => verifyPlan(saved)).not.toThrow();
    await expect(apply(saved, provider)).rejects.toMatchObject({ code: "WEAKENING_NOT_ALLOWED" });
    const result = await apply(saved, provider, { allowWeaken: true });
    expect(result.errors).toEqual([]);
    const after = provider.state();
    const ws = after.workspaces.find((w) => w.name === "pf-ws")!;
    expect(Object.values(ws.rules).filter((r) => r.category === "UserDefined")).toEqual([]);
    expect(ws.isolationMode).toBe("AllowOnlyApprovedOutbound");
    expect(ws.publicNetworkAccess).toBe("Disabled");
    expect(Object.keys(ws.onlineEndpoints)).toEqual(["pf-chat"]);
    expect(after.roleAssignments).toEqual([]);
    expect(after.privateEndpoints).toEqual([]);
    expect(after.nsgRules).toEqual([]);
    expect(after.workspaces.map((w) => w.name).sort()).toEqual(applied.workspaces.map((w) => w.name).sort());

    // Destroying again plans nothing.
    expect(planHasChanges(await plan(spec, provider, { mode: "destroy" }))).toBe(false);
  });

  it("a spec never applied plans nothing, even for a workspace that does not exist", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-ws": managedPrivate(), ghost: managedPrivate() });
    const destroy = await plan(spec, provider, { mode: "destroy" });
    expect(planHasChanges(destroy)).toBe(false);
    expect(
      destroy.steps
        .filter((s) => s.kind !== "workspace")
        .every((s) => s.reason.includes("nothing to remove")),
    ).toBe(true);
    expect(step(destroy, "workspace.ghost").reason).toContain("it does not exist");
    const result = await apply(destroy, provider);
    expect(result.errors).toEqual([]);
    expect(provider.calls.apply).toBe(0);
  });

  it("a private-endpoint rule removed under internet outbound weakens isolation; under approved-only it does not", async () => {
    const internet = managedPrivate({ egress: "public", reach: { services: ["aoai"] }, endpoints: {} });
    const provider = seededProvider();
    const spec = topology({ "pf-ws": internet });
    expect((await apply(await plan(spec, provider), provider, { allowWeaken: true })).errors).toEqual([]);
    expect(provider.state().workspaces.find((w) => w.name === "pf-ws")!.isolationMode).toBe(
      "AllowInternetOutbound",
    );
    const destroy = await plan(spec, provider, { mode: "destroy" });
    expect(step(destroy, "workspace.pf-ws.rule.pe-aoai").weakens).toEqual([
      expect.objectContaining({ change: "privateEndpointRuleRemoved", gated: true }),
    ]);
    expect(step(destroy, "workspace.pf-ws.storage-role").weakens).toBeUndefined();
    const writes = provider.calls.apply;
    await expect(apply(destroy, provider)).rejects.toMatchObject({
      code: "WEAKENING_NOT_ALLOWED",
      details: { steps: [expect.objectContaining({ address: "workspace.pf-ws.rule.pe-aoai" })] },
    });
    expect(provider.calls.apply).toBe(writes);

    // Approved-only outbound: the rule's traffic has no public way out; nothing to consent to.
    const closed = seededProvider();
    const approvedOnly = topology({
      "pf-ws": managedPrivate({ reach: { services: ["aoai"] }, endpoints: {} }),
    });
    expect((await apply(await plan(approvedOnly, closed), closed)).errors).toEqual([]);
    const quiet = await plan(approvedOnly, closed, { mode: "destroy" });
    expect(quiet.steps.filter((s) => s.weakens)).toEqual([]);
    expect((await apply(quiet, closed)).errors).toEqual([]);
  });
});

describe("destroy plans and re-derivation", async () => {
  const provider = seededProvider();
  const spec = topology({ "pf-ws": managedPrivate() });
  await apply(await plan(spec, provider), provider);
  const destroy = await plan(spec, provider, { mode: "destroy" });
  const applyPlan = await plan(spec, provider);

  it("refuses a delete forged into an apply plan (PLAN_TAMPERED), reading and writing nothing", async () => {
    const rule = step(destroy, "workspace.pf-ws.rule.pe-aoai");
    const forged = forge(applyPlan, (p) => {
      const own = step(p, rule.address);
      Object.assign(own, { action: "delete", after: null, before: rule.before });
    });
    expect(() => verifyPlan(forged)).toThrow(/rule\.pe-aoai differs .*action is "delete"/);
    const fresh = seededProvider();
    await expect(apply(forged, fresh)).rejects.toMatchObject({ code: "PLAN_TAMPERED" });
    expect(fresh.calls).toEqual({ read: 0, apply: 0 });
  });

  it("refuses an apply plan relabelled as destroy, and a destroy plan with a step destroy never makes", () => {
    const relabelled = forge(applyPlan, (p) => {
      p.origin.mode = "destroy";
    });
    expect(() => verifyPlan(relabelled)).toThrow(
      /workspace\.pf-ws differs from what the spec makes: \/after is \{.*\}, the spec gives null/,
    );
    const workspaceDelete = forge(destroy, (p) => {
      step(p, "workspace.pf-ws").action = "delete";
    });
    expect(() => verifyPlan(workspaceDelete)).toThrow(
      /workspace\.pf-ws differs .*action is "delete", the spec gives "noop"/,
    );
    const endpointDelete = forge(destroy, (p) => {
      p.steps.push({
        ...structuredClone(step(p, "workspace.pf-ws")),
        address: "workspace.pf-ws.endpoint.pf-chat",
        kind: "onlineEndpoint",
        action: "delete",
      });
    });
    expect(() => verifyPlan(endpointDelete)).toThrow(/endpoint\.pf-chat is not one the spec makes/);
  });

  it("refuses a destroy plan whose consent mark was removed", async () => {
    const internet = topology({
      "pf-ws": managedPrivate({ egress: "public", reach: { services: ["aoai"] }, endpoints: {} }),
    });
    const open = seededProvider();
    await apply(await plan(internet, open), open, { allowWeaken: true });
    const gated = await plan(internet, open, { mode: "destroy" });
    const unmarked = forge(gated, (p) => {
      delete step(p, "workspace.pf-ws.rule.pe-aoai").weakens;
    });
    await expect(apply(unmarked, open)).rejects.toMatchObject({
      code: "PLAN_TAMPERED",
      details: { field: "weakens" },
    });
  });
});

describe("targets", () => {
  it("plans only the targets and what they depend on, records them in the origin", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-ws": managedPrivate() });
    const full = await plan(spec, provider);
    const targeted = await plan(spec, provider, { targets: ["workspace.pf-ws.rule.pe-aoai"] });
    expect(targeted.origin).toMatchObject({ mode: "apply", targets: ["workspace.pf-ws.rule.pe-aoai"] });
    expect(targeted.steps.map((s) => s.address)).toEqual(["workspace.pf-ws", "workspace.pf-ws.rule.pe-aoai"]);
    expect(Object.keys(targeted.fingerprints).sort()).toEqual([
      "workspace.pf-ws",
      "workspace.pf-ws.rule.pe-aoai",
    ]);
    expect(full.steps.length).toBeGreaterThan(targeted.steps.length);

    // The network depends on every rule: targeting it brings them all.
    const network = await plan(spec, provider, { targets: ["workspace.pf-ws.network"] });
    expect(network.steps.filter((s) => s.kind === "outboundRule")).toHaveLength(4);
    expect(network.steps.some((s) => s.kind === "roleAssignment")).toBe(false);

    // A saved targeted plan re-derives from its recorded targets and applies: only its steps are written.
    const saved = parsePlan(serializePlan(targeted));
    expect(() => verifyPlan(saved)).not.toThrow();
    const result = await apply(saved, provider);
    expect(result.errors).toEqual([]);
    expect(
      provider
        .writes()
        .map((w) => w.address)
        .sort(),
    ).toEqual(["workspace.pf-ws", "workspace.pf-ws.rule.pe-aoai"]);
  });

  it("a targeted plan with a step outside its targets, or widened targets, is refused", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-ws": managedPrivate() });
    const full = await plan(spec, provider);
    const targeted = await plan(spec, provider, { targets: ["workspace.pf-ws.rule.pe-aoai"] });
    const extra = forge(targeted, (p) => {
      p.steps.push(structuredClone(step(full, "workspace.pf-ws.storage-role")));
    });
    expect(() => verifyPlan(extra)).toThrow(/storage-role is not one the spec makes/);
    const untargeted = forge(targeted, (p) => {
      delete p.origin.targets;
    });
    expect(() => verifyPlan(untargeted)).toThrow(/lacks step/);
    const unknown = forge(targeted, (p) => {
      p.origin.targets = ["workspace.pf-ws.rule.nope"];
    });
    expect(() => verifyPlan(unknown)).toThrow(/target workspace\.pf-ws\.rule\.nope is no step of the spec/);
  });

  it("a targeted destroy brings its workspace and what goes first", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-byo": byoPrivate({ reach: { services: ["aoai"] } }) });
    await apply(await plan(spec, provider), provider);
    const targeted = await plan(spec, provider, { mode: "destroy", targets: ["workspace.pf-byo.pe.aoai"] });
    expect(targeted.steps.map((s) => s.address)).toEqual([
      "workspace.pf-byo",
      "workspace.pf-byo.pe.aoai.dns",
      "workspace.pf-byo.pe.aoai",
    ]);
    expect(() => verifyPlan(parsePlan(serializePlan(targeted)))).not.toThrow();
    expect((await apply(targeted, provider, { allowWeaken: true })).errors).toEqual([]);
    expect(provider.state().privateEndpoints).toEqual([]);
    expect(provider.state().nsgRules.length).toBeGreaterThan(0);
  });

  it("an unknown target is an error that names it", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-ws": managedPrivate() });
    await expect(plan(spec, provider, { targets: ["workspace.pf-ws.rule.nope"] })).rejects.toMatchObject({
      code: "TARGET_NOT_FOUND",
    });
  });
});
