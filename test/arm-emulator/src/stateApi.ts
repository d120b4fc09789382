/**
 * The test-facing state API: read and change the emulator's Azure directly, e.g. to simulate drift
 * made by someone in the portal. Reads return the JSON the REST API would serve (2025-12-01 shapes).
 */
import type { Clock } from "./clock.js";
import { roleAssignmentJson } from "./routes/authorization.js";
import { ruleBody } from "./routes/ml/outbound-rules.js";
import { workspaceJson } from "./routes/ml/workspace-json.js";
import { connectionJson, resourceJson } from "./routes/targets.js";
import type { IsolationMode, SeedCallerGrant, SeedPeering } from "./seed.js";
import { normalizeScope, type RoleAssignmentState, roleName } from "./state/authorization.js";
import { completeProvisioning, connectRule, disconnectRule } from "./state/ml/managed-network.js";
import { allRules, ruleFromBody } from "./state/ml/outbound-rules.js";
import { touchWorkspace, type WorkspaceState, workspaceByName } from "./state/ml/workspaces.js";
import type { ArmResource, ConnectionStatus, Model } from "./state/model.js";
import { connectPrivateEndpoint, seedPeering } from "./state/network.js";
import { clone, isObject, type JsonObject, key, lastSegment } from "./util.js";

export interface WorkspaceDrift {
  publicNetworkAccess?: "Enabled" | "Disabled";
  isolationMode?: IsolationMode;
  /** Merged into the stored workspace `properties` (no validation). */
  properties?: JsonObject;
  /** Force the managed network status. */
  networkStatus?: "Inactive" | "Active";
}

export class EmulatorState {
  constructor(
    private readonly model: Model,
    private readonly clock: Clock,
  ) {}

  get subscriptionId(): string {
    return this.model.subscriptionId;
  }

  get tenantId(): string {
    return this.model.tenantId;
  }

  /** Moves Azure time forward (scaled) and runs what became due: provisioning, propagation, … */
  advance(azureMinutes: number): void {
    this.clock.advance(azureMinutes);
  }

  private ws(nameOrId: string): WorkspaceState {
    this.clock.tick();
    const ws = workspaceByName(this.model, nameOrId);
    if (!ws) throw new Error(`emulator state: no workspace '${nameOrId}'`);
    return ws;
  }

  private target(nameOrId: string): ArmResource {
    this.clock.tick();
    const r = nameOrId.startsWith("/")
      ? this.model.resource(nameOrId)
      : [...this.model.resources.values()].find((x) => key(x.name) === key(nameOrId));
    if (!r) throw new Error(`emulator state: no resource '${nameOrId}'`);
    return r;
  }

  /** The workspace as GET answers at 2025-12-01, or undefined. */
  workspace(nameOrId: string): JsonObject | undefined {
    this.clock.tick();
    const ws = workspaceByName(this.model, nameOrId);
    return ws ? workspaceJson(this.model, ws) : undefined;
  }

  workspaceNames(): string[] {
    this.clock.tick();
    return [...this.model.workspaces.values()].map((w) => w.name);
  }

  /** Drift: changes a workspace without validation; its etag changes. */
  patchWorkspace(nameOrId: string, drift: WorkspaceDrift): void {
    const ws = this.ws(nameOrId);
    if (drift.publicNetworkAccess) ws.publicNetworkAccess = drift.publicNetworkAccess;
    if (drift.isolationMode) ws.managedNetwork.isolationMode = drift.isolationMode;
    if (drift.properties) Object.assign(ws.properties, clone(drift.properties));
    if (drift.networkStatus === "Active") completeProvisioning(this.model, ws, false);
    if (drift.networkStatus === "Inactive") ws.managedNetwork.status = "Inactive";
    touchWorkspace(this.model, ws);
  }

  /** Outbound rules as the list call shows them (map of name → rule, required ones included). */
  rules(nameOrId: string): Record<string, JsonObject> {
    const ws = this.ws(nameOrId);
    return Object.fromEntries(allRules(this.model, ws).map((r) => [r.name, ruleBody(r)]));
  }

  /** Drift: adds/replaces a user rule (`rule` in the OutboundRule shape) or deletes it (`undefined`). */
  setRule(nameOrId: string, ruleName: string, rule: JsonObject | undefined): void {
    const ws = this.ws(nameOrId);
    if (rule === undefined) {
      ws.rules.delete(key(ruleName));
      disconnectRule(this.model, ws, ruleName);
    } else {
      const r = ruleFromBody(ruleName, rule, ws.managedNetwork.status === "Active" ? "Active" : "Inactive");
      ws.rules.set(key(ruleName), r);
      if (ws.managedNetwork.status === "Active" && r.type === "PrivateEndpoint")
        connectRule(this.model, ws, r);
    }
    touchWorkspace(this.model, ws);
  }

