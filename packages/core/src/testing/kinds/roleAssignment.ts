/**
 * The roles a workspace's identity holds: the storage role on its storage account, the approver
 * role on a reached service — its system-assigned identity, or the user-assigned one the node
 * names (principal from the workspace's `userAssignedIdentities`, else derived from the id).
 * Assignments compare by the trailing GUID of the role definition; a write replaces an assignment
 * of the same role. Also the posture list: every assignment at or above a scope.
 */
import type { RoleAssignmentIdentity } from "../../kinds/roleAssignment.js";
import { roleOfPurpose } from "../../kinds/roleAssignment.js";
import type { RoleAssignmentSeen } from "../../model.js";
import { hashJson } from "../../plan/canonical.js";
import { type MemoryWorkspace, workspaceArmId } from "../state.js";
import { lower, type MemoryStore } from "../store.js";
import { ABSENT, guidOf, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

/** The principal a grant goes to: the user-assigned identity named, else the system-assigned one. */
function principalOf(ws: MemoryWorkspace, identity: RoleAssignmentIdentity): string {
  const uai = identity.userAssignedIdentity;
  if (uai === undefined) return ws.principalId;
  const attached = Object.entries(ws.userAssignedIdentities ?? {}).find(([id]) => lower(id) === lower(uai));
  return attached?.[1] ?? hashJson(["userAssigned", lower(uai)]).slice(0, 32);
}

/** The grant's scope: the node's, else the workspace's storage account (a project's: its hub's). */
function scopeOf(
  ws: MemoryWorkspace | undefined,
  identity: RoleAssignmentIdentity,
  store: MemoryStore,
): string {
  const owner = identity.storageOf === undefined ? ws : store.workspace(identity.storageOf);
  return String(identity.scope ?? owner?.storageAccount ?? "");
}

export const roleAssignment: MemoryKindHandler<"roleAssignment"> = {
  workspaceLane: false,
  key: (identity) =>
    `role|${lower(workspaceArmId(identity.workspace))}|${identity.purpose ?? "storage"}|${lower(identity.service ?? "")}`,

  read(identity, store) {
    const ws = store.workspace(identity.workspace);
    if (!ws) return ABSENT;
    const principalId = principalOf(ws, identity);
    const assignment = store
      .rolesAt(scopeOf(ws, identity, store), principalId)
      .find((candidate) => guidOf(candidate.roleDefinitionId) === roleOfPurpose(identity.purpose));
    if (!assignment) return ABSENT;
    return {
      exists: true,
      properties: { roleDefinitionId: assignment.roleDefinitionId, principalType: assignment.principalType },
      facts: { principalId, scope: assignment.scope },
      fingerprint: store.etag(assignment, "role", () => assignment),
    };
  },

  apply(step, identity, { store }) {
    const ws = store.requireWorkspace(identity.workspace, step.address);
    const scope = scopeOf(ws, identity, store);
    const principalId = principalOf(ws, identity);
    const role = guidOf(
      String(
        step.action === "delete"
          ? (step.before?.roleDefinitionId ?? roleOfPurpose(identity.purpose))
          : step.after?.roleDefinitionId,
      ),
    );
    // Delete the assignments of the role, or replace them with the one written.
    for (const same of store.rolesAt(scope, principalId))
      if (guidOf(same.roleDefinitionId) === role) store.roleAssignments.remove(same);
    if (step.action === "delete") return SUCCEEDED;
    store.roleAssignments.add({
      scope,
      principalId,
      roleDefinitionId: String(step.after?.roleDefinitionId),
      principalType: String(step.after?.principalType),
    });
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const ws = store.workspace(identity.workspace);
    const scope = scopeOf(ws, identity, store);
    const principalId = ws ? principalOf(ws, identity) : "";
    for (const held of store.rolesAt(scope, principalId))
      if (guidOf(held.roleDefinitionId) === roleOfPurpose(identity.purpose))
        store.roleAssignments.remove(held);
    if (properties && ws)
      store.roleAssignments.add({
        scope,
        principalId,
        roleDefinitionId: String(properties.roleDefinitionId),
        principalType: String(properties.principalType ?? "ServicePrincipal"),
      });
  },
};

/**
 * Role assignments made at `scope` or above it (posture report), as Azure's list for a scope
 * with `$filter=atScope()` answers; an assignment stored without an id gets a stable one.
 */
export function listRoleAssignments(scope: string, store: MemoryStore): RoleAssignmentSeen[] {
  return store.rolesAtOrAbove(scope).map((assignment) => ({
    id:
      assignment.id ??
      `${assignment.scope}/providers/Microsoft.Authorization/roleAssignments/${hashJson([lower(assignment.scope), lower(assignment.principalId), guidOf(assignment.roleDefinitionId)]).slice(0, 32)}`,
    scope: assignment.scope,
    roleDefinitionId: assignment.roleDefinitionId,
    principalId: assignment.principalId,
    principalType: assignment.principalType,
  }));
}
