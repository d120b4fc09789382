/**
 * The managed network of a workspace: desired Active with every user-defined rule Active. It is
 * diffed last, from its workspace's verdicts: provisioned when it is not Active, when the
 * workspace is new or changes its isolation mode, or when any rule changes or is not Active.
 */

import { noop } from "../diff/verdicts.js";
import { address } from "../expand/names.js";
import type { ActualResource, ResourceNode, WorkspaceRef } from "../model.js";
import { deleting, ESTIMATES, FIREWALL_WAIT, isActive, range } from "../plan/estimates.js";
import type { PlanWait } from "../plan/types.js";
import type { KindContract } from "./contract.js";
import { workspaceNameOf } from "./display.js";

export interface ManagedNetworkIdentity {
  workspace: WorkspaceRef;
}
/** Desired: the network is provisioned and every user-defined rule is Active. */
export interface ManagedNetworkProperties {
  status: "Active";
  /** Whether any FQDN rule exists (the first one adds about 10 minutes: Azure Firewall). */
  hasFqdnRules: boolean;
}

/** A rule's provisioning status as read (facts first: providers report it there). */
function ruleStatus(actual: ActualResource): string | undefined {
  if (!actual.exists) return undefined;
  const status = actual.facts?.status ?? actual.properties.status;
  return typeof status === "string" ? status : undefined;
}

/** The network's node: provisioned after the workspace's settings and every one of its rules. */
function networkNode(
  ref: WorkspaceRef,
  hasFqdnRules: boolean,
  ruleAddresses: readonly string[],
): ResourceNode<"managedNetwork"> {
  return {
    address: address.network(ref.key),
    kind: "managedNetwork",
    identity: { workspace: ref },
    properties: { status: "Active", hasFqdnRules },
    dependsOn: [address.workspace(ref.key), ...ruleAddresses],
    lane: address.lane(ref.key),
  };
}

export const managedNetwork: KindContract<"managedNetwork", typeof networkNode> = {
  kind: "managedNetwork",
  display: {
    name: "managed network",
    title: (identity) => `managed network of ${workspaceNameOf(identity) ?? "the workspace"}`,
  },
  node: networkNode,
  actions: ["provision", "noop"],
  diffLast: true,
  diff(node, actual, context) {
    const key = node.identity.workspace.key;
    const reasons: string[] = [];
    const status = actual.exists ? actual.properties.status : undefined;
    if (status !== "Active")
      reasons.push(
        actual.exists
          ? `the managed network is ${String(status ?? "not provisioned")}`
          : "the managed network is not provisioned",
      );
    const workspaceVerdict = context.verdictOf(address.workspace(key));
    if (workspaceVerdict?.action === "create") reasons.push("the workspace is new");
    else if (workspaceVerdict?.changedPaths.includes("/isolationMode"))
      reasons.push("the isolation mode changes");
    const rules = context.diffedOf(key, "outboundRule");
    const changedRules = rules
      .filter((rule) => rule.verdict.action !== "noop")
      .map((rule) => rule.node.identity.ruleName);
    if (changedRules.length > 0) reasons.push(`outbound rules change (${changedRules.join(", ")})`);
    const inactive: string[] = [];
    for (const rule of rules) {
      if (rule.verdict.action !== "noop") continue;
      const ruleState = ruleStatus(rule.actual);
      if (ruleState !== undefined && ruleState !== "Active")
        inactive.push(`${rule.node.identity.ruleName}: ${ruleState}`);
    }
    if (inactive.length > 0) reasons.push(`outbound rules are not Active (${inactive.join(", ")})`);
    // Under AllowInternetOutbound Azure adds a dependency's private endpoint when its public
    // access turns off: provisioning follows at once.
    const madePrivate = context
      .diffedOf(key, "dependencyNetworkAccess")
      .filter(
        (dependency) =>
          dependency.verdict.action !== "noop" &&
          dependency.node.identity.privatePath === "createdWithProvisioning" &&
          dependency.node.properties.publicNetworkAccess === "Disabled",
      )
      .map((dependency) => dependency.node.identity.dependency);
    if (madePrivate.length > 0)
      reasons.push(
        `dependencies turn private (${madePrivate.join(", ")}): Azure adds their private endpoints`,
      );
    if (reasons.length === 0) return noop("the managed network (Active, every rule Active)");
    return {
      action: "provision",
      changedPaths: status !== "Active" ? ["/status"] : [],
      reason: `provision the managed network and wait until it is Active: ${reasons.join("; ")}`,
    };
  },
  estimate(step, actual) {
    if (step.action === "delete") return deleting();
    if (step.action !== "provision") return range(5, 60);
    // An Active network is not provisioned again: the step waits for changed rules to settle.
    const waits: PlanWait[] = isActive(actual)
      ? [
          {
            kind: "provisioning",
            label: "waiting for the changed outbound rules to become Active",
            expectedSeconds: ESTIMATES.ruleActivation,
          },
        ]
      : [
          {
            kind: "provisioning",
            label: "provisioning the managed network",
            expectedSeconds: ESTIMATES.provisioning,
          },
        ];
    const wantsFqdn = step.after?.hasFqdnRules === true;
    const hadFqdn = actual?.exists === true && actual.properties.hasFqdnRules === true;
    // On an Active network the firewall comes with the first FQDN rule's write (that step waits).
    if (wantsFqdn && !hadFqdn && !isActive(actual)) waits.push(FIREWALL_WAIT);
    const total = waits.reduce((sum, wait) => sum + wait.expectedSeconds, 0);
    return { estimatedSeconds: { min: Math.round(total / 3), max: total }, waits };
  },
  weakenings: [],
  // Provisioning creates the managed private endpoints (connections to approve) and changes
  // what online endpoints see.
  changes: (_write, step, sameWorkspace) =>
    sameWorkspace && (step.kind === "privateEndpointApproval" || step.kind === "onlineEndpoint"),
};
