/**
 * `onlineEndpoint`: a managed online endpoint's `publicNetworkAccess`, through
 * `@azure/arm-machinelearning` (2022-10-01). Its PATCH body has no such field, so an existing
 * endpoint is PUT back with it changed; an absent one is created minimal (SystemAssigned, Key).
 */
import type {
  ActualResource,
  DiscoveredResource,
  OnlineEndpointIdentity,
  PlanStep,
  ResourceNode,
  StepResult,
  WorkspaceRef,
} from "@pfnet/core";
import { address, PfnetError } from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, contentHash } from "../normalize.js";
import { type ReadSession, workspaceKey, workspaceNotFound } from "../read.js";
import { ML_WORKSPACES, on, workspaceScope, writeActions } from "../required-actions.js";
import { retrying, type StepEnv } from "../steps.js";
import { awaitSdkOperation } from "../waits.js";

async function readEndpoint(
  session: ReadSession,
  node: { address: string; identity: OnlineEndpointIdentity },
): Promise<ActualResource> {
  const identity = node.identity;
  const ws = await session.workspace(identity.workspace);
  if (!ws) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const endpoint = (await session.onlineEndpoints(identity.workspace)).get(identity.endpointName);
  if (!endpoint) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const properties = { publicNetworkAccess: endpoint.publicNetworkAccess };
  return {
    exists: true,
    properties,
    facts: { id: endpoint.id ?? "" },
    fingerprint: contentHash(properties),
  };
}

/**
 * Online endpoints of the spec's existing workspaces that no node names: pfnet leaves them alone
 * and the plan says so. Only where the endpoint list is read anyway — the spec names endpoints of
 * the workspace, or its isolation mode changes (PFN202) — so a settled plan of a workspace whose
 * spec names none costs no list (issue 9's request budget); docs/cli.md says so.
 */
async function discoverEndpoints(
  session: ReadSession,
  nodes: readonly ResourceNode[],
): Promise<DiscoveredResource[]> {
  const workspaces = new Map<string, WorkspaceRef>();
  const named = new Set<string>();
  const withNamed = new Set<string>();
  for (const node of nodes) {
    if (node.kind === "workspace") {
      const ref = (node.identity as { workspace: WorkspaceRef }).workspace;
      workspaces.set(ref.key, ref);
    }
    if (node.kind === "onlineEndpoint") {
      named.add(node.address);
      withNamed.add((node.identity as OnlineEndpointIdentity).workspace.key);
    }
  }
  const discovered: DiscoveredResource[] = [];
  for (const ref of workspaces.values()) {
    const listed = withNamed.has(ref.key) || session.hasCached("endpoints", workspaceKey(ref));
    if (!listed || !(await session.workspace(ref))) continue;
    for (const [endpointName, endpoint] of await session.onlineEndpoints(ref)) {
      const at = address.endpoint(ref.key, endpointName);
      if (named.has(at)) continue;
      const properties = { publicNetworkAccess: endpoint.publicNetworkAccess };
      discovered.push({
        kind: "onlineEndpoint",
        address: at,
        identity: { workspace: ref, endpointName },
        properties,
        fingerprint: contentHash(properties),
      });
    }
  }
  return discovered;
}

async function applyOnlineEndpoint(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as OnlineEndpointIdentity;
  const ref = identity.workspace;
  if (step.action === "delete") {
    throw new PfnetError("PLAN_FORBIDDEN", `pfnet never deletes online endpoint ${identity.endpointName}.`, {
      address: step.address,
    });
  }
  const after = step.after as unknown as { publicNetworkAccess: "Enabled" | "Disabled" };
  const client = await env.clients.machineLearning(ref.subscriptionId);
  await retrying(env, step, async () => {
    let existing: Awaited<ReturnType<typeof client.onlineEndpoints.get>> | undefined;
    try {
      existing = await env.clients.sdk(() =>
        client.onlineEndpoints.get(ref.resourceGroup, ref.name, identity.endpointName, {
          abortSignal: env.signal,
        }),
      );
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
    }
    if (existing?.properties?.publicNetworkAccess === after.publicNetworkAccess) return;
    if (existing) {
      // The 2022-10-01 PATCH body has no publicNetworkAccess: PUT the endpoint back with it changed.
      const { systemData: _systemData, ...body } = existing;
      const properties = { ...existing.properties, publicNetworkAccess: after.publicNetworkAccess };
      await awaitSdkOperation(
        env,
        step,
        "onlineEndpointUpdate",
        `setting publicNetworkAccess ${after.publicNetworkAccess} on online endpoint ${identity.endpointName}`,
        (options) =>
          client.onlineEndpoints.beginCreateOrUpdate(
            ref.resourceGroup,
            ref.name,
            identity.endpointName,
            { ...body, properties },
            options,
          ),
      );
      return;
    }
    const ws = await env.clients.ml.getWorkspace(ref, env.signal);
    if (!ws) throw workspaceNotFound(ref, step.address);
    await awaitSdkOperation(
      env,
      step,
      "onlineEndpointCreate",
      `creating online endpoint ${identity.endpointName}`,
      (options) =>
        client.onlineEndpoints.beginCreateOrUpdate(
          ref.resourceGroup,
          ref.name,
          identity.endpointName,
          {
            location: ws.body.location ?? "",
            identity: { type: "SystemAssigned" },
            properties: { authMode: "Key", publicNetworkAccess: after.publicNetworkAccess },
          },
          options,
        ),
    );
  });
  return { outcome: "succeeded" };
}

/** An endpoint create or update, checked on its workspace (the endpoint may not exist yet). */
async function endpointActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const { workspace: ws } = step.identity as { workspace: WorkspaceRef };
  return on(workspaceScope(ws), writeActions(step, `${ML_WORKSPACES}/onlineEndpoints`));
}

export const onlineEndpoint: AzureKind<"onlineEndpoint"> = {
  kind: "onlineEndpoint",
  requiredActions: endpointActions,
  read: readEndpoint,
  discover: discoverEndpoints,
  apply: applyOnlineEndpoint,
};
