/**
 * `privateEndpoint` (network: byo): the private endpoint in the spec's subnet to one reached
 * service, through `@azure/arm-network`. Re-read first, written only when it differs; a changed
 * subnet, target or group id replaces it (Azure cannot change them in place).
 */
import type {
  ActualResource,
  PlanStep,
  PrivateEndpointIdentity,
  PrivateEndpointProperties,
  StepResult,
} from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, contentHash, sameId } from "../normalize.js";
import { type ReadSession, workspaceNotFound } from "../read.js";
import { groupScope, on, writeActions } from "../required-actions.js";
import { withRetry } from "../retry.js";
import {
  deleteIgnoringNotFound,
  deleteStep,
  newSession,
  type Removal,
  retryContext,
  type StepEnv,
} from "../steps.js";
import { awaitSdkOperation } from "../waits.js";

export interface OwnPrivateEndpoint {
  id: string;
  subnetId: string;
  targetId: string;
  groupId: string;
  etag?: string;
}

/** A private endpoint in the own VNet (arm-network), or undefined; one GET per session. */
export function ownPrivateEndpoint(
  session: ReadSession,
  subscriptionId: string,
  resourceGroup: string,
  name: string,
): Promise<OwnPrivateEndpoint | undefined> {
  return session.cached(
    "privateEndpoints",
    `${subscriptionId}/${resourceGroup}/${name}`.toLowerCase(),
    async () => {
      const client = await session.clients.network(subscriptionId);
      try {
        const pe = await session.clients.sdk(() =>
          client.privateEndpoints.get(resourceGroup, name, { abortSignal: session.signal }),
        );
        const connection =
          pe.privateLinkServiceConnections?.[0] ?? pe.manualPrivateLinkServiceConnections?.[0];
        return {
          id: pe.id ?? "",
          subnetId: pe.subnet?.id ?? "",
          targetId: connection?.privateLinkServiceId ?? "",
          groupId: connection?.groupIds?.[0] ?? "",
          ...(pe.etag ? { etag: pe.etag } : {}),
        };
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return undefined;
        throw error;
      }
    },
  );
}

async function readPrivateEndpoint(
  session: ReadSession,
  node: { address: string; identity: PrivateEndpointIdentity },
): Promise<ActualResource> {
  const identity = node.identity;
  const pe = await ownPrivateEndpoint(
    session,
    identity.subscriptionId,
    identity.resourceGroup,
    identity.name,
  );
  if (!pe) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const properties = { subnetId: pe.subnetId, targetId: pe.targetId, groupId: pe.groupId };
  return {
    exists: true,
    properties,
    facts: { id: pe.id },
    fingerprint: pe.etag ? `etag:${pe.etag}` : contentHash(properties),
  };
}

async function applyPrivateEndpoint(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as PrivateEndpointIdentity;
  const client = await env.clients.network(identity.subscriptionId);
  const removal: Removal = {
    operation: "privateEndpointDelete",
    label: `deleting private endpoint ${identity.name}`,
    begin: (options) => client.privateEndpoints.beginDelete(identity.resourceGroup, identity.name, options),
  };
  if (step.action === "delete") return deleteStep(env, step, removal);
  const after = step.after as unknown as PrivateEndpointProperties;
  await withRetry(
    async () => {
      const current = await ownPrivateEndpoint(
        newSession(env, step),
        identity.subscriptionId,
        identity.resourceGroup,
        identity.name,
      );
      if (
        current &&
        sameId(current.subnetId, after.subnetId) &&
        sameId(current.targetId, after.targetId) &&
        current.groupId === after.groupId
      )
        return;
      // Subnet and target of a private endpoint cannot change in place: replace it.
      if (current) await deleteIgnoringNotFound(env, step, removal);
      let location = identity.location;
      if (!location) {
        const ws = await env.clients.ml.getWorkspace(identity.workspace, env.signal);
        if (!ws) throw workspaceNotFound(identity.workspace, step.address);
        location = ws.body.location ?? "";
      }
      await awaitSdkOperation(
        env,
        step,
        "privateEndpointCreate",
        `creating private endpoint ${identity.name}`,
        (options) =>
          client.privateEndpoints.beginCreateOrUpdate(
            identity.resourceGroup,
            identity.name,
            {
              location,
              subnet: { id: after.subnetId },
              privateLinkServiceConnections: [
                { name: identity.name, privateLinkServiceId: after.targetId, groupIds: [after.groupId] },
              ],
            },
            options,
          ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}

/**
 * A private endpoint is written in its resource group (it may not exist yet) and joins the
 * spec's subnet (`subnets/join/action`, checked on the subnet); a delete only deletes.
 */
async function privateEndpointActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const identity = step.identity as unknown as PrivateEndpointIdentity;
  const subnetId = (step.after as Partial<PrivateEndpointProperties> | null)?.subnetId;
  const joins = step.action === "create" || step.action === "replace" || step.action === "update";
  return [
    ...on(
      groupScope(identity.subscriptionId, identity.resourceGroup),
      writeActions(step, "Microsoft.Network/privateEndpoints"),
    ),
    ...(joins && subnetId ? on(subnetId, ["Microsoft.Network/virtualNetworks/subnets/join/action"]) : []),
  ];
}

export const privateEndpoint: AzureKind<"privateEndpoint"> = {
  kind: "privateEndpoint",
  requiredActions: privateEndpointActions,
  read: readPrivateEndpoint,
  apply: applyPrivateEndpoint,
};