  /**
   * What `Workspaces_Diagnose` reports for the workspace next, by result list of
   * `DiagnoseResponseResult.value` (e.g. `networkSecurityRuleResults: [{ code, level, message }]`).
   */
  setDiagnosis(nameOrId: string, results: Record<string, JsonObject[]>): void {
    this.ws(nameOrId).diagnosis = clone(results) as Record<string, JsonObject[]>;
  }

  /**
   * What the caller may do from now on, grant by grant (what `Permissions_ListForResourceGroup` /
   * `_ListForResource` answer: the grants at or above the scope asked). Nothing else enforces it.
   */
  setCallerPermissions(grants: SeedCallerGrant[]): void {
    this.clock.tick();
    this.model.callerPermissions = clone(grants);
  }

  /** What the workspace's outbound dependency list answers next (`ExternalFQDNResponse.value`). */
  setOutboundDependencies(nameOrId: string, value: JsonObject[]): void {
    this.ws(nameOrId).outboundDependencies = clone(value) as JsonObject[];
  }

  networkStatus(nameOrId: string): "Inactive" | "Active" {
    return this.ws(nameOrId).managedNetwork.status;
  }

  /** Completes managed-network provisioning at once (as if the scaled 30 minutes had passed). */
  provisionNow(nameOrId: string): void {
    const ws = this.ws(nameOrId);
    if (ws.managedNetwork.isolationMode === "Disabled")
      throw new Error(`emulator state: '${nameOrId}' has isolation Disabled`);
    completeProvisioning(this.model, ws, false);
  }

  /** A target resource (storage, AOAI, search, VNet, PE, …) as GET answers, or undefined. */
  resource(nameOrId: string): JsonObject | undefined {
    try {
      return resourceJson(this.target(nameOrId));
    } catch {
      return undefined;
    }
  }

  /** Drift on a resource: merges `properties` (e.g. `{ publicNetworkAccess: "Enabled" }`). */
  patchResource(nameOrId: string, properties: JsonObject): void {
    const r = this.target(nameOrId);
    Object.assign(r.properties, clone(properties));
    r.etag = this.model.newEtag();
  }

  /** A peering of a VNet (what `VirtualNetworkPeerings_List` answers), e.g. a peering made in the portal. */
  addPeering(vnetNameOrId: string, peering: SeedPeering): void {
    const vnet = this.target(vnetNameOrId);
    seedPeering(this.model, vnet.id, vnet.resourceGroup, vnet.location, peering);
  }

  /**
   * A private endpoint made outside pfnet (e.g. one of the workspace in another VNet): created
   * Succeeded in `subnetId`, with its connection on the target as a Network PUT makes it.
   */
  addPrivateEndpoint(id: string, subnetId: string, targetId: string, groupId: string): void {
    this.clock.tick();
    const rg = /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? "";
    const pe = this.model.putResource({
      id,
      name: lastSegment(id),
      type: "Microsoft.Network/privateEndpoints",
      resourceGroup: rg,
      location: this.model.location,
      properties: {
        provisioningState: "Succeeded",
        subnet: { id: subnetId },
        privateLinkServiceConnections: [
          {
            name: lastSegment(id),
            properties: { privateLinkServiceId: targetId, groupIds: [groupId] },
          },
        ],
      },
    });
    connectPrivateEndpoint(this.model, pe);
  }

  /** Private-endpoint connections on a target. */
  connections(nameOrId: string): JsonObject[] {
    const r = this.target(nameOrId);
    return [...r.connections.values()].map((c) => connectionJson(r, c));
  }

  /** Sets a connection's state as the target's owner would (no permission check). */
  approveConnection(
    targetNameOrId: string,
    connectionName: string,
    status: ConnectionStatus = "Approved",
  ): void {
    const r = this.target(targetNameOrId);
    const c = r.connections.get(key(connectionName));
    if (!c) throw new Error(`emulator state: no connection '${connectionName}' on '${targetNameOrId}'`);
    c.status = status;
    c.description = status === "Approved" ? "Approved by the emulator state API" : status;
  }

  /**
   * Drift: a connection someone else's private endpoint made on a target (another workspace's
   * managed network, a manual endpoint). Returns its name.
   */
  addConnection(
    targetNameOrId: string,
    connection: {
      privateEndpointId: string;
      groupIds: string[];
      status?: ConnectionStatus;
      description?: string;
      name?: string;
    },
  ): string {
    const r = this.target(targetNameOrId);
    const name = connection.name ?? `conn-${this.model.prng.guid().slice(0, 8)}`;
    r.connections.set(key(name), {
      name,
      privateEndpointId: connection.privateEndpointId,
      groupIds: [...connection.groupIds],
      status: connection.status ?? "Pending",
      description: connection.description ?? "",
      provisioningState: "Succeeded",
    });
    return name;
  }

