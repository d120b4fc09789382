/**
 * Shared e2e harness: the emulator fixtures (./fixtures.ts) plus assertions on the emulator's state.
 */
import type { Emulator } from "@pfnet/arm-emulator";
import type { AzureProvider } from "@pfnet/azure";
import { expect } from "vitest";
import { RG, type Row, STORAGE_ROLE, SUB, TARGETS } from "./fixtures.js";

export * from "./fixtures.js";

type Json = Record<string, unknown>;
const lower = (s: unknown) => String(s ?? "").toLowerCase();

/** The emulator holds exactly what the row's spec says. */
export async function expectRowState(
  em: Emulator,
  provider: AzureProvider,
  row: Row,
  services = ["aoai", "search", "safety"],
): Promise<void> {
  const ws = em.state.workspace("pf-ws") as Json & {
    identity: Json;
    properties: Json & { managedNetwork: Json };
  };
  expect(ws.properties.publicNetworkAccess).toBe(row.ingress === "private" ? "Disabled" : "Enabled");
  expect(ws.properties.managedNetwork.isolationMode).toBe(
    row.egress === "private" ? "AllowOnlyApprovedOutbound" : "AllowInternetOutbound",
  );
  expect(em.state.networkStatus("pf-ws")).toBe("Active");
  if (row.egress === "private") expect(ws.properties.managedNetwork.firewallSku).toBe("Basic");

  // Exactly the user-defined rules of the spec, all Active; service-owned rules untouched.
  const rules = em.state.rules("pf-ws") as Record<
    string,
    { type: string; category: string; status: string; destination: unknown }
  >;
  const user = Object.entries(rules).filter(([, r]) => r.category === "UserDefined");
  const expected = new Map<string, unknown>();
  for (const s of services) {
    expected.set(`pe-${s}`, {
      serviceResourceId: TARGETS[s as keyof typeof TARGETS],
      subresourceTarget: s === "search" || s === "locked" ? "searchService" : "account",
    });
  }
  if (row.egress === "private") expected.set("fqdn-serpapi-com", "serpapi.com");
  expect(user.map(([n]) => n).sort()).toEqual([...expected.keys()].sort());
  for (const [name, rule] of user) {
    expect(rule.status, `rule ${name}`).toBe("Active");
    const want = expected.get(name);
    if (typeof want === "string") expect(rule.destination).toBe(want);
    else expect(rule.destination).toMatchObject(want as Json);
  }

  // One storage role assignment for the workspace identity, as a service principal.
  const principalId = lower(ws.identity.principalId);
  const grants = em.state
    .roleAssignments()
    .map((a) => a as Json & { properties: Json })
    .filter(
      (a) =>
        lower(a.properties.principalId) === principalId &&
        lower(a.properties.roleDefinitionId).endsWith(STORAGE_ROLE),
    );
  expect(grants).toHaveLength(1);
  expect(lower(grants[0]!.properties.scope)).toBe(lower(ws.properties.storageAccount));
  expect(grants[0]!.properties.principalType).toBe("ServicePrincipal");

  // Each target holds one connection from this workspace's managed network, Approved.
  const networkId = lower(ws.properties.managedNetwork.networkId);
  for (const s of services) {
    const mine = em.state
      .connections(TARGETS[s as keyof typeof TARGETS])
      .map(
        (c) =>
          c as Json & {
            properties: Json & { privateEndpoint: Json; privateLinkServiceConnectionState: Json };
          },
      )
      // The emulator names a managed network's connections `{networkId}.{rule}` (its endpoint ids vary in shape).
      .filter((c) => lower(c.name).startsWith(`${networkId}.`));
    expect(mine, `connections on ${s}`).toHaveLength(1);
    expect(mine[0]!.properties.privateLinkServiceConnectionState.status).toBe("Approved");
  }

  // The online endpoint's public access follows the row's ingress.
  const endpoint = await (await provider.clients.machineLearning(SUB)).onlineEndpoints.get(
    RG,
    "pf-ws",
    "pf-chat",
  );
  expect(endpoint.properties.publicNetworkAccess).toBe(row.ingress === "private" ? "Disabled" : "Enabled");
}
