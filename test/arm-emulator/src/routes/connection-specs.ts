/**
 * What each target's private-endpoint-connection spec declares (test/azure-specs, SOURCES.md),
 * one row per resource type: how the connection names its group(s), how the state spells its
 * fields, which statuses and provisioning states exist, and the forms its PUT and DELETE answer
 * in. `connectionJson` and the connection routes (targets.ts) read only this table.
 */
import type { ArmResource, ConnectionStatus, PeConnection } from "../state/model.js";
import { type JsonObject, key } from "../util.js";

export interface ConnectionSpec {
  /** `groupIds` (array), `groupId` (one string) or none: the spec's `PrivateEndpointConnectionProperties`. */
  group: "groupIds" | "groupId" | "none";
  /** `actionsRequired`, or Storage's `actionRequired`. */
  actions: "actionsRequired" | "actionRequired";
  /** Statuses the spec's connection-state enum allows on a PUT. */
  statuses: readonly ConnectionStatus[];
  /** The spec's provisioning-state spelling of the emulator's state (absent: the emulator's own). */
  provisioningState?: (c: PeConnection) => string;
  /**
   * The PUT's asynchronous form, where the operation is long-running and declares one: status,
   * namespace of the operation, and whether that status carries the connection.
   */
  putAccepted?: { status: number; namespace: string; body: boolean };
  /** DELETE of an existing connection: 200, or 202 + Azure-AsyncOperation (the spec declares no 200). */
  deleteAccepted?: { namespace: string };
  /** GET of a missing connection answers 204 (keyvault.json) instead of an error. */
  getMissing204?: boolean;
}

const ALL: readonly ConnectionStatus[] = ["Approved", "Rejected", "Pending", "Disconnected"];

const DEFAULT: ConnectionSpec = { group: "groupIds", actions: "actionsRequired", statuses: ALL };

/**
 * Keyed by resource type (lower case). Sources:
 * - cognitiveservices.json 2024-10-01: `groupIds`; `_CreateOrUpdate` long-running, 200 or 202 (with the connection).
 * - search.json 2023-11-01: one `groupId`; `_Update` 200 only.
 * - workspaceRP.json 2025-12-01 (a workspace's own connections): no group field; PUT 200.
 * - keyvault.json 2023-07-01: no group field; `_Put` 200 only; `_Get` 204 for a missing connection.
 * - containerregistry.json 2023-07-01: no group field; long-running, 200 or 201 (with the connection).
 * - Storage privatelinks.json 2023-05-01: no group field, `actionRequired`; `_Put` 200 only.
 * - cosmos-db privateEndpointConnection.json 2024-05-15: one `groupId`; `_CreateOrUpdate`
 *   long-running, 200 or 202 (no body); `_Delete` 202 or 204 only.
 * - sql PrivateEndpointConnections.json 2023-08-01: `groupIds`; provisioning states Approving,
 *   Ready, Dropping, Failed, Rejecting; `_CreateOrUpdate` long-running, 200 or 202 (no body).
 * - redis.json 2024-03-01 (common-types v1 privatelinks.json): no group field; statuses Pending,
 *   Approved, Rejected only; `_Put` long-running, 200 or 201 (with the connection).
 */
const SPECS: Record<string, ConnectionSpec> = {
  "microsoft.cognitiveservices/accounts": {
    ...DEFAULT,
    putAccepted: { status: 202, namespace: "Microsoft.CognitiveServices", body: true },
  },
  "microsoft.search/searchservices": { ...DEFAULT, group: "groupId" },
  "microsoft.machinelearningservices/workspaces": { ...DEFAULT, group: "none" },
  "microsoft.keyvault/vaults": { ...DEFAULT, group: "none", getMissing204: true },
  "microsoft.containerregistry/registries": {
    ...DEFAULT,
    group: "none",
    putAccepted: { status: 201, namespace: "Microsoft.ContainerRegistry", body: true },
  },
  "microsoft.storage/storageaccounts": { ...DEFAULT, group: "none", actions: "actionRequired" },
  "microsoft.documentdb/databaseaccounts": {
    ...DEFAULT,
    group: "groupId",
    putAccepted: { status: 202, namespace: "Microsoft.DocumentDB", body: false },
    deleteAccepted: { namespace: "Microsoft.DocumentDB" },
  },
  "microsoft.sql/servers": {
    ...DEFAULT,
    provisioningState: (c) =>
      c.provisioningState === "Succeeded"
        ? "Ready"
        : c.provisioningState === "Failed"
          ? "Failed"
          : c.provisioningState === "Deleting"
            ? "Dropping"
            : c.status === "Rejected"
              ? "Rejecting"
              : "Approving",
    putAccepted: { status: 202, namespace: "Microsoft.Sql", body: false },
  },
  "microsoft.cache/redis": {
    ...DEFAULT,
    group: "none",
    statuses: ["Approved", "Rejected", "Pending"],
    putAccepted: { status: 201, namespace: "Microsoft.Cache", body: true },
  },
};

export function connectionSpec(target: ArmResource): ConnectionSpec {
  return SPECS[key(target.type)] ?? DEFAULT;
}

export function connectionJson(target: ArmResource, c: PeConnection): JsonObject {
  const spec = connectionSpec(target);
  const group: JsonObject =
    spec.group === "groupIds"
      ? { groupIds: [...c.groupIds] }
      : spec.group === "groupId"
        ? { groupId: c.groupIds[0] ?? "" }
        : {};
  return {
    id: `${target.id}/privateEndpointConnections/${c.name}`,
    name: c.name,
    type: `${target.type}/privateEndpointConnections`,
    properties: {
      privateEndpoint: { id: c.privateEndpointId },
      ...group,
      privateLinkServiceConnectionState: {
        status: c.status,
        description: c.description,
        [spec.actions]: "None",
      },
      provisioningState: spec.provisioningState ? spec.provisioningState(c) : c.provisioningState,
    },
  };
}
