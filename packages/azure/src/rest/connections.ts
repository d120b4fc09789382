/**
 * Generic `privateEndpointConnections` list/get/put on a target resource (`{targetId}/privateEndpointConnections`),
 * the same ARM pattern on every provider namespace. The api-version differs per namespace;
 * the table below lists the ones pfnet uses (overridable through the provider options).
 */
import type { ArmRest } from "./arm.js";
import type { PrivateEndpointConnection } from "./types.js";

/** api-version per resource-provider namespace (lower case). */
export const PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS: Record<string, string> = {
  "microsoft.cognitiveservices": "2024-10-01",
  "microsoft.search": "2023-11-01",
  "microsoft.storage": "2023-05-01",
  "microsoft.keyvault": "2023-07-01",
  "microsoft.containerregistry": "2023-07-01",
  "microsoft.machinelearningservices": "2025-12-01",
  "microsoft.documentdb": "2024-05-15",
  "microsoft.sql": "2023-08-01",
  "microsoft.cache": "2024-03-01",
};

/** `Microsoft.Search` of `/subscriptions/…/providers/Microsoft.Search/searchServices/x`. */
export function providerNamespace(resourceId: string): string {
  const match = /\/providers\/([^/]+)\//i.exec(resourceId);
  return match?.[1] ?? "";
}

/** `Microsoft.Search/searchServices` of a resource id. */
export function resourceType(resourceId: string): string {
  const match = /\/providers\/([^/]+)\/([^/]+)\//i.exec(resourceId);
  return match ? `${match[1]}/${match[2]}` : "";
}

export class PrivateEndpointConnections {
  constructor(
    private readonly arm: ArmRest,
    private readonly overrides: Record<string, string> = {},
  ) {}

  apiVersionFor(targetId: string): string {
    const ns = providerNamespace(targetId).toLowerCase();
    return this.overrides[ns] ?? PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS[ns] ?? "2023-05-01";
  }

  list(targetId: string, signal: AbortSignal): Promise<PrivateEndpointConnection[]> {
    return this.arm.listAll<PrivateEndpointConnection>(`${targetId}/privateEndpointConnections`, {
      apiVersion: this.apiVersionFor(targetId),
      signal,
    });
  }

  /** Approve: PUT the connection with status Approved (some namespaces answer 202: polled). */
  async approve(connectionId: string, targetId: string, signal: AbortSignal): Promise<void> {
    await this.arm.lro("PUT", connectionId, {
      apiVersion: this.apiVersionFor(targetId),
      body: {
        properties: {
          privateLinkServiceConnectionState: { status: "Approved", description: "Approved by pfnet" },
        },
      },
      signal,
    });
  }
}
