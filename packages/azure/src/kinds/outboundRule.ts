/**
 * `outboundRule`: a user-defined outbound rule of a workspace's managed network (FQDN, private
 * endpoint, service tag) through its own 2025-12-01 route, never through the workspace PATCH; read
 * from the workspace GET's rule map. Service-owned rules are never changed; user-defined rules no
 * node names are discovered (and left alone). Rule writes are verified once by the workspace's
 * `managedNetwork` step when there is one, else read back here.
 */
import type {
  ActualResource,
  DiscoveredResource,
  OutboundRuleIdentity,
  OutboundRuleProperties,
  PlanStep,
  ResourceNode,
  StepResult,
  WorkspaceRef,
} from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, contentHash, isUserDefined, normaliseRule, sameRule } from "../normalize.js";
import { hasManagedNetwork, type ReadSession, workspaceKey } from "../read.js";
import { ML_WORKSPACES, on, workspaceScope, writeActions } from "../required-actions.js";
import type { OutboundRule } from "../rest/types.js";
import { rememberRule, retrying, type StepEnv, workspaceMemoryKey } from "../steps.js";
import { trackOperation } from "../waits.js";

async function readRule(session: ReadSession, node: ResourceNode<"outboundRule">): Promise<ActualResource> {
  const identity = node.identity as OutboundRuleIdentity;
  const ws = await session.workspace(identity.workspace);
  if (!ws || !hasManagedNetwork(ws.body))
    return { exists: false, fingerprint: absentFingerprint(node.address) };
  const rule = (await session.outboundRules(identity.workspace)).find(
    (r) => (r.name ?? "").toLowerCase() === identity.ruleName.toLowerCase(),
  );
  if (!rule) return { exists: false, fingerprint: absentFingerprint(node.address) };
  if (!isUserDefined(rule))
    throw serviceOwned(node.address, identity.ruleName, rule.properties.category, identity.workspace.name);
  const properties = normaliseRule(rule);
  if (!properties) return { exists: false, fingerprint: absentFingerprint(node.address) };
  return {
    exists: true,
    properties: properties as unknown as Record<string, unknown>,
    facts: { status: rule.properties.status ?? "Inactive" },
    fingerprint: contentHash(properties),
  };
}

/** User-defined rules no node names (service-owned rules are never reported). */
async function discoverRules(
  session: ReadSession,
  nodes: readonly ResourceNode[],
): Promise<DiscoveredResource[]> {
  const requestedRules = new Map<string, Set<string>>();
  const workspaceRefs = new Map<string, WorkspaceRef>();
  for (const node of nodes) {
    const ref = (node.identity as { workspace?: WorkspaceRef }).workspace;
    if (ref) workspaceRefs.set(workspaceKey(ref), ref);
    if (node.kind === "outboundRule") {
      const id = node.identity as OutboundRuleIdentity;
      const set = requestedRules.get(workspaceKey(id.workspace)) ?? new Set<string>();
      set.add(id.ruleName.toLowerCase());
      requestedRules.set(workspaceKey(id.workspace), set);
    }
  }
  const discovered: DiscoveredResource[] = [];
  for (const [key, ref] of workspaceRefs) {
    const ws = await session.workspace(ref);
    if (!ws || !hasManagedNetwork(ws.body)) continue;
    const requested = requestedRules.get(key) ?? new Set<string>();
    for (const rule of await session.outboundRules(ref)) {
      const name = rule.name ?? "";
      if (!isUserDefined(rule) || requested.has(name.toLowerCase())) continue;
      const properties = normaliseRule(rule);
      if (!properties) continue;
      discovered.push({
        kind: "outboundRule",
        address: `workspace.${ref.key}.rule.${name}`,
        identity: { workspace: ref, ruleName: name },
        properties: properties as unknown as Record<string, unknown>,
        fingerprint: contentHash(properties),
      });
    }
  }
  return discovered;
}

function toAzureRule(rule: OutboundRuleProperties): OutboundRule {
  switch (rule.type) {
    case "FQDN":
      return { type: "FQDN", category: "UserDefined", destination: rule.destination };
    case "PrivateEndpoint":
      return { type: "PrivateEndpoint", category: "UserDefined", destination: { ...rule.destination } };
    case "ServiceTag":
      return { type: "ServiceTag", category: "UserDefined", destination: { ...rule.destination } };
  }
}

