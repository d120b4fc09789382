/**
 * Target services made private (issue 12 item 1), against the emulator: an Azure OpenAI account
 * (CognitiveServices 2024-10-01, long-running PATCH) with public access off and an AI Search
 * service (2023-11-01, synchronous PATCH, lowercase values) behind one IP rule. validate → plan →
 * apply → plan is empty; the request log shows each service's PATCH only after the workspace's
 * connection on it is Approved and its private-endpoint rule Active. Turning public access back
 * on is a weakening: refused without consent, nothing sent. Own VNet: while a private DNS zone of
 * the private endpoint is not linked to the VNet nothing is made private (PRIVATE_PATH_NOT_READY);
 * once linked, each PATCH follows the reads of the zones' links (privatedns.json 2024-06-01).
 */
import { apply, loadSpecFile, plan, planHasChanges, type Topology, validateTopology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, RG, ROWS, rowSpec, SUB, startTestEmulator, TARGETS } from "./harness.js";

type Json = Record<string, unknown>;

function privateSpec(aoai: Json, search: Json): Topology {
  const spec = rowSpec(ROWS[3]!, { services: ["aoai", "search"], endpoints: false }) as Topology;
  spec.services!.aoai = { ...spec.services!.aoai!, networkAccess: aoai } as never;
  spec.services!.search = { ...spec.services!.search!, networkAccess: search } as never;
  return spec;
}

const lower = (s: string) => s.toLowerCase();

