/**
 * Microsoft.Authorization state: role assignments, the built-in role definitions the emulator
 * knows, and the scope arithmetic behind "does this assignment cover that resource".
 */
import { key, lastSegment } from "../util.js";
import type { Model } from "./model.js";

export interface RoleAssignmentState {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
  description?: string;
  condition?: string;
  conditionVersion?: string;
  createdOn: string;
  updatedOn: string;
  /** When the assignment takes effect (propagation). */
  effectiveAt: number;
}

/** Known built-in role definitions (name by GUID). */
export const BUILTIN_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
  "69566ab7-960f-475b-8e7c-b3118f30c6bd": "Storage File Data Privileged Contributor",
  "0c867c2a-1d8c-454a-a3db-ab2ea1bdc8bb": "Storage File Data SMB Share Contributor",
  "ba92f5b4-2d11-453d-a403-e96b0029c9fe": "Storage Blob Data Contributor",
  "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1": "Storage Blob Data Reader",
  "b556d68e-0be0-4f35-a333-ad7ee1ce17ea": "Azure AI Enterprise Network Connection Approver",
  "f6c7c914-8db3-469d-8ca1-694a8f32e121": "AzureML Data Scientist",
  "64702f94-c441-49e6-a78b-ef80e0188fee": "Azure AI Developer",
  "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd": "Cognitive Services OpenAI User",
  "a97b65f3-24c7-4388-baec-2e87135dc908": "Cognitive Services User",
  "1407120a-92aa-4202-b7e9-c0e197c71c8f": "Search Index Data Reader",
  "7ca78c08-252a-4471-8644-bb5ff32d4ba0": "Search Service Contributor",
  "4633458b-17de-408a-b874-0445c86b69e6": "Key Vault Secrets User",
  "7f951dda-4ed3-4680-a7ca-43fe172d538d": "AcrPull",
  "4d97b98b-1d4f-4787-a291-c67834d212e7": "Network Contributor",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
};
export const STORAGE_FILE_PRIVILEGED_CONTRIBUTOR = "69566ab7-960f-475b-8e7c-b3118f30c6bd";
export const NETWORK_CONNECTION_APPROVER = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea";

export function roleName(model: Model, guid: string): string | undefined {
  return BUILTIN_ROLES[key(guid)] ?? model.customRoles.get(key(guid));
}

/** True when an effective assignment of `roleGuid` for `principalId` covers `scope`. */
export function hasEffectiveRole(
  model: Model,
  principalId: string,
  roleGuid: string,
  scope: string,
): boolean {
  const now = model.clock.now();
  return [...model.roleAssignments.values()].some(
    (a) =>
      key(a.principalId) === key(principalId) &&
      key(lastSegment(a.roleDefinitionId)) === key(roleGuid) &&
      scopeCovers(a.scope, scope) &&
      a.effectiveAt <= now,
  );
}

export function scopeCovers(outer: string, inner: string): boolean {
  const o = key(normalizeScope(outer));
  const i = key(normalizeScope(inner));
  return i === o || i.startsWith(`${o}/`) || o === "";
}

export function normalizeScope(scope: string): string {
  const s = `/${scope}`.replace(/\/+/g, "/").replace(/\/$/, "");
  return s;
}
