/**
 * AzureProvider: the core Provider port against Azure Resource Manager.
 */
import type { GetTokenOptions, TokenCredential } from "@azure/core-auth";
import type {
  DiagnosisFinding,
  Inventory,
  NetworkLinks,
  OutboundDependency,
  PermissionGap,
  PlanStep,
  Provider,
  ProviderContext,
  ReadResult,
  ResourceGroupScope,
  ResourceNode,
  RoleAssignmentSeen,
  StepResult,
  WorkspaceRef,
} from "@pfnet/core";
import { AzureClients } from "./clients.js";
import { toAzureError } from "./errors.js";
import { readInventory } from "./inventory.js";
import { azureKind, readNodes } from "./kinds/index.js";
import { logger } from "./logger.js";
import { readNetworkLinks } from "./network-links.js";
import {
  type AzureProviderOptions,
  DEFAULT_ENDPOINT,
  type ResolvedRetry,
  type ResolvedWaits,
  resolveRetry,
  resolveWaits,
} from "./options.js";
import { type ResolvedPacing, resolvePacing } from "./pacing.js";
import { missingPermissions } from "./permissions.js";
import { ReadSession } from "./read.js";
import { abortError, withStepContext } from "./retry.js";
import { type ProviderMemory, rememberSpec, retryContext, type StepEnv } from "./steps.js";
import { fileTraceSink } from "./trace.js";
import { tracingClient } from "./tracing.js";
import { diagnoseWorkspace, outboundDependencies } from "./workspace-reports.js";

export class AzureProvider implements Provider {
  readonly name = "azure";
  readonly endpoint: string;
  readonly waits: ResolvedWaits;
  readonly retry: ResolvedRetry;
  readonly pacing: ResolvedPacing;
  private readonly options: AzureProviderOptions;
  private clientsValue: AzureClients | undefined;
  /** Read caches per `ProviderContext.snapshot` (one plan), dropped with it. */
  private readonly snapshots = new WeakMap<object, ReadSession["caches"]>();
  private readonly memory: ProviderMemory = {
    expectedRules: new Map(),
    grants: new Map(),
    networkVerifies: new Set(),
  };

  constructor(options: AzureProviderOptions = {}) {
    this.options = options;
    this.endpoint = (options.endpoint ?? DEFAULT_ENDPOINT).replace(/\/+$/, "");
    this.waits = resolveWaits(options.waits);
    this.retry = resolveRetry(options.retry);
    this.pacing = resolvePacing(options.pacing);
  }

  /** Clients are built on first use (DefaultAzureCredential only when no credential is given, on the first token request). */
  get clients(): AzureClients {
    if (!this.clientsValue) {
      const credential: TokenCredential = this.options.credential ?? new DefaultCredentialOnDemand();
      this.clientsValue = new AzureClients({
        credential,
        endpoint: this.endpoint,
        credentialScope: this.options.credentialScope ?? `${this.endpoint}/.default`,
        ...(this.options.tlsCa === undefined ? {} : { tlsCa: this.options.tlsCa }),
        waits: this.waits,
        concurrency: this.options.concurrency ?? 10,
        pacing: this.pacing,
        ...(this.options.subscriptionId ? { defaultSubscriptionId: this.options.subscriptionId } : {}),
        ...(this.options.trace
          ? {
              trace:
                typeof this.options.trace === "string"
                  ? fileTraceSink(this.options.trace)
                  : this.options.trace,
            }
          : {}),
        ...(this.options.privateEndpointConnectionApiVersions
          ? { privateEndpointConnectionApiVersions: this.options.privateEndpointConnectionApiVersions }
          : {}),
      });
    }
    return this.clientsValue;
  }

  read(nodes: readonly ResourceNode[], context: ProviderContext): Promise<ReadResult> {
    return tracingClient.withSpan("AzureProvider.read", {}, () => this.readNodes(nodes, context), {
      spanAttributes: { "pfnet.nodes": nodes.length },
    });
  }

  apply(step: PlanStep, context: ProviderContext): Promise<StepResult> {
    return tracingClient.withSpan(
      "AzureProvider.apply",
      {},
      async () => {
        logger.info(`${step.address}: ${step.action} (${step.kind})`);
        const result = await this.applyStep(step, context);
        logger.info(`${step.address}: ${result.outcome}`);
        return result;
      },
      {
        spanAttributes: {
          "pfnet.address": step.address,
          "pfnet.kind": step.kind,
          "pfnet.action": step.action,
        },
      },
    );
  }

  /** The read caches of `context.snapshot` (one plan's read-only calls share them); fresh ones without. */
  private snapshotCaches(context: ProviderContext): ReadSession["caches"] {
    if (!context.snapshot) return new Map();
    let caches = this.snapshots.get(context.snapshot);
    if (!caches) {
      caches = new Map();
      this.snapshots.set(context.snapshot, caches);
    }
    return caches;
  }

