/**
 * `kind: other` services on a Cosmos DB account, a SQL server and a Redis cache: the managed
 * network's private endpoints leave Pending connections there, which pfnet finds and approves
 * through each namespace's connection routes at the api-version of rest/connections.ts (checked
 * against the vendored privateEndpointConnection.json 2024-05-15, PrivateEndpointConnections.json
 * 2023-08-01 and redis.json 2024-03-01 when the emulator closes). Each spec spells its connection
 * differently (Cosmos one `groupId`, SQL `groupIds` and `Ready`, Redis no group field).
 */
import { defaultSeed } from "@pfnet/arm-emulator";
import { apply, plan, planHasChanges, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, RG, ROWS, rowSpec, SUB, startTestEmulator } from "./harness.js";
import { expectApprovedThrough } from "./target-connections.js";

const id = (typeAndName: string) => `/subscriptions/${SUB}/resourceGroups/${RG}/providers/${typeAndName}`;
const TARGETS = [
  {
    service: "cosmos",
    id: id("Microsoft.DocumentDB/databaseAccounts/cosmos-pf"),
    group: "Sql",
    api: "2024-05-15",
  },
  { service: "sqldb", id: id("Microsoft.Sql/servers/sql-pf"), group: "sqlServer", api: "2023-08-01" },
  { service: "cache", id: id("Microsoft.Cache/redis/redis-pf"), group: "redisCache", api: "2024-03-01" },
] as const;

describe("Cosmos DB, SQL and Redis reached as `kind: other` services", () => {
  // "accepted": every connection PUT answers its spec's asynchronous form (Cosmos DB and SQL 202
  // without a body, Redis 201); "seeded": each PUT draws its form.
  it.each(["seeded", "accepted"] as const)(
    "%s forms: their Pending connections are approved through each namespace's connection routes; the next plan is empty",
    async (lroForms) => {
      const seed = defaultSeed();
      seed.targets.push(
        { type: "cosmos", name: "cosmos-pf", autoApprove: false },
        { type: "sql", name: "sql-pf", autoApprove: false },
        { type: "redis", name: "redis-pf", autoApprove: false },
      );
      const em = await startTestEmulator({ seed, lroForms });
      try {
        const provider = providerFor(em);
        const spec = rowSpec(ROWS[3]!, { services: TARGETS.map((t) => t.service), endpoints: false });
        spec.services = {
          ...spec.services,
          ...Object.fromEntries(
            TARGETS.map((t) => [t.service, { kind: "other", id: t.id, subresource: t.group }]),
          ),
        } as Topology["services"];
        const result = await apply(await plan(spec, provider), provider);
        expect(result.errors).toEqual([]);
        for (const t of TARGETS) {
          expect(
            result.steps.find((s) => s.address === `workspace.pf-ws.approval.${t.service}`)?.outcome,
          ).toBe("succeeded");
          expectApprovedThrough(em, t.id, t.api);
        }
        expect(planHasChanges(await plan(spec, provider))).toBe(false);
      } finally {
        await em.close();
      }
    },
  );
});
