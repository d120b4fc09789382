/**
 * The role assignment kind: its identity, its diff (a different role is a new assignment: the
 * role of an assignment cannot change), and the roles pfnet grants. Expansion derives its role assignment from
 * this list and providers refuse, right before writing, any role not in it — one list, so a
 * crafted plan step cannot make a provider grant a role pfnet's expansion never produces.
 */

import { create, describePaths, differences, noop } from "../diff/verdicts.js";
import { address, dependsOnOnly } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { deleting, ESTIMATES, oneWait } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { workspaceNameOf } from "./display.js";

export interface RoleAssignmentIdentity {
  workspace: WorkspaceRef;
  /** The storage account the role is granted on; absent when known only from the workspace at apply time. */
  scope?: string;
}
export interface RoleAssignmentProperties {
  /** Full role definition id; compared by trailing GUID. */
  roleDefinitionId: string;
  principalType: "ServicePrincipal";
}

/** Built-in role: Storage File Data Privileged Contributor (prompt flow needs it on the workspace storage). */
export const STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd";

/** Role definition GUIDs (lower case) pfnet's expansion can assign: the only roles it ever grants. */
export const ASSIGNABLE_ROLES: readonly string[] = [STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR];

/** The full role definition id of a role GUID in a subscription. */
export const roleDefinitionIdOf = (subscriptionId: string, roleGuid: string) =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;

/** The lower-case GUID at the end of a role definition id (or the id itself when it is a bare GUID). */
export const roleGuidOf = (roleDefinitionId: string) =>
  roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";

/** Whether a role definition id (full id or bare GUID) names a role pfnet may assign. */
export function isAssignableRole(roleDefinitionId: string): boolean {
  return ASSIGNABLE_ROLES.includes(roleGuidOf(roleDefinitionId));
}

/**
 * Built-in roles that give control of a resource or of who may access it (Owner, Contributor,
 * User Access Administrator), by GUID: a direct assignment of one at the workspace storage account
 * is a posture finding whoever holds it (PFN206).
 */
export const PRIVILEGED_ROLES: Readonly<Record<string, string>> = Object.freeze({
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
});

const KNOWN_ROLE_NAMES: Readonly<Record<string, string>> = {
  ...PRIVILEGED_ROLES,
  [STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR]: "Storage File Data Privileged Contributor",
};

/** The name of a role pfnet knows by GUID (the privileged roles and the roles it assigns). */
export const knownRoleName = (roleDefinitionId: string): string | undefined =>
  KNOWN_ROLE_NAMES[roleGuidOf(roleDefinitionId)];

/**
 * The storage role assignment's node: Storage File Data Privileged Contributor for the workspace
 * identity, on `scope` (the storage account) when the spec names it, after the workspace.
 */
function storageRoleNode(ref: WorkspaceRef, scope: string | undefined): ResourceNode<"roleAssignment"> {
  return {
    address: address.storageRole(ref.key),
    kind: "roleAssignment",
    identity: { workspace: ref, ...(scope === undefined ? {} : { scope }) },
    properties: {
      roleDefinitionId: roleDefinitionIdOf(ref.subscriptionId, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR),
      principalType: "ServicePrincipal",
    },
    dependsOn: dependsOnOnly(address.workspace(ref.key)),
  };
}

export const roleAssignment: KindContract<"roleAssignment", typeof storageRoleNode> = {
  kind: "roleAssignment",
  display: {
    name: "role assignment",
    title: (identity) =>
      `Storage File Data Privileged Contributor for ${workspaceNameOf(identity) ?? "the workspace"}`,
  },
  node: storageRoleNode,
  actions: ["create", "replace", "noop"],
  diff(node, actual) {
    if (!actual.exists)
      return create(
        "grant the workspace identity Storage File Data Privileged Contributor on the workspace storage account",
      );
    const paths = differences(node, actual);
    if (paths.length === 0) return noop("the storage role assignment");
    return {
      action: "replace",
      changedPaths: paths,
      reason: `recreate the role assignment: ${describePaths(paths)} differ`,
    };
  },
  estimate: (step) =>
    step.action === "delete"
      ? deleting()
      : oneWait(5, {
          kind: "propagation",
          label: "waiting for the role assignment to propagate",
          expectedSeconds: ESTIMATES.rolePropagation,
        }),
  weakenings: [],
  destroy: { label: () => "the storage role assignment (Storage File Data Privileged Contributor)" },
};
