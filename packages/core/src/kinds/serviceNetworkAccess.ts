/**
 * A reached service's own network settings (Azure OpenAI / AI Services / Content Safety:
 * `Microsoft.CognitiveServices/accounts`; AI Search: `Microsoft.Search/searchServices`): public
 * access off, or left on behind IP rules and trusted Azure services where the service's API
 * offers them. One node per service that opts in (`services.<name>.networkAccess`), written only
 * after every workspace's private path to the service is in place: it depends on each reaching
 * workspace's approval step (managed network: after the rule is Active and provisioning; own
 * VNet: after its private endpoint) and, in an own VNet, its DNS zone group; the provider reads
 * and checks those paths again right before the write. Public access back on, or a wider
 * firewall, is gated weakening.
 */
import { describePaths, differences, noop } from "../diff/verdicts.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { range } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { text } from "./display.js";
import type { WeakeningDeclaration, WeakeningInput } from "./weakening.js";

/** A workspace's private path to the service, which the provider checks before the write. */
export type ServicePrivatePath =
  | {
      via: "managed";
      workspace: WorkspaceRef;
      /** The workspace's private-endpoint outbound rule to the service: Active. */
      ruleName: string;
    }
  | {
      via: "byo";
      workspace: WorkspaceRef;
      /** The private endpoint pfnet makes in the own VNet (same resource group as the workspace). */
      privateEndpointName: string;
      /** Its subnet: the VNet the private DNS zones must be linked to. */
      subnetId: string;
      /** The private DNS zones of its zone group, each linked to that VNet. */
      privateDnsZoneIds: string[];
    };

export interface ServiceNetworkAccessIdentity {
  /** The service's name in the spec. */
  service: string;
  /** ARM id of the service. */
  targetId: string;
  /** Every workspace's private path to the service, in workspace-key order. */
  paths: ServicePrivatePath[];
}

export interface ServiceNetworkAccessProperties {
  publicNetworkAccess: "Enabled" | "Disabled";
  /**
   * What public traffic no rule names meets: CognitiveServices `networkAcls.defaultAction`; a
   * Search service denies it exactly when it has IP rules (search.json 2023-11-01 `NetworkRuleSet`).
   */
  defaultAction?: "Allow" | "Deny";
  /** IPv4 addresses or CIDR ranges let through while public access is on. */
  ipRules?: string[];
  /** Trusted Azure services pass the firewall (CognitiveServices `networkAcls.bypass`). */
  bypass?: "AzureServices" | "None";
}

type Access = Partial<ServiceNetworkAccessProperties>;
const accessOf = (value: Record<string, unknown> | null | undefined) => (value ?? {}) as Access;

/** The public side after and before: off, open (default Allow), or behind the firewall. */
function widened({ before, step }: WeakeningInput): string | undefined {
  const was = accessOf(before);
  const will = accessOf(step.after);
  if (was.publicNetworkAccess !== "Enabled" || will.publicNetworkAccess !== "Enabled") return undefined;
  if (was.defaultAction === "Deny" && will.defaultAction === "Allow")
    return "service firewall default Deny -> Allow: every public address reaches the service";
  // From open (default Allow) any firewall is narrower; from Allow to Allow nothing changes.
  if (was.defaultAction !== "Deny" || will.defaultAction === "Allow") return undefined;
  const added = (will.ipRules ?? []).filter((rule) => !(was.ipRules ?? []).includes(rule));
  if (added.length > 0) return `service firewall lets more addresses in: ${added.join(", ")}`;
  if (was.bypass === "None" && will.bypass === "AzureServices")
    return "service firewall lets trusted Azure services in";
  return undefined;
}

export const serviceNetworkAccessWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "servicePublicAccessOn",
    gated: true,
    test: ({ before, step }) =>
      accessOf(before).publicNetworkAccess === "Disabled" &&
      accessOf(step.after).publicNetworkAccess === "Enabled"
        ? "service public access off -> on: the service is reachable from outside its private endpoints"
        : undefined,
  },
  { change: "serviceFirewallWidened", gated: true, test: widened },
];

/**
 * What the spec asks of a service (`services.<name>.networkAccess`): public access `disabled`,
 * `selected` (only `ipRules`, plus trusted Azure services where offered) or `enabled` again.
 */
export interface NetworkAccessIntent {
  public: "disabled" | "selected" | "enabled";
  ipRules?: string[];
  trustedServices?: boolean;
}

/** A Search service: its 2023-11-01 API has IP rules but no trusted-services bypass. */
const isSearch = (targetId: string) => /\/providers\/microsoft\.search\//i.test(targetId);

/** The desired settings of an intent, in the kind's (provider-neutral) shape. */
function propertiesOf(targetId: string, intent: NetworkAccessIntent): ServiceNetworkAccessProperties {
  if (intent.public === "disabled") return { publicNetworkAccess: "Disabled" };
  if (intent.public === "enabled")
    return { publicNetworkAccess: "Enabled", defaultAction: "Allow", ipRules: [] };
  return {
    publicNetworkAccess: "Enabled",
    defaultAction: "Deny",
    ipRules: [...new Set(intent.ipRules ?? [])].sort(),
    ...(isSearch(targetId) ? {} : { bypass: intent.trustedServices ? "AzureServices" : "None" }),
  };
}

/**
 * The node of one service, after `after` (each reaching workspace's approval step and, in own
 * VNets, its DNS zone group).
 */
function networkAccessNode(
  service: string,
  targetId: string,
  intent: NetworkAccessIntent,
  paths: readonly ServicePrivatePath[],
  after: readonly string[],
): ResourceNode<"serviceNetworkAccess"> {
  return {
    address: `service.${service}.network-access`,
    kind: "serviceNetworkAccess",
    identity: { service, targetId, paths: [...paths] },
    properties: propertiesOf(targetId, intent),
    dependsOn: [...new Set(after)].sort(),
  };
}

export const serviceNetworkAccess: KindContract<"serviceNetworkAccess", typeof networkAccessNode> = {
  kind: "serviceNetworkAccess",
  display: {
    name: "service network access",
    title: (identity) =>
      `network access of ${text(identity.targetId)?.split("/").pop() ?? text(identity.service) ?? "the service"}`,
    note: (step) => {
      const paths = Array.isArray(step.identity.paths) ? step.identity.paths.length : 0;
      return `written after the private path of ${paths} workspace${paths === 1 ? "" : "s"} is checked (approved connection, Active rule or private endpoint and linked DNS zone).`;
    },
  },
  node: networkAccessNode,
  actions: ["update", "noop"],
  diff(node, actual) {
    const subject = `the network access of ${node.identity.service}`;
    // A service is never created: a missing one is the provider's SERVICE_NOT_FOUND at read.
    if (!actual.exists) return { action: "update", changedPaths: [], reason: `set ${subject}` };
    const paths = differences(node, actual);
    if (paths.length === 0) return noop(subject);
    return {
      action: "update",
      changedPaths: paths,
      reason: `update ${subject}: ${describePaths(paths)} differ`,
    };
  },
  estimate: () => range(5, 120),
  weakenings: serviceNetworkAccessWeakenings,
};
