/**
 * Where pfnet reads outbound rules from: the workspace GET's rule map when the answer carries one
 * (no list request), the paged rule list when it does not (the spec marks the map optional), and —
 * either way — the paged list once per workspace to verify the rule set after the last rule write.
 */
import { apply, type PfnetEventInput, plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { expectRowState, providerFor, ROWS, rowSpec, startTestEmulator } from "./harness.js";

const LIST = /\/workspaces\/pf-ws\/outboundRules$/i;
const RULE_PUT = /\/workspaces\/pf-ws\/outboundRules\/[^/]+$/i;
const noEvents = { onEvent: (_: PfnetEventInput) => {} };

describe("outbound rules: the map for reads, the paged list for verification", () => {
  it("with the map: plan lists nothing; apply lists the rules once, after the last rule write and before provisioning", async () => {
    const em = await startTestEmulator({ pageSize: 2 });
    try {
      const provider = providerFor(em);
      const spec = rowSpec(ROWS[3]!);
      const first = await plan(spec, provider);
      expect(em.requests.find("GET", LIST)).toEqual([]);

      em.requests.clear();
      const result = await apply(first, provider, { ...noEvents, checkStale: false });
      expect(result.errors).toEqual([]);
      const log = em.requests.entries;
      const lists = log.filter((r) => r.method === "GET" && LIST.test(r.path));
      // One list (its first page without a skip token), followed through every page.
      expect(lists.filter((r) => !/skiptoken/i.test(r.query))).toHaveLength(1);
      expect(lists.length).toBeGreaterThan(1);
      const lastRulePut = Math.max(
        ...log.filter((r) => r.method === "PUT" && RULE_PUT.test(r.path)).map((r) => r.seq),
      );
      const [provision] = em.requests.find("POST", /pf-ws\/provisionManagedNetwork$/);
      expect(provision).toBeDefined();
      for (const l of lists) {
        expect(l.seq).toBeGreaterThan(lastRulePut);
        expect(l.seq).toBeLessThan(provision!.seq);
      }
      await expectRowState(em, provider, ROWS[3]!);

      em.requests.clear();
      const again = await plan(spec, provider);
      expect(again.steps.filter((s) => s.action !== "noop")).toEqual([]);
      expect(em.requests.find("GET", LIST)).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it("without the map: apply converges and the next plan reads the paged list and is empty", async () => {
    const em = await startTestEmulator({ pageSize: 2, workspaceRuleMap: "absent" });
    try {
      const provider = providerFor(em);
      const spec = rowSpec(ROWS[3]!);
      const first = await plan(spec, provider);
      const [get] = em.requests.find("GET", /\/workspaces\/pf-ws$/);
      const answered = get!.responseBody as { properties: { managedNetwork: object } };
      expect(answered.properties.managedNetwork).not.toHaveProperty("outboundRules");
      const result = await apply(first, provider, { ...noEvents, checkStale: false });
      expect(result.errors).toEqual([]);
      await expectRowState(em, provider, ROWS[3]!);

      em.requests.clear();
      const again = await plan(spec, provider);
      expect(again.steps.filter((s) => s.action !== "noop")).toEqual([]);
      // The settled workspace's rules come from the list (its pages), the map being absent.
      expect(em.requests.find("GET", LIST).length).toBeGreaterThan(1);
    } finally {
      await em.close();
    }
  });

  it("verification through the list catches a rule the list no longer holds", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const p = await plan(rowSpec(ROWS[3]!), provider);
      const ctx = { signal: new AbortController().signal, emit: (_: PfnetEventInput) => {} };
      for (const s of p.steps.filter((x) => x.kind === "workspace" || x.kind === "outboundRule"))
        await provider.apply(s, ctx);
      em.state.setRule("pf-ws", "fqdn-serpapi-com", undefined);
      em.requests.clear();
      const network = p.steps.find((s) => s.kind === "managedNetwork")!;
      await expect(provider.apply(network, ctx)).rejects.toMatchObject({
        code: "VERIFY_FAILED",
        details: { missing: ["fqdn-serpapi-com"] },
      });
      expect(em.requests.find("GET", LIST).length).toBeGreaterThan(0);
      expect(em.requests.find("POST", "provisionManagedNetwork")).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
