/**
 * The role assignment kind: the roles pfnet grants. Expansion derives its role assignment from
 * this list and providers refuse, right before writing, any role not in it — one list, so a
 * crafted plan step cannot make a provider grant a role pfnet's expansion never produces.
 */

/** Built-in role: Storage File Data Privileged Contributor (prompt flow needs it on the workspace storage). */
export const STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd";

/** Role definition GUIDs (lower case) pfnet's expansion can assign: the only roles it ever grants. */
export const ASSIGNABLE_ROLES: readonly string[] = [STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR];

/** The full role definition id of a role GUID in a subscription. */
export const roleDefinitionIdOf = (subscriptionId: string, roleGuid: string) =>
  `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`;

/** Whether a role definition id (full id or bare GUID) names a role pfnet may assign. */
export function isAssignableRole(roleDefinitionId: string): boolean {
  const guid = roleDefinitionId.split("/").pop()?.toLowerCase() ?? "";
  return ASSIGNABLE_ROLES.includes(guid);
}
