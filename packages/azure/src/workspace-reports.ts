/**
 * What the workspace reports of itself: `AzureProvider.diagnose`, Azure's own diagnosis of a workspace's setup (`Workspaces_Diagnose`,
 * 2025-12-01), its result lists flattened into findings. Reads only (a POST action that changes
 * nothing); retried as a read, and a workspace that does not exist is `WORKSPACE_NOT_FOUND`.
 */
import {
  type DiagnosisCategory,
  type DiagnosisFinding,
  type OutboundDependency,
  PfnetError,
  type WorkspaceRef,
} from "@pfnet/core";
import type { AzureClients } from "./clients.js";
import type { DiagnoseResponseResult, ExternalFQDNResponse } from "./rest/types.js";
import { type RetryContext, withRetry } from "./retry.js";

/** Which result list holds which category. */
const CATEGORIES: ReadonlyArray<[keyof NonNullable<DiagnoseResponseResult["value"]>, DiagnosisCategory]> = [
  ["userDefinedRouteResults", "userDefinedRoute"],
  ["networkSecurityRuleResults", "networkSecurityRule"],
  ["resourceLockResults", "resourceLock"],
  ["dnsResolutionResults", "dnsResolution"],
  ["storageAccountResults", "storageAccount"],
  ["keyVaultResults", "keyVault"],
  ["containerRegistryResults", "containerRegistry"],
  ["applicationInsightsResults", "applicationInsights"],
  ["otherResults", "other"],
];

export function findingsOf(result: DiagnoseResponseResult | undefined): DiagnosisFinding[] {
  const value = result?.value ?? {};
  return CATEGORIES.flatMap(([list, category]) =>
    (value[list] ?? []).map((item) => ({
      category,
      code: item.code ?? "",
      // Absent level: Azure did not say how bad it is; a warning neither hides nor fails it.
      level: item.level ?? "Warning",
      message: item.message ?? "",
    })),
  );
}

export async function diagnoseWorkspace(
  clients: AzureClients,
  ref: WorkspaceRef,
  retry: RetryContext,
): Promise<DiagnosisFinding[]> {
  try {
    return findingsOf(await withRetry(() => clients.ml.diagnoseWorkspace(ref, retry.signal), retry));
  } catch (error) {
    if ((error as { status?: number }).status === 404)
      throw new PfnetError(
        "WORKSPACE_NOT_FOUND",
        `Workspace ${ref.name} was not found in resource group ${ref.resourceGroup} of subscription ${ref.subscriptionId}.`,
        { hint: "Run `pfnet apply` first, or check the spec's subscriptionId, resourceGroup and name." },
      );
    throw error;
  }
}

/** One entry per host of `ExternalFQDNResponse`, its TCP ports sorted; entries without a host dropped. */
export function dependenciesOf(response: ExternalFQDNResponse): OutboundDependency[] {
  return (response.value ?? []).flatMap((group) =>
    (group.properties?.endpoints ?? [])
      .filter((endpoint) => typeof endpoint.domainName === "string" && endpoint.domainName !== "")
      .map((endpoint) => ({
        category: group.properties?.category ?? "",
        domainName: endpoint.domainName!,
        ports: [
          ...new Set(
            (endpoint.endpointDetails ?? [])
              .map((detail) => detail.port)
              .filter((port): port is number => typeof port === "number"),
          ),
        ].sort((a, b) => a - b),
      })),
  );
}

/** The outbound dependencies an own-VNet workspace reports (`Workspaces_ListOutboundNetworkDependenciesEndpoints`). */
export async function outboundDependencies(
  clients: AzureClients,
  ref: WorkspaceRef,
  retry: RetryContext,
): Promise<OutboundDependency[]> {
  return dependenciesOf(await withRetry(() => clients.ml.listOutboundDependencies(ref, retry.signal), retry));
}
