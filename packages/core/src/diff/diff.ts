/**
 * The semantic diff: desired nodes + what the provider read -> one step per node (noop
 * included) plus deletes of unlisted user-defined rules when the spec asks for it. Each node is
 * judged by its kind's contract (`kinds/<kind>.ts`: what is compared, what forces replacement,
 * what is never planned); kinds marked `diffLast` (the managed network) are judged after the
 * others, from their verdicts.
 *
 * - Only desired keys are compared (see compare.ts); service-owned outbound rules (category
 *   Required, Recommended, Dependency) never produce steps.
 * - Forbidden transitions (loosening the isolation mode) are reported by the state rules before
 *   the diff runs; the diff never plans them.
 * - Nothing is deleted unless it is an unlisted user-defined rule of a workspace whose spec says
 *   `unlistedRules: delete`. Kept ones are listed in `unmanaged`; the warning about them (PFN205)
 *   is a state rule, so the diff reports no diagnostics.
 * - A private-endpoint rule whose destination changes is replaced safely (replace-rules.ts): a
 *   renamed create and a `….replaced` delete. The diff then sets `read.resources` at those
 *   addresses to what they stand for (the renamed rule, none for a create, the old rule), which
 *   is what the plan records as fingerprints and apply's stale check reads.
 */
import { address, workspaceKeyOf } from "../expand/names.js";
import type { DiffContext, Diffed, Verdict } from "../kinds/contract.js";
import { kindOf } from "../kinds/index.js";
import type { ActualResource, DiscoveredResource, ResourceKind, ResourceNode } from "../model.js";
import type { PlanStep } from "../plan/types.js";
import type { ReadResult } from "../provider.js";
import {
  discoveredRules,
  isReplacedDelete,
  type Resolved,
  renamedCreate,
  replacedDeleteStep,
  resolveRule,
} from "./replace-rules.js";

export const SERVICE_OWNED_RULE_CATEGORIES = ["Required", "Recommended", "Dependency"] as const;

/** Whether a discovered resource is an outbound rule Azure owns (pfnet never touches those). */
export function isServiceOwnedRule(found: DiscoveredResource): boolean {
  const category = found.properties.category;
  return (
    found.kind === "outboundRule" &&
    typeof category === "string" &&
    (SERVICE_OWNED_RULE_CATEGORIES as readonly string[]).includes(category)
  );
}

export interface DiffOptions {
  /** Per workspace key: what to do with unlisted user-defined rules (default keep). */
  unlistedRules?: Record<string, "keep" | "delete">;
}

export interface DiffResult {
  /** One step per node, in node order, then the deletes. `guard`, estimates and waits are filled in by `plan`. */
  steps: PlanStep[];
  /** Discovered resources outside the spec that pfnet leaves alone (service-owned rules excluded). */
  unmanaged: DiscoveredResource[];
}

const ruleOf = (node: ResourceNode) => {
  const identity = node.identity as { workspace: { key: string }; ruleName: string };
  return { key: identity.workspace.key, ruleName: identity.ruleName };
};

