/** Shared builders for core tests: the emulator's default names, small topologies, a seeded provider. */
import { PLAN_ACTIONS, PLAN_FORMAT_VERSION, type Plan, type PlanStep } from "../src/plan/types.js";
import type { Topology, WorkspaceSpec } from "../src/spec/schema.js";
import { MemoryProvider, type MemoryProviderOptions, memoryWorkspace } from "../src/testing/index.js";

export const SUB = "11111111-2222-3333-4444-555555555555";
export const RG = "rg-promptflow";
export const rgId = `/subscriptions/${SUB}/resourceGroups/${RG}`;
export const AOAI = `${rgId}/providers/Microsoft.CognitiveServices/accounts/aoai-pf`;
export const SEARCH = `${rgId}/providers/Microsoft.Search/searchServices/srch-pf`;
export const SAFETY = `${rgId}/providers/Microsoft.CognitiveServices/accounts/cs-pf`;
export const LOCKED = `${rgId}/providers/Microsoft.Search/searchServices/srch-locked`;
export const VNET = `${rgId}/providers/Microsoft.Network/virtualNetworks/vnet-pf`;
export const SUBNET_PE = `${VNET}/subnets/snet-pe`;
export const SUBNET_COMPUTE = `${VNET}/subnets/snet-compute`;
export const NSG = `${rgId}/providers/Microsoft.Network/networkSecurityGroups/nsg-pf`;

export const services: NonNullable<Topology["services"]> = {
  aoai: { kind: "azureOpenAI", id: AOAI },
  search: { kind: "aiSearch", id: SEARCH },
  safety: { kind: "contentSafety", id: SAFETY },
  locked: { kind: "aiSearch", id: LOCKED },
};

export function topology(workspaces: Record<string, WorkspaceSpec>): Topology {
  return {
    version: 1,
    subscriptionId: SUB,
    resourceGroup: RG,
    location: "eastus",
    services: structuredClone(services),
    workspaces,
  };
}

export const managedPrivate = (overrides: Partial<WorkspaceSpec> = {}): WorkspaceSpec => ({
  network: "managed",
  ingress: "private",
  egress: "private",
  firewallSku: "Basic",
  authoring: ["serverless"],
  inference: "managedOnlineEndpoint",
  reach: { services: ["aoai", "search", "safety"], hosts: ["serpapi.com"] },
  endpoints: { "pf-chat": { ingress: "private" } },
  ...overrides,
});

export const byoPrivate = (overrides: Partial<WorkspaceSpec> = {}): WorkspaceSpec => ({
  network: "byo",
  ingress: "private",
  egress: "public",
  authoring: ["serverless"],
  inference: "kubernetesOnlineEndpoint",
  vnet: { vnetId: VNET, subnetId: SUBNET_PE, nsgId: NSG, aksComputeName: "aks-pf" },
  serverless: { subnetId: SUBNET_COMPUTE, noPublicIp: true },
  reach: { services: ["aoai", "search", "safety"] },
  ...overrides,
});

export const createBlock = {
  storageAccount: `${rgId}/providers/Microsoft.Storage/storageAccounts/stpfdeploy`,
  keyVault: `${rgId}/providers/Microsoft.KeyVault/vaults/kv-pf-deploy`,
};

/** The emulator's default environment: pf-ws (public, isolation Disabled) and pf-byo (with an AKS compute). */
export function seededProvider(options: MemoryProviderOptions = {}): MemoryProvider {
  return new MemoryProvider({
    ...options,
    state: {
      workspaces: [
        memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name: "pf-ws" }),
        memoryWorkspace({
          subscriptionId: SUB,
          resourceGroup: RG,
          name: "pf-byo",
          publicNetworkAccess: "Disabled",
          computes: ["aks-pf"],
        }),
      ],
      ...options.state,
    },
  });
}

/**
 * A plan around synthetic steps no spec makes (any graph the scheduler tests need). It does not
 * re-derive, so only `applyVerified` (the walk without re-derivation) runs it.
 */
export function syntheticPlan(steps: PlanStep[], provider = "synthetic"): Plan {
  const summary = Object.fromEntries(PLAN_ACTIONS.map((action) => [action, 0])) as Plan["summary"];
  for (const step of steps) summary[step.action]++;
  return {
    formatVersion: PLAN_FORMAT_VERSION,
    specHash: "0".repeat(64),
    provider,
    origin: {
      mode: "apply",
      topology: { version: 1, subscriptionId: SUB, resourceGroup: RG, workspaces: {} },
    },
    steps,
    diagnostics: [],
    fingerprints: {},
    unmanaged: [],
    summary,
  };
}
