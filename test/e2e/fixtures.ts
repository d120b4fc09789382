/**
 * Emulator fixtures shared by the e2e and chaos tests and the Azure benchmark (no vitest import,
 * so `pnpm bench` can load it): an emulator, an AzureProvider wired to it, specs for the seed
 * table's managed rows, an event recorder and the emulator's write log.
 */
import {
  defaultSeed,
  type Emulator,
  type EmulatorOptions,
  fakeCredential,
  type SeedEnvironment,
  startEmulator,
} from "@pfnet/arm-emulator";
import { AzureProvider, type AzureProviderOptions } from "@pfnet/azure";
import type { PfnetEvent, Topology } from "@pfnet/core";
import { assertConformant } from "../arm-emulator/conformance/log-check.js";

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

/**
 * An emulator for a test. Closing it checks its whole request log against the official specs
 * (test/azure-specs): a request no spec declares, a body the spec rejects or a field it lacks,
 * or an answer status it does not list fails the test that made it.
 */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const em = await startEmulator({ timeScale: TEST_TIME_SCALE, ...options });
  const close = em.close.bind(em);
  em.close = async () => {
    await close();
    assertConformant(em.requests.entries, "the emulator's request log");
  };
  return em;
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

export interface RowExtras {
  /** Services reached by private endpoint (default aoai, search, safety). */
  services?: string[];
  /** Outside hosts after serpapi.com (only where egress is private). */
  hosts?: string[];
  /** The managed online endpoint pf-chat (default true). */
  endpoints?: boolean;
  /** The storage role grant (default true, as in the spec language). */
  storageRole?: boolean;
}

/** A managed-VNet spec for one row of the seed table: AOAI, AI Search, Content Safety, and serpapi.com where egress is private. */
export function rowSpec(row: Row, extra: RowExtras = {}): Topology {
  const hosts = row.egress === "private" ? ["serpapi.com", ...(extra.hosts ?? [])] : [];
  const services = extra.services ?? ["aoai", "search", "safety"];
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
        ...(extra.storageRole === false ? { storageRole: false } : {}),
        reach: {
          ...(services.length > 0 ? { services } : {}),
          ...(hosts.length > 0 ? { hosts } : {}),
        },
        ...(extra.endpoints === false ? {} : { endpoints: { "pf-chat": { ingress: row.ingress } } }),
      },
    },
  } as Topology;
}

export function recorder(): { events: PfnetEvent[]; onEvent: (e: PfnetEvent) => void } {
  const events: PfnetEvent[] = [];
  return { events, onEvent: (e) => events.push(e) };
}

/** Requests that change something (the emulator's log). */
export function writes(em: Emulator): { method: string; path: string }[] {
  return em.requests.entries.filter((r) => r.method !== "GET" && r.method !== "HEAD");
}

/** Workspace names of a fleet: fleet-000, fleet-001, … */
export const fleetWorkspaceName = (index: number) => `fleet-${String(index).padStart(3, "0")}`;

/**
 * The default seed plus `count` fleet workspaces (isolation Disabled, public, sharing the default
 * workspace's storage account and key vault, so every target the row specs reach exists).
 */
export function fleetSeed(count: number): SeedEnvironment {
  const seed = defaultSeed();
  for (let index = 0; index < count; index++) {
    seed.workspaces.push({
      name: fleetWorkspaceName(index),
      publicNetworkAccess: "Enabled",
      isolationMode: "Disabled",
      storageAccount: "stpfws",
      keyVault: "kv-pf-ws",
    });
  }
  return seed;
}

/**
 * A fleet spec: `count` managed workspaces of one row, each with `rules` outbound rules (the
 * three private-endpoint services, then FQDN rules to serpapi.com and host-N.example.com when
 * egress is private), no online endpoint.
 */
export function fleetSpec(count: number, rules: number, row: Row = ROWS[3]!): Topology {
  const template = rowSpec(row, { endpoints: false }).workspaces["pf-ws"]!;
  const services = ["aoai", "search", "safety"].slice(0, Math.min(3, rules));
  const hosts =
    row.egress === "private"
      ? ["serpapi.com", ...Array.from({ length: rules }, (_, i) => `host-${i + 1}.example.com`)].slice(
          0,
          rules - services.length,
        )
      : [];
  const workspaces: Topology["workspaces"] = {};
  for (let index = 0; index < count; index++) {
    workspaces[fleetWorkspaceName(index)] = {
      ...template,
      ...(hosts.length > 0 ? { firewallSku: "Basic" as const } : {}),
      reach: { services, ...(hosts.length > 0 ? { hosts } : {}) },
    };
  }
  return { ...rowSpec(row), workspaces };
}