describe("target services made private", () => {
  it("public access off (CognitiveServices) and an IP rule (Search) only after each connection is Approved and its rule Active; the next plan is empty; reopening needs consent", async () => {
    const em = await startTestEmulator();
    try {
      // The account's connection stays Pending: pfnet approves it, then makes the account private.
      em.state.setTargetFlags(TARGETS.aoai, { autoApprove: false });
      const provider = providerFor(em);
      const spec = privateSpec({ public: "disabled" }, { public: "selected", ipRules: ["203.0.113.7"] });
      expect(validateTopology(spec).diagnostics.filter((d) => d.severity === "error")).toEqual([]);

      const planned = await plan(spec, provider);
      for (const service of ["aoai", "search"]) {
        const step = planned.steps.find((s) => s.address === `service.${service}.network-access`);
        expect(step?.action, service).toBe("update");
        expect(step?.dependsOn).toEqual([`workspace.pf-ws.approval.${service}`]);
        expect(step?.weakens).toBeUndefined();
      }
      const result = await apply(planned, provider);
      expect(result.errors).toEqual([]);

      const account = em.state.resource(TARGETS.aoai) as { properties: Json };
      expect(account.properties.publicNetworkAccess).toBe("Disabled");
      const search = em.state.resource(TARGETS.search) as { properties: Json };
      expect(search.properties.publicNetworkAccess).toBe("enabled");
      expect(search.properties.networkRuleSet).toEqual({ ipRules: [{ value: "203.0.113.7" }] });

      // The order in the request log: each PATCH after the connection was seen Approved and the
      // rule Active (the last reads before it), and after pfnet's own approval of the account's.
      const log = em.requests.entries;
      for (const [service, target, apiVersion] of [
        ["aoai", TARGETS.aoai, "2024-10-01"],
        ["search", TARGETS.search, "2023-11-01"],
      ] as const) {
        const patch = log.findIndex((e) => e.method === "PATCH" && lower(e.path) === lower(target));
        expect(patch, service).toBeGreaterThan(0);
        expect(log[patch]!.apiVersion).toBe(apiVersion);
        const before = log.slice(0, patch);
        const lastConnections = before.findLast(
          (e) => e.method === "GET" && lower(e.path) === `${lower(target)}/privateendpointconnections`,
        );
        const statuses = (lastConnections!.responseBody as { value: Array<{ properties: Json }> }).value.map(
          (c) => (c.properties.privateLinkServiceConnectionState as Json).status,
        );
        expect(statuses, service).toEqual(["Approved"]);
        const lastWorkspace = before.findLast(
          (e) => e.method === "GET" && e.path.endsWith("/workspaces/pf-ws") && e.status === 200,
        );
        const rules = (
          lastWorkspace!.responseBody as { properties: { managedNetwork: { outboundRules: Json } } }
        ).properties.managedNetwork.outboundRules as Record<string, { status: string }>;
        expect(rules[`pe-${service}`]?.status, service).toBe("Active");
      }
      const approvePut = log.findIndex(
        (e) =>
          e.method === "PUT" &&
          lower(e.path).startsWith(`${lower(TARGETS.aoai)}/privateendpointconnections/`),
      );
      const aoaiPatch = log.findIndex((e) => e.method === "PATCH" && lower(e.path) === lower(TARGETS.aoai));
      expect(approvePut).toBeGreaterThan(0);
      expect(aoaiPatch).toBeGreaterThan(approvePut);

      expect(planHasChanges(await plan(spec, provider))).toBe(false);

      // Public access back on: a gated weakening, refused without consent with nothing sent.
      const reopen = privateSpec({ public: "enabled" }, { public: "selected", ipRules: ["203.0.113.7"] });
      const weakening = await plan(reopen, provider);
      const step = weakening.steps.find((s) => s.address === "service.aoai.network-access");
      expect(step?.weakens).toEqual([
        expect.objectContaining({ change: "servicePublicAccessOn", gated: true }),
      ]);
      const sent = em.requests.entries.length;
      await expect(apply(weakening, provider)).rejects.toMatchObject({ code: "WEAKENING_NOT_ALLOWED" });
      expect(em.requests.entries.slice(sent).filter((e) => e.method !== "GET")).toEqual([]);
      expect((em.state.resource(TARGETS.aoai) as { properties: Json }).properties.publicNetworkAccess).toBe(
        "Disabled",
      );
      expect((await apply(weakening, provider, { allowWeaken: true })).errors).toEqual([]);
      expect((em.state.resource(TARGETS.aoai) as { properties: Json }).properties).toMatchObject({
        publicNetworkAccess: "Enabled",
        networkAcls: { defaultAction: "Allow", ipRules: [] },
      });
    } finally {
      await em.close();
    }
  });

  it("a connection left Pending (the caller may not approve) keeps the service public: its PATCH is never sent", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = rowSpec(ROWS[3]!, { services: ["locked"], endpoints: false }) as Topology;
      spec.services!.locked = { ...spec.services!.locked!, networkAccess: { public: "disabled" } } as never;
      const result = await apply(await plan(spec, provider), provider);
      const step = result.steps.find((s) => s.address === "service.locked.network-access");
      expect(step?.outcome).toBe("skipped");
      expect(step?.skippedBecause).toBe("workspace.pf-ws.approval.locked");
      expect(
        em.requests.entries.filter((e) => e.method === "PATCH" && lower(e.path) === lower(TARGETS.locked)),
      ).toEqual([]);
      expect((em.state.resource(TARGETS.locked) as { properties: Json }).properties.publicNetworkAccess).toBe(
        "enabled",
      );
    } finally {
      await em.close();
    }
  });

  it("own VNet: nothing is made private while a private DNS zone is not linked to the VNet; once linked, the PATCH follows the link reads and the next plan is empty", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = await loadSpecFile(
        new URL("../../examples/byo-private-public.yaml", import.meta.url).pathname,
      ).then((loaded) => loaded.topology!);
      spec.services!.aoai = { ...spec.services!.aoai!, networkAccess: { public: "disabled" } };
      spec.services!.search = {
        ...spec.services!.search!,
        networkAccess: { public: "selected", ipRules: ["203.0.113.7"] },
      };
      expect(validateTopology(spec).diagnostics.filter((d) => d.severity === "error")).toEqual([]);

      // The seeded zones are linked to no VNet: both steps fail before writing anything.
      const first = await apply(await plan(spec, provider), provider);
      for (const service of ["aoai", "search"]) {
        const step = first.steps.find((s) => s.address === `service.${service}.network-access`);
        expect(step?.outcome, service).toBe("failed");
        expect(step?.error?.code, service).toBe("PRIVATE_PATH_NOT_READY");
        expect(step?.error?.message, service).toMatch(/is not linked to vnet-pf/);
      }
      expect(
        em.requests.entries.filter((e) => e.method === "PATCH" && !e.path.includes("/workspaces/")),
      ).toEqual([]);

      // Link every zone to the VNet, as the VNet's owner would.
      const vnet = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-pf`;
      const zones = [
        "privatelink.openai.azure.com",
        "privatelink.cognitiveservices.azure.com",
        "privatelink.search.windows.net",
      ];
      for (const zone of zones) {
        const link = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateDnsZones/${zone}/virtualNetworkLinks/vnet-pf`;
        await provider.clients.arm.lro("PUT", link, {
          apiVersion: "2024-06-01",
          body: {
            location: "global",
            properties: { virtualNetwork: { id: vnet }, registrationEnabled: false },
          },
          signal: new AbortController().signal,
        });
      }
      const sent = em.requests.entries.length;
      const second = await apply(await plan(spec, provider), provider);
      expect(second.errors).toEqual([]);
      expect((em.state.resource(TARGETS.aoai) as { properties: Json }).properties.publicNetworkAccess).toBe(
        "Disabled",
      );
      expect((em.state.resource(TARGETS.search) as { properties: Json }).properties.networkRuleSet).toEqual({
        ipRules: [{ value: "203.0.113.7" }],
      });
      const log = em.requests.entries.slice(sent);
      const patch = log.findIndex((e) => e.method === "PATCH" && lower(e.path) === lower(TARGETS.aoai));
      const linkReads = log
        .slice(0, patch)
        .filter((e) => e.method === "GET" && e.path.endsWith("/virtualNetworkLinks"))
        .map((e) => e.path.split("/")[8]);
      // Both zones of the account were read (and found linked) before its PATCH.
      expect(linkReads).toEqual(expect.arrayContaining(zones.slice(0, 2)));
      expect(patch).toBeGreaterThan(0);
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });
});
