import { describe, expect, it } from "vitest";
import { AOAI, managedPrivate, rgId, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { plan } from "../plan/plan.js";
import { parsePlan, serializePlan } from "../plan/serialize.js";
import type { Topology } from "../spec/schema.js";
import { MemoryProvider } from "../testing/memory-provider.js";
import { isRuleOf, replacementRuleName } from "./replace-rules.js";

const AOAI2 = `${rgId}/providers/Microsoft.CognitiveServices/accounts/aoai-pf-2`;
const RULE = "workspace.pf-ws.rule.pe-aoai";

const spec = (id = AOAI): Topology => {
  const t = topology({ "pf-ws": managedPrivate({ reach: { services: ["aoai"], hosts: ["serpapi.com"] } }) });
  t.services!.aoai!.id = id;
  return t;
};
const changes = (p: Awaited<ReturnType<typeof plan>>) => p.steps.filter((step) => step.action !== "noop");
const rulesOf = (provider: MemoryProvider) =>
  Object.fromEntries(
    Object.entries(provider.state().workspaces.find((ws) => ws.name === "pf-ws")!.rules).map(
      ([name, rule]) => [
        name,
        (rule as { destination?: { serviceResourceId?: string } }).destination?.serviceResourceId ?? rule,
      ],
    ),
  );

async function settled(provider: MemoryProvider, topologySpec: Topology) {
  const result = await apply(await plan(topologySpec, provider), provider);
  expect(result.errors).toEqual([]);
}

describe("replacement names", () => {
  it("are <name>-<6 hex> within 33 characters, and only the spec's rule or its replacements count as its own", () => {
    const destination = { serviceResourceId: AOAI2, subresourceTarget: "account" };
    const long = `pe-${"s".repeat(30)}`;
    expect(replacementRuleName(long, destination)).toHaveLength(33);
    expect(isRuleOf(long, replacementRuleName(long, destination))).toBe(true);
    expect(isRuleOf("pe-aoai", replacementRuleName("pe-aoai", destination))).toBe(true);
    expect(isRuleOf("pe-aoai", "pe-aoai")).toBe(true);
    expect(isRuleOf("pe-aoai", "pe-a-123456")).toBe(false);
    expect(isRuleOf("pe-aoai", "pe-aoai-extra")).toBe(false);
    // ARM-id casing does not change the name.
    expect(replacementRuleName("pe-aoai", { ...destination, serviceResourceId: AOAI2.toUpperCase() })).toBe(
      replacementRuleName("pe-aoai", destination),
    );
  });
});

describe("safe replacement of a private-endpoint rule", () => {
  it("creates the renamed rule, provisions and approves it, then deletes the old one; the next plan is empty", async () => {
    const provider = seededProvider();
    await settled(provider, spec());
    const renamed = replacementRuleName("pe-aoai", {
      serviceResourceId: AOAI2,
      subresourceTarget: "account",
    });
    expect(renamed).toMatch(/^pe-aoai-[0-9a-f]{6}$/);

    const replacing = await plan(spec(AOAI2), provider);
    const rule = replacing.steps.find((step) => step.address === RULE)!;
    expect([rule.action, rule.identity.ruleName, rule.before]).toEqual(["create", renamed, null]);
    expect(rule.reason).toContain(
      "create " + renamed + " first, delete pe-aoai once the new path is approved",
    );
    const old = replacing.steps.find((step) => step.address === `${RULE}.replaced`)!;
    expect([old.action, old.identity.ruleName]).toEqual(["delete", "pe-aoai"]);
    expect([...old.dependsOn].sort()).toEqual([
      "workspace.pf-ws.approval.aoai",
      "workspace.pf-ws.network",
      RULE,
    ]);
    // Not gated: the replacement keeps the path.
    expect(old.weakens ?? []).toEqual([]);
    // Re-planning names the replacement the same; a saved plan re-derives.
    expect((await plan(spec(AOAI2), provider)).steps.find((s) => s.address === RULE)!.identity.ruleName).toBe(
      renamed,
    );

    const result = await apply(parsePlan(serializePlan(replacing)), provider);
    expect(result.errors).toEqual([]);
    const order = provider.writes().map((write) => `${write.action} ${write.address}`);
    const create = order.indexOf(`create ${RULE}`);
    const approve = order.indexOf("approve workspace.pf-ws.approval.aoai");
    const del = order.indexOf(`delete ${RULE}.replaced`);
    expect(create).toBeGreaterThanOrEqual(0);
    expect(approve).toBeGreaterThan(create);
    expect(del).toBeGreaterThan(approve);
    const rules = rulesOf(provider);
    expect(rules["pe-aoai"]).toBeUndefined();
    expect(rules[renamed]).toBe(AOAI2);

    // Steady state: the spec's rule maps to the renamed one (no loop of renames).
    const next = await plan(spec(AOAI2), provider);
    expect(changes(next)).toEqual([]);
    expect(next.steps.find((step) => step.address === RULE)!.identity.ruleName).toBe(renamed);
    expect(next.unmanaged).toEqual([]);
    // A saved steady plan re-derives and applies (its stale check reads the renamed rule).
    expect((await apply(parsePlan(serializePlan(next)), provider)).errors).toEqual([]);

    // pfnet destroy removes the renamed rule (a saved destroy plan re-derives).
    const copy = new MemoryProvider({ state: provider.state() });
    const destroying = await plan(spec(AOAI2), copy, { mode: "destroy" });
    const removal = destroying.steps.find((step) => step.address === RULE)!;
    expect([removal.action, removal.identity.ruleName]).toEqual(["delete", renamed]);
    expect((await apply(parsePlan(serializePlan(destroying)), copy)).errors).toEqual([]);
    expect(rulesOf(copy)[renamed]).toBeUndefined();

    // Changing again replaces the replacement: back to the first account, under its own hash.
    const back = await plan(spec(), provider);
    const again = back.steps.find((step) => step.address === `${RULE}.replaced`)!;
    expect(again.identity.ruleName).toBe(renamed);
    await settled(provider, spec());
    expect(Object.keys(rulesOf(provider)).filter((name) => name.startsWith("pe-aoai"))).toEqual([
      replacementRuleName("pe-aoai", { serviceResourceId: AOAI, subresourceTarget: "account" }),
    ]);
    expect(changes(await plan(spec(), provider))).toEqual([]);
  });

  it("leaves the old rule and its connection when the new rule's create fails; a re-apply converges", async () => {
    const healthy = seededProvider();
    await settled(healthy, spec());
    const failing = new MemoryProvider({ state: healthy.state(), failures: { [RULE]: "always" } });
    const result = await apply(await plan(spec(AOAI2), failing), failing);
    expect(result.errors.map((error) => error.address)).toEqual([RULE]);
    expect(failing.writes().some((write) => write.action === "delete")).toBe(false);
    expect(rulesOf(failing)["pe-aoai"]).toBe(AOAI);
    const connection = failing.state().connections.find((c) => c.targetId === AOAI);
    expect(connection?.status).toBe("Approved");

    const recovered = new MemoryProvider({ state: failing.state() });
    await settled(recovered, spec(AOAI2));
    expect(rulesOf(recovered)["pe-aoai"]).toBeUndefined();
    expect(changes(await plan(spec(AOAI2), recovered))).toEqual([]);
  });

  it("when only the delete failed, the next plan deletes the old rule again", async () => {
    const healthy = seededProvider();
    await settled(healthy, spec());
    const failing = new MemoryProvider({
      state: healthy.state(),
      failures: { [`${RULE}.replaced`]: "always" },
    });
    const result = await apply(await plan(spec(AOAI2), failing), failing);
    expect(result.errors.map((error) => error.address)).toEqual([`${RULE}.replaced`]);
    const retry = await plan(spec(AOAI2), new MemoryProvider({ state: failing.state() }));
    expect(changes(retry).map((step) => `${step.action} ${step.address}`)).toEqual([
      `delete ${RULE}.replaced`,
    ]);
  });

  it("changes a service-tag rule in place (same name)", async () => {
    const provider = seededProvider();
    const tagged = (ports: string) =>
      topology({
        "pf-ws": managedPrivate({
          reach: { services: [], serviceTags: [{ serviceTag: "AzureMonitor", ports }] },
        }),
      });
    await settled(provider, tagged("443"));
    const changed = changes(await plan(tagged("443,8443"), provider));
    expect(changed.map((step) => [step.action, step.identity.ruleName])).toContainEqual([
      "update",
      "tag-AzureMonitor",
    ]);
    expect(changed.some((step) => step.action === "delete")).toBe(false);
  });
});
