/**
 * Safe replacement of private-endpoint rules. A private-endpoint outbound rule whose destination
 * changes (`serviceResourceId` / `subresourceTarget`) is not deleted and re-created under its
 * name, which would leave the workspace without a path to the service in between: the diff
 * creates a new rule `<name>-<6 hex>` (the hex a hash of the new destination, so re-plans name it
 * the same) and deletes the old one in a separate step, `<rule address>.replaced`, that waits
 * for the create, for provisioning and for the new connection's approval. FQDN and service-tag
 * rules change in place (a PUT of the same name).
 *
 * On the next plans the spec's rule maps to the renamed one: a node whose rule under its own
 * name is missing (or points elsewhere) while the discovered rule `<name>-<hex of its
 * destination>` matches takes that rule as its actual, so the plan is empty, and an old rule a
 * failed delete left behind is deleted again.
 */

import { address, workspaceKeyOf } from "../expand/names.js";
import type { Verdict } from "../kinds/contract.js";
import type { ActualResource, DiscoveredResource, ResourceNode } from "../model.js";
import { canonicalJson, sha256 } from "../plan/canonical.js";
import type { PlanStep } from "../plan/types.js";
import { changedPaths } from "./compare.js";

/** The suffix of the delete step of a replaced rule: `workspace.<key>.rule.<name>.replaced`. */
export const REPLACED_SUFFIX = ".replaced";

export const isReplacedDelete = (stepAddress: string) => stepAddress.endsWith(REPLACED_SUFFIX);

type Destination = { serviceResourceId?: unknown; subresourceTarget?: unknown };

/** The 6 hex of a private-endpoint destination (ARM ids case-insensitively). */
export function destinationHash(destination: unknown): string {
  const { serviceResourceId, subresourceTarget } = (destination ?? {}) as Destination;
  return sha256(
    canonicalJson({
      serviceResourceId: String(serviceResourceId ?? "").toLowerCase(),
      subresourceTarget: String(subresourceTarget ?? "").toLowerCase(),
    }),
  ).slice(0, 6);
}

/** The name of the rule that replaces `ruleName` for `destination` (within Azure's 33 characters). */
export function replacementRuleName(ruleName: string, destination: unknown): string {
  const suffix = `-${destinationHash(destination)}`;
  return ruleName.endsWith(suffix) ? ruleName : `${ruleName.slice(0, 33 - suffix.length)}${suffix}`;
}

/** Whether `ruleName` is the spec's rule `base` or a replacement of it (`<base>-<6 hex>`). */
export function isRuleOf(base: string, ruleName: string): boolean {
  if (ruleName === base) return true;
  const match = /^(.*)-[0-9a-f]{6}$/.exec(ruleName);
  // The base as replacementRuleName shortens it (to fit 33 characters), never a shorter prefix.
  return match !== null && match[1] === base.slice(0, 33 - 7);
}

const isPrivateEndpointRule = (properties: Record<string, unknown> | null | undefined) =>
  properties?.type === "PrivateEndpoint";

const sameDestination = (node: ResourceNode, actual: Record<string, unknown>) =>
  changedPaths((node.properties as { destination: unknown }).destination, actual.destination, "/destination")
    .length === 0;

/** What the old rule's delete waits for: the new rule, its provisioning and its connection's approval. */
export function replacedDependsOn(rule: ResourceNode, nodes: readonly ResourceNode[]): string[] {
  const key = workspaceKeyOf(rule.identity);
  const target = String(
    (rule.properties as { destination?: Destination }).destination?.serviceResourceId ?? "",
  ).toLowerCase();
  const deps = [rule.address];
  for (const node of nodes) {
    if (workspaceKeyOf(node.identity) !== key) continue;
    if (node.kind === "managedNetwork") deps.push(node.address);
    else if (
      node.kind === "privateEndpointApproval" &&
      String((node.identity as { targetId?: unknown }).targetId ?? "").toLowerCase() === target
    )
      deps.push(node.address);
  }
  return deps;
}

/** The discovered outbound rules, by address and by workspace key. */
export interface DiscoveredRules {
  at(address: string): DiscoveredResource | undefined;
  ofWorkspace(key: string): readonly DiscoveredResource[];
}

/** Index the discovered outbound rules (built once per diff, only when something was discovered). */
export function discoveredRules(discovered: readonly DiscoveredResource[]): DiscoveredRules {
  const byAddress = new Map<string, DiscoveredResource>();
  const byWorkspace = new Map<string, DiscoveredResource[]>();
  for (const found of discovered) {
    if (found.kind !== "outboundRule") continue;
    byAddress.set(found.address, found);
    const key = workspaceKeyOf(found.identity, found.address);
    if (key === undefined) continue;
    const list = byWorkspace.get(key);
    if (list) list.push(found);
    else byWorkspace.set(key, [found]);
  }
  return { at: (at) => byAddress.get(at), ofWorkspace: (key) => byWorkspace.get(key) ?? [] };
}

