/**
 * `workspace`: the network settings pfnet owns on a Machine Learning workspace (public network
 * access, managed-network isolation mode and firewall SKU, serverless compute subnet), read from
 * the 2025-12-01 GET and written with one PATCH of what differs — or, with a `create` block, a PUT
 * of a new workspace. pfnet never deletes or replaces a workspace.
 */
import type {
  ActualResource,
  PlanStep,
  ResourceNode,
  StepResult,
  WorkspaceFacts,
  WorkspaceIdentity,
  WorkspaceProperties,
} from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import { workspaceComputes } from "../computes.js";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, canonicalJson, contentHash } from "../normalize.js";
import { type ReadSession, workspaceNotFound } from "../read.js";
import { ML_WORKSPACES, on, workspaceScope, writeActions } from "../required-actions.js";
import type { Workspace, WorkspaceUpdateParameters } from "../rest/types.js";
import { retrying, type StepEnv } from "../steps.js";
import { trackOperation } from "../waits.js";

export function normaliseWorkspace(ws: Workspace): WorkspaceProperties {
  const p = ws.properties ?? {};
  const out: WorkspaceProperties = {
    publicNetworkAccess: p.publicNetworkAccess ?? "Enabled",
    isolationMode: p.managedNetwork?.isolationMode ?? "Disabled",
  };
  if (p.managedNetwork?.firewallSku) out.firewallSku = p.managedNetwork.firewallSku;
  if (p.imageBuildCompute) out.imageBuildCompute = p.imageBuildCompute;
  if (p.serverlessComputeSettings?.serverlessComputeCustomSubnet) {
    out.serverlessComputeSettings = {
      serverlessComputeCustomSubnet: p.serverlessComputeSettings.serverlessComputeCustomSubnet,
      serverlessComputeNoPublicIP: p.serverlessComputeSettings.serverlessComputeNoPublicIP ?? false,
    };
  }
  return out;
}

export function workspaceFacts(ws: Workspace): WorkspaceFacts {
  const p = ws.properties ?? {};
  const facts: WorkspaceFacts = {};
  if (ws.identity?.principalId) facts.principalId = ws.identity.principalId;
  const attached = Object.keys(ws.identity?.userAssignedIdentities ?? {});
  if (attached.length > 0) facts.userAssignedIdentities = attached;
  if (p.primaryUserAssignedIdentity) facts.primaryUserAssignedIdentity = p.primaryUserAssignedIdentity;
  if (p.storageAccount) facts.storageAccount = p.storageAccount;
  if (p.keyVault) facts.keyVault = p.keyVault;
  if (p.containerRegistry) facts.containerRegistry = p.containerRegistry;
  if (ws.kind) facts.kind = ws.kind;
  if (p.hubResourceId) facts.hubResourceId = p.hubResourceId;
  facts.networkStatus = p.managedNetwork?.status?.status ?? "Inactive";
  return facts;
}

/**
 * Facts only outputs read (`pfnet output`): the firewall's public IP and the workspace's inbound
 * connections. Kept out of the fingerprint: they change as Azure finishes work or as clients
 * connect, which is no reason to call a plan stale.
 */
export function workspaceOutputFacts(ws: Workspace): WorkspaceFacts {
  const p = ws.properties ?? {};
  const facts: WorkspaceFacts = {};
  if (p.managedNetwork?.firewallPublicIpAddress)
    facts.firewallPublicIpAddress = p.managedNetwork.firewallPublicIpAddress;
  if (p.privateEndpointConnections) {
    facts.privateEndpointConnections = p.privateEndpointConnections.map((c) => ({
      id: c.id ?? "",
      status: c.properties?.privateLinkServiceConnectionState?.status ?? "Pending",
      ...(c.properties?.privateEndpoint?.id ? { privateEndpointId: c.properties.privateEndpoint.id } : {}),
    }));
  }
  return facts;
}

