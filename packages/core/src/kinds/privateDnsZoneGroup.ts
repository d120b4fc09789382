/**
 * The DNS zone group of an own-VNet private endpoint: the private DNS zones its records go to,
 * updated in place. Removing it (only `pfnet destroy` does) makes the service's name resolve to
 * its public address, so the removal is gated like the endpoint's (`privateEndpoint.ts`).
 */
import { inPlaceDiff } from "../diff/verdicts.js";
import { address } from "../expand/names.js";
import type { ResourceNode } from "../model.js";
import { deleting, range } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { removal } from "./privateEndpoint.js";
import type { WeakeningDeclaration } from "./weakening.js";

export interface PrivateDnsZoneGroupIdentity {
  privateEndpoint: { subscriptionId: string; resourceGroup: string; name: string };
}
export interface PrivateDnsZoneGroupProperties {
  /** ARM ids of the private DNS zones, sorted. */
  privateDnsZoneIds: string[];
}

export const privateDnsZoneGroupWeakenings: readonly WeakeningDeclaration[] = [
  removal(
    "privateDnsRecordsRemoved",
    "private DNS zone group removed: the service's name resolves to its public address, if the service accepts public traffic",
  ),
];

/** The zone group of the private endpoint node `pe`, after it; zone ids in sorted order. */
function zoneGroupNode(
  pe: ResourceNode<"privateEndpoint">,
  privateDnsZoneIds: readonly string[],
): ResourceNode<"privateDnsZoneGroup"> {
  const { workspace, service, subscriptionId, resourceGroup, name } = pe.identity;
  return {
    address: address.dnsZoneGroup(workspace.key, service),
    kind: "privateDnsZoneGroup",
    identity: { privateEndpoint: { subscriptionId, resourceGroup, name } },
    properties: { privateDnsZoneIds: [...privateDnsZoneIds].sort() },
    dependsOn: [pe.address],
  };
}

export const privateDnsZoneGroup: KindContract<"privateDnsZoneGroup", typeof zoneGroupNode> = {
  kind: "privateDnsZoneGroup",
  display: {
    name: "private DNS zone group",
    title: (identity) =>
      `private DNS zone group of ${(identity.privateEndpoint as { name?: string } | undefined)?.name ?? "the private endpoint"}`,
  },
  node: zoneGroupNode,
  actions: ["create", "update", "noop"],
  diff: inPlaceDiff({
    subject: () => "the private DNS zone group",
    created: () => "create the private DNS zone group",
  }),
  estimate: (step) => (step.action === "delete" ? deleting() : range(5, 60)),
  weakenings: privateDnsZoneGroupWeakenings,
  destroy: { label: () => "the private DNS zone group" },
};
