/**
 * `roleAssignment`: Storage File Data Privileged Contributor on the workspace's storage account,
 * and with a user-assigned identity Azure AI Enterprise Network Connection Approver on each reached
 * service, for the workspace's identity — system-assigned, or the user-assigned one the node
 * names (principal from `identity.userAssignedIdentities`) — through arm-authorization. The name is a name-based UUID
 * of (scope, principal, role), so re-applies hit the same assignment; an existing one under
 * another name is adopted; then a readiness gate (readable N times in a row) before dependents
 * rely on the grant. Anything expansion cannot produce is refused before a write.
 */
import { createHash } from "node:crypto";
import type { ActualResource, PlanStep, ResourceNode, RoleAssignmentIdentity, StepResult } from "@pfnet/core";
import { isAssignableRole, PfnetError, roleOfPurpose } from "@pfnet/core";
import type { AzureClients } from "../clients.js";
import type { AzureKind, RequiredActions } from "../kind.js";
import { contentHash, sameId } from "../normalize.js";
import { type ReadSession, type RoleAssignmentFound, sdkScope, workspaceNotFound } from "../read.js";
import { on, writeActions } from "../required-actions.js";
import type { Workspace } from "../rest/types.js";
import { newSession, propagationTimeout, retrying, type StepEnv, workspaceMemoryKey } from "../steps.js";
import { expectedWallMs, progress, startWait, WaitBudget } from "../waits.js";

/** Trailing GUID of a role definition id (tenant- and subscription-scoped forms compare equal). */
export function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? roleDefinitionId).toLowerCase();
}

/**
 * Deterministic role-assignment name: a name-based UUID (RFC 4122 version-5 layout, SHA-1) of
 * (scope, principal, role), like Bicep's `guid(scope, principalId, roleDefinitionId)`, so every
 * re-apply targets the same assignment.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
  // Fixed namespace for pfnet role assignments (a random UUID chosen once).
  const namespace = Buffer.from("6f1c2a8e4b7d4e0f9a3c5d7e8f901234", "hex");
  const name = `${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`;
  const hash = createHash("sha1").update(namespace).update(name).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The principal a grant goes to: the user-assigned identity the node names, from the workspace's
 * `identity.userAssignedIdentities` (keys compared case-insensitively), else the system-assigned
 * identity (`identity.principalId`). Undefined when the workspace has no such identity.
 */
export function principalOf(workspace: Workspace, identity: RoleAssignmentIdentity): string | undefined {
  const uai = identity.userAssignedIdentity;
  if (uai === undefined) return workspace.identity?.principalId;
  const attached = Object.entries(workspace.identity?.userAssignedIdentities ?? {}).find(([id]) =>
    sameId(id, uai),
  );
  return attached?.[1]?.principalId ?? undefined;
}

/** The assignment of a workspace identity, if any (matched by scope and role GUID). */
async function findStorageAssignment(
  session: ReadSession,
  identity: RoleAssignmentIdentity,
  roleDefinitionId: string,
): Promise<{
  workspace?: Workspace;
  principalId?: string;
  scope?: string;
  assignment?: RoleAssignmentFound;
}> {
  const response = await session.workspace(identity.workspace);
  if (!response) return {};
  const workspace = response.body;
  const principalId = principalOf(workspace, identity);
  // A project's grant is on its hub's storage account (`storageOf`).
  const owner = identity.storageOf ? (await session.workspace(identity.storageOf))?.body : workspace;
  const scope = identity.scope ?? owner?.properties?.storageAccount;
  if (!principalId || !scope)
    return { workspace, ...(principalId ? { principalId } : {}), ...(scope ? { scope } : {}) };
  const assignments = await session.assignmentsOfPrincipalAt(scope, principalId);
  const guid = roleGuid(roleDefinitionId);
  const assignment = assignments.find(
    (ra) =>
      sameId(ra.scope, scope) &&
      roleGuid(ra.roleDefinitionId) === guid &&
      sameId(ra.principalId, principalId),
  );
  return { workspace, principalId, scope, ...(assignment ? { assignment } : {}) };
}

async function readRole(session: ReadSession, node: ResourceNode<"roleAssignment">): Promise<ActualResource> {
  const identity = node.identity as RoleAssignmentIdentity;
  const desired = node.properties as { roleDefinitionId: string };
  const found = await findStorageAssignment(session, identity, desired.roleDefinitionId);
  if (!found.assignment) {
    return {
      exists: false,
      fingerprint: contentHash({
        absent: node.address,
        principalId: found.principalId ?? null,
        scope: found.scope ?? null,
      }),
    };
  }
  const ra = found.assignment;
  const properties = { roleDefinitionId: ra.roleDefinitionId, principalType: ra.principalType };
  return {
    exists: true,
    properties,
    facts: { principalId: ra.principalId, scope: ra.scope, roleAssignmentId: ra.id },
    fingerprint: contentHash({ id: ra.id.toLowerCase(), ...properties }),
  };
}

