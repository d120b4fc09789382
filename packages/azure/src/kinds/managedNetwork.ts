/**
 * `managedNetwork`: provisioning of a workspace's managed network (2025-12-01
 * `provisionManagedNetwork`, re-attached to an unfinished one through the step's journal or the
 * rules' `Provisioning` status), then the wait until the network and every user-defined rule are
 * Active. Before it, one verification of every rule this apply wrote (the paged rule list).
 */
import type { ActualResource, PlanStep, ResourceNode, StepResult, WorkspaceRef } from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, contentHash, isUserDefined, normaliseRule, sameRule } from "../normalize.js";
import { hasManagedNetwork, type ReadSession, workspaceNotFound } from "../read.js";
import { ML_WORKSPACES, on, workspaceScope } from "../required-actions.js";
import type { Workspace } from "../rest/types.js";
import { newSession, retrying, type StepEnv, workspaceMemoryKey } from "../steps.js";
import { expectedWallMs, startWait, WaitBudget } from "../waits.js";

async function readNetwork(
  session: ReadSession,
  node: ResourceNode<"managedNetwork">,
): Promise<ActualResource> {
  const ref = node.identity.workspace as WorkspaceRef;
  const ws = await session.workspace(ref);
  if (!ws || !hasManagedNetwork(ws.body))
    return { exists: false, fingerprint: absentFingerprint(node.address) };
  const networkStatus = ws.body.properties?.managedNetwork?.status?.status ?? "Inactive";
  const userRules = (await session.outboundRules(ref)).filter(isUserDefined);
  const inactive = userRules.filter((r) => r.properties.status !== "Active").map((r) => r.name ?? "");
  const status = networkStatus === "Active" && inactive.length === 0 ? "Active" : "Inactive";
  const properties = { status, hasFqdnRules: userRules.some((r) => r.properties.type === "FQDN") };
  const facts = { networkStatus, inactiveRules: inactive.sort() };
  // Provisioning progress (Inactive → Active, rules Provisioning → Active) is Azure finishing
  // work already asked for, not a change by someone else: it stays out of the fingerprint, so a
  // re-apply after an interrupted one is not refused as stale while Azure catches up.
  const fingerprint = contentHash({
    networkId: ws.body.properties?.managedNetwork?.networkId ?? null,
    isolationMode: ws.body.properties?.managedNetwork?.isolationMode ?? null,
    hasFqdnRules: properties.hasFqdnRules,
  });
  return { exists: true, properties, facts, fingerprint };
}

async function applyNetwork(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const ref = (step.identity as { workspace: WorkspaceRef }).workspace;
  // One read of the workspace serves the rule-set verification and the provisioning decision.
  const first = newSession(env, step);
  const current = await first.workspace(ref);
  if (!current) throw workspaceNotFound(ref, step.address);
  await verifyRules(env, step, ref, first);
  const wait = startWait(
    env,
    step,
    "provisioning",
    expectedWallMs(env, step, ["provisioning", "firewall"], env.waits.provisioningExpectedSeconds),
  );
  const budget = new WaitBudget(env, env.waits.provisioningTimeoutSeconds);
  const report = wait.report;

  if (!hasManagedNetwork(current.body)) {
    throw new PfnetError(
      "PROVIDER_ERROR",
      `Workspace ${ref.name} has no managed network (isolation mode Disabled); nothing to provision.`,
      {
        address: step.address,
      },
    );
  }
  const alreadyActive = current.body.properties?.managedNetwork?.status?.status === "Active";
  report(alreadyActive ? "managed network Active; checking its rules" : "provisioning the managed network");
  if (!alreadyActive) await provisionOrAttach(env, step, ref, current.body, report);
  // Wait until the network and every user-defined rule are Active (provisioning creates the
  // private endpoints and, with the first FQDN rule, the Azure Firewall).
  for (;;) {
    const session = newSession(env, step);
    const ws = await budget.poll(() => session.workspace(ref));
    if (!ws) throw workspaceNotFound(ref, step.address);
    const rules = (await budget.poll(() => session.outboundRules(ref))).filter(isUserDefined);
    const failed = rules.filter((r) => r.properties.status === "Failed");
    if (failed.length > 0) {
      throw new PfnetError(
        "PROVISIONING_FAILED",
        `Outbound rules failed to provision: ${failed.map((r) => `${r.name} (${r.properties.errorInformation ?? "no detail"})`).join(", ")}.`,
        {
          address: step.address,
          details: { rules: failed.map((r) => r.name ?? "") },
        },
      );
    }
    const pending = rules.filter((r) => r.properties.status !== "Active").map((r) => r.name ?? "");
    const networkActive = ws.body.properties?.managedNetwork?.status?.status === "Active";
    if (networkActive && pending.length === 0) {
      report("managed network Active, all user-defined rules Active");
      return { outcome: "succeeded" };
    }
    if (budget.exhausted) {
      throw new PfnetError(
        "PROVISIONING_TIMEOUT",
        `The managed network of ${ref.name} was not Active after ${Math.round(env.waits.provisioningTimeoutSeconds / 60)} minutes.`,
        {
          address: step.address,
          details: { networkActive, pendingRules: pending },
          hint: "Check the workspace's managed network in the portal; re-run apply to keep waiting.",
        },
      );
    }
    report(
      networkActive
        ? `waiting for rules to become Active: ${pending.join(", ")}`
        : "waiting for the managed network to become Active",
    );
    await budget.pause(env.waits.pollIntervalSeconds);
  }
}

