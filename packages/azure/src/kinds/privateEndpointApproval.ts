/**
 * `privateEndpointApproval`: the workspace's private-endpoint connection on a reached service
 * (made by its managed network, or by pfnet's own endpoint in the own VNet), found among the
 * target's connections by approval.ts, approved when the spec allows it, else reported as
 * `pendingApproval` naming the connection, the permission and the command.
 */
import type {
  ActualResource,
  PendingApproval,
  PlanStep,
  PrivateEndpointApprovalIdentity,
  ResourceNode,
  StepResult,
  WorkspaceRef,
} from "@pfnet/core";
import { PfnetError, privateEndpointName } from "@pfnet/core";
import { type ConnectionMatch, chosenFor, matchConnection } from "../approval.js";
import { AzureRequestError } from "../errors.js";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, contentHash, sameId } from "../normalize.js";
import { type ReadSession, workspaceNotFound } from "../read.js";
import { on } from "../required-actions.js";
import { providerNamespace, resourceType } from "../rest/connections.js";
import type { PrivateEndpointConnection, Workspace } from "../rest/types.js";
import { newSession, retrying, type StepEnv } from "../steps.js";
import { expectedWallMs, startWait, WaitBudget } from "../waits.js";

/** Role id of "Azure AI Enterprise Network Connection Approver" (azure-facts c.5). */
export const NETWORK_CONNECTION_APPROVER_ROLE = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea";

/** The private-endpoint connections of a target, one list per session. */
function targetConnections(session: ReadSession, targetId: string): Promise<PrivateEndpointConnection[]> {
  return session.cached("connections", targetId.toLowerCase(), () =>
    session.clients.connections.list(targetId, session.signal),
  );
}

/**
 * The workspace's connection on a target, matched from the connections' own fields
 * (`matchConnection`, approval.ts): the user's choice first, then pfnet's own endpoint (own
 * VNet) or the managed network's markers, each narrowed to the rule's group id.
 */
async function findConnection(
  session: ReadSession,
  identity: PrivateEndpointApprovalIdentity,
): Promise<{ workspace?: Workspace; match?: ConnectionMatch; connection?: PrivateEndpointConnection }> {
  const response = await session.workspace(identity.workspace);
  if (!response) return {};
  const connections = await targetConnections(session, identity.targetId).catch((error: unknown) => {
    throw serviceNotFound(error, identity) ?? error;
  });
  const rule = peRuleFor(response.body, identity.targetId);
  const chosen = identity.approvalConnection ?? chosenFor(session.approvalConnections, identity.targetId);
  const match = matchConnection(connections, {
    workspace: response.body,
    ref: identity.workspace,
    ...(identity.via === "byo"
      ? { ownEndpointId: ownPrivateEndpointId(identity.workspace, identity.service) }
      : {}),
    ...(rule ? { ruleName: rule.name, groupId: rule.subresourceTarget } : {}),
    ...(chosen ? { chosen } : {}),
  });
  return { workspace: response.body, match, ...(match.connection ? { connection: match.connection } : {}) };
}

async function readApproval(
  session: ReadSession,
  node: ResourceNode<"privateEndpointApproval">,
): Promise<ActualResource> {
  const identity = node.identity as PrivateEndpointApprovalIdentity;
  const { workspace, connection } = await findConnection(session, identity);
  if (!workspace || !connection) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const status = connection.properties?.privateLinkServiceConnectionState?.status ?? "Pending";
  return {
    exists: true,
    properties: { status },
    facts: {
      connectionId: connection.id ?? "",
      status,
      privateEndpointId: connection.properties?.privateEndpoint?.id ?? "",
    },
    fingerprint: contentHash({ id: (connection.id ?? "").toLowerCase(), status }),
  };
}

/** ARM id of the own-VNet private endpoint pfnet creates for a workspace and service (names.ts). */
export function ownPrivateEndpointId(ws: WorkspaceRef, service: string): string {
  return `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.Network/privateEndpoints/${privateEndpointName(ws.name, service)}`;
}

/** The workspace's user-defined private-endpoint rule to a target (from the GET's rule map), if any. */
export function peRuleFor(
  ws: Workspace,
  targetId: string,
): { name: string; subresourceTarget?: string } | undefined {
  const rules = ws.properties?.managedNetwork?.outboundRules ?? {};
  for (const [name, rule] of Object.entries(rules)) {
    if (rule?.type !== "PrivateEndpoint" || rule.category !== "UserDefined") continue;
    const destination = rule.destination as
      | { serviceResourceId?: string; subresourceTarget?: string }
      | undefined;
    if (sameId(destination?.serviceResourceId, targetId)) {
      return {
        name,
        ...(destination?.subresourceTarget ? { subresourceTarget: destination.subresourceTarget } : {}),
      };
    }
  }
  return undefined;
}

/**
 * A service whose ARM id names nothing (404 on its private-endpoint connections): the service's
 * place in the spec (`/services/<name>/id`) instead of a raw 404. Undefined for other failures.
 */
export function serviceNotFound(
  error: unknown,
  identity: Pick<PrivateEndpointApprovalIdentity, "service" | "targetId">,
): PfnetError | undefined {
  if (!(error instanceof AzureRequestError) || error.status !== 404) return undefined;
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(identity.targetId)?.[1];
  return new PfnetError(
    "SERVICE_NOT_FOUND",
    `Service "${identity.service}" does not exist: nothing has the id ${identity.targetId}${subscription ? ` (subscription ${subscription})` : ""}.`,
    {
      path: `/services/${identity.service.replace(/~/g, "~0").replace(/\//g, "~1")}/id`,
      hint: "Copy the service's resource id from its Properties page or `az resource show --query id`, and check that you can read that subscription.",
      details: {
        targetId: identity.targetId,
        status: 404,
        ...(error.armCode ? { armCode: error.armCode } : {}),
      },
      cause: error,
    },
  );
}

