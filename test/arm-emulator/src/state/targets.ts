/**
 * Private-endpoint targets (Storage, Key Vault, Container Registry, CognitiveServices, Search,
 * App Insights, Cosmos DB, SQL, Redis): their types and private-link group ids, their seeded records, and the
 * connections private endpoints make on them.
 */
import type { SeedTarget } from "../seed.js";
import type { JsonObject } from "../util.js";
import type { Model, PeConnection } from "./model.js";

export const TARGET_TYPES: Record<SeedTarget["type"], { type: string; groupIds: string[] }> = {
  storage: {
    type: "Microsoft.Storage/storageAccounts",
    groupIds: ["blob", "file", "queue", "table", "dfs", "web"],
  },
  keyVault: { type: "Microsoft.KeyVault/vaults", groupIds: ["vault"] },
  registry: { type: "Microsoft.ContainerRegistry/registries", groupIds: ["registry"] },
  cognitive: { type: "Microsoft.CognitiveServices/accounts", groupIds: ["account"] },
  search: { type: "Microsoft.Search/searchServices", groupIds: ["searchService"] },
  appInsights: { type: "Microsoft.Insights/components", groupIds: [] },
  // Served through their connection routes only (routes/targets.ts); group ids as private-link docs name them.
  cosmos: {
    type: "Microsoft.DocumentDB/databaseAccounts",
    groupIds: ["Sql", "MongoDB", "Cassandra", "Gremlin", "Table"],
  },
  sql: { type: "Microsoft.Sql/servers", groupIds: ["sqlServer"] },
  redis: { type: "Microsoft.Cache/redis", groupIds: ["redisCache"] },
};

/** A seeded target with the properties its GET shows in Azure (defaults of the default environment). */
export function seedTarget(model: Model, t: SeedTarget, rg: string, location: string): void {
  const meta = TARGET_TYPES[t.type];
  const properties: JsonObject = {
    provisioningState: "Succeeded",
    publicNetworkAccess: t.publicNetworkAccess ?? "Enabled",
    ...(t.type === "storage"
      ? {
          networkAcls: {
            bypass: "AzureServices",
            defaultAction: "Allow",
            ipRules: [],
            virtualNetworkRules: [],
          },
          primaryEndpoints: {
            blob: `https://${t.name}.blob.core.windows.net/`,
            file: `https://${t.name}.file.core.windows.net/`,
          },
        }
      : {}),
    ...(t.type === "cognitive"
      ? {
          endpoint: `https://${t.name}.openai.azure.com/`,
          customSubDomainName: t.name,
          // A new account open to all networks (assumed: the portal's "All networks").
          networkAcls: { defaultAction: "Allow", ipRules: [], virtualNetworkRules: [] },
        }
      : {}),
    // search.json 2023-11-01 spells these lowercase (`PublicNetworkAccess`, `ProvisioningState`).
    ...(t.type === "search"
      ? {
          provisioningState: "succeeded",
          status: "running",
          publicNetworkAccess: (t.publicNetworkAccess ?? "Enabled").toLowerCase(),
          networkRuleSet: { ipRules: [] },
        }
      : {}),
    // keyvault.json 2023-07-01 `VaultProperties` requires `tenantId` and `sku`.
    ...(t.type === "keyVault"
      ? {
          tenantId: model.tenantId,
          sku: { family: "A", name: t.sku ?? "standard" },
          vaultUri: `https://${t.name}.vault.azure.net/`,
        }
      : {}),
    ...(t.type === "registry"
      ? { loginServer: `${t.name}.azurecr.io`, networkRuleBypassOptions: "AzureServices" }
      : {}),
    ...(t.properties ?? {}),
  };
  model.putResource({
    id: `${model.rgId(rg)}/providers/${meta.type}/${t.name}`,
    name: t.name,
    type: meta.type,
    resourceGroup: rg,
    location: t.location ?? location,
    ...(t.kind ? { kind: t.kind } : t.type === "storage" ? { kind: "StorageV2" } : {}),
    ...(t.type === "storage" ? { sku: { name: "Standard_LRS", tier: "Standard" } } : {}),
    ...(t.type === "search" ? { sku: { name: "standard" } } : {}),
    ...(t.type === "cognitive" ? { sku: { name: "S0" } } : {}),
    // containerregistry.json 2023-07-01 `Registry` requires `sku`; Premium unless the seed says otherwise.
    ...(t.type === "registry" ? { sku: { name: t.sku ?? "Premium", tier: t.sku ?? "Premium" } } : {}),
    properties,
    autoApprove: t.autoApprove ?? true,
    callerMayApprove: t.callerMayApprove ?? true,
  });
}

/** Removes, on every resource, the private-endpoint connections `matches` picks. */
export function deleteConnections(model: Model, matches: (c: PeConnection) => boolean): void {
  for (const target of model.resources.values()) {
    for (const [k, c] of target.connections) if (matches(c)) target.connections.delete(k);
  }
}