const PROVISION = "provisionManagedNetwork";

function sameOrigin(url: string, endpoint: string | undefined): boolean {
  if (endpoint === undefined) return true;
  try {
    return new URL(url).origin === new URL(endpoint).origin;
  } catch {
    return false;
  }
}

/**
 * Start provisioning unless an operation is already under way:
 * 1. the journal holds the handle of one an earlier apply started and never saw end: poll it
 *    until it ends (`gone`, when Azure no longer knows it, falls through to 2);
 * 2. Azure shows one: an outbound rule in status `Provisioning` (2025-12-01 `RuleStatus`; the
 *    network's own status has only Inactive/Active) — the wait after this function waits for it;
 * 3. otherwise journal the intent, POST, and journal the handle Azure returns.
 * A crash between the intent and the handle leaves an intent only: the next apply finds the
 * operation by 2 if Azure accepted the POST, and starts it by 3 if not.
 */
async function provisionOrAttach(
  env: StepEnv,
  step: PlanStep,
  ref: WorkspaceRef,
  workspace: Workspace,
  report: (message: string) => void,
): Promise<void> {
  const unfinished = env.journal?.unfinished;
  const onPoll = () => report("provisioning the managed network");
  if (unfinished?.operation === PROVISION && unfinished.url && sameOrigin(unfinished.url, env.endpoint)) {
    const url = unfinished.url;
    env.emit({ type: "step.reattached", address: step.address, operation: PROVISION, via: "handle" });
    report(`re-attached to the provisioning started at ${unfinished.startedAt ?? unfinished.announcedAt}`);
    const outcome = await retrying(env, step, () => env.clients.ml.awaitOperation(url, env.signal, onPoll));
    if (outcome === "done") return;
  }
  const embedded = workspace.properties?.managedNetwork?.outboundRules;
  const rules =
    embedded && typeof embedded === "object"
      ? Object.values(embedded)
      : (await retrying(env, step, () => env.clients.ml.listOutboundRules(ref, env.signal))).map(
          (rule) => rule.properties,
        );
  if (rules.some((rule) => rule?.status === "Provisioning")) {
    env.emit({ type: "step.reattached", address: step.address, operation: PROVISION, via: "status" });
    report("provisioning already under way (outbound rules Provisioning); waiting for it");
    return;
  }
  await env.journal?.intent(PROVISION);
  await retrying(env, step, () =>
    env.clients.ml.provisionManagedNetwork(
      ref,
      { includeSpark: false },
      env.signal,
      onPoll,
      async (handle) => {
        await env.journal?.started(PROVISION, handle);
      },
    ),
  );
}

/** Compare the user-defined rules read back with every rule this apply expects; throw VERIFY_FAILED naming the differences. */
async function verifyRules(
  env: StepEnv,
  step: PlanStep,
  ref: WorkspaceRef,
  session: ReadSession,
): Promise<void> {
  const expected = env.memory.expectedRules.get(workspaceMemoryKey(ref));
  if (!expected || expected.size === 0) return;
  // Through the paged rule list, where the rules were written: the workspace GET's map is what
  // reads use, but whether it mirrors every rule route at once is not documented.
  const rules = await session.listedOutboundRules(ref);
  const byName = new Map(rules.filter(isUserDefined).map((r) => [(r.name ?? "").toLowerCase(), r]));
  const missing: string[] = [];
  const extra: string[] = [];
  const differing: string[] = [];
  for (const [lower, { name, rule }] of expected) {
    const actual = byName.get(lower);
    if (rule === null) {
      if (actual) extra.push(name);
    } else if (!actual) missing.push(name);
    else if (!sameRule(normaliseRule(actual), rule)) differing.push(name);
  }
  if (missing.length + extra.length + differing.length > 0) {
    const parts = [
      missing.length ? `missing: ${missing.join(", ")}` : "",
      extra.length ? `still present: ${extra.join(", ")}` : "",
      differing.length ? `different: ${differing.join(", ")}` : "",
    ].filter(Boolean);
    throw new PfnetError(
      "VERIFY_FAILED",
      `The outbound rules of workspace ${ref.name} read back differ from the spec (${parts.join("; ")}).`,
      {
        address: step.address,
        details: { missing, extra, differing },
        hint: "Another writer may have changed the rules at the same time; run plan and apply again.",
      },
    );
  }
}

/**
 * Provisioning posts `provisionManagedNetwork`; creating the managed network also needs write on
 * the workspace's private-endpoint connections (azure-facts c.5, the managed-network docs).
 */
async function networkActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  if (step.action !== "provision") return [];
  const { workspace: ws } = step.identity as { workspace: WorkspaceRef };
  return on(workspaceScope(ws), [
    `${ML_WORKSPACES}/provisionManagedNetwork/action`,
    `${ML_WORKSPACES}/privateEndpointConnections/write`,
  ]);
}

export const managedNetwork: AzureKind<"managedNetwork"> = {
  kind: "managedNetwork",
  requiredActions: networkActions,
  read: readNetwork,
  apply: applyNetwork,
};
