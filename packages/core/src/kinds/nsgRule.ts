/** The NSG rule kind: one outbound rule an own-VNet workspace needs in its subnet's NSG, updated in place. */
import { inPlaceDiff } from "../diff/verdicts.js";
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

export const nsgRule: KindContract<"nsgRule"> = {
  kind: "nsgRule",
  display: {
    name: "NSG rule",
    title: (identity) => `NSG rule ${text(identity.ruleName) ?? ""}`,
  },
  diff: inPlaceDiff<ResourceNode<"nsgRule">>({
    subject: (node) => `NSG rule ${node.identity.ruleName}`,
    created: (node) => `create NSG rule ${node.identity.ruleName}`,
  }),
  estimate: (step) => (step.action === "delete" ? deleting() : range(5, 30)),
  weakenings: [],
};