/**
 * The workspace's fingerprint: a content hash of what pfnet owns and relies on (the network
 * settings it writes and the identity, storage, key vault and registry it reads). workspaceRP.json
 * 2025-12-01 declares no `etag` and its PATCH no `If-Match`, so there is no server-side condition
 * to lean on; the plan's fingerprint is compared with a fresh read instead (core's stale check and
 * guarded re-read). The managed network's progress (`networkStatus`) stays out, as in the network
 * node's fingerprint: Azure finishing work already asked for is not someone else's change.
 */
export function workspaceFingerprint(ws: Workspace): string {
  const { networkStatus: _progress, ...facts } = workspaceFacts(ws);
  return contentHash({ properties: normaliseWorkspace(ws), facts });
}

async function readWorkspace(session: ReadSession, node: ResourceNode<"workspace">): Promise<ActualResource> {
  const identity = node.identity as WorkspaceIdentity;
  const response = await session.workspace(identity.workspace);
  // Absent with or without a `create` block: core's plan-time rule PFN203 refuses the second
  // case with the spec's file, line and column, before anything is written.
  if (!response) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const ws = response.body;
  const properties = normaliseWorkspace(ws);
  const facts: Record<string, unknown> = { ...workspaceFacts(ws), ...workspaceOutputFacts(ws) };
  const desired = node.properties as WorkspaceProperties;
  // Plan-time rules only (never with `resourcesOnly`): computes and endpoints matter when the
  // isolation mode changes; where computes sit matters with an own VNet (isolation Disabled) or
  // private ingress (PFN220–PFN223). One compute list serves both.
  const modeChanges =
    desired.isolationMode !== undefined && desired.isolationMode !== properties.isolationMode;
  const placement = desired.isolationMode === "Disabled" || desired.publicNetworkAccess === "Disabled";
  if (!session.resourcesOnly && (modeChanges || placement)) {
    const [computes, endpoints] = await Promise.all([
      workspaceComputes(session, identity.workspace),
      modeChanges ? session.onlineEndpoints(identity.workspace) : undefined,
    ]);
    facts.computes = computes.map((compute) => compute.name);
    facts.computePlacement = computes;
    if (endpoints) facts.onlineEndpoints = [...endpoints.keys()].sort();
  }
  return {
    exists: true,
    properties: properties as unknown as Record<string, unknown>,
    facts,
    fingerprint: workspaceFingerprint(ws),
  };
}

const WORKSPACE_KIND: Record<string, string> = { default: "Default", hub: "Hub", project: "Project" };

/**
 * A project's create body: `kind: Project` and its hub's id (`hubResourceId`, 2025-12-01); no
 * network settings, storage account or key vault — the project inherits its hub's (assumed from
 * the Foundry docs: the REST spec describes neither).
 */
function projectBody(create: NonNullable<WorkspaceIdentity["create"]>): Workspace {
  return {
    location: create.location,
    kind: "Project",
    identity: { type: "SystemAssigned" },
    properties: { hubResourceId: create.hubResourceId! },
  };
}