  private async readNodes(nodes: readonly ResourceNode[], context: ProviderContext): Promise<ReadResult> {
    rememberSpec(this.memory, nodes);
    const session = new ReadSession(
      this.clients,
      { signal: context.signal, emit: context.emit, address: "read", retry: this.retry, waits: this.waits },
      this.options.approvalConnections,
      this.snapshotCaches(context),
      context.resourcesOnly === true,
    );
    try {
      return await readNodes(session, nodes);
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /** What a resource group holds that a spec can describe (for `importTopology`). Reads only. */
  async inventory(scope: ResourceGroupScope, context: ProviderContext): Promise<Inventory> {
    const retry = {
      signal: context.signal,
      emit: context.emit,
      address: "inventory",
      retry: this.retry,
      waits: this.waits,
    };
    try {
      return await readInventory(this.clients, scope, retry);
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /**
   * Role assignments made at `scope` or above it (the posture report): one paged list,
   * `$filter=atScope()`. Reads only.
   */
  async listRoleAssignments(scope: string, context: ProviderContext): Promise<RoleAssignmentSeen[]> {
    const session = new ReadSession(
      this.clients,
      {
        signal: context.signal,
        emit: context.emit,
        address: "posture",
        retry: this.retry,
        waits: this.waits,
      },
      undefined,
      this.snapshotCaches(context),
    );
    try {
      return await session.assignmentsAt(scope);
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /**
   * Of the plan's writes, the actions the caller lacks (the permissions check before apply): one
   * permissions list per resource group, a resource's own only for what is still missing. Reads only.
   */
  async missingPermissions(steps: readonly PlanStep[], context: ProviderContext): Promise<PermissionGap[]> {
    const session = new ReadSession(
      this.clients,
      {
        signal: context.signal,
        emit: context.emit,
        address: "permissions",
        retry: this.retry,
        waits: this.waits,
      },
      undefined,
      this.snapshotCaches(context),
    );
    try {
      return await missingPermissions(session, steps);
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /** The hosts an own-VNet workspace reports it must reach outbound (the posture report). Reads only. */
  async listOutboundDependencies(
    workspace: WorkspaceRef,
    context: ProviderContext,
  ): Promise<OutboundDependency[]> {
    try {
      return await outboundDependencies(this.clients, workspace, this.selfRetry(workspace, context));
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /**
   * How other VNets reach an own-VNet workspace's VNet (the AKS placement rule): its connected
   * peerings and the VNets of the workspace's approved private endpoints. Reads only.
   */
  async networkLinks(
    workspace: WorkspaceRef,
    vnetId: string,
    context: ProviderContext,
  ): Promise<NetworkLinks> {
    const session = new ReadSession(
      this.clients,
      this.selfRetry(workspace, context),
      undefined,
      this.snapshotCaches(context),
    );
    try {
      return await readNetworkLinks(session, workspace, vnetId);
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /** Azure's diagnosis of a workspace's setup (`Workspaces_Diagnose`). Changes nothing. */
  async diagnose(workspace: WorkspaceRef, context: ProviderContext): Promise<DiagnosisFinding[]> {
    try {
      return await diagnoseWorkspace(this.clients, workspace, this.selfRetry(workspace, context));
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error);
    }
  }

  /** The retry context of a read about one workspace (its address names it in events). */
  private selfRetry(workspace: WorkspaceRef, context: ProviderContext) {
    return {
      signal: context.signal,
      emit: context.emit,
      address: `workspace.${workspace.key}`,
      retry: this.retry,
      waits: this.waits,
    };
  }

  private async applyStep(step: PlanStep, context: ProviderContext): Promise<StepResult> {
    if (context.signal.aborted) throw abortError(context.signal);
    const env: StepEnv = {
      clients: this.clients,
      waits: this.waits,
      retry: this.retry,
      memory: this.memory,
      signal: context.signal,
      emit: context.emit,
      ...(this.options.approvalConnections ? { approvalConnections: this.options.approvalConnections } : {}),
      fresh: context.fresh === true,
      ...(context.journal ? { journal: context.journal } : {}),
      endpoint: this.endpoint,
    };
    try {
      if (step.action === "noop") return { outcome: "succeeded" };
      const kind = azureKind(step.kind, step.address);
      // Sleeps inside the step (polls, back-offs, pacing) free its slot: see retry.ts `sleep`.
      return await withStepContext(
        { ...(context.idle ? { idle: context.idle } : {}), retry: retryContext(env, step) },
        () => kind.apply(env, step),
      );
    } catch (error) {
      if (context.signal.aborted) throw abortError(context.signal);
      throw toAzureError(error, step.address);
    }
  }
}

/**
 * DefaultAzureCredential, created (and `@azure/identity` loaded, ~0.3 s) on the first token
 * request: a provider that is given its own credential, or never sends a request, never loads it.
 */
export class DefaultCredentialOnDemand implements TokenCredential {
  private credential: Promise<TokenCredential> | undefined;

  /** The DefaultAzureCredential behind this one. */
  resolve(): Promise<TokenCredential> {
    this.credential ??= import("@azure/identity").then(
      ({ DefaultAzureCredential }) => new DefaultAzureCredential(),
    );
    return this.credential;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions) {
    return (await this.resolve()).getToken(scopes, options);
  }
}
