/**
 * The own-VNet private endpoint: its identity and target, its diff (any change replaces it: a
 * private endpoint's subnet, target and group cannot change in place), and its removal (only
 * `pfnet destroy` does it), which sends the VNet's traffic to the service back to its public
 * endpoint — without the endpoint there is no private path. pfnet does not read the service's
 * own public access, so it assumes the service stays publicly reachable (the safe side, as for
 * outbound rules): the removal is gated.
 */
import { inPlaceDiff } from "../diff/verdicts.js";
import { address, dependsOnOnly, privateEndpointName } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { deleting, range } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { text } from "./display.js";
import type { WeakeningDeclaration } from "./weakening.js";

export interface PrivateEndpointIdentity {
  workspace: WorkspaceRef;
  service: string;
  /** Azure name of the private endpoint. */
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location?: string;
}
export interface PrivateEndpointProperties {
  subnetId: string;
  targetId: string;
  groupId: string;
}

/** A gated weakening: the step deletes a resource that exists. */
export const removal = (change: string, description: string): WeakeningDeclaration => ({
  change,
  gated: true,
  test: ({ step, before }) => (step.action === "delete" && before !== null ? description : undefined),
});

export const privateEndpointWeakenings: readonly WeakeningDeclaration[] = [
  removal(
    "privateEndpointRemoved",
    "private endpoint removed: traffic from the VNet to the service takes its public endpoint, if the service accepts public traffic",
  ),
];

/** The node of the private endpoint to `service`, in the workspace's resource group, after the workspace. */
function privateEndpointNode(
  ref: WorkspaceRef,
  service: string,
  properties: PrivateEndpointProperties,
  location: string | undefined,
): ResourceNode<"privateEndpoint"> {
  return {
    address: address.privateEndpoint(ref.key, service),
    kind: "privateEndpoint",
    identity: {
      workspace: ref,
      service,
      name: privateEndpointName(ref.name, service),
      resourceGroup: ref.resourceGroup,
      subscriptionId: ref.subscriptionId,
      ...(location === undefined ? {} : { location }),
    },
    properties,
    dependsOn: dependsOnOnly(address.workspace(ref.key)),
  };
}

export const privateEndpoint: KindContract<"privateEndpoint", typeof privateEndpointNode> = {
  kind: "privateEndpoint",
  display: {
    name: "private endpoint",
    title: (identity) => `private endpoint ${text(identity.name) ?? ""}`,
  },
  node: privateEndpointNode,
  actions: ["create", "replace", "noop"],
  diff: inPlaceDiff<ResourceNode<"privateEndpoint">>({
    subject: (node) => `private endpoint ${node.identity.name}`,
    created: (node) => `create private endpoint ${node.identity.name} to ${node.identity.service}`,
    replaces: () => true,
  }),
  estimate: (step) => (step.action === "delete" ? deleting() : range(30, 180)),
  weakenings: privateEndpointWeakenings,
  // Its create or replace changes its DNS zone group and the connection on the target.
  changes(write, step, sameWorkspace) {
    if (step.kind === "privateDnsZoneGroup") {
      const parent = (step.identity as { privateEndpoint?: { name?: string } }).privateEndpoint?.name;
      return parent !== undefined && parent === (write.identity as { name?: string }).name;
    }
    if (step.kind === "privateEndpointApproval") {
      const service = (write.identity as { service?: string }).service;
      return sameWorkspace && (step.identity as { service?: string }).service === service;
    }
    return false;
  },
  destroy: { label: (identity) => `private endpoint ${String(identity.name)}` },
};
