/**
 * The posture report: what pfnet does not manage at a workspace but a reviewer must see before
 * trusting its isolation. Two parts, both read-only and never acted on by apply:
 *
 * - user-defined outbound rules in Azure that the spec does not list (kept under
 *   `unlistedRules: keep`), each with its destination (warning PFN205);
 * - role assignments at the workspace storage account: the workspace identity's beyond the
 *   storage role pfnet grants, and any Owner / Contributor / User Access Administrator, whoever
 *   holds it. Those made directly at the account's scope are warnings (PFN206); those inherited
 *   from the resource group, subscription or a management group are listed apart, as
 *   information (Azure's list for a scope returns assignments at or above it; each assignment's
 *   `scope` tells which).
 *
 * One classification, used by `checkState` (the warnings) and by `plan` (the plan's `posture`).
 */

import { isAssignableRole, knownRoleName, PRIVILEGED_ROLES, roleGuidOf } from "../kinds/roleAssignment.js";
import type { RoleAssignmentSeen } from "../model.js";

/** Diagnostic code of a posture finding about a role assignment made directly at the storage account. */
export const DIRECT_ASSIGNMENT_CODE = "PFN206";

/** A user-defined outbound rule in Azure that the spec does not list. */
export interface UnlistedRuleView {
  name: string;
  /** `FQDN`, `PrivateEndpoint` or `ServiceTag`. */
  type: string;
  /** The rule's destination as Azure holds it (normalised like a step's `before`). */
  destination: unknown;
}

/** What was read about access to a workspace's storage account. */
export interface StorageAccessView {
  /** ARM id of the storage account (the listed scope). */
  storageAccount: string;
  /** The workspace's system-assigned identity, when it has one. */
  principalId?: string;
  /** Every assignment the list for the account's scope returned (at or above it). */
  assignments: RoleAssignmentSeen[];
}

/** Why an assignment is in the report. */
export type PostureReason = "workspaceIdentity" | "privilegedRole";

/** A role assignment the posture report lists. */
export interface PostureAssignment {
  /** ARM id of the assignment. */
  id: string;
  /** Where it is made: the storage account (direct) or a scope above it (inherited). */
  scope: string;
  roleDefinitionId: string;
  /** The role's name when pfnet knows it (Owner, Contributor, User Access Administrator, ...). */
  role?: string;
  principalId: string;
  principalType: string;
  /** `workspaceIdentity`: the workspace identity, beyond the storage role; `privilegedRole`: Owner, Contributor or User Access Administrator. */
  why: PostureReason[];
}

/** A workspace's posture. */
export interface WorkspacePosture {
  /** Spec key of the workspace. */
  key: string;
  /** Azure name of the workspace. */
  name: string;
  /** User-defined outbound rules in Azure the spec does not list, and pfnet keeps. */
  outboundRules: Array<{ name: string; address: string; type: string; destination: unknown }>;
  /**
   * Own VNet: the hosts the workspace reports it must reach outbound — what the user's firewall
   * must allow. Absent when not read (a managed network, or a provider that cannot list them).
   */
  outboundDependencies?: Array<{ category: string; domainName: string; ports: number[] }>;
  /** The storage account whose role assignments were listed; absent when not known. */
  storageAccount?: string;
  /** Absent when they were not read (the provider cannot list them, or the account is not known). */
  roleAssignments?: { direct: PostureAssignment[]; inherited: PostureAssignment[] };
}

/** The plan's posture report: informational, never re-derived and never acted on. */
export interface Posture {
  /** Workspaces that exist in Azure, in spec order. */
  workspaces: WorkspacePosture[];
}

const trimScope = (scope: string) => scope.replace(/\/+$/, "").toLowerCase();

/** `direct` when made at `scope`, `inherited` when made above it, undefined otherwise (below it). */
function placeOf(assignment: string, scope: string): "direct" | "inherited" | undefined {
  const at = trimScope(assignment);
  const listed = trimScope(scope);
  if (at === listed) return "direct";
  if (at === "" || listed.startsWith(`${at}/`)) return "inherited";
  return undefined;
}

/** The assignments of the report at a storage account, direct and inherited apart, sorted by id. */
export function classifyStorageAccess(view: StorageAccessView): {
  direct: PostureAssignment[];
  inherited: PostureAssignment[];
} {
  const direct: PostureAssignment[] = [];
  const inherited: PostureAssignment[] = [];
  const identity = view.principalId?.toLowerCase();
  for (const assignment of view.assignments) {
    const place = placeOf(assignment.scope, view.storageAccount);
    if (place === undefined) continue;
    const why: PostureReason[] = [];
    const isIdentity = identity !== undefined && assignment.principalId.toLowerCase() === identity;
    if (isIdentity && !isAssignableRole(assignment.roleDefinitionId)) why.push("workspaceIdentity");
    if (Object.hasOwn(PRIVILEGED_ROLES, roleGuidOf(assignment.roleDefinitionId))) why.push("privilegedRole");
    if (why.length === 0) continue;
    const role = knownRoleName(assignment.roleDefinitionId);
    (place === "direct" ? direct : inherited).push({
      id: assignment.id,
      scope: assignment.scope,
      roleDefinitionId: assignment.roleDefinitionId,
      ...(role === undefined ? {} : { role }),
      principalId: assignment.principalId,
      principalType: assignment.principalType,
      why,
    });
  }
  const byId = (a: PostureAssignment, b: PostureAssignment) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { direct: direct.sort(byId), inherited: inherited.sort(byId) };
}

/** A rule's destination in words: `github.com`, `Storage TCP 443`, `<ARM id> (blob)`. */
export function describeDestination(type: string, destination: unknown): string {
  if (typeof destination === "string") return destination;
  if (destination === null || typeof destination !== "object") return String(destination);
  const d = destination as Record<string, unknown>;
  if (type === "PrivateEndpoint" && typeof d.serviceResourceId === "string") {
    return `${d.serviceResourceId}${typeof d.subresourceTarget === "string" ? ` (${d.subresourceTarget})` : ""}`;
  }
  if (type === "ServiceTag" && typeof d.serviceTag === "string") {
    return [d.serviceTag, d.protocol, d.portRanges].filter((part) => typeof part === "string").join(" ");
  }
  return JSON.stringify(destination);
}

/** The last segment of an ARM id (a storage account's name). */
export const lastSegment = (id: string) => id.replace(/\/+$/, "").split("/").pop() ?? id;

/** One assignment in words: `Owner for User 0123… (at the subscription 1111…)`. */
export function describeAssignment(assignment: PostureAssignment, place: "direct" | "inherited"): string {
  const role = assignment.role ?? `role ${roleGuidOf(assignment.roleDefinitionId)}`;
  const who = `${assignment.principalType || "principal"} ${assignment.principalId}`;
  const from = place === "inherited" ? `, inherited from ${describeScope(assignment.scope)}` : "";
  return `${role} for ${who}${from}`;
}

/** A scope in words: `subscription 1111…`, `resource group rg-x`, `management group mg`. */
export function describeScope(scope: string): string {
  const rg = /^\/subscriptions\/[^/]+\/resourceGroups\/([^/]+)$/i.exec(scope);
  if (rg) return `resource group ${rg[1]}`;
  const sub = /^\/subscriptions\/([^/]+)$/i.exec(scope);
  if (sub) return `subscription ${sub[1]}`;
  const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scope);
  if (mg) return `management group ${mg[1]}`;
  if (trimScope(scope) === "") return "the root scope";
  return scope;
}
