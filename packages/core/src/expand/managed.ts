/**
 * The managed network's part of expansion: the outbound rules of a workspace's reach — and of
 * its projects' (expand/hubs.ts) —, its provisioning node and the approvals of the managed
 * private endpoints its rules create.
 */
import { managedNetwork } from "../kinds/managedNetwork.js";
import { outboundRule } from "../kinds/outboundRule.js";
import { privateEndpointApproval } from "../kinds/privateEndpointApproval.js";
import type { OutboundRuleProperties, ResourceNode, WorkspaceRef } from "../model.js";
import type { ServiceSpec, WorkspaceSpec } from "../spec/schema.js";
import {
  DEFAULT_SUBRESOURCE,
  fqdnRuleName,
  parseHost,
  privateEndpointRuleName,
  serviceTagRuleName,
} from "./names.js";
import { sharedValue } from "./shared.js";

/** Subresource (groupId) of a service's private endpoint; undefined when unknown (a rule reports it). */
export function subresourceOf(service: ServiceSpec): string | undefined {
  return service.subresource ?? DEFAULT_SUBRESOURCE[service.kind];
}

/** The services a workspace and its projects reach, declared and with a known subresource. */
export function reachedServices(
  reaches: ReadonlyArray<WorkspaceSpec["reach"]>,
  services: Record<string, ServiceSpec>,
): Reached[] {
  const reached: Reached[] = [];
  const seen = new Set<string>();
  for (const reach of reaches) {
    for (const name of reach?.services ?? []) {
      if (seen.has(name)) continue;
      seen.add(name);
      const service = services[name];
      const subresource = service ? subresourceOf(service) : undefined;
      if (service && subresource) reached.push({ name, service, subresource });
    }
  }
  return reached;
}

export const hasRules = (
  reaches: ReadonlyArray<WorkspaceSpec["reach"]>,
  services: Record<string, ServiceSpec>,
) =>
  reachedServices(reaches, services).length > 0 ||
  reaches.some((reach) => (reach?.hosts?.length ?? 0) + (reach?.serviceTags?.length ?? 0) > 0);

export interface Reached {
  name: string;
  service: ServiceSpec;
  subresource: string;
}

/**
 * The managed network's outbound rules (private endpoints, hosts, service tags) of `reaches` —
 * a workspace's own and its projects' —, one node per rule name (a shared rule is one node),
 * and the provisioning node after them unless `provision: onFirstCompute`.
 */
export function managedRules(
  ref: WorkspaceRef,
  reaches: ReadonlyArray<WorkspaceSpec["reach"]>,
  reached: readonly Reached[],
  provision: boolean,
  nodes: ResourceNode[],
  after: readonly string[] = [],
): ResourceNode<"managedNetwork"> | undefined {
  const ruleAddresses: string[] = [];
  const seen = new Set<string>();
  const addRule = (ruleName: string, rule: OutboundRuleProperties) => {
    if (seen.has(ruleName)) return; // duplicate names are reported by the rules (PFN115, PFN143)
    seen.add(ruleName);
    const node = outboundRule.node(ref, ruleName, rule);
    ruleAddresses.push(node.address);
    nodes.push(node);
  };
  for (const { name, service, subresource } of reached) {
    addRule(
      privateEndpointRuleName(name),
      sharedValue(JSON.stringify(["PrivateEndpoint", service.id, subresource]), () => ({
        type: "PrivateEndpoint",
        category: "UserDefined",
        destination: { serviceResourceId: service.id, subresourceTarget: subresource, sparkEnabled: false },
      })),
    );
  }
  let hasFqdnRules = false;
  for (const host of reaches.flatMap((reach) => reach?.hosts ?? [])) {
    hasFqdnRules = true;
    const fqdn = parseHost(host).fqdn;
    addRule(
      fqdnRuleName(host),
      sharedValue(JSON.stringify(["FQDN", fqdn]), () => ({
        type: "FQDN",
        category: "UserDefined",
        destination: fqdn,
      })),
    );
  }
  for (const tag of reaches.flatMap((reach) => reach?.serviceTags ?? [])) {
    const protocol = tag.protocol ?? "TCP";
    const portRanges = tag.ports ?? "443";
    addRule(
      serviceTagRuleName(tag.serviceTag, tag.name),
      sharedValue(JSON.stringify(["ServiceTag", tag.serviceTag, protocol, portRanges]), () => ({
        type: "ServiceTag",
        category: "UserDefined",
        destination: { serviceTag: tag.serviceTag, protocol, portRanges, action: "Allow" },
      })),
    );
  }
  if (!provision) return undefined;
  const network = managedNetwork.node(ref, hasFqdnRules, [...ruleAddresses, ...after]);
  nodes.push(network);
  return network;
}

/** Approvals of the managed private endpoints the rules create, after provisioning. */
export function managedApprovals(
  ref: WorkspaceRef,
  reached: readonly Reached[],
  networkAddress: string | undefined,
  nodes: ResourceNode[],
  onApproval?: (reached: Reached, approvalAddress: string) => void,
): void {
  // Without provisioning (onFirstCompute) the managed private endpoints, and so the
  // connections to approve, appear only with the first compute: nothing to approve yet.
  if (networkAddress === undefined) return;
  for (const entry of reached) {
    const approval = privateEndpointApproval.node(ref, entry.name, entry.service, "managed", networkAddress);
    nodes.push(approval);
    onApproval?.(entry, approval.address);
  }
}
