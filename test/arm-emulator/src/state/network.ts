/**
 * Microsoft.Network state: seeded virtual networks (with subnets), network security groups and
 * private DNS zones, and what a private endpoint does to its target: a connection made when the
 * endpoint is created, removed with it.
 */
import type { SeedPeering, SeedVirtualNetwork } from "../seed.js";
import { isObject, key, str } from "../util.js";
import type { ArmResource, Model } from "./model.js";
import { deleteConnections } from "./targets.js";

export function seedVirtualNetwork(
  model: Model,
  vnet: SeedVirtualNetwork,
  rg: string,
  location: string,
): void {
  const id = `${model.rgId(rg)}/providers/Microsoft.Network/virtualNetworks/${vnet.name}`;
  model.putResource({
    id,
    name: vnet.name,
    type: "Microsoft.Network/virtualNetworks",
    resourceGroup: rg,
    location,
    properties: {
      provisioningState: "Succeeded",
      addressSpace: { addressPrefixes: vnet.addressPrefixes ?? ["10.0.0.0/16"] },
    },
  });
  for (const s of vnet.subnets) {
    model.putResource({
      id: `${id}/subnets/${s.name}`,
      name: s.name,
      type: "Microsoft.Network/virtualNetworks/subnets",
      resourceGroup: rg,
      location,
      properties: { provisioningState: "Succeeded", addressPrefix: s.addressPrefix },
    });
  }
  for (const peering of vnet.peerings ?? []) seedPeering(model, id, rg, location, peering);
}

/**
 * A peering of `vnetId` (read through `VirtualNetworkPeerings_List`), in the state the seed or
 * test says; the remote VNet by name (same resource group) or id.
 */
export function seedPeering(
  model: Model,
  vnetId: string,
  rg: string,
  location: string,
  peering: SeedPeering,
): void {
  const remote = peering.remoteVirtualNetwork.startsWith("/")
    ? peering.remoteVirtualNetwork
    : `${model.rgId(rg)}/providers/Microsoft.Network/virtualNetworks/${peering.remoteVirtualNetwork}`;
  const subnetPeering = (peering.remoteSubnetNames?.length ?? 0) > 0;
  model.putResource({
    id: `${vnetId}/virtualNetworkPeerings/${peering.name}`,
    name: peering.name,
    type: "Microsoft.Network/virtualNetworks/virtualNetworkPeerings",
    resourceGroup: rg,
    location,
    properties: {
      provisioningState: "Succeeded",
      remoteVirtualNetwork: { id: remote },
      peeringState: peering.peeringState ?? "Connected",
      peeringSyncLevel: "FullyInSync",
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: false,
      allowGatewayTransit: false,
      useRemoteGateways: false,
      peerCompleteVnets: !subnetPeering,
      ...(subnetPeering ? { remoteSubnetNames: [...peering.remoteSubnetNames!] } : {}),
    },
  });
}

export function seedNetworkSecurityGroup(model: Model, name: string, rg: string, location: string): void {
  model.putResource({
    id: `${model.rgId(rg)}/providers/Microsoft.Network/networkSecurityGroups/${name}`,
    name,
    type: "Microsoft.Network/networkSecurityGroups",
    resourceGroup: rg,
    location,
    properties: { provisioningState: "Succeeded" },
  });
}

export function seedPrivateDnsZone(model: Model, name: string, rg: string): void {
  model.putResource({
    id: `${model.rgId(rg)}/providers/Microsoft.Network/privateDnsZones/${name}`,
    name,
    type: "Microsoft.Network/privateDnsZones",
    resourceGroup: rg,
    location: "global",
    properties: { provisioningState: "Succeeded" },
  });
}

/**
 * A created private endpoint makes a connection on each target it names: Approved when the
 * caller may approve on the target (automatic connections), Pending for manual ones.
 */
export function connectPrivateEndpoint(model: Model, pe: ArmResource): void {
  for (const [field, manual] of [
    ["privateLinkServiceConnections", false],
    ["manualPrivateLinkServiceConnections", true],
  ] as const) {
    const list = pe.properties[field];
    if (!Array.isArray(list)) continue;
    for (const c of list) {
      if (!isObject(c) || !isObject(c.properties)) continue;
      const target = model.resource(str(c.properties.privateLinkServiceId) ?? "");
      if (!target) continue;
      const approved = !manual && target.callerMayApprove;
      const name = `${pe.name}.${model.prng.guid()}`;
      target.connections.set(key(name), {
        name,
        privateEndpointId: pe.id,
        groupIds: Array.isArray(c.properties.groupIds) ? c.properties.groupIds.map(String) : [],
        status: approved ? "Approved" : "Pending",
        description: approved ? "Auto-Approved" : (str(c.properties.requestMessage) ?? "Awaiting approval"),
        provisioningState: "Succeeded",
      });
    }
  }
}

/** A deleted private endpoint's connections go with it. */
export function disconnectPrivateEndpoint(model: Model, peId: string): void {
  deleteConnections(model, (c) => key(c.privateEndpointId) === key(peId));
}
