/**
 * The emulator's Azure, the store every resource provider works on: resource groups, resources
 * (targets, network) with their private-endpoint connections, workspaces, role assignments,
 * principals and long-running operations, with the ids and scope checks they share. What a
 * provider does with its part lives beside it: `ml/*`, `targets.ts`, `network.ts`,
 * `authorization.ts`; `from-seed.ts` builds the store from a seed environment.
 */
import type { Clock } from "../clock.js";
import type { SeedCallerGrant, SeedEnvironment } from "../seed.js";
import { ArmError, type Json, type JsonObject, key, type Prng } from "../util.js";
import type { RoleAssignmentState } from "./authorization.js";
import type { EndpointIdShape } from "./ml/managed-network.js";
import type { WorkspaceState } from "./ml/workspaces.js";

export type ConnectionStatus = "Pending" | "Approved" | "Rejected" | "Disconnected" | "Timeout";

export interface PeConnection {
  name: string;
  privateEndpointId: string;
  groupIds: string[];
  status: ConnectionStatus;
  description: string;
  provisioningState: "Succeeded" | "Creating" | "Deleting" | "Failed";
  /** Set when a workspace managed network made the connection. */
  workspaceId?: string;
  ruleName?: string;
}

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  location: string;
  kind?: string;
  sku?: Json;
  tags?: Json;
  properties: JsonObject;
  etag: string;
  /** Emulator flags for private-endpoint targets. */
  autoApprove: boolean;
  callerMayApprove: boolean;
  connections: Map<string, PeConnection>;
}

export interface Operation {
  id: string;
  subscriptionId: string;
  namespace: string;
  location: string;
  apiVersion: string;
  startedAt: number;
  doneAt: number;
  status: "InProgress" | "Succeeded" | "Failed";
  error?: { code: string; message: string };
  result: () => { status: number; body?: unknown };
  failAtEnd: boolean;
  /** Its poll URLs answer 404 while the operation itself runs on (a test forgot it: `forgetOperation`). */
  forgotten?: boolean;
}

export class Model {
  readonly subscriptionId: string;
  readonly tenantId: string;
  readonly location: string;
  readonly resourceGroups = new Map<string, string>();
  readonly resources = new Map<string, ArmResource>();
  readonly workspaces = new Map<string, WorkspaceState>();
  readonly roleAssignments = new Map<string, RoleAssignmentState>();
  /** principalId (lower) → creation time (ms). */
  readonly principals = new Map<string, number>();
  readonly operations = new Map<string, Operation>();
  readonly customRoles = new Map<string, string>();
  /** What the caller may do, grant by grant (the permissions lists; nothing else enforces it). */
  callerPermissions: SeedCallerGrant[];
  /** How managed private-endpoint ids are shaped: one shape for all, or one per workspace from `prng` (`ml/managed-network.ts`). */
  endpointIds: { shape: EndpointIdShape | "seeded"; prng: Prng } | undefined;
  /** The shape drawn for each workspace (workspace id, lower) when `endpointIds.shape` is "seeded". */
  readonly endpointShapes = new Map<string, EndpointIdShape>();

  /** An empty store; `modelFromSeed` (from-seed.ts) fills it. */
  constructor(
    readonly clock: Clock,
    readonly prng: Prng,
    seed: SeedEnvironment,
  ) {
    this.subscriptionId = seed.subscriptionId;
    this.tenantId = seed.tenantId ?? "72f988bf-0000-4000-a000-000000000001";
    this.location = seed.location;
    this.callerPermissions = structuredClone(seed.callerPermissions ?? [{ scope: "/", actions: ["*"] }]);
  }

  // ----------------------------------------------------------------------------------------- ids

  newEtag(): string {
    return `"${this.prng.guid()}"`;
  }

  rgId(rg: string): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${rg}`;
  }

  resolveId(nameOrId: string, rg: string, type: string): string {
    return nameOrId.startsWith("/") ? nameOrId : `${this.rgId(rg)}/providers/${type}/${nameOrId}`;
  }

  hasResourceGroup(sub: string, rg: string): boolean {
    return key(sub) === key(this.subscriptionId) && this.resourceGroups.has(key(rg));
  }

  /** Adds a resource group (keeping the casing of the first mention). */
  ensureResourceGroup(rg: string): void {
    if (!this.resourceGroups.has(key(rg))) this.resourceGroups.set(key(rg), rg);
  }

  /** 404s ARM gives before reaching the resource provider. */
  checkScope(sub: string, rg?: string): void {
    if (key(sub) !== key(this.subscriptionId)) {
      throw new ArmError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
    }
    if (rg !== undefined && !this.resourceGroups.has(key(rg))) {
      throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
    }
  }

  // ----------------------------------------------------------------------------------- resources

  putResource(
    r: Omit<ArmResource, "etag" | "connections" | "autoApprove" | "callerMayApprove"> & Partial<ArmResource>,
  ): ArmResource {
    const existing = this.resources.get(key(r.id));
    const resource: ArmResource = {
      autoApprove: true,
      callerMayApprove: true,
      ...r,
      etag: this.newEtag(),
      connections: r.connections ?? existing?.connections ?? new Map(),
    };
    this.resources.set(key(r.id), resource);
    return resource;
  }

  resource(id: string): ArmResource | undefined {
    return this.resources.get(key(id));
  }

  deleteResource(id: string): void {
    const k = key(id);
    for (const child of [...this.resources.keys()])
      if (child === k || child.startsWith(`${k}/`)) this.resources.delete(child);
  }

  children(parentId: string, childType: string): ArmResource[] {
    const prefix = `${key(parentId)}/${key(childType)}/`;
    return [...this.resources.values()].filter((r) => {
      const k = key(r.id);
      return k.startsWith(prefix) && !k.slice(prefix.length).includes("/");
    });
  }

  // ---------------------------------------------------------------------------------- principals

  newPrincipal(ageMs = 0): string {
    const id = this.prng.guid();
    this.principals.set(key(id), this.clock.now() - ageMs);
    return id;
  }

  // --------------------------------------------------------------------------------- operations

  createOperation(input: {
    namespace: string;
    location: string;
    apiVersion: string;
    doneAt: number;
    failAtEnd: boolean;
    result: Operation["result"];
    onDone?: () => void;
    onFail?: () => void;
  }): Operation {
    const op: Operation = {
      id: this.prng.guid(),
      subscriptionId: this.subscriptionId,
      namespace: input.namespace,
      location: input.location,
      apiVersion: input.apiVersion,
      startedAt: this.clock.now(),
      doneAt: input.doneAt,
      status: "InProgress",
      result: input.result,
      failAtEnd: input.failAtEnd,
    };
    this.operations.set(key(op.id), op);
    this.clock.schedule(input.doneAt, () => {
      if (op.failAtEnd) {
        op.status = "Failed";
        op.error = {
          code: "InternalServerError",
          message: "The operation failed (emulator fault: lroFailed).",
        };
        input.onFail?.();
      } else {
        op.status = "Succeeded";
        input.onDone?.();
      }
    });
    return op;
  }
}
