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
  /**
   * Where the role is granted: the storage account (absent when known only from the workspace at
   * apply time), or for `connectionApprover` the reached service.
   */
  scope?: string;
  /** The workspace's user-assigned identity (ARM id) the role goes to; absent: its system-assigned identity. */
  userAssignedIdentity?: string;
  /** Absent: the storage role. `connectionApprover`: the approver role on a reached service (`service`). */
  purpose?: "connectionApprover";
  /** Spec name of the reached service (`connectionApprover`). */
  service?: string;
  /**
   * A project's storage role: the hub whose storage account it is on (a project uses its hub's);
   * the scope, when absent, is that hub's storage account.
   */
  storageOf?: WorkspaceRef;
}
export interface RoleAssignmentProperties {
  /** Full role definition id; compared by trailing GUID. */
  roleDefinitionId: string;
  principalType: "ServicePrincipal";
}

/** Built-in role: Storage File Data Privileged Contributor (prompt flow needs it on the workspace storage). */
export const STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd";

/**
 * Built-in role: Azure AI Enterprise Network Connection Approver (azure-facts c.5: a workspace with
 * a user-assigned identity needs it so its managed network can create and approve private
 * endpoints to the services it reaches). The GUID is azure-facts' (Microsoft Foundry docs excerpt,
 * public samples) and the built-in role lists'.
 */
export const NETWORK_CONNECTION_APPROVER = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea";

/** Role definition GUIDs (lower case) pfnet's expansion can assign: the only roles it ever grants. */
export const ASSIGNABLE_ROLES: readonly string[] = [
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
  NETWORK_CONNECTION_APPROVER,
];

/** The one role a grant of `purpose` may carry (providers refuse any other before writing). */
export const roleOfPurpose = (purpose: RoleAssignmentIdentity["purpose"]): string =>
  purpose === "connectionApprover" ? NETWORK_CONNECTION_APPROVER : STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR;

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
  [NETWORK_CONNECTION_APPROVER]: "Azure AI Enterprise Network Connection Approver",
};

/** The name of a role pfnet knows by GUID (the privileged roles and the roles it assigns). */
export const knownRoleName = (roleDefinitionId: string): string | undefined =>
  KNOWN_ROLE_NAMES[roleGuidOf(roleDefinitionId)];

/** The address of a user-assigned identity's approver role on a reached service. */
export const approverRoleAddress = (key: string, service: string) =>
  `${address.workspace(key)}.approver-role.${service}`;

/** What expansion grants: the storage role, or the approver role on one reached service. */
export type RoleGrant =
  | { purpose: "storage"; scope?: string; userAssignedIdentity?: string; storageOf?: WorkspaceRef }
  | { purpose: "connectionApprover"; service: string; targetId: string; userAssignedIdentity: string };

/**
 * A role assignment's node, for the workspace identity (its user-assigned one when the spec names
 * it), after the workspace. The storage role: Storage File Data Privileged Contributor on `scope`
 * (the storage account) when the spec names it. The approver role: on the reached service.
 */
function roleAssignmentNode(ref: WorkspaceRef, grant: RoleGrant): ResourceNode<"roleAssignment"> {
  const who =
    grant.userAssignedIdentity === undefined ? {} : { userAssignedIdentity: grant.userAssignedIdentity };
  const identity: RoleAssignmentIdentity =
    grant.purpose === "storage"
      ? {
          workspace: ref,
          ...(grant.scope === undefined ? {} : { scope: grant.scope }),
          ...who,
          ...(grant.storageOf === undefined ? {} : { storageOf: grant.storageOf }),
        }
      : {
          workspace: ref,
          scope: grant.targetId,
          ...who,
          purpose: "connectionApprover",
          service: grant.service,
        };
  return {
    address:
      grant.purpose === "storage"
        ? address.storageRole(ref.key)
        : approverRoleAddress(ref.key, grant.service),
    kind: "roleAssignment",
    identity,
    properties: {
      roleDefinitionId: roleDefinitionIdOf(ref.subscriptionId, roleOfPurpose(identity.purpose)),
      principalType: "ServicePrincipal",
    },
    dependsOn: dependsOnOnly(address.workspace(ref.key)),
  };
}

/** The role in words and who holds it, for titles and reasons. */
function described(identity: Record<string, unknown>): { role: string; holder: string; on: string } {
  const approver = identity.purpose === "connectionApprover";
  return {
    role: approver
      ? "Azure AI Enterprise Network Connection Approver"
      : "Storage File Data Privileged Contributor",
    holder:
      identity.userAssignedIdentity === undefined
        ? "the workspace identity"
        : "the workspace's user-assigned identity",
    on: approver ? `service ${String(identity.service ?? "")}` : "the workspace storage account",
  };
}

export const roleAssignment: KindContract<"roleAssignment", typeof roleAssignmentNode> = {
  kind: "roleAssignment",
  display: {
    name: "role assignment",
    title: (identity) => {
      const { role, on } = described(identity);
      return `${role} for ${workspaceNameOf(identity) ?? "the workspace"}${identity.purpose === "connectionApprover" ? ` on ${on}` : ""}`;
    },
  },
  node: roleAssignmentNode,
  actions: ["create", "replace", "noop"],
  diff(node, actual) {
    const { role, holder, on } = described(node.identity as unknown as Record<string, unknown>);
    if (!actual.exists) return create(`grant ${holder} ${role} on ${on}`);
    const paths = differences(node, actual);
    if (paths.length === 0)
      return noop(
        `the ${node.identity.purpose === "connectionApprover" ? "approver" : "storage"} role assignment`,
      );
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
  destroy: {
    label: (identity) =>
      identity.purpose === "connectionApprover"
        ? `the approver role assignment on service ${String(identity.service)} (Azure AI Enterprise Network Connection Approver)`
        : "the storage role assignment (Storage File Data Privileged Contributor)",
  },
};
