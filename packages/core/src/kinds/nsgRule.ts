/** The NSG rule kind: one outbound rule an own-VNet workspace needs in its subnet's NSG, updated in place. */
import { inPlaceDiff } from "../diff/verdicts.js";
import { address } from "../expand/names.js";
import type { ResourceNode } from "../model.js";
import { deleting, range } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { text } from "./display.js";

export interface NsgRuleIdentity {
  nsgId: string;
  ruleName: string;
}
export interface NsgRuleProperties {
  direction: "Outbound";
  access: "Allow";
  protocol: "Tcp" | "Udp" | "*";
  destinationAddressPrefix: string;
  destinationPortRanges: string[];
  priority: number;
}

/** A required NSG rule's node, addressed under the workspace (`workspaceKey`) that owns it. */
function nsgRuleNode(
  workspaceKey: string,
  nsgId: string,
  ruleName: string,
  properties: NsgRuleProperties,
): ResourceNode<"nsgRule"> {
  return {
    address: address.nsgRule(workspaceKey, ruleName),
    kind: "nsgRule",
    identity: { nsgId, ruleName },
    properties,
    dependsOn: [],
    // Writes to one NSG conflict in Azure (AnotherOperationInProgress): one at a time.
    lane: `nsg:${nsgId.toLowerCase()}`,
  };
}

export const nsgRule: KindContract<"nsgRule", typeof nsgRuleNode> = {
  kind: "nsgRule",
  display: {
    name: "NSG rule",
    title: (identity) => `NSG rule ${text(identity.ruleName) ?? ""}`,
  },
  node: nsgRuleNode,
  actions: ["create", "update", "noop"],
  diff: inPlaceDiff<ResourceNode<"nsgRule">>({
    subject: (node) => `NSG rule ${node.identity.ruleName}`,
    created: (node) => `create NSG rule ${node.identity.ruleName}`,
  }),
  estimate: (step) => (step.action === "delete" ? deleting() : range(5, 30)),
  weakenings: [],
  destroy: { label: (identity) => `NSG rule ${String(identity.ruleName)}` },
};
