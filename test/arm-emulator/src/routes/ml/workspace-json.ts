/**
 * A workspace as the ML RP answers it: identity, the stored properties with the computed ones,
 * its own private-endpoint connections and, from 2023-10-01, the managed network with its rules.
 */
import { allRules } from "../../state/ml/outbound-rules.js";
import { WORKSPACE_TYPE, type WorkspaceState } from "../../state/ml/workspaces.js";
import type { Model } from "../../state/model.js";
import { clone, type JsonObject } from "../../util.js";
import { connectionJson } from "../targets.js";
import { firewallPublicIpAddress } from "./managed-network.js";
import { ruleBody } from "./outbound-rules.js";

export function workspaceJson(
  model: Model,
  ws: WorkspaceState,
  apiVersion = "2025-12-01",
  ruleMap: "present" | "absent" = "present",
): JsonObject {
  const mn = ws.managedNetwork;
  const rules: JsonObject = {};
  for (const r of allRules(model, ws)) rules[r.name] = ruleBody(r);
  const inbound = model.resource(ws.id);
  const connections = inbound ? [...inbound.connections.values()].map((c) => connectionJson(inbound, c)) : [];
  const identity: JsonObject =
    ws.identityType === "None"
      ? { type: "None" }
      : {
          type: ws.identityType,
          ...(ws.principalId ? { principalId: ws.principalId, tenantId: model.tenantId } : {}),
          ...(ws.userAssignedIdentities ? { userAssignedIdentities: clone(ws.userAssignedIdentities) } : {}),
        };
  const properties: JsonObject = {
    ...clone(ws.properties),
    workspaceId: ws.workspaceId,
    provisioningState: ws.provisioningState,
    publicNetworkAccess: ws.publicNetworkAccess,
    discoveryUrl: `https://${ws.location}.api.azureml.ms/discovery`,
    mlFlowTrackingUri: `azureml://${ws.location}.api.azureml.ms/mlflow/v1.0${ws.id}`,
    hbiWorkspace: ws.properties.hbiWorkspace ?? false,
    v1LegacyMode: ws.properties.v1LegacyMode ?? false,
    privateEndpointConnections: connections,
    privateLinkCount: connections.length,
    serviceProvisionedResourceGroup: `${ws.name}_${ws.workspaceId.replace(/-/g, "").slice(0, 16)}`,
  };
  if (apiVersion >= "2023-10-01") {
    properties.managedNetwork = {
      isolationMode: mn.isolationMode,
      networkId: mn.networkId,
      // Optional in ManagedNetworkSettings; the official get example carries it.
      ...(ruleMap === "present" ? { outboundRules: rules } : {}),
      status: { status: mn.status, sparkReady: mn.sparkReady },
      ...(mn.firewallSku ? { firewallSku: mn.firewallSku } : {}),
      ...(mn.firewall ? { firewallPublicIpAddress: firewallPublicIpAddress(mn.networkId) } : {}),
      ...(mn.managedNetworkKind ? { managedNetworkKind: mn.managedNetworkKind } : {}),
      enableFirewallLog: mn.enableFirewallLog ?? false,
      enableNetworkMonitor: mn.enableNetworkMonitor ?? false,
    };
  }
  return {
    id: ws.id,
    name: ws.name,
    type: WORKSPACE_TYPE,
    location: ws.location,
    ...(ws.kind !== undefined ? { kind: ws.kind } : {}),
    ...(ws.sku !== undefined ? { sku: clone(ws.sku) } : { sku: { name: "Basic", tier: "Basic" } }),
    ...(ws.tags !== undefined ? { tags: clone(ws.tags) } : {}),
    // No etag: workspaceRP.json 2025-12-01 `Workspace` declares none (and its PATCH no If-Match).
    identity,
    properties,
  };
}
