/**
 * Shared e2e harness: an emulator, an AzureProvider wired to it, specs for the seed table's
 * managed rows, and assertions on the emulator's state.
 */
import { type Emulator, type EmulatorOptions, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider, type AzureProviderOptions } from "@pfnet/azure";
import type { PfnetEvent, Topology } from "@pfnet/core";
import { expect } from "vitest";

export const SUB = "11111111-2222-3333-4444-555555555555";
export const RG = "rg-promptflow";
const id = (provider: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/${provider}/${name}`;
export const TARGETS = {
  aoai: id("Microsoft.CognitiveServices/accounts", "aoai-pf"),
  search: id("Microsoft.Search/searchServices", "srch-pf"),
  safety: id("Microsoft.CognitiveServices/accounts", "cs-pf"),
  locked: id("Microsoft.Search/searchServices", "srch-locked"),
} as const;
export const STORAGE_ROLE = "69566ab7-960f-475b-8e7c-b3118f30c6bd";

/** Emulator scale for tests: 1 Azure minute = 10 ms (provisioning ≈ 300 ms). */
export const TEST_TIME_SCALE = 10;

export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({ timeScale: TEST_TIME_SCALE, ...options });
}

export function providerFor(em: Emulator, options: Partial<AzureProviderOptions> = {}): AzureProvider {
  return new AzureProvider({
    credential: fakeCredential,
    endpoint: em.endpoint,
    tlsCa: em.caCert,
    ...options,
    waits: { timeScale: em.timeScale, pollIntervalSeconds: 30, ...(options.waits ?? {}) },
  });
}

export type Row = { ingress: "public" | "private"; egress: "public" | "private" };
export const ROWS: Row[] = [
  { ingress: "public", egress: "public" },
  { ingress: "private", egress: "public" },
  { ingress: "public", egress: "private" },
  { ingress: "private", egress: "private" },
];

/** A managed-VNet spec for one row of the seed table: AOAI, AI Search, Content Safety, and serpapi.com where egress is private. */
export function rowSpec(row: Row, extra: { services?: string[]; hosts?: string[] } = {}): Topology {
  const hosts = row.egress === "private" ? ["serpapi.com", ...(extra.hosts ?? [])] : [];
  return {
    version: 1,
    subscriptionId: SUB,
    resourceGroup: RG,
    location: "eastus",
    services: {
      aoai: { kind: "azureOpenAI", id: TARGETS.aoai },
      search: { kind: "aiSearch", id: TARGETS.search },
      safety: { kind: "contentSafety", id: TARGETS.safety },
      locked: { kind: "aiSearch", id: TARGETS.locked },
    },
    workspaces: {
      "pf-ws": {
        network: "managed",
        ingress: row.ingress,
        egress: row.egress,
        ...(hosts.length > 0 ? { firewallSku: "Basic" as const } : {}),
        provision: "now",
        authoring: ["serverless"],
        inference: "managedOnlineEndpoint",
        reach: {
          services: extra.services ?? ["aoai", "search", "safety"],
          ...(hosts.length > 0 ? { hosts } : {}),
        },
        endpoints: { "pf-chat": { ingress: row.ingress } },
      },
    },
  } as Topology;
}

export function recorder(): { events: PfnetEvent[]; onEvent: (e: PfnetEvent) => void } {
  const events: PfnetEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

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
      .filter((c) => lower(c.properties.privateEndpoint.id).includes(networkId));
    expect(mine, `connections on ${s}`).toHaveLength(1);
    expect(mine[0]!.properties.privateLinkServiceConnectionState.status).toBe("Approved");
  }

  // The online endpoint's public access follows the row's ingress.
  const endpoint = await provider.clients.machineLearning(SUB).onlineEndpoints.get(RG, "pf-ws", "pf-chat");
  expect(endpoint.properties.publicNetworkAccess).toBe(row.ingress === "private" ? "Disabled" : "Enabled");
}

/** Requests that change something (the emulator's log). */
export function writes(em: Emulator): { method: string; path: string }[] {
  return em.requests.entries.filter((r) => r.method !== "GET" && r.method !== "HEAD");
}