async function applyWorkspace(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as WorkspaceIdentity;
  const ref = identity.workspace;
  if (step.action === "delete" || step.action === "replace") {
    throw new PfnetError("PLAN_FORBIDDEN", `pfnet never deletes or replaces workspace ${ref.name}.`, {
      address: step.address,
      hint: "Change the workspace in Azure yourself, then re-plan.",
    });
  }
  const after = step.after as unknown as WorkspaceProperties;
  await retrying(env, step, async () => {
    const current = await env.clients.ml.getWorkspace(ref, env.signal);
    if (!current) {
      if (!identity.create) throw workspaceNotFound(ref, step.address);
      const create = identity.create;
      const body: Workspace =
        create.hubResourceId !== undefined
          ? projectBody(create)
          : {
              location: create.location,
              kind: WORKSPACE_KIND[create.kind] ?? "Default",
              identity: { type: "SystemAssigned" },
              properties: {
                storageAccount: create.storageAccount,
                keyVault: create.keyVault,
                ...(create.containerRegistry ? { containerRegistry: create.containerRegistry } : {}),
                ...(create.applicationInsights ? { applicationInsights: create.applicationInsights } : {}),
                publicNetworkAccess: after.publicNetworkAccess,
                managedNetwork: {
                  isolationMode: after.isolationMode,
                  ...(after.firewallSku ? { firewallSku: after.firewallSku } : {}),
                },
                ...(after.serverlessComputeSettings
                  ? { serverlessComputeSettings: after.serverlessComputeSettings }
                  : {}),
                ...(after.imageBuildCompute ? { imageBuildCompute: after.imageBuildCompute } : {}),
                provisionNetworkNow: create.provisionNetworkNow,
              },
            };
      await trackOperation(env, step, "workspaceCreate", `creating workspace ${ref.name}`, (onPoll) =>
        env.clients.ml.createWorkspace(ref, body, env.signal, onPoll),
      );
      return;
    }
    const actual = normaliseWorkspace(current.body);
    const patch: WorkspaceUpdateParameters = { properties: {} };
    // A project's node desires none of these (it inherits its hub's network).
    if (after.publicNetworkAccess !== undefined && actual.publicNetworkAccess !== after.publicNetworkAccess)
      patch.properties.publicNetworkAccess = after.publicNetworkAccess;
    const modeDiffers = after.isolationMode !== undefined && actual.isolationMode !== after.isolationMode;
    const skuDiffers = after.firewallSku !== undefined && actual.firewallSku !== after.firewallSku;
    if (modeDiffers || skuDiffers) patch.properties.managedNetwork = managedNetworkPatch(after, actual);
    if (
      after.serverlessComputeSettings &&
      canonicalJson(after.serverlessComputeSettings) !==
        canonicalJson(actual.serverlessComputeSettings ?? null)
    ) {
      patch.properties.serverlessComputeSettings = after.serverlessComputeSettings;
    }
    if (after.imageBuildCompute !== undefined && actual.imageBuildCompute !== after.imageBuildCompute)
      patch.properties.imageBuildCompute = after.imageBuildCompute;
    if (Object.keys(patch.properties).length === 0) return;
    const label = `updating workspace ${ref.name} (${Object.keys(patch.properties).join(", ")})`;
    await trackOperation(env, step, "workspaceUpdate", label, (onPoll) =>
      env.clients.ml.updateWorkspace(ref, patch, env.signal, onPoll),
    );
  });
  return { outcome: "succeeded" };
}

/**
 * The `managedNetwork` of a workspace PATCH: every setting pfnet owns, isolation mode together
 * with the firewall SKU (whether Azure merges a partial `managedNetwork` or replaces it is
 * UNCONFIRMED, azure-facts a.2), and never the `outboundRules` map — rules go through their own
 * route, so a PATCH cannot drop service-owned or unmanaged rules. The SKU is the spec's, else
 * the one Azure reports, else Standard (the documented default, how-to-managed-network).
 */
function managedNetworkPatch(
  after: WorkspaceProperties,
  actual: WorkspaceProperties,
): { isolationMode: WorkspaceProperties["isolationMode"]; firewallSku: "Standard" | "Basic" } {
  return {
    isolationMode: after.isolationMode,
    firewallSku: after.firewallSku ?? actual.firewallSku ?? "Standard",
  };
}

/** A workspace create or update writes the workspace. */
async function workspaceActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const { workspace: ws } = step.identity as unknown as WorkspaceIdentity;
  return on(workspaceScope(ws), writeActions(step, ML_WORKSPACES));
}

export const workspace: AzureKind<"workspace"> = {
  kind: "workspace",
  requiredActions: workspaceActions,
  read: readWorkspace,
  apply: applyWorkspace,
};