  /** Sets the emulator-only flags of a target. */
  setTargetFlags(nameOrId: string, flags: { autoApprove?: boolean; callerMayApprove?: boolean }): void {
    const r = this.target(nameOrId);
    if (flags.autoApprove !== undefined) r.autoApprove = flags.autoApprove;
    if (flags.callerMayApprove !== undefined) r.callerMayApprove = flags.callerMayApprove;
  }

  /** Drift: a compute appears in the workspace (Succeeded). */
  addCompute(
    nameOrId: string,
    name: string,
    computeType = "ComputeInstance",
    properties: JsonObject = {},
  ): void {
    const ws = this.ws(nameOrId);
    ws.computes.set(key(name), {
      name,
      location: ws.location,
      provisioningState: "Succeeded",
      body: { computeType, ...properties },
    });
  }

  /** Drift: an online endpoint appears in the workspace (Succeeded). */
  addOnlineEndpoint(
    nameOrId: string,
    name: string,
    publicNetworkAccess: "Enabled" | "Disabled" = "Enabled",
  ): void {
    const ws = this.ws(nameOrId);
    ws.endpoints.set(key(name), {
      name,
      location: ws.location,
      provisioningState: "Succeeded",
      properties: { authMode: "Key", publicNetworkAccess },
      deployments: new Map(),
    });
  }

  /** A principal created now: role assignments for it answer PrincipalNotFound during the replication delay. */
  newPrincipal(): string {
    return this.model.newPrincipal();
  }

  roleAssignments(): JsonObject[] {
    this.clock.tick();
    return [...this.model.roleAssignments.values()].map(roleAssignmentJson);
  }

  /**
   * Drift: a role assignment someone made behind pfnet's back (portal, CLI), effective at once.
   * `scope` is any ARM scope (a resource, a resource group, the subscription); `role` a role
   * definition GUID or id. Returns the assignment as the REST API shows it.
   */
  addRoleAssignment(assignment: {
    scope: string;
    role: string;
    principalId: string;
    principalType?: "User" | "Group" | "ServicePrincipal" | "ForeignGroup";
    name?: string;
  }): JsonObject {
    this.clock.tick();
    const scope = normalizeScope(assignment.scope);
    const roleGuid = lastSegment(assignment.role).toLowerCase();
    if (!roleName(this.model, roleGuid))
      throw new Error(`emulator state: no role definition '${assignment.role}'`);
    const name = assignment.name ?? this.model.prng.guid();
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    const now = new Date(this.clock.now()).toISOString();
    const stored: RoleAssignmentState = {
      id,
      name,
      scope,
      roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
      principalId: assignment.principalId,
      principalType: assignment.principalType ?? "User",
      createdOn: now,
      updatedOn: now,
      effectiveAt: this.clock.now(),
    };
    this.model.roleAssignments.set(key(id), stored);
    return roleAssignmentJson(stored);
  }

  /** Drift: removes a role assignment by id or name. */
  removeRoleAssignment(idOrName: string): boolean {
    for (const [k, a] of this.model.roleAssignments) {
      if (key(a.id) === key(idOrName) || key(a.name) === key(idOrName)) {
        this.model.roleAssignments.delete(k);
        return true;
      }
    }
    return false;
  }

  /** Makes every role assignment take effect now (skips the propagation delay). */
  propagateRoles(): void {
    const now = this.clock.now();
    for (const a of this.model.roleAssignments.values()) a.effectiveAt = Math.min(a.effectiveAt, now);
  }

  /**
   * A poll URL Azure no longer knows (e.g. a handle kept from long ago): its polls answer 404
   * OperationNotFound from now on, while the operation itself goes on and ends as it would.
   * Takes the operation's poll URL (Location / Azure-AsyncOperation) or its id.
   */
  forgetOperation(urlOrId: string): void {
    this.clock.tick();
    const id = urlOrId.split("?")[0]!.split("/").pop()!;
    const op = this.model.operations.get(key(id));
    if (!op) throw new Error(`emulator state: no operation '${urlOrId}'`);
    op.forgotten = true;
  }

  /** Whole-state summary (used by the admin route). */
  snapshot(): JsonObject {
    this.clock.tick();
    return {
      subscriptionId: this.model.subscriptionId,
      workspaces: [...this.model.workspaces.values()].map((w) => workspaceJson(this.model, w)),
      resources: [...this.model.resources.values()]
        .filter((r) => !isObject(r.properties) || r.type !== "Microsoft.MachineLearningServices/workspaces")
        .map(resourceJson),
      roleAssignments: this.roleAssignments(),
    };
  }
}
