/**
 * Reading actual state cheaply. One `ReadSession` lives for one `read` call (or one step) and
 * caches per workspace and per target, so N nodes of one workspace cost one request of each kind:
 * one workspace GET, one paged rule list, one `atScope()` role-assignment list per storage
 * account (shared by the workspaces using it), one connection list per target; computes and online endpoints only when a node needs them
 * (computes: one list per workspace serves the names and where they sit).
 * The posture report reads the same per-storage-account list (`assignmentsAt`).
 * The caches several kinds share live here; a kind's own caches live in its module
 * (kinds/<kind>.ts) on the same `cached(name, key, load)`.
 */
import type { RoleAssignmentSeen, WorkspaceRef } from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import type { AzureClients } from "./clients.js";
import type { ArmResponse } from "./rest/arm.js";
import type { OutboundRuleBasicResource, Workspace } from "./rest/types.js";
import { type RetryContext, withRetry } from "./retry.js";

export interface RoleAssignmentFound {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  principalId: string;
  principalType: string;
}

/** arm-authorization's paths are `/{scope}/…` with the scope sent raw: pass it without its leading slash. */
export const sdkScope = (scope: string) => scope.replace(/^\/+/, "");

/** A workspace's cache key (lower case). */
export const workspaceKey = (ws: WorkspaceRef) =>
  `${ws.subscriptionId}/${ws.resourceGroup}/${ws.name}`.toLowerCase();

export class ReadSession {
  constructor(
    readonly clients: AzureClients,
    private readonly retry: RetryContext,
    /** Connections the user named as the workspace's (`AzureProviderOptions.approvalConnections`). */
    readonly approvalConnections?: readonly string[],
    /**
     * One cache per name (`workspace`, `rules`, …; kinds add their own), each keyed by a lower-case
     * id. Sessions of one `ProviderContext.snapshot` (one plan) pass the same map, sharing reads.
     */
    readonly caches = new Map<string, Map<string, Promise<unknown>>>(),
    /**
     * The caller uses only `resources` (`ProviderContext.resourcesOnly`): kinds skip what only
     * plan-time rules read (discovery, the workspace's computes).
     */
    readonly resourcesOnly = false,
  ) {}

  get signal(): AbortSignal {
    return this.retry.signal;
  }

  /** Whether `cache` already holds (or is loading) `key`: a read some other step made anyway. */
  hasCached(cache: string, key: string): boolean {
    return this.caches.get(cache)?.has(key) ?? false;
  }

  /**
   * The value of `load` for `key` in the cache `cache`, loaded once per session with the read
   * retry policy. A failed read is not cached (the next session tries again).
   */
  cached<T>(cache: string, key: string, load: () => Promise<T>): Promise<T> {
    let map = this.caches.get(cache) as Map<string, Promise<T>> | undefined;
    if (!map) {
      map = new Map();
      this.caches.set(cache, map as Map<string, Promise<unknown>>);
    }
    let value = map.get(key);
    if (!value) {
      value = withRetry(load, this.retry);
      map.set(key, value);
      const entries = map;
      value.catch(() => entries.delete(key));
    }
    return value;
  }

  workspace(ws: WorkspaceRef): Promise<ArmResponse<Workspace> | undefined> {
    return this.cached("workspace", workspaceKey(ws), () => this.clients.ml.getWorkspace(ws, this.signal));
  }

  /**
   * Every outbound rule of a workspace (service-owned ones included). The 2025-12-01 workspace GET
   * already carries them, with their status, as the map `managedNetwork.outboundRules` (official
   * `Workspace/get.json` example): use it, so the rule count costs no request. Only when a response
   * lacks the map is the paged rule list read (`ManagedNetworkSettingsRule_List`).
   */
  async outboundRules(ws: WorkspaceRef): Promise<OutboundRuleBasicResource[]> {
    const embedded = (await this.workspace(ws))?.body.properties?.managedNetwork?.outboundRules;
    if (embedded && typeof embedded === "object") {
      return Object.entries(embedded).map(([name, properties]) => ({ name, properties }));
    }
    return this.listedOutboundRules(ws);
  }

  /**
   * The workspace's rules from the paged rule list itself (`ManagedNetworkSettingsRule_List`),
   * never from the workspace GET's map: what verification after rule writes reads, since the
   * rule routes, not the map, are where pfnet wrote them.
   */
  listedOutboundRules(ws: WorkspaceRef): Promise<OutboundRuleBasicResource[]> {
    return this.cached("rules", workspaceKey(ws), () => this.clients.ml.listOutboundRules(ws, this.signal));
  }

