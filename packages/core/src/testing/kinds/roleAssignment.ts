/**
 * The storage role a workspace's identity holds on its storage account. Assignments compare by
 * the trailing GUID of the role definition; a write replaces an assignment of the same role.
 * Also the posture list: every assignment at or above a scope.
 */
import { type RoleAssignmentSeen, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR } from "../../model.js";
import { hashJson } from "../../plan/canonical.js";
import { workspaceArmId } from "../state.js";
import { lower, type MemoryStore } from "../store.js";
import { ABSENT, guidOf, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

export const roleAssignment: MemoryKindHandler<"roleAssignment"> = {
  workspaceLane: false,
  key: (identity) => `role|${lower(workspaceArmId(identity.workspace))}`,

  read(identity, store) {
    const ws = store.workspace(identity.workspace);
    if (!ws) return ABSENT;
    const assignment = store
      .rolesAt(String(identity.scope ?? ws.storageAccount), ws.principalId)
      .find((candidate) => guidOf(candidate.roleDefinitionId) === STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR);
    if (!assignment) return ABSENT;
    return {
      exists: true,
      properties: { roleDefinitionId: assignment.roleDefinitionId, principalType: assignment.principalType },
      facts: { principalId: ws.principalId, scope: assignment.scope },
      fingerprint: store.etag(assignment, "role", () => assignment),
    };
  },

  apply(step, identity, { store }) {
    const ws = store.requireWorkspace(identity.workspace, step.address);
    const scope = String(identity.scope ?? ws.storageAccount);
    const role = guidOf(
      String(
        step.action === "delete"
          ? (step.before?.roleDefinitionId ?? STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR)
          : step.after?.roleDefinitionId,
      ),
    );
    // Delete the assignments of the role, or replace them with the one written.
    for (const same of store.rolesAt(scope, ws.principalId))
      if (guidOf(same.roleDefinitionId) === role) store.roleAssignments.remove(same);
    if (step.action === "delete") return SUCCEEDED;
    store.roleAssignments.add({
      scope,
      principalId: ws.principalId,
      roleDefinitionId: String(step.after?.roleDefinitionId),
      principalType: String(step.after?.principalType),
    });
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const ws = store.workspace(identity.workspace);
    const scope = String(identity.scope ?? ws?.storageAccount ?? "");
    for (const held of store.rolesAt(scope, ws?.principalId as string)) store.roleAssignments.remove(held);
    if (properties && ws)
      store.roleAssignments.add({
        scope,
        principalId: ws.principalId,
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
