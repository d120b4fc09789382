/**
 * Guarantees that need a precise moment: the rule set is verified before provisioning, an
 * existing role assignment under another name is adopted (never duplicated), and unlisted rules
 * are deleted only when asked — service-owned rules never.
 */
import { randomUUID } from "node:crypto";
import { apply, type PfnetEventInput, plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, ROWS, rowSpec, STORAGE_ROLE, SUB, startTestEmulator } from "./harness.js";

const ctx = () => ({ signal: new AbortController().signal, emit: (_: PfnetEventInput) => {} });

describe("verification and idempotency", () => {
  it("fails the provisioning step with VERIFY_FAILED naming a rule lost after it was written, before provisioning", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const p = await plan(rowSpec(ROWS[3]!), provider);
      for (const s of p.steps.filter((x) => x.kind === "workspace" || x.kind === "outboundRule"))
        await provider.apply(s, ctx());
      em.state.setRule("pf-ws", "pe-aoai", undefined); // lost (e.g. a racing writer)
      const network = p.steps.find((s) => s.kind === "managedNetwork")!;
      await expect(provider.apply(network, ctx())).rejects.toMatchObject({
        code: "VERIFY_FAILED",
        details: { missing: ["pe-aoai"], extra: [], differing: [] },
      });
      expect(em.requests.find("POST", "provisionManagedNetwork")).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it("adopts a storage role assignment created meanwhile under another name: one assignment, no duplicate", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const p = await plan(rowSpec(ROWS[0]!), provider);
      const ws = em.state.workspace("pf-ws") as {
        identity: { principalId: string };
        properties: { storageAccount: string };
      };
      const scope = ws.properties.storageAccount;
      const otherName = randomUUID();
      await (await provider.clients.authorization(SUB)).roleAssignments.create(scope.slice(1), otherName, {
        roleDefinitionId: `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_ROLE}`,
        principalId: ws.identity.principalId,
        principalType: "ServicePrincipal",
      });
      const result = await apply(p, provider, { checkStale: false });
      expect(result.errors).toEqual([]);
      const grants = em.state
        .roleAssignments()
        .filter((a) =>
          String((a as { properties: { roleDefinitionId: string } }).properties.roleDefinitionId).endsWith(
            STORAGE_ROLE,
          ),
        );
      expect(grants.map((g) => (g as { name: string }).name)).toEqual([otherName]);
    } finally {
      await em.close();
    }
  });

  it("with unlistedRules: delete, deletes user-defined rules outside the spec and never a service-owned one", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = rowSpec(ROWS[3]!);
      await apply(await plan(spec, provider), provider);
      em.state.setRule("pf-ws", "extra-rule", {
        type: "FQDN",
        category: "UserDefined",
        destination: "example.org",
      });
      const serviceOwned = Object.entries(em.state.rules("pf-ws"))
        .filter(([, r]) => (r as { category: string }).category !== "UserDefined")
        .map(([n]) => n)
        .sort();
      spec.workspaces["pf-ws"]!.unlistedRules = "delete";
      const result = await apply(await plan(spec, provider), provider);
      expect(result.errors).toEqual([]);
      const after = Object.entries(em.state.rules("pf-ws"));
      expect(after.some(([n]) => n === "extra-rule")).toBe(false);
      expect(
        after
          .filter(([, r]) => (r as { category: string }).category !== "UserDefined")
          .map(([n]) => n)
          .sort(),
      ).toEqual(serviceOwned);
      expect(em.requests.find("DELETE", "outboundRules/").map((r) => r.path.split("/").pop())).toEqual([
        "extra-rule",
      ]);
    } finally {
      await em.close();
    }
  });
});