/** A replacement made earlier (`<name>-<hex>`, user-defined) that points elsewhere: replaced in turn. */
function earlierReplacement(
  base: string,
  renamed: string,
  rules: readonly DiscoveredResource[],
): Resolved["replaced"] {
  for (const found of rules) {
    const ruleName = found.identity.ruleName;
    if (typeof ruleName !== "string" || ruleName === base || ruleName === renamed) continue;
    if (!isRuleOf(base, ruleName) || !isPrivateEndpointRule(found.properties)) continue;
    if (found.properties.category !== "UserDefined") continue;
    return {
      ruleName,
      actual: {
        exists: true,
        fingerprint: found.fingerprint,
        properties: found.properties,
      } as ActualResource & {
        exists: true;
      },
    };
  }
  return undefined;
}

/** A private-endpoint rule node and what was read of it, resolved against a replacement. */
export interface Resolved {
  node: ResourceNode;
  actual: ActualResource;
  /** The old rule to delete once the new one is usable (its name and what was read). */
  replaced?: { ruleName: string; actual: ActualResource & { exists: true } };
}

/**
 * Resolve a private-endpoint rule node against what exists: the renamed rule when it is the one
 * that matches, or a renamed create when the destination changed. Any other node is unchanged.
 */
export function resolveRule(
  node: ResourceNode,
  actual: ActualResource,
  discovered: DiscoveredRules,
): Resolved {
  if (node.kind !== "outboundRule" || !isPrivateEndpointRule(node.properties as never))
    return { node, actual };
  if (actual.exists && sameDestination(node, actual.properties)) return { node, actual };
  const identity = node.identity as { workspace: { key: string }; ruleName: string };
  const renamed = replacementRuleName(
    identity.ruleName,
    (node.properties as { destination: unknown }).destination,
  );
  if (renamed === identity.ruleName) return { node, actual };
  const renamedNode = { ...node, identity: { ...identity, ruleName: renamed } } as ResourceNode;
  const old =
    actual.exists && isPrivateEndpointRule(actual.properties) && actual.properties.category === "UserDefined"
      ? { ruleName: identity.ruleName, actual }
      : earlierReplacement(identity.ruleName, renamed, discovered.ofWorkspace(identity.workspace.key));
  const found = discovered.at(address.rule(identity.workspace.key, renamed));
  if (found && isPrivateEndpointRule(found.properties) && sameDestination(node, found.properties)) {
    const renamedActual: ActualResource = {
      exists: true,
      fingerprint: found.fingerprint,
      properties: found.properties,
    } as ActualResource;
    return { node: renamedNode, actual: renamedActual, ...(old ? { replaced: old } : {}) };
  }
  if (!old) return { node, actual };
  return { node: renamedNode, actual: { exists: false, fingerprint: "" }, replaced: old };
}

/** The create of the renamed rule, as a verdict. */
export function renamedCreate(node: ResourceNode, replaced: NonNullable<Resolved["replaced"]>): Verdict {
  const ruleName = (node.identity as { ruleName: string }).ruleName;
  const oldName = replaced.ruleName;
  return {
    action: "create",
    changedPaths: changedPaths(node.properties, replaced.actual.properties),
    reason: `replace outbound rule ${oldName}: its destination changes; create ${ruleName} first, delete ${oldName} once the new path is approved`,
  };
}

/** The delete step of the old rule, after the new rule is written, provisioned and approved. */
export function replacedDeleteStep(
  node: ResourceNode,
  replaced: NonNullable<Resolved["replaced"]>,
  nodes: readonly ResourceNode[],
): PlanStep {
  const identity = node.identity as { workspace: { key: string }; ruleName: string };
  return {
    address: `${node.address}${REPLACED_SUFFIX}`,
    kind: "outboundRule",
    action: "delete",
    identity: { ...identity, ruleName: replaced.ruleName } as unknown as Record<string, unknown>,
    before: replaced.actual.properties,
    after: null,
    changedPaths: [],
    reason: `delete outbound rule ${replaced.ruleName}: replaced by ${identity.ruleName} (destination changed), once the new rule is provisioned and its connection approved`,
    dependsOn: replacedDependsOn(node, nodes),
    lane: address.lane(identity.workspace.key),
    guard: true,
  };
}
