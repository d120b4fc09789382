/**
 * A workspace's outbound rule. Rules need managed isolation, FQDN and service-tag rules need
 * AllowOnlyApprovedOutbound; a rule written before provisioning stays Inactive until the network
 * is provisioned; service-owned rules cannot be deleted. Rules the spec does not list come back
 * from a read as discovered.
 */
import { address as addressOf } from "../../expand/names.js";
import { sharedValue } from "../../expand/shared.js";
import type { ActualResource, DiscoveredResource, WorkspaceRef } from "../../model.js";
import { type MemoryRule, type MemoryWorkspace, workspaceArmId } from "../state.js";
import { lower, type MemoryStore } from "../store.js";
import { ABSENT, fail, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

/** Destinations are a string or a flat object: a shallow copy isolates readers from the state. */
const copyDestination = (destination: unknown) =>
  destination !== null && typeof destination === "object" ? { ...(destination as object) } : destination;

/** What JSON writes apart from every other value (not NaN or Infinity, which it writes as null). */
const isScalar = (value: unknown) =>
  typeof value === "string" || typeof value === "boolean" || Number.isFinite(value);

/**
 * What a read reports of a rule: equal rules share one frozen object (a fleet reads 200,000
 * rules with a few dozen distinct contents), which isolates readers from the state as a copy
 * does. A destination that is not a string or a flat object of scalars is copied, not shared.
 */
function ruleProperties(rule: MemoryRule): Record<string, unknown> {
  const { type, category, destination } = rule;
  const make = () => ({ type, category, destination: copyDestination(destination) });
  const flat =
    isScalar(destination) ||
    (destination !== null && typeof destination === "object" && Object.values(destination).every(isScalar));
  return flat ? sharedValue(JSON.stringify(["rule", type, category, destination]), make) : make();
}

/** One frozen facts object per status, shared by every read (a fleet reads 200,000 rules). */
const FACTS = new Map<string, Readonly<{ status: string }>>();
const factsOf = (status: string) => {
  let facts = FACTS.get(status);
  if (!facts) {
    facts = Object.freeze({ status });
    FACTS.set(status, facts);
  }
  return facts;
};

function ruleResource(rule: MemoryRule, store: MemoryStore): Extract<ActualResource, { exists: true }> {
  const properties = ruleProperties(rule);
  return {
    exists: true,
    properties,
    facts: factsOf(rule.status),
    fingerprint: store.etag(rule, "rule", () => ({ ...properties, status: rule.status })),
  };
}

/** An Active private-endpoint rule has its connection on the target. */
export function ruleConnection(
  ws: MemoryWorkspace,
  name: string,
  rule: MemoryRule,
  store: MemoryStore,
): void {
  const target = (rule.destination as { serviceResourceId?: string }).serviceResourceId;
  if (target) store.ensureConnection(target, `${lower(workspaceArmId(ws))}/outboundrules/${lower(name)}`);
}

/**
 * The rules of the read workspaces that no read node names (by workspace key, the names read),
 * in workspace order and by rule name.
 */
export function discoverRules(
  workspaces: Map<string, WorkspaceRef>,
  requested: Map<string, Set<string>>,
  store: MemoryStore,
): DiscoveredResource[] {
  const discovered: DiscoveredResource[] = [];
  for (const [id, ref] of workspaces) {
    const ws = store.workspace(ref);
    if (!ws) continue;
    for (const ruleName of Object.keys(ws.rules).sort()) {
      if (requested.get(id)?.has(ruleName)) continue;
      const actual = ruleResource(ws.rules[ruleName]!, store);
      discovered.push({
        kind: "outboundRule",
        address: addressOf.rule(ref.key, ruleName),
        identity: { workspace: { ...ref }, ruleName },
        properties: actual.properties,
        fingerprint: actual.fingerprint,
      });
    }
  }
  return discovered;
}

export const outboundRule: MemoryKindHandler<"outboundRule"> = {
  workspaceLane: true,
  key: (identity) => `rule|${lower(workspaceArmId(identity.workspace))}|${String(identity.ruleName)}`,

  read(identity, store) {
    const rule = store.workspace(identity.workspace)?.rules[String(identity.ruleName)];
    return rule ? ruleResource(rule, store) : ABSENT;
  },

  apply(step, identity, context) {
    const ref = identity.workspace;
    const ws = context.store.requireWorkspace(ref, step.address);
    const ruleName = String(identity.ruleName);
    if (step.action === "delete") {
      const existing = ws.rules[ruleName];
      if (existing && existing.category !== "UserDefined")
        throw fail(step.address, "service-owned rules cannot be deleted.", { status: 400 });
      delete ws.rules[ruleName];
      return SUCCEEDED;
    }
    if (ws.isolationMode === "Disabled")
      throw fail(step.address, "outbound rules need managed network isolation.", { status: 400 });
    const rule = (step.after ?? {}) as unknown as Omit<MemoryRule, "status">;
    if (rule.type !== "PrivateEndpoint" && ws.isolationMode !== "AllowOnlyApprovedOutbound")
      throw fail(step.address, `${rule.type} rules need isolation mode AllowOnlyApprovedOutbound.`, {
        status: 400,
      });
    context.touch("managedNetwork", { workspace: ref });
    const stored: MemoryRule = {
      type: rule.type,
      category: "UserDefined",
      destination: copyDestination(rule.destination),
      status: ws.networkStatus === "Active" ? "Active" : "Inactive",
    };
    ws.rules[ruleName] = stored;
    if (ws.networkStatus === "Active" && stored.type === "FQDN") ws.firewall = true;
    if (ws.networkStatus === "Active" && stored.type === "PrivateEndpoint")
      ruleConnection(ws, ruleName, stored, context.store);
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const ws = store.requireWorkspace(identity.workspace, "setResource");
    const ruleName = String(identity.ruleName);
    if (properties === null) delete ws.rules[ruleName];
    else
      ws.rules[ruleName] = { status: "Active", ...(properties as Omit<MemoryRule, "status">) } as MemoryRule;
  },
};