  onlineEndpoints(ws: WorkspaceRef): Promise<Map<string, { publicNetworkAccess: string; id?: string }>> {
    return this.cached("endpoints", workspaceKey(ws), async () => {
      const client = await this.clients.machineLearning(ws.subscriptionId);
      const found = new Map<string, { publicNetworkAccess: string; id?: string }>();
      await this.clients.sdk(async () => {
        for await (const endpoint of client.onlineEndpoints.list(ws.resourceGroup, ws.name, {
          abortSignal: this.signal,
        })) {
          if (!endpoint.name) continue;
          found.set(endpoint.name, {
            publicNetworkAccess: endpoint.properties?.publicNetworkAccess ?? "Enabled",
            ...(endpoint.id ? { id: endpoint.id } : {}),
          });
        }
      });
      return found;
    });
  }

  /** Role assignments of one principal that apply at `scope` (`$filter=principalId eq '…'`). */
  roleAssignments(
    subscriptionId: string,
    scope: string,
    principalId: string,
  ): Promise<RoleAssignmentFound[]> {
    return this.cached("roles", `${scope}|${principalId}`.toLowerCase(), () =>
      this.listForScope(subscriptionId, scope, `principalId eq '${principalId}'`),
    );
  }

  /** One paged `RoleAssignments_ListForScope` with a `$filter`. */
  private async listForScope(
    subscriptionId: string | undefined,
    scope: string,
    filter: string,
  ): Promise<RoleAssignmentFound[]> {
    const client = await this.clients.authorization(subscriptionId);
    const found: RoleAssignmentFound[] = [];
    await this.clients.sdk(async () => {
      for await (const ra of client.roleAssignments.listForScope(sdkScope(scope), {
        filter,
        abortSignal: this.signal,
      })) {
        found.push({
          id: ra.id ?? "",
          name: ra.name ?? "",
          scope: ra.scope ?? "",
          roleDefinitionId: ra.roleDefinitionId ?? "",
          principalId: ra.principalId ?? "",
          principalType: ra.principalType ?? "",
        });
      }
    });
    return found;
  }

  /**
   * Every role assignment made at `scope` or above it, for the posture report: one paged list
   * (`RoleAssignments_ListForScope` with `$filter=atScope()`, which the spec defines as "all role
   * assignments at or above the scope"; each assignment's `scope` tells direct from inherited).
   */
  assignmentsAt(scope: string): Promise<RoleAssignmentSeen[]> {
    return this.listedAt(scope).then((found) => found.map(({ name: _name, ...seen }) => seen));
  }

  /**
   * The role assignments of one principal made exactly at `scope` (a storage account), from the
   * scope's one `atScope()` list (`listedAt`): every workspace sharing a storage account shares
   * that list, so N workspaces cost one request, not one principal-filtered list each. The same
   * assignments as `roleAssignments(…)` restricted to that scope, since `atScope()` holds every
   * assignment at the scope.
   */
  async assignmentsOfPrincipalAt(scope: string, principalId: string): Promise<RoleAssignmentFound[]> {
    const found = await this.listedAt(scope);
    const at = scope.toLowerCase();
    const who = principalId.toLowerCase();
    return found.filter((ra) => ra.scope.toLowerCase() === at && ra.principalId.toLowerCase() === who);
  }

  private listedAt(scope: string): Promise<RoleAssignmentFound[]> {
    return this.cached("scopeAssignments", scope.toLowerCase(), () => {
      const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
      return this.listForScope(subscriptionId, scope, "atScope()");
    });
  }
}

export function hasManagedNetwork(ws: Workspace): boolean {
  const mode = ws.properties?.managedNetwork?.isolationMode;
  return mode === "AllowInternetOutbound" || mode === "AllowOnlyApprovedOutbound";
}

export function workspaceNotFound(ref: WorkspaceRef, address: string): PfnetError {
  return new PfnetError(
    "WORKSPACE_NOT_FOUND",
    `Workspace ${ref.name} does not exist in resource group ${ref.resourceGroup} (subscription ${ref.subscriptionId}).`,
    {
      address,
      hint: `Fix the workspace name or resource group, or add a \`create\` block to workspaces.${ref.key} so pfnet creates it.`,
    },
  );
}
