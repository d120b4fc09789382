/**
 * `AzureProvider.inventory`: what one resource group holds that a spec can describe, for
 * `importTopology` — its workspaces (2025-12-01 list, with region) and their online endpoints,
 * its private endpoints and its network security groups (arm-network lists). Reads only; each
 * list goes through the shared request limit and the read retry policy.
 */
import type { Inventory, ResourceGroupScope, WorkspaceRef } from "@pfnet/core";
import type { AzureClients } from "./clients.js";
import { ReadSession } from "./read.js";
import { type RetryContext, withRetry } from "./retry.js";

export async function readInventory(
  clients: AzureClients,
  scope: ResourceGroupScope,
  retry: RetryContext,
): Promise<Inventory> {
  const { subscriptionId, resourceGroup } = scope;
  const signal = retry.signal;
  const session = new ReadSession(clients, retry);
  const listed = await withRetry(
    () => clients.ml.listWorkspaces(subscriptionId, resourceGroup, signal),
    retry,
  );
  const workspaces = await Promise.all(
    listed
      .filter((ws) => typeof ws.name === "string" && ws.name.length > 0)
      .map(async (ws) => {
        const ref: WorkspaceRef = { subscriptionId, resourceGroup, name: ws.name!, key: ws.name! };
        const endpoints = await session.onlineEndpoints(ref);
        return {
          name: ws.name!,
          ...(ws.location ? { location: ws.location } : {}),
          onlineEndpoints: [...endpoints.keys()].sort(),
        };
      }),
  );
  const network = await clients.network(subscriptionId);
  const privateEndpoints: Inventory["privateEndpoints"] = [];
  const networkSecurityGroups: Inventory["networkSecurityGroups"] = [];
  await withRetry(async () => {
    privateEndpoints.length = 0;
    await clients.sdk(async () => {
      for await (const pe of network.privateEndpoints.list(resourceGroup, { abortSignal: signal })) {
        const connection =
          pe.privateLinkServiceConnections?.[0] ?? pe.manualPrivateLinkServiceConnections?.[0];
        if (!pe.name || !pe.id) continue;
        privateEndpoints.push({
          name: pe.name,
          id: pe.id,
          subnetId: pe.subnet?.id ?? "",
          targetId: connection?.privateLinkServiceId ?? "",
          groupId: connection?.groupIds?.[0] ?? "",
        });
      }
    });
  }, retry);
  await withRetry(async () => {
    networkSecurityGroups.length = 0;
    await clients.sdk(async () => {
      for await (const nsg of network.networkSecurityGroups.list(resourceGroup, { abortSignal: signal })) {
        if (!nsg.id) continue;
        networkSecurityGroups.push({
          id: nsg.id,
          ruleNames: (nsg.securityRules ?? []).map((rule) => rule.name ?? "").filter(Boolean),
        });
      }
    });
  }, retry);
  return { workspaces, privateEndpoints, networkSecurityGroups };
}
