/**
 * What every kind's `apply` (kinds/<kind>.ts) shares: the step environment, the provider's
 * memory across steps, the step's retry policy (propagation 403s ending in PROPAGATION_TIMEOUT)
 * and SDK deletes. An apply resolves when the step's effect is in place (waits included),
 * resolves `pendingApproval` when a human must act, or throws a PfnetError. Every write is
 * idempotent per attempt (re-read, then write only what differs), so a retry after a dropped
 * connection, or a re-apply after an abort, converges.
 */
import type {
  OutboundRuleIdentity,
  OutboundRuleProperties,
  PfnetEventInput,
  PlanStep,
  ResourceNode,
  StepJournal,
  StepResult,
  WorkspaceIdentity,
  WorkspaceRef,
} from "@pfnet/core";
import { PfnetError, roleDefinitionIdOf, STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR } from "@pfnet/core";
import type { AzureClients } from "./clients.js";
import type { AzureRequestError } from "./errors.js";
import type { ResolvedRetry, ResolvedWaits } from "./options.js";
import { ReadSession } from "./read.js";
import { type ClassifyOptions, type RetryContext, withRetry } from "./retry.js";
import { awaitSdkOperation, type OperationKind, type SdkPoller } from "./waits.js";

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

/**
 * What a read of nodes tells the steps that follow: which rules each workspace's spec wants
 * (verified after the last rule write) and which workspaces' network step verifies them.
 */
export function rememberSpec(memory: ProviderMemory, nodes: readonly ResourceNode[]): void {
  for (const node of nodes) {
    // A read that names the workspace itself reads a whole spec (plan, or apply's stale check):
    // its rule nodes are the desired set, replacing what an earlier spec said.
    if (node.kind === "workspace") {
      const key = workspaceMemoryKey((node.identity as WorkspaceIdentity).workspace);
      memory.expectedRules.delete(key);
      memory.networkVerifies.delete(key);
    }
  }
  for (const node of nodes) {
    // The spec provisions this workspace's network: that step verifies the whole rule set once,
    // after the last rule write, so rule steps need not read each rule back.
    if (node.kind === "managedNetwork")
      memory.networkVerifies.add(workspaceMemoryKey((node.identity as WorkspaceIdentity).workspace));
  }
  for (const node of nodes) {
    // Remember the desired rule set: the provisioning step verifies the rules read back against it.
    if (node.kind === "outboundRule") {
      const identity = node.identity as OutboundRuleIdentity;
      rememberRule(memory, identity.workspace, identity.ruleName, node.properties as OutboundRuleProperties);
    }
  }
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

export function propagationTimeout(
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
