/**
 * The workspace: its network settings, created when missing and the step has a `create` block.
 * Isolation modes only tighten, and managed isolation cannot be switched on while computes or
 * online endpoints exist (as in Azure).
 */
import { PfnetError } from "../../errors.js";
import { type MemoryWorkspace, memoryWorkspace, workspaceArmId } from "../state.js";
import { lower, type MemoryStore } from "../store.js";
import { ABSENT, fail, type MemoryKindHandler, SUCCEEDED } from "./handler.js";
import { provision } from "./managedNetwork.js";

/** The workspace an ARM id names, if the store has it. */
function workspaceById(store: MemoryStore, id: string): MemoryWorkspace | undefined {
  const match =
    /\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)$/i.exec(
      id,
    );
  return match
    ? store.workspace({ subscriptionId: match[1]!, resourceGroup: match[2]!, name: match[3]! })
    : undefined;
}

const ISOLATION_ORDER = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"];

export const workspace: MemoryKindHandler<"workspace"> = {
  workspaceLane: true,
  key: (identity) => `ws|${lower(workspaceArmId(identity.workspace))}`,

  read(identity, store) {
    const ws = store.workspace(identity.workspace);
    if (!ws) return ABSENT;
    const properties: Record<string, unknown> = {
      publicNetworkAccess: ws.publicNetworkAccess,
      isolationMode: ws.isolationMode,
    };
    if (ws.firewallSku !== undefined) properties.firewallSku = ws.firewallSku;
    if (ws.imageBuildCompute !== undefined) properties.imageBuildCompute = ws.imageBuildCompute;
    if (ws.serverlessComputeSettings !== undefined)
      properties.serverlessComputeSettings = { ...ws.serverlessComputeSettings };
    const attached = Object.keys(ws.userAssignedIdentities ?? {});
    const facts = {
      principalId: ws.principalId,
      ...(attached.length > 0
        ? { userAssignedIdentities: attached, primaryUserAssignedIdentity: attached[0] }
        : {}),
      storageAccount: ws.storageAccount,
      keyVault: ws.keyVault,
      ...(ws.containerRegistry === undefined ? {} : { containerRegistry: ws.containerRegistry }),
      networkStatus: ws.networkStatus,
      computes: ws.computes.map((compute) => (typeof compute === "string" ? compute : compute.name)),
      computePlacement: ws.computes.map((compute) =>
        typeof compute === "string" ? { name: compute, type: "other" } : { ...compute },
      ),
      onlineEndpoints: Object.keys(ws.onlineEndpoints).sort(),
      kind: ws.kind,
      ...(ws.hubResourceId === undefined ? {} : { hubResourceId: ws.hubResourceId }),
      ...(ws.firewall && ws.firewallPublicIpAddress !== undefined
        ? { firewallPublicIpAddress: ws.firewallPublicIpAddress }
        : {}),
    };
    return {
      exists: true,
      properties,
      facts,
      fingerprint: store.etag(ws, "workspace", () => ({
        properties,
        principalId: ws.principalId,
        kind: ws.kind,
      })),
    };
  },

  apply(step, identity, context) {
    const { store } = context;
    const ref = identity.workspace;
    const after = (step.after ?? {}) as Partial<MemoryWorkspace>;
    const ws = store.workspace(ref);
    if (!ws) {
      const create = identity.create as Record<string, unknown> | undefined;
      if (!create)
        throw new PfnetError(
          "WORKSPACE_NOT_FOUND",
          `${step.address}: workspace ${ref.name} does not exist and the step has no create block.`,
          { address: step.address },
        );
      // A project uses its hub's storage account and key vault (it names neither).
      const hub =
        typeof create.hubResourceId === "string" ? workspaceById(store, create.hubResourceId) : undefined;
      const created = memoryWorkspace({
        subscriptionId: ref.subscriptionId,
        resourceGroup: ref.resourceGroup,
        name: ref.name,
        kind: String(create.kind ?? "default").replace(/^./, (c) => c.toUpperCase()),
        location: String(create.location ?? ""),
        storageAccount: String(create.storageAccount ?? hub?.storageAccount),
        keyVault: String(create.keyVault ?? hub?.keyVault),
        ...(typeof create.hubResourceId === "string" ? { hubResourceId: create.hubResourceId } : {}),
        ...(typeof create.containerRegistry === "string"
          ? { containerRegistry: create.containerRegistry }
          : {}),
        principalId: context.newPrincipalId(identity),
        ...after,
      });
      store.workspaces.add(created);
      if (create.provisionNetworkNow === true && created.isolationMode !== "Disabled")
        provision(created, ref, context);
      return SUCCEEDED;
    }
    if (after.isolationMode !== undefined && after.isolationMode !== ws.isolationMode) {
      const from = ISOLATION_ORDER.indexOf(ws.isolationMode);
      const to = ISOLATION_ORDER.indexOf(after.isolationMode);
      if (to < from)
        throw fail(
          step.address,
          `isolation mode cannot change from ${ws.isolationMode} to ${after.isolationMode}.`,
          {
            status: 400,
          },
        );
      if (from === 0 && (ws.computes.length > 0 || Object.keys(ws.onlineEndpoints).length > 0))
        throw fail(
          step.address,
          "managed network isolation cannot be enabled while computes or online endpoints exist.",
          { status: 400 },
        );
      context.touch("managedNetwork", { workspace: ref });
      ws.isolationMode = after.isolationMode;
      ws.networkStatus = "Inactive";
    }
    if (after.publicNetworkAccess !== undefined) ws.publicNetworkAccess = after.publicNetworkAccess;
    if (after.firewallSku !== undefined) ws.firewallSku = after.firewallSku;
    if (after.imageBuildCompute !== undefined) ws.imageBuildCompute = after.imageBuildCompute;
    if (after.serverlessComputeSettings !== undefined)
      ws.serverlessComputeSettings = { ...after.serverlessComputeSettings };
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const ref = identity.workspace;
    const ws = store.workspace(ref);
    if (properties === null) {
      if (ws) store.workspaces.remove(ws);
      return;
    }
    if (!ws) {
      store.workspaces.add(memoryWorkspace({ ...ref, ...(properties as Partial<MemoryWorkspace>) }));
      return;
    }
    Object.assign(ws, properties);
    store.workspaces.replace(ws, ws); // the properties may rename it
  },
};