/** A rule the spec names is service-owned (category other than UserDefined): pfnet never changes it. */
function serviceOwned(
  address: string,
  ruleName: string,
  category: string | undefined,
  workspaceName?: string,
): PfnetError {
  const rule = workspaceName ? `${ruleName} of workspace ${workspaceName}` : ruleName;
  return new PfnetError(
    "SERVICE_OWNED_RULE",
    `Outbound rule ${rule} is service-owned (category ${category}); pfnet never changes it.`,
    { address, hint: "Give the rule another name in the spec." },
  );
}

async function applyRule(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as OutboundRuleIdentity;
  const ref = identity.workspace;
  const name = identity.ruleName;
  if (step.action === "delete") {
    rememberRule(env.memory, ref, name, null);
    await retrying(env, step, async () => {
      const existing = await env.clients.ml.getOutboundRule(ref, name, env.signal);
      if (!existing) return;
      if (!isUserDefined(existing)) throw serviceOwned(step.address, name, existing.properties?.category);
      await trackOperation(env, step, "outboundRuleWrite", `deleting outbound rule ${name}`, (onPoll) =>
        env.clients.ml.deleteOutboundRule(ref, name, env.signal, onPoll),
      );
    });
    return { outcome: "succeeded" };
  }
  const desired = step.after as unknown as OutboundRuleProperties;
  rememberRule(env.memory, ref, name, desired);
  let firstAttempt = true;
  await retrying(env, step, async () => {
    // Core's re-read rule: on a fresh step's first attempt the plan's `before` is the rule as
    // Azure holds it (the plan read it normalised, user-defined only); a retry reads again, as
    // the failed attempt may have partly happened.
    const trustPlan = env.fresh === true && firstAttempt;
    firstAttempt = false;
    let current: OutboundRuleProperties | undefined;
    if (trustPlan) current = (step.before ?? undefined) as OutboundRuleProperties | undefined;
    else {
      const existing = await env.clients.ml.getOutboundRule(ref, name, env.signal);
      if (existing && !isUserDefined(existing))
        throw serviceOwned(step.address, name, existing.properties?.category);
      current = existing ? normaliseRule(existing) : undefined;
    }
    if (current && sameRule(current, desired)) return;
    // A changed private-endpoint destination is a new endpoint: delete first (Azure treats it as immutable).
    if (current && step.action === "replace") {
      await trackOperation(env, step, "outboundRuleWrite", `deleting outbound rule ${name}`, (onPoll) =>
        env.clients.ml.deleteOutboundRule(ref, name, env.signal, onPoll),
      );
    }
    await trackOperation(env, step, "outboundRuleWrite", `writing outbound rule ${name}`, (onPoll) =>
      env.clients.ml.putOutboundRule(ref, name, toAzureRule(desired), env.signal, onPoll),
    );
  });
  // The managed-network step of this workspace verifies every rule once, after the last rule
  // write (one rule-set read instead of one per rule); without one, read back what Azure kept.
  if (env.memory.networkVerifies.has(workspaceMemoryKey(ref))) return { outcome: "succeeded" };
  const stored = await retrying(env, step, () => env.clients.ml.getOutboundRule(ref, name, env.signal));
  if (!stored || !sameRule(normaliseRule(stored), desired)) {
    throw new PfnetError(
      "VERIFY_FAILED",
      `Outbound rule ${name} read back ${stored ? "differs from" : "is missing, not"} what was written.`,
      {
        address: step.address,
        details: { expected: desired, actual: stored ? normaliseRule(stored) : null },
      },
    );
  }
  return { outcome: "succeeded" };
}

/** A rule write or delete, checked on the workspace (rules are its child resources). */
async function ruleActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const { workspace: ws } = step.identity as { workspace: WorkspaceRef };
  return on(workspaceScope(ws), writeActions(step, `${ML_WORKSPACES}/outboundRules`));
}

export const outboundRule: AzureKind<"outboundRule"> = {
  kind: "outboundRule",
  requiredActions: ruleActions,
  read: readRule,
  discover: discoverRules,
  apply: applyRule,
};
