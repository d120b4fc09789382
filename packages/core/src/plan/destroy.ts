/**
 * The `destroy` plan mode: remove what pfnet created for a spec — the user-defined outbound rules
 * it derives, the storage role assignment, own-VNet private endpoints, their DNS zone groups and
 * the required NSG rules — and nothing else. Settings stay as they are (public access, isolation
 * mode, firewall SKU, serverless settings): pfnet keeps no record of earlier values, and an
 * isolation mode only tightens. Workspaces, online endpoints and the connections on the services
 * are never deleted. Unlisted rules are left alone as in any plan, and so is everything on a hub
 * a project names by ARM id (the hub is not the spec's; its rules may be others').
 *
 * Each workspace is a `noop` step of its own (desired `after: null`: destroy wants nothing of
 * it), so the plan carries what the workspace is now: the weakening marks of the removals judge
 * its actual isolation mode (kinds/outboundRule.ts), at plan time and again on apply's fresh
 * read. Every removal of a workspace depends on its workspace step, so a `--target` brings it.
 *
 * Order: the reverse of apply's dependencies among the removed resources (a DNS zone group goes
 * before its private endpoint). One step per removable node: `delete` when it exists, `noop`
 * when it is already gone, so a spec never applied plans nothing.
 *
 * `destroyNodes` is the whole mode without Azure: plan.ts diffs its nodes against a read, and
 * re-derivation (origin.ts) re-makes a saved destroy plan's steps from them.
 */
import { type DiscoveredRules, discoveredRules, resolveRule } from "../diff/replace-rules.js";
import { address, workspaceKeyOf } from "../expand/names.js";
import { kindOf } from "../kinds/index.js";
import { RESOURCE_KINDS, type ResourceKind, type ResourceNode } from "../model.js";
import type { ReadResult } from "../provider.js";
import type { PlanStep } from "./types.js";

/** The kinds destroy removes: what pfnet itself created for the spec (`destroy` in their contracts). */
export const DESTROYED_KINDS: ReadonlySet<ResourceKind> = new Set<ResourceKind>(
  RESOURCE_KINDS.filter((kind) => kindOf(kind).destroy !== undefined),
);

/** A node of the destroy mode: a removal, or a workspace that stays. */
export interface DestroyNode {
  node: ResourceNode;
  /** `delete` for what pfnet removes, `keep` for a workspace. */
  role: "delete" | "keep";
  /** Dependencies in destroy order: the workspace, and what must go first. */
  dependsOn: string[];
}

/** The nodes destroy acts on: each workspace (kept) and each removal, in expansion order. */
export function destroyNodes(nodes: readonly ResourceNode[]): DestroyNode[] {
  // A hub a project names by ARM id is not this spec's: its rules may be the hub's own or other
  // projects' under the same names, so destroy removes nothing there.
  const external = new Set(
    nodes
      .filter((node) => node.kind === "workspace" && (node as ResourceNode<"workspace">).identity.external)
      .map((node) => (node as ResourceNode<"workspace">).identity.workspace.key),
  );
  const removed = nodes.filter(
    (node) =>
      DESTROYED_KINDS.has(node.kind) && !external.has(workspaceKeyOf(node.identity, node.address) ?? ""),
  );
  const removedAddresses = new Set(removed.map((node) => node.address));
  const workspaces = new Set(nodes.filter((node) => node.kind === "workspace").map((node) => node.address));
  const reversed = new Map<string, string[]>();
  for (const node of removed) {
    for (const dependency of node.dependsOn) {
      if (!removedAddresses.has(dependency)) continue;
      reversed.set(dependency, [...(reversed.get(dependency) ?? []), node.address]);
    }
  }
  const result: DestroyNode[] = [];
  for (const node of nodes) {
    if (node.kind === "workspace") {
      result.push({ node, role: "keep", dependsOn: [] });
      continue;
    }
    if (!removedAddresses.has(node.address)) continue;
    const key = workspaceKeyOf(node.identity, node.address);
    const workspace = key === undefined ? undefined : address.workspace(key);
    const first = reversed.get(node.address) ?? [];
    result.push({
      node,
      role: "delete",
      dependsOn: [
        ...(workspace !== undefined && workspaces.has(workspace) ? [workspace] : []),
        ...first,
      ].sort(),
    });
  }
  return result;
}

/** How destroy's reasons name a removed node (its kind's `destroy.label`). */
function label(node: ResourceNode): string {
  return kindOf(node.kind).destroy!.label(node.identity as unknown as Record<string, unknown>);
}

/**
 * Destroy's steps (in node order; `plan` orders them). `guard` is true except for a private
 * endpoint whose DNS zone group is deleted first: that delete changes the endpoint's etag.
 */
/**
 * A private-endpoint rule replaced earlier (diff/replace-rules.ts) is removed under its new
 * name: the node takes the rule the diff would map it to, and `read.resources` its actual.
 */
function renamedRule(node: ResourceNode, read: ReadResult, rules: () => DiscoveredRules): ResourceNode {
  if (node.kind !== "outboundRule" || read.resources[node.address]?.exists === true) return node;
  const missing = { exists: false as const, fingerprint: "" };
  const found = resolveRule(node, read.resources[node.address] ?? missing, rules());
  if (found.node === node || !found.actual.exists) return node;
  read.resources[node.address] = found.actual;
  return found.node;
}

export function destroySteps(nodes: readonly ResourceNode[], read: ReadResult): PlanStep[] {
  let index: DiscoveredRules | undefined;
  const rules = () => {
    index ??= discoveredRules(read.discovered);
    return index;
  };
  const planned = destroyNodes(nodes).map((entry) => ({
    ...entry,
    node: renamedRule(entry.node, read, rules),
  }));
  const exists = (addr: string) => read.resources[addr]?.exists === true;
  const deleting = new Set(
    planned
      .filter((entry) => entry.role === "delete" && exists(entry.node.address))
      .map((e) => e.node.address),
  );
  return planned.map(({ node, role, dependsOn }) => {
    const actual = read.resources[node.address];
    const before = actual?.exists ? actual.properties : null;
    const reason =
      role === "keep"
        ? `destroy: pfnet never deletes a workspace; ${before ? "its public access and isolation mode stay as they are" : "it does not exist"}`
        : deleting.has(node.address)
          ? `destroy: remove ${label(node)}, which pfnet creates for the spec`
          : `destroy: ${label(node)} does not exist; nothing to remove`;
    return {
      address: node.address,
      kind: node.kind,
      action: deleting.has(node.address) ? "delete" : "noop",
      identity: node.identity as unknown as Record<string, unknown>,
      before,
      after: null,
      changedPaths: [],
      reason,
      dependsOn,
      ...(node.lane === undefined ? {} : { lane: node.lane }),
      guard: !dependsOn.some((dependency) => deleting.has(dependency)),
    };
  });
}
