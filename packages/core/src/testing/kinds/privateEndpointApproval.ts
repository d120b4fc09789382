/**
 * Approving the private-endpoint connection on a target: the connection must exist (made by
 * provisioning or by the own-VNet private endpoint); on `pendingApprovalTargets`, or when the
 * spec does not allow pfnet to approve, the step ends pending a human's approval.
 */
import { privateEndpointName } from "../../expand/names.js";
import { sharedValue } from "../../expand/shared.js";
import { workspaceArmId } from "../state.js";
import { lower, type MemoryStore, privateEndpointKey } from "../store.js";
import { ABSENT, fail, type IdentityOf, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

type Identity = IdentityOf<"privateEndpointApproval">;

/** Who owns the connection: the workspace (managed rules) or the private endpoint pfnet makes in the own VNet. */
function connectionSource(identity: Identity, store: MemoryStore): string {
  const ref = identity.workspace;
  if (identity.via === "byo")
    return privateEndpointKey({
      subscriptionId: ref.subscriptionId,
      resourceGroup: ref.resourceGroup,
      name: privateEndpointName(ref.name, String(identity.service)),
    });
  return store.workspaceSourceOf(ref);
}

const connectionOf = (identity: Identity, store: MemoryStore) =>
  store.connection(String(identity.targetId), connectionSource(identity, store));

export const privateEndpointApproval: MemoryKindHandler<"privateEndpointApproval"> = {
  workspaceLane: false,
  key: (identity) => `approval|${lower(workspaceArmId(identity.workspace))}|${String(identity.service)}`,

  read(identity, store) {
    const connection = connectionOf(identity, store);
    if (!connection) return ABSENT;
    return {
      exists: true,
      // One frozen object per status: a fleet reads 50,000 approvals.
      properties: sharedValue(JSON.stringify(["connection", connection.status]), () => ({
        status: connection.status,
      })),
      facts: { connectionId: connection.id, status: connection.status },
      fingerprint: store.etag(connection, "connection", () => connection),
    };
  },

  apply(step, identity, { store }) {
    const connection = connectionOf(identity, store);
    if (!connection)
      throw fail(
        step.address,
        "no private-endpoint connection to approve on the target (is the network provisioned?).",
        {
          status: 404,
        },
      );
    if (connection.status === "Approved") return SUCCEEDED;
    if (store.isLocked(connection.targetId) || identity.approve !== true)
      return {
        outcome: "pendingApproval",
        pending: {
          connectionId: connection.id,
          action: `az network private-endpoint-connection approve --id ${connection.id}`,
          permission:
            "privateEndpointConnections/write on the target resource (e.g. its Owner or a network connection approver role)",
        },
      };
    connection.status = "Approved";
    store.forget(connection);
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const connection = connectionOf(identity, store);
    if (!connection) return;
    if (properties) connection.status = properties.status as typeof connection.status;
    else store.connections.remove(connection);
  },
};