function pendingApproval(connectionId: string, targetId: string): PendingApproval {
  const type = resourceType(targetId) || `${providerNamespace(targetId)}/<type>`;
  return {
    connectionId,
    action: `az network private-endpoint-connection approve --id ${connectionId} --description "Approved for pfnet"`,
    permission: `${type}/privateEndpointConnections/write on ${targetId} (or the Azure AI Enterprise Network Connection Approver role, ${NETWORK_CONNECTION_APPROVER_ROLE})`,
  };
}

/**
 * No connection, or several, matched the workspace (approval.ts): pfnet does not guess and does
 * not wait out the budget — it lists the candidates and how to name the right one.
 */
function undecidedApproval(
  identity: PrivateEndpointApprovalIdentity,
  match: ConnectionMatch,
): PendingApproval {
  const base = pendingApproval("", identity.targetId);
  const why =
    match.reason === "chosenMissing"
      ? `the connection named as the workspace's (${identity.approvalConnection ?? "--approve-connection"}) is not on ${identity.targetId}`
      : match.reason === "several"
        ? `${match.candidates.length} connections on ${identity.targetId} match the workspace equally`
        : `no connection on ${identity.targetId} carries a mark of the workspace's ${identity.via === "byo" ? "private endpoint" : "managed network"}`;
  return {
    ...base,
    action: `pfnet could not tell which connection is the workspace's: ${why}. Pick the one whose private endpoint is the workspace's (candidates below), then set services.${identity.service}.approvalConnection to its id in the spec, or run again with --approve-connection <id>.`,
    candidates: match.candidates,
  };
}

async function applyApproval(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as PrivateEndpointApprovalIdentity;
  const wait = startWait(env, step, "approval", expectedWallMs(env, step, ["approval"], 120));
  // An already approved (or auto-approved) connection is no wait: report only once pfnet waits.
  let waited = false;
  const report = (message: string) => {
    waited = true;
    wait.report(message);
  };
  const budget = new WaitBudget(env, env.waits.connectionAppearSeconds);
  let approvedOnce = false;
  for (;;) {
    const { workspace, match, connection } = await budget.poll(() =>
      findConnection(newSession(env, step), identity),
    );
    if (!workspace || !match) throw workspaceNotFound(identity.workspace, step.address);
    // Connections exist but none (or several) is recognisably the workspace's: waiting cannot help.
    if (!connection && match.candidates.length > 0) {
      return { outcome: "pendingApproval", pending: undecidedApproval(identity, match) };
    }
    const status = connection?.properties?.privateLinkServiceConnectionState?.status;
    if (connection && status === "Approved") {
      if (waited) report(`${connection.id} Approved`);
      return { outcome: "succeeded" };
    }
    if (connection && (status === "Rejected" || status === "Disconnected")) {
      throw new PfnetError(
        "CONNECTION_REJECTED",
        `The private-endpoint connection ${connection.id} on ${identity.targetId} is ${status}.`,
        {
          address: step.address,
          hint: "Delete the outbound rule's connection on the target (or the rule) and apply again to get a new one.",
        },
      );
    }
    if (connection?.id && !approvedOnce) {
      if (!identity.approve)
        return { outcome: "pendingApproval", pending: pendingApproval(connection.id, identity.targetId) };
      report(`approving ${connection.id} (matched on ${match.signal})`);
      try {
        const connectionId = connection.id;
        await retrying(env, step, () =>
          env.clients.connections.approve(connectionId, identity.targetId, env.signal),
        );
        approvedOnce = true;
        continue;
      } catch (error) {
        if (error instanceof AzureRequestError && error.status === 403) {
          return { outcome: "pendingApproval", pending: pendingApproval(connection.id, identity.targetId) };
        }
        throw error;
      }
    }
    if (budget.exhausted) {
      if (connection?.id)
        return { outcome: "pendingApproval", pending: pendingApproval(connection.id, identity.targetId) };
      throw new PfnetError(
        "CONNECTION_NOT_FOUND",
        identity.via === "byo"
          ? `No private-endpoint connection from pfnet's private endpoint for ${identity.service} appeared on ${identity.targetId}.`
          : `No private-endpoint connection from the managed network of ${identity.workspace.name} appeared on ${identity.targetId}.`,
        {
          address: step.address,
          hint:
            identity.via === "byo"
              ? "Check the private endpoint in the own VNet (it must target this service) and apply again."
              : "Check that the outbound rule to this service is Active and that the managed network is provisioned.",
        },
      );
    }
    report(
      connection
        ? "waiting for the approval to take effect"
        : "waiting for the private-endpoint connection to appear",
    );
    await budget.pause(env.waits.pollIntervalSeconds);
  }
}

/**
 * Approving writes the connection on the target (`<type>/privateEndpointConnections/write`),
 * only when the step approves and the spec lets pfnet: otherwise the step only reads.
 */
async function approvalActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const identity = step.identity as unknown as PrivateEndpointApprovalIdentity;
  if (step.action !== "approve" || !identity.approve) return [];
  return on(identity.targetId, [`${resourceType(identity.targetId)}/privateEndpointConnections/write`]);
}

export const privateEndpointApproval: AzureKind<"privateEndpointApproval"> = {
  kind: "privateEndpointApproval",
  requiredActions: approvalActions,
  read: readApproval,
  apply: applyApproval,
};
