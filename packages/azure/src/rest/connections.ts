/**
 * Generic `privateEndpointConnections` list/get/put on a target resource (`{targetId}/privateEndpointConnections`),
 * the same ARM pattern on every provider namespace. The api-version differs per namespace;
 * the table below lists the ones pfnet uses, each one whose spec is vendored in
 * test/azure-specs (overridable through the provider option `privateEndpointConnectionApiVersions`).
 * A namespace outside the table has no default: pfnet will not send an api-version no spec backs.
 */
import { PfnetError } from "@pfnet/core";
import { type ArmRest, awaitOperation, pollUrlOf, withApiVersion } from "./arm.js";
import type { PrivateEndpointConnection } from "./types.js";

/** api-version per resource-provider namespace (lower case); the spec files are in packages/azure/ARCHITECTURE.md. */
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
    const namespace = providerNamespace(targetId);
    const ns = namespace.toLowerCase();
    const known = this.overrides[ns] ?? PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS[ns];
    if (known) return known;
    throw new PfnetError(
      "CONNECTION_API_VERSION_UNKNOWN",
      `pfnet has no api-version for the private-endpoint connections of ${namespace || targetId}.`,
      {
        hint: `Set one for it: new AzureProvider({ privateEndpointConnectionApiVersions: { "${ns || "<namespace>"}": "<api-version>" } }) — a stable version of that provider's privateEndpointConnections API (see docs/azure-assumptions.md, UNCONFIRMED 8).`,
        details: { namespace, targetId, known: Object.keys(PRIVATE_ENDPOINT_CONNECTION_API_VERSIONS) },
      },
    );
  }

  async list(targetId: string, signal: AbortSignal): Promise<PrivateEndpointConnection[]> {
    return this.arm.listAll<PrivateEndpointConnection>(`${targetId}/privateEndpointConnections`, {
      apiVersion: this.apiVersionFor(targetId),
      signal,
    });
  }

  /**
   * Approve: PUT the connection with status Approved. A 200 is done (whatever the connection's
   * provisioning state: SQL's spec spells it `Ready`/`Approving`, which core-lro's body polling
   * would take for "still running" forever); a 201 / 202 with a poll URL is followed to its end
   * (CognitiveServices, Container Registry, Cosmos DB, SQL, Redis declare those). The caller
   * reads the connection again afterwards either way.
   */
  async approve(connectionId: string, targetId: string, signal: AbortSignal): Promise<void> {
    const apiVersion = this.apiVersionFor(targetId);
    const response = await this.arm.send("PUT", connectionId, {
      apiVersion,
      body: {
        properties: {
          privateLinkServiceConnectionState: { status: "Approved", description: "Approved by pfnet" },
        },
      },
      signal,
    });
    if (response.status !== 201 && response.status !== 202) return;
    const url = pollUrlOf(response);
    if (!url) return;
    await awaitOperation(this.arm, withApiVersion(url, apiVersion), {
      apiVersion,
      signal,
      defaultPollMs: this.arm.defaultPollMs,
    });
  }
}
