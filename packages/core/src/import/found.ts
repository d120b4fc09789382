/**
 * What import reads of one workspace: its reference and inventory, and the probe nodes read for
 * it (the workspace, its storage role, endpoints, and the DNS zone groups of the private
 * endpoints pfnet would have named for it).
 */
import { address, privateEndpointName } from "../expand/names.js";
import { type ResourceNode, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR, type WorkspaceRef } from "../model.js";
import type { Inventory } from "../provider.js";
import { escapeToken } from "../spec/pointer.js";

export const lower = (value: string) => value.toLowerCase();
export const str = (value: unknown) => (typeof value === "string" ? value : undefined);
export const pointer = (...tokens: string[]) => tokens.map((token) => `/${escapeToken(token)}`).join("");

export interface Found {
  ref: WorkspaceRef;
  location: string | undefined;
  onlineEndpoints: string[];
  inventory: Inventory;
}

/** The nodes read to describe a workspace (their desired values are never compared). */
export function probeNodes(found: Found, subscriptionId: string): ResourceNode[] {
  const { ref } = found;
  const key = ref.key;
  const nodes: ResourceNode[] = [
    {
      address: address.workspace(key),
      kind: "workspace",
      identity: { workspace: ref },
      properties: { publicNetworkAccess: "Disabled", isolationMode: "AllowOnlyApprovedOutbound" },
      dependsOn: [],
    },
    {
      address: address.storageRole(key),
      kind: "roleAssignment",
      identity: { workspace: ref },
      properties: {
        roleDefinitionId: `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR}`,
        principalType: "ServicePrincipal",
      },
      dependsOn: [],
    },
  ];
  for (const endpointName of found.onlineEndpoints) {
    nodes.push({
      address: address.endpoint(key, endpointName),
      kind: "onlineEndpoint",
      identity: { workspace: ref, endpointName },
      properties: { publicNetworkAccess: "Disabled" },
      dependsOn: [],
    });
  }
  // Own VNet: the private endpoints pfnet would have named for this workspace, and their DNS zone groups.
  const prefix = lower(privateEndpointName(ref.name, ""));
  for (const pe of found.inventory.privateEndpoints) {
    if (!lower(pe.name).startsWith(prefix) || pe.name.length === prefix.length) continue;
    const service = pe.name.slice(prefix.length);
    nodes.push({
      address: address.dnsZoneGroup(key, service),
      kind: "privateDnsZoneGroup",
      identity: {
        privateEndpoint: {
          subscriptionId: ref.subscriptionId,
          resourceGroup: ref.resourceGroup,
          name: pe.name,
        },
      },
      properties: { privateDnsZoneIds: [] },
      dependsOn: [],
    });
  }
  return nodes;
}
