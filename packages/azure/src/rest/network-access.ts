/**
 * GET and PATCH of a resource's own network settings (`properties.publicNetworkAccess`) on the
 * resource itself, the same ARM pattern on every provider; the api-version per resource type is
 * one whose spec is vendored in test/azure-specs (route table in packages/azure/ARCHITECTURE.md):
 * - storage accounts 2025-08-01 (`StorageAccounts_GetProperties`, `StorageAccounts_Update`: 200);
 * - key vaults 2023-07-01 (`Vaults_Get`, `Vaults_Update`: 200/201; the value is a free string);
 * - container registries 2023-07-01 (`Registries_Get`, `Registries_Update`: long-running, 200/201).
 */
import { PfnetError } from "@pfnet/core";
import type { ArmResponse, ArmRest } from "./arm.js";
import { resourceType } from "./connections.js";

/** api-version per resource type (lower case). */
export const NETWORK_ACCESS_API_VERSIONS: Record<string, string> = {
  "microsoft.storage/storageaccounts": "2025-08-01",
  "microsoft.keyvault/vaults": "2023-07-01",
  "microsoft.containerregistry/registries": "2023-07-01",
};

/** What pfnet reads of such a resource. */
export interface NetworkAccessResource {
  id?: string;
  sku?: { name?: string; tier?: string };
  properties?: { publicNetworkAccess?: string; sku?: { name?: string }; [key: string]: unknown };
}

export function networkAccessApiVersion(id: string): string {
  const type = resourceType(id).toLowerCase();
  const version = NETWORK_ACCESS_API_VERSIONS[type];
  if (version) return version;
  throw new PfnetError("PROVIDER_ERROR", `pfnet does not change the network access of ${type || id}.`, {
    details: { id, known: Object.keys(NETWORK_ACCESS_API_VERSIONS) },
  });
}

/** The resource, or undefined when it does not exist. */
export function getNetworkAccess(
  arm: ArmRest,
  id: string,
  signal: AbortSignal,
): Promise<ArmResponse<NetworkAccessResource> | undefined> {
  return arm.getOptional<NetworkAccessResource>(id, { apiVersion: networkAccessApiVersion(id), signal });
}

/** PATCH `properties.publicNetworkAccess`, followed to its end when the provider answers it asynchronously. */
export function patchPublicNetworkAccess(
  arm: ArmRest,
  id: string,
  publicNetworkAccess: string,
  signal: AbortSignal,
): Promise<NetworkAccessResource | undefined> {
  return arm.lro<NetworkAccessResource>("PATCH", id, {
    apiVersion: networkAccessApiVersion(id),
    body: { properties: { publicNetworkAccess } },
    signal,
  });
}

/** `Enabled` / `Disabled` whatever the provider's spelling (Key Vault's is lower case); other values as read. */
export function normalisedAccess(value: string | undefined): string {
  if (value === undefined) return "Enabled";
  const lower = value.toLowerCase();
  return lower === "enabled" ? "Enabled" : lower === "disabled" ? "Disabled" : value;
}
