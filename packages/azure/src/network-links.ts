/**
 * `AzureProvider.networkLinks`: how other virtual networks reach an own-VNet workspace's VNet,
 * for the AKS placement rule (PFN222). The VNet's peerings (`VirtualNetworkPeerings_List`,
 * arm-network, api-version 2025-05-01): a connected peering joins the remote VNet, or only its
 * `remoteSubnetNames` when it does not peer the complete VNets; and the VNets of the workspace's
 * approved private endpoints (the workspace GET's `privateEndpointConnections` → each private
 * endpoint's subnet). Reads only, through the plan's shared read caches.
 */
import type { NetworkLinks, WorkspaceRef } from "@pfnet/core";
import { parseArmId } from "./kinds/nsgRule.js";
import { ownPrivateEndpoint } from "./kinds/privateEndpoint.js";
import type { ReadSession } from "./read.js";

const networkOf = (subnetId: string) => {
  const at = subnetId.toLowerCase().indexOf("/subnets/");
  return at < 0 ? subnetId : subnetId.slice(0, at);
};

/** The peered VNets (or subnets) of `vnetId`, one paged list per VNet and session. */
function peeredWith(session: ReadSession, vnetId: string): Promise<string[]> {
  return session.cached("peerings", vnetId.toLowerCase(), async () => {
    const vnet = parseArmId(vnetId);
    const client = await session.clients.network(vnet.subscriptionId);
    const peered: string[] = [];
    await session.clients.sdk(async () => {
      for await (const peering of client.virtualNetworkPeerings.list(vnet.resourceGroup, vnet.name, {
        abortSignal: session.signal,
      })) {
        const remote = peering.remoteVirtualNetwork?.id;
        if (!remote || peering.peeringState !== "Connected") continue;
        if (peering.peerCompleteVnets === false && (peering.remoteSubnetNames?.length ?? 0) > 0) {
          for (const subnet of peering.remoteSubnetNames ?? []) peered.push(`${remote}/subnets/${subnet}`);
        } else {
          peered.push(remote);
        }
      }
    });
    return peered;
  });
}

/** The VNets holding an approved private endpoint of the workspace. */
async function privateEndpointNetworks(session: ReadSession, ws: WorkspaceRef): Promise<string[]> {
  const connections = (await session.workspace(ws))?.body.properties?.privateEndpointConnections ?? [];
  const endpoints = connections
    .filter((c) => c.properties?.privateLinkServiceConnectionState?.status === "Approved")
    .map((c) => c.properties?.privateEndpoint?.id)
    .filter((id): id is string => typeof id === "string" && id !== "");
  const subnets = await Promise.all(
    endpoints.map(async (id) => {
      const pe = parseArmId(id);
      return (await ownPrivateEndpoint(session, pe.subscriptionId, pe.resourceGroup, pe.name))?.subnetId;
    }),
  );
  return [...new Set(subnets.filter((s): s is string => !!s).map(networkOf))];
}

export async function readNetworkLinks(
  session: ReadSession,
  ws: WorkspaceRef,
  vnetId: string,
): Promise<NetworkLinks> {
  const [peered, withEndpoint] = await Promise.all([
    peeredWith(session, vnetId),
    privateEndpointNetworks(session, ws),
  ]);
  return { peered, privateEndpointNetworks: withEndpoint };
}
