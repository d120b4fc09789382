/**
 * Executing one plan step against Azure. Each function resolves when the step's effect is in
 * place (waits included), resolves `pendingApproval` when a human must act, or throws a
 * PfnetError. Every write is idempotent per attempt (re-read, then write only what differs), so
 * a retry after a dropped connection, or a re-apply after an abort, converges.
 */
import type {
  OutboundRuleProperties,
  PendingApproval,
  PfnetEventInput,
  PlanStep,
  PrivateEndpointApprovalIdentity,
  RoleAssignmentIdentity,
  StepJournal,
  StepResult,
  WorkspaceRef,
} from "@pfnet/core";
import {
  isAssignableRole,
  PfnetError,
  roleDefinitionIdOf,
  STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR,
} from "@pfnet/core";
import type { ConnectionMatch } from "./approval.js";
import type { AzureClients } from "./clients.js";
import { AzureRequestError } from "./errors.js";
import { roleAssignmentName, roleGuid, sameId } from "./normalize.js";
import type { ResolvedRetry, ResolvedWaits } from "./options.js";
import { ReadSession, type RoleAssignmentFound, sdkScope, workspaceNotFound } from "./read.js";
import { providerNamespace, resourceType } from "./rest/connections.js";
import { type ClassifyOptions, type RetryContext, withRetry } from "./retry.js";
import {
  awaitSdkOperation,
  expectedWallMs,
  type OperationKind,
  progress,
  type SdkPoller,
  startWait,
  WaitBudget,
} from "./waits.js";

/** Role id of "Azure AI Enterprise Network Connection Approver" (azure-facts c.5). */
export const NETWORK_CONNECTION_APPROVER_ROLE = "b556d68e-0be0-4f35-a333-ad7ee1ce17ea";

/** What the provider remembers across steps of one apply (and from reads). */
export interface ProviderMemory {
  /** Per workspace (lower-case key): rule name (lower) → desired shape, or null when it must be absent. */
  expectedRules: Map<string, Map<string, { name: string; rule: OutboundRuleProperties | null }>>;
  /** Per workspace: the grant the storage-role step made (for PROPAGATION_TIMEOUT messages). */
  grants: Map<string, { principalId: string; roleDefinitionId: string; scope: string }>;
  /** Workspaces (lower-case key) whose managed-network step verifies every rule after the last rule write. */
  networkVerifies: Set<string>;
}

export interface StepEnv {
  clients: AzureClients;
  waits: ResolvedWaits;
  retry: ResolvedRetry;
  memory: ProviderMemory;
  signal: AbortSignal;
  emit: (event: PfnetEventInput) => void;
  /** Connections the user named as the workspace's (`--approve-connection`, provider option). */
  approvalConnections?: readonly string[];
  /**
   * Core's one re-read rule says the plan's `before` is what Azure holds (`ProviderContext.fresh`):
   * the first attempt writes without reading first.
   */
  fresh?: boolean;
  /** The step's journal when apply keeps one (write-ahead intent, handle, re-attach). */
  journal?: StepJournal;
  /** The ARM endpoint: a journaled operation URL elsewhere (another cloud, an old emulator) is not polled. */
  endpoint?: string;
}

