/** The online endpoint kind: its ingress setting, changed in place, and when that widens exposure. */
import { inPlaceDiff } from "../diff/verdicts.js";
import { address } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { deleting, range } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { onWorkspace, text } from "./display.js";
import type { WeakeningDeclaration } from "./weakening.js";

export interface OnlineEndpointIdentity {
  workspace: WorkspaceRef;
  endpointName: string;
}
export interface OnlineEndpointProperties {
  publicNetworkAccess: "Enabled" | "Disabled";
}

export const onlineEndpointWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "endpointIngressPublic",
    gated: true,
    test: ({ before, step }) =>
      before?.publicNetworkAccess === "Disabled" && step.after?.publicNetworkAccess === "Enabled"
        ? "endpoint ingress private -> public: the online endpoint becomes reachable from the internet"
        : undefined,
  },
];

/** An endpoint's node, after the managed network (`networkAddress`) when the spec provisions one. */
function endpointNode(
  ref: WorkspaceRef,
  endpointName: string,
  properties: OnlineEndpointProperties,
  networkAddress: string | undefined,
): ResourceNode<"onlineEndpoint"> {
  const workspaceAddress = address.workspace(ref.key);
  return {
    address: address.endpoint(ref.key, endpointName),
    kind: "onlineEndpoint",
    identity: { workspace: ref, endpointName },
    properties,
    // Online deployments cannot be created before the managed network is provisioned.
    dependsOn: networkAddress ? [workspaceAddress, networkAddress] : [workspaceAddress],
    lane: address.lane(ref.key),
  };
}

export const onlineEndpoint: KindContract<"onlineEndpoint", typeof endpointNode> = {
  kind: "onlineEndpoint",
  display: {
    name: "online endpoint",
    title: (identity) => `online endpoint ${text(identity.endpointName) ?? ""}${onWorkspace(identity)}`,
  },
  node: endpointNode,
  actions: ["create", "update", "noop"],
  diff: inPlaceDiff<ResourceNode<"onlineEndpoint">>({
    subject: (node) => `online endpoint ${node.identity.endpointName}`,
    created: (node) => `create online endpoint ${node.identity.endpointName}`,
  }),
  estimate: (step) =>
    step.action === "delete" ? deleting() : step.action === "create" ? range(60, 600) : range(10, 180),
  weakenings: onlineEndpointWeakenings,
};
