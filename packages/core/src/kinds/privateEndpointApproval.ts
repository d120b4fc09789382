/**
 * The approval of a private-endpoint connection on a reached service: approved, or approved by
 * pfnet when it stays Pending (when the spec allows it), else left to the service owner.
 */
import { noop } from "../diff/verdicts.js";
import { address, dependsOnOnly } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { deleting, ESTIMATES, oneWait, range } from "../plan/estimates.js";
import type { ServiceSpec } from "../spec/schema.js";
import type { KindContract } from "./contract.js";
import { text } from "./display.js";

export interface PrivateEndpointApprovalIdentity {
  workspace: WorkspaceRef;
  service: string;
  /** ARM id of the target resource holding the connection. */
  targetId: string;
  /** The spec allows pfnet to approve the connection. */
  approve: boolean;
  /** `managed`: the managed network's PE (outbound rule); `byo`: the PE pfnet creates in the own VNet. */
  via: "managed" | "byo";
  /** The connection the spec names as the workspace's (`services.<name>.approvalConnection`). */
  approvalConnection?: string;
}
export interface PrivateEndpointApprovalProperties {
  status: "Approved";
}

/** Every approval desires the same: one frozen value (a fleet has 50,000 approvals). */
const APPROVED: PrivateEndpointApprovalProperties = Object.freeze({ status: "Approved" });

/**
 * Approval of the private-endpoint connection on a reached service, after the step that makes
 * the connection appear (`after`: provisioning of the managed network, or the own-VNet private
 * endpoint).
 */
function approvalNode(
  ref: WorkspaceRef,
  serviceName: string,
  service: Pick<ServiceSpec, "id" | "approve" | "approvalConnection">,
  via: "managed" | "byo",
  after: string,
): ResourceNode<"privateEndpointApproval"> {
  return {
    address: address.approval(ref.key, serviceName),
    kind: "privateEndpointApproval",
    identity: {
      workspace: ref,
      service: serviceName,
      targetId: service.id,
      approve: service.approve ?? true,
      via,
      ...(service.approvalConnection ? { approvalConnection: service.approvalConnection } : {}),
    },
    properties: APPROVED,
    dependsOn: dependsOnOnly(after),
  };
}

export const privateEndpointApproval: KindContract<"privateEndpointApproval", typeof approvalNode> = {
  kind: "privateEndpointApproval",
  display: {
    name: "private-endpoint approval",
    title: (identity) =>
      `private-endpoint approval on ${text(identity.targetId)?.split("/").pop() ?? text(identity.service) ?? "the service"}`,
    note: (step) =>
      step.identity.approve === false
        ? "the spec does not let pfnet approve; the service owner must."
        : undefined,
  },
  node: approvalNode,
  actions: ["approve", "noop"],
  diff(node, actual) {
    const { service, approve } = node.identity;
    if (actual.exists && actual.properties.status === "Approved")
      return noop(`the private-endpoint connection on ${service}`);
    const state = actual.exists
      ? `is ${String(actual.properties.status ?? "not approved")}`
      : "does not exist yet";
    return {
      action: "approve",
      changedPaths: actual.exists ? ["/status"] : [],
      reason: approve
        ? `the private-endpoint connection on ${service} ${state}; approve it when it stays Pending`
        : `the private-endpoint connection on ${service} ${state}; the service owner must approve it (approve: false)`,
    };
  },
  estimate: (step) =>
    step.action === "approve"
      ? oneWait(5, {
          kind: "approval",
          label: "approving the private-endpoint connection",
          expectedSeconds: ESTIMATES.approval,
        })
      : step.action === "delete"
        ? deleting()
        : range(5, 60),
  weakenings: [],
};
