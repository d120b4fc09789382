/**
 * The semantic diff: desired nodes + what the provider read -> one step per node (noop
 * included) plus deletes of unlisted user-defined rules when the spec asks for it.
 *
 * - Only desired keys are compared (see compare.ts); service-owned outbound rules (category
 *   Required, Recommended, Dependency) never produce steps.
 * - Replace vs update: a private-endpoint rule's destination, a private endpoint's target,
 *   subnet or groupId, a rule's type cannot be changed in place.
 * - Forbidden transitions (loosening the isolation mode) are reported by the state rules before
 *   the diff runs; the diff never plans them.
 * - Nothing is deleted unless it is an unlisted user-defined rule of a workspace whose spec says
 *   `unlistedRules: delete`. Kept ones are listed in `unmanaged`; the warning about them (PFN205)
 *   is a state rule, so the diff reports no diagnostics.
 */
import { address, workspaceKeyOf } from "../expand/names.js";
import type { ActualResource, DiscoveredResource, ResourceKind, ResourceNode } from "../model.js";
import type { PlanAction, PlanStep } from "../plan/types.js";
import type { ReadResult } from "../provider.js";
import { changedPaths } from "./compare.js";

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

const ISOLATION_ORDER = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"];

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

interface Verdict {
  action: PlanAction;
  changedPaths: string[];
  reason: string;
}

const noop = (what: string): Verdict => ({
  action: "noop",
  changedPaths: [],
  reason: `${what} already matches the spec`,
});

function describe(paths: string[]): string {
  return paths.map((path) => path.slice(1) || "(root)").join(", ");
}

function ruleStatus(actual: ActualResource | undefined): string | undefined {
  if (!actual?.exists) return undefined;
  const status = actual.facts?.status ?? actual.properties.status;
  return typeof status === "string" ? status : undefined;
}

function diffWorkspace(node: ResourceNode<"workspace">, actual: ActualResource): Verdict {
  if (!actual.exists) {
    return node.identity.create
      ? {
          action: "create",
          changedPaths: [],
          reason: "the workspace does not exist; create it with the spec's network settings",
        }
      : {
          action: "noop",
          changedPaths: [],
          reason: "the workspace does not exist and the spec has no create block",
        };
  }
  const paths = changedPaths(node.properties, actual.properties).filter((path) => {
    if (path !== "/isolationMode") return true;
    // Loosening is forbidden (the state rules report it); never plan it.
    const from = ISOLATION_ORDER.indexOf(String(actual.properties.isolationMode));
    const to = ISOLATION_ORDER.indexOf(node.properties.isolationMode);
    return from < 0 || to > from;
  });
  if (paths.length === 0) return noop("the workspace");
  return {
    action: "update",
    changedPaths: paths,
    reason: `update the workspace: ${describe(paths)} differ from the spec`,
  };
}

function diffOutboundRule(node: ResourceNode<"outboundRule">, actual: ActualResource): Verdict {
  const ruleName = node.identity.ruleName;
  if (!actual.exists)
    return {
      action: "create",
      changedPaths: [],
      reason: `add the ${node.properties.type} outbound rule ${ruleName}`,
    };
  const paths = changedPaths(node.properties, actual.properties);
  if (paths.length === 0) return noop(`outbound rule ${ruleName}`);
  const typeChanged = paths.includes("/type");
  const peDestination =
    node.properties.type === "PrivateEndpoint" && paths.some((path) => path.startsWith("/destination"));
  if (typeChanged || peDestination) {
    return {
      action: "replace",
      changedPaths: paths,
      reason: `replace outbound rule ${ruleName}: ${describe(paths)} cannot change in place`,
    };
  }
  return {
    action: "update",
    changedPaths: paths,
    reason: `update outbound rule ${ruleName}: ${describe(paths)} differ`,
  };
}

function diffRoleAssignment(node: ResourceNode<"roleAssignment">, actual: ActualResource): Verdict {
  if (!actual.exists) {
    return {
      action: "create",
      changedPaths: [],
      reason:
        "grant the workspace identity Storage File Data Privileged Contributor on the workspace storage account",
    };
  }
  const paths = changedPaths(node.properties, actual.properties);
  if (paths.length === 0) return noop("the storage role assignment");
  return {
    action: "replace",
    changedPaths: paths,
    reason: `recreate the role assignment: ${describe(paths)} differ`,
  };
}

function diffApproval(node: ResourceNode<"privateEndpointApproval">, actual: ActualResource): Verdict {
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
}

function diffOnlineEndpoint(node: ResourceNode<"onlineEndpoint">, actual: ActualResource): Verdict {
  const name = node.identity.endpointName;
  if (!actual.exists) return { action: "create", changedPaths: [], reason: `create online endpoint ${name}` };
  const paths = changedPaths(node.properties, actual.properties);
  if (paths.length === 0) return noop(`online endpoint ${name}`);
  return {
    action: "update",
    changedPaths: paths,
    reason: `update online endpoint ${name}: ${describe(paths)} differ`,
  };
}

function diffPrivateEndpoint(node: ResourceNode<"privateEndpoint">, actual: ActualResource): Verdict {
  const name = node.identity.name;
  if (!actual.exists)
    return {
      action: "create",
      changedPaths: [],
      reason: `create private endpoint ${name} to ${node.identity.service}`,
    };
  const paths = changedPaths(node.properties, actual.properties);
  if (paths.length === 0) return noop(`private endpoint ${name}`);
  return {
    action: "replace",
    changedPaths: paths,
    reason: `replace private endpoint ${name}: ${describe(paths)} cannot change in place`,
  };
}