function parseStorageId(scope: string): { resourceGroup: string; name: string } | undefined {
  const match = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i.exec(
    scope,
  );
  return match ? { resourceGroup: match[1]!, name: match[2]! } : undefined;
}

/**
 * Defence in depth, whatever step the provider is handed (core re-derives plans, but a provider
 * may be driven directly): a role assignment pfnet's expansion cannot produce is refused with
 * `ROLE_ASSIGNMENT_REFUSED` before anything is written.
 */
function refuseRoleAssignment(step: PlanStep, reason: string, details: Record<string, unknown>): PfnetError {
  return new PfnetError(
    "ROLE_ASSIGNMENT_REFUSED",
    `pfnet refuses the role assignment of ${step.address}: ${reason}. Nothing was written.`,
    {
      address: step.address,
      details,
      hint: "pfnet grants only the roles its expansion derives (Storage File Data Privileged Contributor on the workspace storage account, to the workspace identity). Make a new plan from the spec.",
    },
  );
}

function checkAssignableRole(step: PlanStep, roleDefinitionId: unknown): void {
  if (typeof roleDefinitionId !== "string" || !isAssignableRole(roleDefinitionId))
    throw refuseRoleAssignment(step, `role ${String(roleDefinitionId)} is not one pfnet assigns`, {
      roleDefinitionId,
    });
}

async function applyRoleAssignment(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as RoleAssignmentIdentity;
  const ref = identity.workspace;
  if (step.action === "delete")
    checkAssignableRole(step, (step.before as { roleDefinitionId?: unknown } | null)?.roleDefinitionId);
  else checkAssignableRole(step, (step.after as { roleDefinitionId?: unknown } | null)?.roleDefinitionId);
  const auth = await env.clients.authorization(ref.subscriptionId);
  if (step.action === "delete") {
    const before = step.before as { roleDefinitionId?: string } | null;
    const found = await findStorageAssignment(
      newSession(env, step),
      identity,
      before?.roleDefinitionId ?? "",
    );
    if (found.assignment) {
      const id = found.assignment.id;
      await retrying(env, step, () =>
        env.clients.sdk(() => auth.roleAssignments.deleteById(sdkScope(id), { abortSignal: env.signal })),
      );
    }
    return { outcome: "succeeded" };
  }
  const after = step.after as unknown as { roleDefinitionId: string; principalType: "ServicePrincipal" };
  if (after.principalType !== "ServicePrincipal")
    throw refuseRoleAssignment(
      step,
      `principal type ${String(after.principalType)} is not the workspace identity's`,
      {
        principalType: after.principalType,
      },
    );
  // One role per purpose: the storage role, or the approver role on a reached service.
  if (roleGuid(after.roleDefinitionId) !== roleOfPurpose(identity.purpose))
    throw refuseRoleAssignment(step, `role ${after.roleDefinitionId} is not the one of its purpose`, {
      roleDefinitionId: after.roleDefinitionId,
      purpose: identity.purpose ?? "storage",
    });
  const ws = await retrying(env, step, () => env.clients.ml.getWorkspace(ref, env.signal));
  if (!ws) throw workspaceNotFound(ref, step.address);
  const principalId = principalOf(ws.body, identity);
  if (!principalId) {
    const uai = identity.userAssignedIdentity;
    throw new PfnetError(
      "PROVIDER_ERROR",
      uai === undefined
        ? `Workspace ${ref.name} has no system-assigned identity to grant the role to.`
        : `Workspace ${ref.name} has no user-assigned identity ${uai} to grant the role to.`,
      {
        address: step.address,
        hint:
          uai === undefined
            ? "Enable the workspace's system-assigned managed identity, or name its user-assigned one (`identity.userAssigned`)."
            : "Attach the identity to the workspace, or correct `identity.userAssigned` (PFN217).",
      },
    );
  }
  // A project's grant is on its hub's storage account (`storageOf`).
  const ownerRef = identity.storageOf ?? ref;
  const owner = identity.storageOf
    ? await retrying(env, step, () => env.clients.ml.getWorkspace(ownerRef, env.signal))
    : ws;
  const workspaceStorage = owner?.body.properties?.storageAccount;
  let scope = identity.scope ?? workspaceStorage;
  if (!scope)
    throw new PfnetError("PROVIDER_ERROR", `Workspace ${ownerRef.name} reports no storage account.`, {
      address: step.address,
    });
  // The scope expansion derives: the workspace's own storage account (the create block names it
  // for a new workspace, which then reports it), a project's hub's; an approver grant's is the
  // reached service.
  const approver = identity.purpose === "connectionApprover";
  if (
    !approver &&
    (!parseStorageId(scope) || (workspaceStorage !== undefined && !sameId(scope, workspaceStorage)))
  )
    throw refuseRoleAssignment(
      step,
      `scope ${scope} is not the storage account of workspace ${ownerRef.name}`,
      {
        scope,
        workspaceStorageAccount: workspaceStorage ?? null,
      },
    );
  // The storage account itself (arm-storage): confirms the scope and gives its canonical id.
  const storage = approver ? undefined : parseStorageId(scope);
  if (storage) {
    const account = await retrying(env, step, () =>
      env.clients.sdk(async () =>
        (await env.clients.storage(ref.subscriptionId)).storageAccounts.getProperties(
          storage.resourceGroup,
          storage.name,
          { abortSignal: env.signal },
        ),
      ),
    );
    if (account.id) scope = account.id;
  }
  // The principal is always the workspace identity just read (a step carries none to swap).
  const grant = { principalId, roleDefinitionId: after.roleDefinitionId, scope };
  if (!approver) env.memory.grants.set(workspaceMemoryKey(ref), grant);
  const guid = roleGuid(after.roleDefinitionId);
  const name = roleAssignmentName(scope, principalId, guid);
  let assignment: { scope: string; name: string } = { scope, name };
  await retrying(
    env,
    step,
    async () => {
      try {
        await env.clients.sdk(() =>
          auth.roleAssignments.create(
            sdkScope(scope),
            name,
            { roleDefinitionId: after.roleDefinitionId, principalId, principalType: "ServicePrincipal" },
            { abortSignal: env.signal },
          ),
        );
      } catch (error) {
        const code = (error as { code?: string }).code;
        const status = (error as { statusCode?: number }).statusCode;
        if (status === 409 && code === "RoleAssignmentExists") {
          // The same (scope, principal, role) exists under another name: adopt it.
          const found = await newSession(env, step).roleAssignments(ref.subscriptionId, scope, principalId);
          const match = found.find((ra) => sameId(ra.scope, scope) && roleGuid(ra.roleDefinitionId) === guid);
          if (match) {
            assignment = { scope, name: match.name };
            progress(env, step, `adopted existing role assignment ${match.id}`);
            return;
          }
        }
        throw error;
      }
    },
    { roleAssignment: true },
  );
  await readinessGate(env, step, auth, assignment, grant);
  return { outcome: "succeeded" };
}

