/**
 * The outbound rule kind: its identity and destination, its diff (a change of type replaces the
 * rule; a private-endpoint rule whose destination changes is replaced safely, under a new name,
 * by diff/replace-rules.ts; FQDN and service-tag rules change in place), and which of its changes widen
 * exposure. Removing a private-endpoint rule
 * is gated when the workspace allows internet outbound: its traffic to the service then takes
 * the service's public endpoint. pfnet does not read the service's own public access, so it
 * assumes the service stays publicly reachable (the safe side). New destinations under
 * approved-only egress are marked for review but not gated: the spec lists them on purpose.
 */
import { isReplacedDelete } from "../diff/replace-rules.js";
import { inPlaceDiff } from "../diff/verdicts.js";
import { address, dependsOnOnly } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { FIREWALL_WAIT, range } from "../plan/estimates.js";
import type { PlanStep } from "../plan/types.js";
import type { EstimateContext, KindContract } from "./contract.js";
import { onWorkspace, text } from "./display.js";
import type { WeakeningDeclaration } from "./weakening.js";

export interface OutboundRuleIdentity {
  workspace: WorkspaceRef;
  ruleName: string;
}
export type OutboundRuleProperties =
  | { type: "FQDN"; category: "UserDefined"; destination: string }
  | {
      type: "PrivateEndpoint";
      category: "UserDefined";
      destination: { serviceResourceId: string; subresourceTarget: string; sparkEnabled: boolean };
    }
  | {
      type: "ServiceTag";
      category: "UserDefined";
      destination: { serviceTag: string; protocol: string; portRanges: string; action: "Allow" };
    };

const APPROVED_ONLY = "AllowOnlyApprovedOutbound";

/** The port numbers of a range list such as `443, 8000-8010` (empty when unparsable). */
function ports(value: unknown): Array<[number, number]> {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      if (part === "*") return [0, 65535] as [number, number];
      const [from, to] = part.split("-").map((n) => Number(n.trim()));
      return [from ?? Number.NaN, to ?? from ?? Number.NaN] as [number, number];
    });
}

/** True when some port of `after` is not in `before`. */
function widerPorts(before: unknown, after: unknown): boolean {
  const old = ports(before);
  return ports(after).some(
    ([from, to]) =>
      !old.some(([oldFrom, oldTo]) => oldFrom <= from && to <= oldTo) || Number.isNaN(from + to),
  );
}

const destinationOf = (properties: Record<string, unknown> | null | undefined): string | undefined => {
  const destination = properties?.destination;
  if (typeof destination === "string") return destination;
  const tag = (destination as { serviceTag?: unknown } | undefined)?.serviceTag;
  return typeof tag === "string" ? `service tag ${tag}` : undefined;
};

export const outboundRuleWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "privateEndpointRuleRemoved",
    gated: true,
    // Not the delete of a replaced rule (`….replaced`): its replacement keeps the path.
    test: ({ step, before, isolationMode }) =>
      step.action === "delete" &&
      before?.type === "PrivateEndpoint" &&
      isolationMode !== APPROVED_ONLY &&
      !isReplacedDelete(step.address)
        ? "private-endpoint rule removed while internet outbound is allowed: traffic to the service takes its public endpoint"
        : undefined,
  },
  {
    change: "newOutboundDestination",
    gated: false,
    test: ({ step, before, isolationMode }) => {
      if (isolationMode !== APPROVED_ONLY || step.action === "delete" || step.action === "noop")
        return undefined;
      const type = step.after?.type;
      if (type !== "FQDN" && type !== "ServiceTag") return undefined;
      const destination = destinationOf(step.after);
      if (destination === undefined || destination === destinationOf(before)) return undefined;
      const what =
        type === "FQDN" ? (destination.startsWith("*.") ? "wildcard FQDN" : "FQDN") : "service tag";
      return `new outbound destination under approved-only egress: ${what} ${destination.replace(/^service tag /, "")}`;
    },
  },
  {
    change: "widerPorts",
    gated: false,
    test: ({ step, before, isolationMode }) => {
      if (isolationMode !== APPROVED_ONLY || before === null || step.after?.type !== "ServiceTag")
        return undefined;
      const was = (before.destination as { portRanges?: unknown } | undefined)?.portRanges;
      const will = (step.after.destination as { portRanges?: unknown } | undefined)?.portRanges;
      return destinationOf(before) === destinationOf(step.after) && widerPorts(was, will)
        ? `wider ports under approved-only egress: ${String(was)} -> ${String(will)}`
        : undefined;
    },
  },
];

/** Whether this rule write is the first FQDN rule of a workspace whose network is already Active. */
function firewallComesWith(step: PlanStep, context: EstimateContext): boolean {
  return (
    step.after?.type === "FQDN" &&
    !context.firewallCounted &&
    context.network?.exists === true &&
    context.network.properties.status === "Active" &&
    context.network.properties.hasFqdnRules !== true
  );
}

/** A rule's node: after its workspace's settings (public access off first), on the workspace's lane. */
function ruleNode(
  ref: WorkspaceRef,
  ruleName: string,
  properties: OutboundRuleProperties,
): ResourceNode<"outboundRule"> {
  return {
    address: address.rule(ref.key, ruleName),
    kind: "outboundRule",
    identity: { workspace: ref, ruleName },
    properties,
    dependsOn: dependsOnOnly(address.workspace(ref.key)),
    lane: address.lane(ref.key),
  };
}

export const outboundRule: KindContract<"outboundRule", typeof ruleNode> = {
  kind: "outboundRule",
  display: {
    name: "outbound rule",
    title: (identity) => `outbound rule ${text(identity.ruleName) ?? ""}${onWorkspace(identity)}`,
  },
  node: ruleNode,
  actions: ["create", "update", "replace", "noop"],
  diff: inPlaceDiff<ResourceNode<"outboundRule">>({
    subject: (node) => `outbound rule ${node.identity.ruleName}`,
    created: (node) => `add the ${node.properties.type} outbound rule ${node.identity.ruleName}`,
    replaces: (paths, node) =>
      paths.includes("/type") ||
      (node.properties.type === "PrivateEndpoint" && paths.some((path) => path.startsWith("/destination"))),
  }),
  // Deletes too: every rule write waits its turn on the workspace's lane.
  estimate: (step, _actual, context) =>
    step.action !== "delete" && firewallComesWith(step, context)
      ? { estimatedSeconds: { min: 10, max: 120 + FIREWALL_WAIT.expectedSeconds }, waits: [FIREWALL_WAIT] }
      : range(10, 120),
  weakenings: outboundRuleWeakenings,
  // A rule write changes the managed network's state (its rule statuses).
  changes: (_write, step, sameWorkspace) => sameWorkspace && step.kind === "managedNetwork",
  destroy: { label: (identity) => `outbound rule ${String(identity.ruleName)}` },
};