export function diff(
  nodes: readonly ResourceNode[],
  read: ReadResult,
  options: DiffOptions = {},
): DiffResult {
  const missing: ActualResource = { exists: false, fingerprint: "" };
  // Private-endpoint rules resolved against a replacement (replace-rules.ts), by node address.
  const resolved = new Map<string, Resolved>();
  const actualOf = (node: ResourceNode) =>
    resolved.get(node.address)?.actual ?? read.resources[node.address] ?? missing;
  let rules: ReturnType<typeof discoveredRules> | undefined;
  const resolve = (node: ResourceNode): ResourceNode => {
    if (node.kind !== "outboundRule") return node;
    rules ??= discoveredRules(read.discovered);
    const found = resolveRule(node, actualOf(node), rules);
    if (found.node === node && found.replaced === undefined) return node;
    resolved.set(node.address, found);
    return found.node;
  };
  const verdicts = new Map<string, Verdict>();
  // What the kinds diffed last see: the nodes diffed before, by workspace and kind (the
  // node, its actual and verdict made when asked, not kept for every node of a fleet).
  const diffed = new Map<string, ResourceNode[]>();
  const context: DiffContext = {
    verdictOf: (nodeAddress) => verdicts.get(nodeAddress),
    diffedOf: <K extends ResourceKind>(key: string, kind: K) =>
      (diffed.get(`${kind}|${key}`) ?? []).map((node) => ({
        node,
        actual: actualOf(node),
        verdict: verdicts.get(node.address)!,
      })) as unknown as Diffed<K>[],
  };
  // Reasons repeat across a fleet ("outbound rule pe-svc0 already matches the spec" in every
  // workspace), and so do whole verdicts that change no path: each distinct one is made once,
  // from the moment it is judged (every verdict of a fleet is alive until the steps are built),
  // and the steps share its reason.
  const pathless = new Map<string, Map<string, Verdict>>();
  const reasons = new Map<string, string>();
  const shared = (verdict: Verdict): Verdict => {
    if (verdict.changedPaths.length === 0) {
      let byReason = pathless.get(verdict.action);
      if (!byReason) {
        byReason = new Map();
        pathless.set(verdict.action, byReason);
      }
      const known = byReason.get(verdict.reason);
      if (known) return known;
      byReason.set(verdict.reason, verdict);
      return verdict;
    }
    const reason = reasons.get(verdict.reason) ?? verdict.reason;
    reasons.set(reason, reason);
    return { ...verdict, reason };
  };
  const judge = (node: ResourceNode) => {
    const replaced = resolved.get(node.address)?.replaced;
    const actual = actualOf(node);
    const verdict =
      replaced && !actual.exists
        ? renamedCreate(node, replaced)
        : kindOf(node.kind).diff(node, actual, context);
    verdicts.set(node.address, shared(verdict));
  };

  const last: ResourceNode[] = [];
  for (const original of nodes) {
    if (kindOf(original.kind).diffLast) {
      last.push(original);
      continue;
    }
    const node = resolve(original);
    judge(node);
    const key = workspaceKeyOf(node.identity);
    if (key === undefined) continue;
    const group = `${node.kind}|${key}`;
    const list = diffed.get(group);
    if (list) list.push(node);
    else diffed.set(group, [node]);
  }
  for (const node of last) judge(node);

  const steps: PlanStep[] = nodes.map((original) => {
    const node = resolved.get(original.address)?.node ?? original;
    const actual = actualOf(node);
    const verdict = verdicts.get(node.address)!;
    const before = actual.exists ? actual.properties : null;
    const identity = node.identity as unknown as Record<string, unknown>;
    const after = node.properties as unknown as Record<string, unknown>;
    return {
      address: node.address,
      kind: node.kind,
      action: verdict.action,
      identity,
      before,
      after,
      changedPaths: verdict.changedPaths,
      reason: verdict.reason,
      // The node's own list (a copy per step was 200,000 arrays at fleet size): copied below
      // before the one change a diff makes to it.
      dependsOn: node.dependsOn,
      ...(node.lane === undefined ? {} : { lane: node.lane }),
      guard: true,
    };
  });

  // Replaced rules: the old one is deleted once its replacement is usable.
  const known = read.discovered.length > 0 ? new Set(nodes.map((node) => node.address)) : new Set<string>();
  for (const [, found] of resolved) {
    const { key, ruleName } = ruleOf(found.node);
    known.add(address.rule(key, ruleName));
    if (!found.replaced) continue;
    known.add(address.rule(key, found.replaced.ruleName));
    steps.push(replacedDeleteStep(found.node, found.replaced, nodes));
  }
  // What plan records and apply's stale check reads: the renamed rule under the node's address,
  // the old rule under its delete's; a renamed create records nothing (its PUT is idempotent).
  for (const [at, found] of resolved) {
    if (found.actual.exists) read.resources[at] = found.actual;
    else delete read.resources[at];
    if (found.replaced) read.resources[`${at}.replaced`] = found.replaced.actual;
  }

  // Unlisted resources: delete user-defined rules only when the workspace asks for it.
  // Built only when something was discovered (usually nothing is).
  const unmanaged: DiscoveredResource[] = [];
  for (const found of [...read.discovered].sort((a, b) =>
    a.address < b.address ? -1 : a.address > b.address ? 1 : 0,
  )) {
    if (known.has(found.address) || isServiceOwnedRule(found)) continue;
    if (found.kind === "outboundRule") {
      const key = workspaceKeyOf(found.identity);
      if (key !== undefined && options.unlistedRules?.[key] === "delete") {
        const workspaceAddress = address.workspace(key);
        steps.push({
          address: found.address,
          kind: found.kind as ResourceKind,
          action: "delete",
          identity: found.identity,
          before: found.properties,
          after: null,
          changedPaths: [],
          reason: `delete outbound rule ${String(found.identity.ruleName ?? found.address)}: not in the spec and unlistedRules is delete`,
          dependsOn: known.has(workspaceAddress) ? [workspaceAddress] : [],
          lane: address.lane(key),
          guard: true,
        });
        continue;
      }
    }
    unmanaged.push(found);
  }

  // Deleting a rule changes the network: provision (when planned) after the deletes.
  // Not a replaced rule's delete: it waits for provisioning itself.
  const deletes = steps.filter(
    (step) => step.action === "delete" && step.kind === "outboundRule" && !isReplacedDelete(step.address),
  );
  if (deletes.length > 0) {
    const deletedIn = new Map<string | undefined, string[]>();
    for (const deleted of deletes) {
      const key = workspaceKeyOf(deleted.identity);
      const list = deletedIn.get(key);
      if (list) list.push(deleted.address);
      else deletedIn.set(key, [deleted.address]);
    }
    for (const step of steps) {
      if (step.kind !== "managedNetwork") continue;
      const deleted = deletedIn.get(workspaceKeyOf(step.identity));
      if (deleted) step.dependsOn = [...step.dependsOn, ...deleted];
    }
  }
  return { steps, unmanaged };
}