/** Readable N times in a row (ARM replicas agree) before dependents may rely on the grant. */
async function readinessGate(
  env: StepEnv,
  step: PlanStep,
  auth: Awaited<ReturnType<AzureClients["authorization"]>>,
  assignment: { scope: string; name: string },
  grant: { principalId: string; roleDefinitionId: string; scope: string },
): Promise<void> {
  const wait = startWait(env, step, "propagation", expectedWallMs(env, step, ["propagation"], 60));
  const budget = new WaitBudget(env, env.waits.readinessTimeoutSeconds);
  let streak = 0;
  wait.report(`waiting until the role assignment is readable ${env.waits.readinessReads} times in a row`);
  while (streak < env.waits.readinessReads) {
    const readable = await budget.poll(() =>
      retrying(env, step, async () => {
        try {
          await env.clients.sdk(() =>
            auth.roleAssignments.get(sdkScope(assignment.scope), assignment.name, {
              abortSignal: env.signal,
            }),
          );
          return true;
        } catch (error) {
          const status = (error as { statusCode?: number }).statusCode;
          if (status === 404) return false;
          throw error;
        }
      }),
    );
    streak = readable ? streak + 1 : 0;
    if (streak >= env.waits.readinessReads) break;
    if (budget.exhausted) throw propagationTimeout(step.address, grant, env.waits.readinessTimeoutSeconds);
    wait.report(`role assignment readable ${streak}/${env.waits.readinessReads}`);
    await budget.pause(env.waits.pollIntervalSeconds / 3);
  }
  wait.report(`role assignment readable ${streak}/${env.waits.readinessReads}`);
}

/**
 * The storage grant writes a role assignment at the storage account: the spec's (identity
 * `scope`), else the one the existing workspace names. Unknown (nothing to check) without either.
 */
async function roleActions(session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const identity = step.identity as unknown as RoleAssignmentIdentity;
  const scope =
    identity.scope ?? (await session.workspace(identity.workspace))?.body.properties?.storageAccount;
  return scope ? on(scope, writeActions(step, "Microsoft.Authorization/roleAssignments")) : [];
}

export const roleAssignment: AzureKind<"roleAssignment"> = {
  kind: "roleAssignment",
  requiredActions: roleActions,
  read: readRole,
  apply: applyRoleAssignment,
};
