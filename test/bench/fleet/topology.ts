/** The synthetic fleet of the core benchmarks: managed workspaces with 10 private-endpoint and 30 FQDN rules each. */
import type { Topology } from "@pfnet/core";

export const SUB = "11111111-2222-3333-4444-555555555555";
export const RG = "rg-bench";

export function fleetTopology(count: number): Topology {
  const services: NonNullable<Topology["services"]> = {};
  for (let i = 0; i < 10; i++) {
    services[`svc${i}`] = {
      kind: "azureOpenAI",
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.CognitiveServices/accounts/aoai-${i}`,
    };
  }
  const workspaces: Topology["workspaces"] = {};
  for (let w = 0; w < count; w++) {
    workspaces[`ws-${String(w).padStart(5, "0")}`] = {
      network: "managed",
      ingress: "private",
      egress: "private",
      firewallSku: "Basic",
      reach: {
        services: Object.keys(services),
        hosts: Array.from({ length: 30 }, (_, h) => `host-${h}.example.com`),
      },
    };
  }
  return { version: 1, subscriptionId: SUB, resourceGroup: RG, location: "eastus", services, workspaces };
}

/**
 * The own-VNet fleet: workspaces in their own virtual networks (one NSG each) reaching the same 10
 * services through private endpoints with DNS zone groups, approvals and the required NSG rules.
 */
export function ownVnetFleetTopology(count: number): Topology {
  const managed = fleetTopology(0);
  const network = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network`;
  const workspaces: Topology["workspaces"] = {};
  for (let w = 0; w < count; w++) {
    const key = `ws-${String(w).padStart(5, "0")}`;
    workspaces[key] = {
      network: "byo",
      ingress: "private",
      egress: "public",
      vnet: {
        vnetId: `${network}/virtualNetworks/vnet-${key}`,
        subnetId: `${network}/virtualNetworks/vnet-${key}/subnets/snet-pe`,
        nsgId: `${network}/networkSecurityGroups/nsg-${key}`,
      },
      reach: { services: Object.keys(managed.services ?? {}) },
    };
  }
  return { ...managed, workspaces };
}