function diffGeneric(node: ResourceNode, actual: ActualResource, label: string): Verdict {
  if (!actual.exists) return { action: "create", changedPaths: [], reason: `create ${label}` };
  const paths = changedPaths(node.properties, actual.properties);
  if (paths.length === 0) return noop(label);
  return { action: "update", changedPaths: paths, reason: `update ${label}: ${describe(paths)} differ` };
}

function diffManagedNetwork(
  actual: ActualResource,
  ruleVerdicts: Array<{ name: string; verdict: Verdict; status: string | undefined }>,
  workspaceVerdict: Verdict | undefined,
): Verdict {
  const reasons: string[] = [];
  const status = actual.exists ? actual.properties.status : undefined;
  if (status !== "Active")
    reasons.push(
      actual.exists
        ? `the managed network is ${String(status ?? "not provisioned")}`
        : "the managed network is not provisioned",
    );
  if (workspaceVerdict?.action === "create") reasons.push("the workspace is new");
  else if (workspaceVerdict?.changedPaths.includes("/isolationMode"))
    reasons.push("the isolation mode changes");
  const changedRules = ruleVerdicts.filter((rule) => rule.verdict.action !== "noop").map((rule) => rule.name);
  if (changedRules.length > 0) reasons.push(`outbound rules change (${changedRules.join(", ")})`);
  const inactive = ruleVerdicts
    .filter((rule) => rule.verdict.action === "noop" && rule.status !== undefined && rule.status !== "Active")
    .map((rule) => `${rule.name}: ${rule.status}`);
  if (inactive.length > 0) reasons.push(`outbound rules are not Active (${inactive.join(", ")})`);
  if (reasons.length === 0) return noop("the managed network (Active, every rule Active)");
  return {
    action: "provision",
    changedPaths: status !== "Active" ? ["/status"] : [],
    reason: `provision the managed network and wait until it is Active: ${reasons.join("; ")}`,
  };
}

type KindDiff<K extends ResourceKind> = (node: ResourceNode<K>, actual: ActualResource) => Verdict;

type DiffedKind = Exclude<ResourceKind, "managedNetwork">;

/** The diff of each kind; the managed network is diffed last, from its workspace's rule verdicts. */
const DIFF_BY_KIND: { [K in DiffedKind]: KindDiff<K> } = {
  workspace: diffWorkspace,
  outboundRule: diffOutboundRule,
  roleAssignment: diffRoleAssignment,
  privateEndpointApproval: diffApproval,
  onlineEndpoint: diffOnlineEndpoint,
  privateEndpoint: diffPrivateEndpoint,
  privateDnsZoneGroup: (node, actual) => diffGeneric(node, actual, "the private DNS zone group"),
  nsgRule: (node, actual) => diffGeneric(node, actual, `NSG rule ${node.identity.ruleName}`),
};

export function diff(
  nodes: readonly ResourceNode[],
  read: ReadResult,
  options: DiffOptions = {},
): DiffResult {
  const missing: ActualResource = { exists: false, fingerprint: "" };
  const actualOf = (node: ResourceNode) => read.resources[node.address] ?? missing;
  const verdicts = new Map<string, Verdict>();
  const rulesByWorkspace = new Map<
    string,
    Array<{ name: string; verdict: Verdict; status: string | undefined }>
  >();

  for (const node of nodes) {
    if (node.kind === "managedNetwork") continue;
    const actual = actualOf(node);
    const differ = DIFF_BY_KIND[node.kind as DiffedKind] as KindDiff<ResourceKind>;
    const verdict = differ(node, actual);
    if (node.kind === "outboundRule") {
      const rule = node as ResourceNode<"outboundRule">;
      const key = rule.identity.workspace.key;
      const list = rulesByWorkspace.get(key) ?? [];
      list.push({ name: rule.identity.ruleName, verdict, status: ruleStatus(actual) });
      rulesByWorkspace.set(key, list);
    }
    verdicts.set(node.address, verdict);
  }
  for (const node of nodes) {
    if (node.kind !== "managedNetwork") continue;
    const network = node as ResourceNode<"managedNetwork">;
    const key = network.identity.workspace.key;
    verdicts.set(
      node.address,
      diffManagedNetwork(
        actualOf(node),
        rulesByWorkspace.get(key) ?? [],
        verdicts.get(address.workspace(key)),
      ),
    );
  }

  const steps: PlanStep[] = nodes.map((node) => {
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
      dependsOn: node.dependsOn.slice(),
      ...(node.lane === undefined ? {} : { lane: node.lane }),
      guard: true,
    };
  });

  // Unlisted resources: delete user-defined rules only when the workspace asks for it.
  // Built only when something was discovered (usually nothing is).
  const known = read.discovered.length > 0 ? new Set(nodes.map((node) => node.address)) : new Set<string>();
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
  const deletes = steps.filter((step) => step.action === "delete" && step.kind === "outboundRule");
  if (deletes.length > 0) {
    for (const step of steps) {
      if (step.kind !== "managedNetwork") continue;
      const key = workspaceKeyOf(step.identity);
      for (const deleted of deletes)
        if (workspaceKeyOf(deleted.identity) === key) step.dependsOn.push(deleted.address);
    }
  }
  return { steps, unmanaged };
}