export const workspaceMemoryKey = (ws: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">) =>
  `${ws.subscriptionId}/${ws.resourceGroup}/${ws.name}`.toLowerCase();

export function rememberRule(
  memory: ProviderMemory,
  ws: WorkspaceRef,
  name: string,
  rule: OutboundRuleProperties | null,
): void {
  const key = workspaceMemoryKey(ws);
  const rules = memory.expectedRules.get(key) ?? new Map();
  rules.set(name.toLowerCase(), { name, rule });
  memory.expectedRules.set(key, rules);
}

export function retryContext(env: StepEnv, step: PlanStep): RetryContext {
  return { signal: env.signal, emit: env.emit, address: step.address, retry: env.retry, waits: env.waits };
}

/** Steps that depend on the storage grant treat 403 AuthorizationFailed as propagation. */
function dependsOnGrant(step: PlanStep): boolean {
  return step.dependsOn.some((a) => a.endsWith(".storage-role"));
}

/** Run a request with the step's retry policy; propagation 403 ends in PROPAGATION_TIMEOUT. */
export async function retrying<T>(
  env: StepEnv,
  step: PlanStep,
  op: () => Promise<T>,
  options: ClassifyOptions = {},
): Promise<T> {
  const ref = (step.identity as { workspace?: WorkspaceRef }).workspace;
  const propagation = options.propagation ?? dependsOnGrant(step);
  let propagationError: AzureRequestError | undefined;
  try {
    return await withRetry(op, retryContext(env, step), {
      ...options,
      propagation,
      onExhausted: (retryClass, error) => {
        if (retryClass !== "propagation") return undefined;
        propagationError = error;
        return propagationTimeout(step.address, undefined, env.retry.propagation.budgetSeconds ?? 0, error);
      },
    });
  } catch (error) {
    if (!propagationError) throw error;
    // Name the grant: remembered from this apply's role step, else read from the workspace.
    const grant = ref
      ? (env.memory.grants.get(workspaceMemoryKey(ref)) ?? (await grantOf(env, ref)))
      : undefined;
    throw propagationTimeout(step.address, grant, env.retry.propagation.budgetSeconds ?? 0, propagationError);
  }
}

/** The storage grant a workspace's identity needs (for error messages). */
async function grantOf(
  env: StepEnv,
  ref: WorkspaceRef,
): Promise<{ principalId: string; roleDefinitionId: string; scope: string } | undefined> {
  try {
    const ws = await env.clients.ml.getWorkspace(ref, env.signal);
    const principalId = ws?.body.identity?.principalId;
    const scope = ws?.body.properties?.storageAccount;
    if (!principalId || !scope) return undefined;
    return {
      principalId,
      roleDefinitionId: roleDefinitionIdOf(ref.subscriptionId, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR),
      scope,
    };
  } catch {
    return undefined;
  }
}

function propagationTimeout(
  address: string,
  grant: { principalId: string; roleDefinitionId: string; scope: string } | undefined,
  budgetSeconds: number,
  cause?: unknown,
): PfnetError {
  const who = grant
    ? `principal ${grant.principalId}, role ${grant.roleDefinitionId} (Storage File Data Privileged Contributor), scope ${grant.scope}`
    : "the workspace identity's storage grant";
  return new PfnetError(
    "PROPAGATION_TIMEOUT",
    `The role assignment did not take effect within ${Math.round(budgetSeconds / 60)} minutes (${who}).`,
    {
      address,
      ...(grant ? { details: { ...grant } } : {}),
      hint: "Azure RBAC can take up to 30 minutes to propagate; re-run apply later, or raise retry.propagation.budgetSeconds.",
      cause,
    },
  );
}

/** A fresh read session for one attempt of a step (nothing cached from the plan or an earlier attempt). */
export function newSession(env: StepEnv, step: PlanStep): ReadSession {
  return new ReadSession(env.clients, retryContext(env, step), env.approvalConnections);
}

/** How to delete one resource through an SDK long-running operation (with progress). */
export interface Removal {
  operation: OperationKind;
  label: string;
  begin: (options: { updateIntervalInMs: number; abortSignal: AbortSignal }) => Promise<SdkPoller<unknown>>;
}

/** Delete through an SDK LRO; already gone (404) counts as deleted. */
export async function deleteIgnoringNotFound(env: StepEnv, step: PlanStep, removal: Removal): Promise<void> {
  try {
    await awaitSdkOperation(env, step, removal.operation, removal.label, removal.begin);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** A delete step: the delete with the step's retry policy. */
export async function deleteStep(env: StepEnv, step: PlanStep, removal: Removal): Promise<StepResult> {
  await withRetry(() => deleteIgnoringNotFound(env, step, removal), retryContext(env, step));
  return { outcome: "succeeded" };
}

// ---------------------------------------------------------------------------------------------
// storage role assignment

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

export async function applyRoleAssignment(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as RoleAssignmentIdentity;
  const ref = identity.workspace;
  if (step.action === "delete")
    checkAssignableRole(step, (step.before as { roleDefinitionId?: unknown } | null)?.roleDefinitionId);
  else checkAssignableRole(step, (step.after as { roleDefinitionId?: unknown } | null)?.roleDefinitionId);
  const auth = await env.clients.authorization(ref.subscriptionId);
  if (step.action === "delete") {
    const before = step.before as { roleDefinitionId?: string } | null;
    const found = await newSession(env, step).findStorageAssignment(identity, before?.roleDefinitionId ?? "");
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
  const ws = await retrying(env, step, () => env.clients.ml.getWorkspace(ref, env.signal));
  if (!ws) throw workspaceNotFound(ref, step.address);
  const principalId = ws.body.identity?.principalId;
  if (!principalId) {
    throw new PfnetError(
      "PROVIDER_ERROR",
      `Workspace ${ref.name} has no system-assigned identity to grant the storage role to.`,
      {
        address: step.address,
        hint: "Enable the workspace's system-assigned managed identity.",
      },
    );
  }
  const workspaceStorage = ws.body.properties?.storageAccount;
  let scope = identity.scope ?? workspaceStorage;
  if (!scope)
    throw new PfnetError("PROVIDER_ERROR", `Workspace ${ref.name} reports no storage account.`, {
      address: step.address,
    });
  // The scope expansion derives: the workspace's own storage account (the create block names it
  // for a new workspace, which then reports it).
  if (!parseStorageId(scope) || (workspaceStorage !== undefined && !sameId(scope, workspaceStorage)))
    throw refuseRoleAssignment(step, `scope ${scope} is not the storage account of workspace ${ref.name}`, {
      scope,
      workspaceStorageAccount: workspaceStorage ?? null,
    });
  // The storage account itself (arm-storage): confirms the scope and gives its canonical id.
  const storage = parseStorageId(scope);
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
  env.memory.grants.set(workspaceMemoryKey(ref), grant);
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

// ---------------------------------------------------------------------------------------------
// private-endpoint approval

function pendingApproval(connectionId: string, targetId: string): PendingApproval {
  const type = resourceType(targetId) || `${providerNamespace(targetId)}/<type>`;
  return {
    connectionId,
    action: `az network private-endpoint-connection approve --id ${connectionId} --description "Approved for pfnet"`,
    permission: `${type}/privateEndpointConnections/write on ${targetId} (or the Azure AI Enterprise Network Connection Approver role, ${NETWORK_CONNECTION_APPROVER_ROLE})`,
  };
}

/**
 * No connection, or several, matched the workspace (approval.ts): pfnet does not guess and does
 * not wait out the budget — it lists the candidates and how to name the right one.
 */
function undecidedApproval(
  identity: PrivateEndpointApprovalIdentity,
  match: ConnectionMatch,
): PendingApproval {
  const base = pendingApproval("", identity.targetId);
  const why =
    match.reason === "chosenMissing"
      ? `the connection named as the workspace's (${identity.approvalConnection ?? "--approve-connection"}) is not on ${identity.targetId}`
      : match.reason === "several"
        ? `${match.candidates.length} connections on ${identity.targetId} match the workspace equally`
        : `no connection on ${identity.targetId} carries a mark of the workspace's ${identity.via === "byo" ? "private endpoint" : "managed network"}`;
  return {
    ...base,
    action: `pfnet could not tell which connection is the workspace's: ${why}. Pick the one whose private endpoint is the workspace's (candidates below), then set services.${identity.service}.approvalConnection to its id in the spec, or run again with --approve-connection <id>.`,
    candidates: match.candidates,
  };
}

export async function applyApproval(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as PrivateEndpointApprovalIdentity;
  const wait = startWait(env, step, "approval", expectedWallMs(env, step, ["approval"], 120));
  // An already approved (or auto-approved) connection is no wait: report only once pfnet waits.
  let waited = false;
  const report = (message: string) => {
    waited = true;
    wait.report(message);
  };
  const budget = new WaitBudget(env, env.waits.connectionAppearSeconds);
  let approvedOnce = false;
  for (;;) {
    const { workspace, match, connection } = await budget.poll(() =>
      newSession(env, step).findConnection(identity),
    );
    if (!workspace || !match) throw workspaceNotFound(identity.workspace, step.address);
    // Connections exist but none (or several) is recognisably the workspace's: waiting cannot help.
    if (!connection && match.candidates.length > 0) {
      return { outcome: "pendingApproval", pending: undecidedApproval(identity, match) };
    }
    const status = connection?.properties?.privateLinkServiceConnectionState?.status;
    if (connection && status === "Approved") {
      if (waited) report(`${connection.id} Approved`);
      return { outcome: "succeeded" };
    }
    if (connection && (status === "Rejected" || status === "Disconnected")) {
      throw new PfnetError(
        "CONNECTION_REJECTED",
        `The private-endpoint connection ${connection.id} on ${identity.targetId} is ${status}.`,
        {
          address: step.address,
          hint: "Delete the outbound rule's connection on the target (or the rule) and apply again to get a new one.",
        },
      );
    }
    if (connection?.id && !approvedOnce) {
      if (!identity.approve)
        return { outcome: "pendingApproval", pending: pendingApproval(connection.id, identity.targetId) };
      report(`approving ${connection.id} (matched on ${match.signal})`);
      try {
        const connectionId = connection.id;
        await retrying(env, step, () =>
          env.clients.connections.approve(connectionId, identity.targetId, env.signal),
        );
        approvedOnce = true;
        continue;
      } catch (error) {
        if (error instanceof AzureRequestError && error.status === 403) {
          return { outcome: "pendingApproval", pending: pendingApproval(connection.id, identity.targetId) };
        }
        throw error;
      }
    }
    if (budget.exhausted) {
      if (connection?.id)
        return { outcome: "pendingApproval", pending: pendingApproval(connection.id, identity.targetId) };
      throw new PfnetError(
        "CONNECTION_NOT_FOUND",
        identity.via === "byo"
          ? `No private-endpoint connection from pfnet's private endpoint for ${identity.service} appeared on ${identity.targetId}.`
          : `No private-endpoint connection from the managed network of ${identity.workspace.name} appeared on ${identity.targetId}.`,
        {
          address: step.address,
          hint:
            identity.via === "byo"
              ? "Check the private endpoint in the own VNet (it must target this service) and apply again."
              : "Check that the outbound rule to this service is Active and that the managed network is provisioned.",
        },
      );
    }
    report(
      connection
        ? "waiting for the approval to take effect"
        : "waiting for the private-endpoint connection to appear",
    );
    await budget.pause(env.waits.pollIntervalSeconds);
  }
}

export type { RoleAssignmentFound };
