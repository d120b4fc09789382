/**
 * The emulator's Azure: resources, workspaces with their managed network, private-endpoint
 * connections, role assignments, principals and long-running operations. Route handlers and the
 * test-facing `EmulatorState` API both work on this model.
 */
import type { Clock } from "./clock.js";
import type { IsolationMode, SeedEnvironment, SeedTarget, SeedWorkspace } from "./seed.js";
import {
  ArmError,
  clone,
  isObject,
  type Json,
  type JsonObject,
  key,
  lastSegment,
  type Prng,
  str,
} from "./util.js";

export const ML = "Microsoft.MachineLearningServices";
export const WORKSPACE_TYPE = `${ML}/workspaces`;

export type RuleStatus = "Inactive" | "Active" | "Provisioning" | "Deleting" | "Failed";
export type RuleType = "FQDN" | "PrivateEndpoint" | "ServiceTag";
export type ConnectionStatus = "Pending" | "Approved" | "Rejected" | "Disconnected" | "Timeout";

export interface RuleState {
  name: string;
  type: RuleType;
  category: "Required" | "Recommended" | "UserDefined" | "Dependency";
  destination: Json;
  status: RuleStatus;
  errorInformation?: string;
}

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

export interface ComputeState {
  name: string;
  location: string;
  body: JsonObject;
  provisioningState: string;
}

export interface EndpointState {
  name: string;
  location: string;
  kind?: string;
  identity?: Json;
  tags?: Json;
  properties: JsonObject;
  provisioningState: string;
  deployments: Map<string, { name: string; location: string; body: JsonObject; provisioningState: string }>;
}

export interface ManagedNetworkState {
  isolationMode: IsolationMode;
  networkId: string;
  status: "Inactive" | "Active";
  sparkReady: boolean;
  firewallSku?: string;
  managedNetworkKind?: string;
  enableFirewallLog?: boolean;
  enableNetworkMonitor?: boolean;
  /** The Azure Firewall exists (created with the first FQDN rule). */
  firewall: boolean;
  /** Operation id of a provisioning in progress. */
  provisioningOp?: string;
}

export interface WorkspaceState {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  kind?: string;
  sku?: Json;
  tags?: Json;
  identityType: string;
  userAssignedIdentities?: Json;
  principalId?: string;
  workspaceId: string;
  /** Stored `properties` except the ones modelled below. */
  properties: JsonObject;
  publicNetworkAccess: string;
  provisioningState: string;
  etag: string;
  byoVnet: boolean;
  managedNetwork: ManagedNetworkState;
  rules: Map<string, RuleState>;
  computes: Map<string, ComputeState>;
  endpoints: Map<string, EndpointState>;
  /** End of the current rule-map write window (race simulation). */
  ruleWriteUntil: number;
}

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

export const TARGET_TYPES: Record<SeedTarget["type"], { type: string; groupIds: string[] }> = {
  storage: {
    type: "Microsoft.Storage/storageAccounts",
    groupIds: ["blob", "file", "queue", "table", "dfs", "web"],
  },
  keyVault: { type: "Microsoft.KeyVault/vaults", groupIds: ["vault"] },
  registry: { type: "Microsoft.ContainerRegistry/registries", groupIds: ["registry"] },
  cognitive: { type: "Microsoft.CognitiveServices/accounts", groupIds: ["account"] },
  search: { type: "Microsoft.Search/searchServices", groupIds: ["searchService"] },
  appInsights: { type: "Microsoft.Insights/components", groupIds: [] },
};

/**
 * The shapes the emulator gives the private endpoint a managed network creates on a target. Azure
 * does not document it (azure-facts a.5: UNCONFIRMED), so each is a plausible guess and pfnet
 * must cope with all of them:
 * - `managedResourceGroup`: the caller's subscription, resource group `azureml-managed-network-{networkId}`, name `{ws}-{rule}`;
 * - `workspaceResourceGroup`: a Microsoft-managed subscription, resource group `azureml-rg-{workspaceId}`, name `{rule}-{random}`;
 * - `opaque`: a Microsoft-managed subscription, an opaque resource group, name `{ws}-{rule}-{random}`.
 */
export const ENDPOINT_ID_SHAPES = ["managedResourceGroup", "workspaceResourceGroup", "opaque"] as const;
export type EndpointIdShape = (typeof ENDPOINT_ID_SHAPES)[number];
/** The subscription the emulator's "Microsoft-managed" endpoints live in (assumed). */
export const MICROSOFT_MANAGED_SUBSCRIPTION = "00000000-0000-4000-a000-00000000feed";

/** Resource group of the managed network's private endpoints: how a client tells which workspace owns a connection. */
export function managedNetworkResourceGroup(networkId: string): string {
  return `azureml-managed-network-${networkId}`;
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

  constructor(
    readonly clock: Clock,
    readonly prng: Prng,
    seed: SeedEnvironment,
  ) {
    this.subscriptionId = seed.subscriptionId;
    this.tenantId = seed.tenantId ?? "72f988bf-0000-4000-a000-000000000001";
    this.location = seed.location;
    this.loadSeed(seed);
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

  /** 404s ARM gives before reaching the resource provider. */
  checkScope(sub: string, rg?: string): void {
    if (key(sub) !== key(this.subscriptionId)) {
      throw new ArmError(404, "SubscriptionNotFound", `The subscription '${sub}' could not be found.`);
    }
    if (rg !== undefined && !this.resourceGroups.has(key(rg))) {
      throw new ArmError(404, "ResourceGroupNotFound", `Resource group '${rg}' could not be found.`);
    }
  }

  // ---------------------------------------------------------------------------------------- seed

  private loadSeed(seed: SeedEnvironment): void {
    const rgOf = (rg?: string) => rg ?? seed.resourceGroup;
    for (const rg of [seed.resourceGroup, ...(seed.resourceGroups ?? [])])
      this.resourceGroups.set(key(rg), rg);
    const ensureRg = (rg: string) => {
      if (!this.resourceGroups.has(key(rg))) this.resourceGroups.set(key(rg), rg);
    };
    for (const t of seed.targets) {
      const rg = rgOf(t.resourceGroup);
      ensureRg(rg);
      const meta = TARGET_TYPES[t.type];
      const properties: JsonObject = {
        provisioningState: "Succeeded",
        publicNetworkAccess: t.publicNetworkAccess ?? "Enabled",
        ...(t.type === "storage"
          ? {
              networkAcls: {
                bypass: "AzureServices",
                defaultAction: "Allow",
                ipRules: [],
                virtualNetworkRules: [],
              },
              primaryEndpoints: {
                blob: `https://${t.name}.blob.core.windows.net/`,
                file: `https://${t.name}.file.core.windows.net/`,
              },
            }
          : {}),
        ...(t.type === "cognitive"
          ? { endpoint: `https://${t.name}.openai.azure.com/`, customSubDomainName: t.name }
          : {}),
        ...(t.properties ?? {}),
      };
      this.putResource({
        id: `${this.rgId(rg)}/providers/${meta.type}/${t.name}`,
        name: t.name,
        type: meta.type,
        resourceGroup: rg,
        location: t.location ?? seed.location,
        ...(t.kind ? { kind: t.kind } : t.type === "storage" ? { kind: "StorageV2" } : {}),
        ...(t.type === "storage" ? { sku: { name: "Standard_LRS", tier: "Standard" } } : {}),
        ...(t.type === "search" ? { sku: { name: "standard" } } : {}),
        ...(t.type === "cognitive" ? { sku: { name: "S0" } } : {}),
        properties,
        autoApprove: t.autoApprove ?? true,
        callerMayApprove: t.callerMayApprove ?? true,
      });
    }
    for (const vnet of seed.virtualNetworks ?? []) {
      const rg = rgOf(vnet.resourceGroup);
      ensureRg(rg);
      const id = `${this.rgId(rg)}/providers/Microsoft.Network/virtualNetworks/${vnet.name}`;
      this.putResource({
        id,
        name: vnet.name,
        type: "Microsoft.Network/virtualNetworks",
        resourceGroup: rg,
        location: seed.location,
        properties: {
          provisioningState: "Succeeded",
          addressSpace: { addressPrefixes: vnet.addressPrefixes ?? ["10.0.0.0/16"] },
        },
      });
      for (const s of vnet.subnets) {
        this.putResource({
          id: `${id}/subnets/${s.name}`,
          name: s.name,
          type: "Microsoft.Network/virtualNetworks/subnets",
          resourceGroup: rg,
          location: seed.location,
          properties: { provisioningState: "Succeeded", addressPrefix: s.addressPrefix },
        });
      }
    }
    for (const nsg of seed.networkSecurityGroups ?? []) {
      const rg = rgOf(nsg.resourceGroup);
      ensureRg(rg);
      this.putResource({
        id: `${this.rgId(rg)}/providers/Microsoft.Network/networkSecurityGroups/${nsg.name}`,
        name: nsg.name,
        type: "Microsoft.Network/networkSecurityGroups",
        resourceGroup: rg,
        location: seed.location,
        properties: { provisioningState: "Succeeded" },
      });
    }
    for (const zone of seed.privateDnsZones ?? []) {
      const rg = rgOf(zone.resourceGroup);
      ensureRg(rg);
      this.putResource({
        id: `${this.rgId(rg)}/providers/Microsoft.Network/privateDnsZones/${zone.name}`,
        name: zone.name,
        type: "Microsoft.Network/privateDnsZones",
        resourceGroup: rg,
        location: "global",
        properties: { provisioningState: "Succeeded" },
      });
    }
    for (const ws of seed.workspaces) this.seedWorkspace(ws, rgOf(ws.resourceGroup), seed.location);
  }

  private seedWorkspace(seedWs: SeedWorkspace, rg: string, location: string): void {
    if (!this.resourceGroups.has(key(rg))) this.resourceGroups.set(key(rg), rg);
    const ws = this.createWorkspaceRecord({
      resourceGroup: rg,
      name: seedWs.name,
      location: seedWs.location ?? location,
      identityType: seedWs.identityType ?? "SystemAssigned",
      principalId: seedWs.principalId,
      principalAgeMs: Number.POSITIVE_INFINITY,
      publicNetworkAccess: seedWs.publicNetworkAccess ?? "Enabled",
      isolationMode: seedWs.isolationMode ?? "Disabled",
      byoVnet: seedWs.byoVnet ?? false,
      properties: {
        storageAccount: this.resolveId(seedWs.storageAccount, rg, "Microsoft.Storage/storageAccounts"),
        keyVault: this.resolveId(seedWs.keyVault, rg, "Microsoft.KeyVault/vaults"),
        ...(seedWs.containerRegistry
          ? {
              containerRegistry: this.resolveId(
                seedWs.containerRegistry,
                rg,
                "Microsoft.ContainerRegistry/registries",
              ),
            }
          : {}),
        ...(seedWs.applicationInsights
          ? {
              applicationInsights: this.resolveId(
                seedWs.applicationInsights,
                rg,
                "Microsoft.Insights/components",
              ),
            }
          : {}),
        ...(seedWs.byoVnet
          ? {
              serverlessComputeSettings: {
                serverlessComputeCustomSubnet: `${this.rgId(rg)}/providers/Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-compute`,
                serverlessComputeNoPublicIP: true,
              },
            }
          : {}),
        ...(seedWs.properties ?? {}),
      },
    });
    ws.provisioningState = "Succeeded";
    for (const [name, rule] of Object.entries(seedWs.outboundRules ?? {})) {
      ws.rules.set(key(name), this.ruleFromBody(name, rule, "Inactive"));
    }
    for (const c of seedWs.computes ?? []) {
      ws.computes.set(key(c.name), {
        name: c.name,
        location: ws.location,
        provisioningState: "Succeeded",
        body: { computeType: c.computeType, ...(c.properties ?? {}) },
      });
    }
    for (const e of seedWs.onlineEndpoints ?? []) {
      ws.endpoints.set(key(e.name), {
        name: e.name,
        location: ws.location,
        provisioningState: "Succeeded",
        properties: {
          authMode: "Key",
          publicNetworkAccess: e.publicNetworkAccess ?? "Enabled",
          ...(e.compute ? { compute: e.compute } : {}),
        },
        deployments: new Map(),
      });
    }
    if (seedWs.networkProvisioned && ws.managedNetwork.isolationMode !== "Disabled")
      this.completeProvisioning(ws, false);
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

  // ---------------------------------------------------------------------------------- workspaces

  workspaceId(sub: string, rg: string, name: string): string {
    return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${WORKSPACE_TYPE}/${name}`;
  }

  findWorkspace(sub: string, rg: string, name: string): WorkspaceState | undefined {
    return this.workspaces.get(key(this.workspaceId(sub, rg, name)));
  }

  /** Finds a workspace by name (first match), or by full ARM id. */
  workspaceByName(nameOrId: string): WorkspaceState | undefined {
    if (nameOrId.startsWith("/")) return this.workspaces.get(key(nameOrId));
    return [...this.workspaces.values()].find((w) => key(w.name) === key(nameOrId));
  }

  getWorkspace(sub: string, rg: string, name: string): WorkspaceState {
    this.checkScope(sub, rg);
    const ws = this.findWorkspace(sub, rg, name);
    if (!ws) throw notFoundWs(name, rg);
    return ws;
  }

  createWorkspaceRecord(input: {
    resourceGroup: string;
    name: string;
    location: string;
    identityType: string;
    principalId?: string;
    principalAgeMs: number;
    publicNetworkAccess: string;
    isolationMode: IsolationMode;
    byoVnet: boolean;
    properties: JsonObject;
    kind?: string;
    sku?: Json;
    tags?: Json;
    userAssignedIdentities?: Json;
  }): WorkspaceState {
    let principalId: string | undefined;
    if (input.identityType.includes("SystemAssigned")) {
      principalId = input.principalId ?? this.prng.guid();
      const age = Number.isFinite(input.principalAgeMs) ? input.principalAgeMs : 24 * 3600_000;
      this.principals.set(key(principalId), this.clock.now() - age);
    }
    const ws: WorkspaceState = {
      id: this.workspaceId(this.subscriptionId, input.resourceGroup, input.name),
      subscriptionId: this.subscriptionId,
      resourceGroup: input.resourceGroup,
      name: input.name,
      location: input.location,
      ...(input.kind !== undefined ? { kind: input.kind } : {}),
      ...(input.sku !== undefined ? { sku: input.sku } : {}),
      ...(input.tags !== undefined ? { tags: input.tags } : {}),
      identityType: input.identityType,
      ...(input.userAssignedIdentities !== undefined
        ? { userAssignedIdentities: input.userAssignedIdentities }
        : {}),
      ...(principalId ? { principalId } : {}),
      workspaceId: this.prng.guid(),
      properties: input.properties,
      publicNetworkAccess: input.publicNetworkAccess,
      provisioningState: "Creating",
      etag: this.newEtag(),
      byoVnet: input.byoVnet,
      managedNetwork: {
        isolationMode: input.isolationMode,
        networkId: this.prng.guid(),
        status: "Inactive",
        sparkReady: false,
        firewall: false,
      },
      rules: new Map(),
      computes: new Map(),
      endpoints: new Map(),
      ruleWriteUntil: 0,
    };
    this.workspaces.set(key(ws.id), ws);
    // A hidden resource record holds the workspace's own (inbound) private-endpoint connections.
    this.putResource({
      id: ws.id,
      name: ws.name,
      type: WORKSPACE_TYPE,
      resourceGroup: ws.resourceGroup,
      location: ws.location,
      properties: {},
    });
    return ws;
  }

  touch(ws: WorkspaceState): void {
    ws.etag = this.newEtag();
  }

  /** Service-owned rules (azure-facts c.3): PE rules to storage/key vault/registry, service tags under approved-outbound. */
  requiredRules(ws: WorkspaceState): RuleState[] {
    const mode = ws.managedNetwork.isolationMode;
    if (mode === "Disabled") return [];
    const status: RuleStatus =
      ws.managedNetwork.status === "Active"
        ? "Active"
        : this.provisioningUnderWay(ws)
          ? "Provisioning"
          : "Inactive";
    const rules: RuleState[] = [];
    const pe = (refKey: "storageAccount" | "keyVault" | "containerRegistry", subresources: string[]) => {
      const id = str(ws.properties[refKey]);
      if (!id) return;
      const target = this.resource(id);
      const publicAccess = str(target?.properties.publicNetworkAccess) ?? "Enabled";
      if (mode === "AllowInternetOutbound" && publicAccess !== "Disabled") return;
      for (const sub of subresources) {
        rules.push({
          name: `__SYS_PE_${lastSegment(id)}_${sub}`,
          type: "PrivateEndpoint",
          category: "Required",
          destination: {
            serviceResourceId: target?.id ?? id,
            subresourceTarget: sub,
            sparkEnabled: false,
            sparkStatus: status,
          },
          status,
        });
      }
    };
    pe("storageAccount", ["blob", "file"]);
    pe("keyVault", ["vault"]);
    pe("containerRegistry", ["registry"]);
    if (mode === "AllowOnlyApprovedOutbound") {
      const tags: [string, string, string][] = [
        ["AzureActiveDirectory", "TCP", "80, 443"],
        ["AzureMachineLearning", "TCP", "443, 18881"],
        [`BatchNodeManagement.${ws.location}`, "TCP", "443"],
        ["AzureResourceManager", "TCP", "443"],
        ["AzureFrontDoor.FirstParty", "TCP", "443"],
        [`MicrosoftContainerRegistry.${ws.location}`, "TCP", "443"],
        ["AzureMonitor", "TCP", "443"],
      ];
      for (const [tag, protocol, portRanges] of tags) {
        rules.push({
          name: `__SYS_ST_${tag.replace(/[^A-Za-z0-9]/g, "_")}`,
          type: "ServiceTag",
          category: "Required",
          destination: { serviceTag: tag, protocol, portRanges, action: "Allow" },
          status,
        });
      }
    }
    return rules;
  }

  /** User-defined and required rules, sorted by name. */
  allRules(ws: WorkspaceState): RuleState[] {
    const required = this.requiredRules(ws);
    const user = [...ws.rules.values()].filter((r) => !required.some((q) => key(q.name) === key(r.name)));
    return [...required, ...user].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  findRule(ws: WorkspaceState, name: string): RuleState | undefined {
    return ws.rules.get(key(name)) ?? this.requiredRules(ws).find((r) => key(r.name) === key(name));
  }

  ruleFromBody(name: string, body: JsonObject, status: RuleStatus): RuleState {
    const type = str(body.type) as RuleType;
    const category = (str(body.category) ?? "UserDefined") as RuleState["category"];
    return { name, type, category, destination: clone(body.destination ?? null), status };
  }

  /** Azure's refusals for a rule write (azure-facts c.2). Throws ArmError 400. */
  validateRule(
    ws: WorkspaceState,
    name: string,
    body: unknown,
    mode = ws.managedNetwork.isolationMode,
  ): JsonObject {
    if (!isObject(body)) throw badRule(name, "the rule must be an object with a 'type'.");
    const type = str(body.type);
    if (type !== "FQDN" && type !== "PrivateEndpoint" && type !== "ServiceTag") {
      throw badRule(
        name,
        `'type' must be FQDN, PrivateEndpoint or ServiceTag (got ${JSON.stringify(body.type)}).`,
      );
    }
    if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name)) {
      throw badRule(name, "the rule name must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$.");
    }
    if (str(body.category) === "Required") {
      throw new ArmError(
        400,
        "CannotModifyRequiredRule",
        `Outbound rule '${name}': rules of category Required are service-owned.`,
      );
    }
    if (mode === "Disabled") {
      throw new ArmError(
        400,
        "ManagedNetworkNotEnabled",
        `Workspace '${ws.name}' has managed network isolation Disabled; outbound rules need AllowInternetOutbound or AllowOnlyApprovedOutbound.`,
      );
    }
    if ((type === "FQDN" || type === "ServiceTag") && mode === "AllowInternetOutbound") {
      throw new ArmError(
        400,
        "OutboundRuleNotAllowedInIsolationMode",
        `Outbound rule '${name}': ${type} rules are only allowed with isolation mode AllowOnlyApprovedOutbound; workspace '${ws.name}' uses AllowInternetOutbound.`,
      );
    }
    if (type === "FQDN") {
      const dest = str(body.destination);
      if (!dest) throw badRule(name, "an FQDN rule needs a string 'destination'.");
      const port = /:(\d+)$/.exec(dest)?.[1];
      if (port !== undefined && port !== "80" && port !== "443") {
        throw new ArmError(
          400,
          "InvalidFqdnRulePort",
          `Outbound rule '${name}': FQDN rules support only ports 80 and 443 (got ${port}).`,
        );
      }
    }
    if (type === "PrivateEndpoint") {
      const dest = body.destination;
      if (!isObject(dest) || !str(dest.serviceResourceId) || !str(dest.subresourceTarget)) {
        throw badRule(
          name,
          "a PrivateEndpoint rule needs destination.serviceResourceId and destination.subresourceTarget.",
        );
      }
      const target = this.resource(str(dest.serviceResourceId)!);
      const meta = Object.values(TARGET_TYPES).find((m) => key(m.type) === key(target?.type ?? ""));
      if (
        target &&
        meta &&
        meta.groupIds.length > 0 &&
        !meta.groupIds.includes(str(dest.subresourceTarget)!)
      ) {
        throw badRule(
          name,
          `subresourceTarget '${str(dest.subresourceTarget)}' is not valid for ${meta.type}; use one of ${meta.groupIds.join(", ")}.`,
        );
      }
    }
    if (type === "ServiceTag") {
      const dest = body.destination;
      if (!isObject(dest) || !str(dest.serviceTag))
        throw badRule(name, "a ServiceTag rule needs destination.serviceTag.");
    }
    return body;
  }

  // ------------------------------------------------------------------------ managed network life

  /** Starts provisioning (or returns the one in progress). Completion activates rules and makes PE connections. */
  startProvisioning(ws: WorkspaceState, includeSpark: boolean, op: Operation): void {
    ws.managedNetwork.provisioningOp = op.id;
    // While it runs, the rules it will activate read `Provisioning` (ASSUMED: the 2025-12-01
    // RuleStatus has the value; no document says when Azure shows it. README, "Fidelity").
    for (const rule of ws.rules.values()) if (rule.status === "Inactive") rule.status = "Provisioning";
    this.touch(ws);
    this.clock.schedule(op.doneAt, () => {
      if (this.workspaces.get(key(ws.id)) !== ws) return;
      ws.managedNetwork.provisioningOp = undefined;
      if (op.failAtEnd) {
        for (const rule of ws.rules.values()) if (rule.status === "Provisioning") rule.status = "Inactive";
        this.touch(ws);
        return;
      }
      this.completeProvisioning(ws, includeSpark);
    });
  }

  /** Whether a provisioning operation of the workspace's managed network is under way. */
  provisioningUnderWay(ws: WorkspaceState): boolean {
    const id = ws.managedNetwork.provisioningOp;
    return id !== undefined && this.operations.get(id)?.status === "InProgress";
  }

  provisioningMinutes(ws: WorkspaceState): number {
    const needsFirewall = !ws.managedNetwork.firewall && this.allRules(ws).some((r) => r.type === "FQDN");
    return this.clock.delays.provisionNetwork + (needsFirewall ? this.clock.delays.firewall : 0);
  }

  completeProvisioning(ws: WorkspaceState, includeSpark: boolean): void {
    const mn = ws.managedNetwork;
    mn.status = "Active";
    mn.sparkReady = mn.sparkReady || includeSpark;
    if ([...ws.rules.values()].some((r) => r.type === "FQDN")) mn.firewall = true;
    for (const rule of ws.rules.values()) {
      if (rule.status === "Inactive" || rule.status === "Provisioning") rule.status = "Active";
    }
    for (const rule of this.allRules(ws)) if (rule.type === "PrivateEndpoint") this.connectRule(ws, rule);
    this.touch(ws);
  }

  /** A PE rule of an Active network creates a connection on its target (Approved or Pending per the target). */
  connectRule(ws: WorkspaceState, rule: RuleState): void {
    if (!isObject(rule.destination)) return;
    const targetId = str(rule.destination.serviceResourceId);
    const target = targetId ? this.resource(targetId) : undefined;
    if (!target) {
      if (rule.category !== "Required") {
        rule.status = "Failed";
        rule.errorInformation = `Private endpoint target '${targetId}' was not found.`;
      }
      return;
    }
    const connName = `${ws.managedNetwork.networkId}.${rule.name}`;
    if (target.connections.has(key(connName))) return;
    const serviceOwned = rule.category === "Required";
    const approved = serviceOwned || target.autoApprove;
    target.connections.set(key(connName), {
      name: connName,
      privateEndpointId: this.managedEndpointId(ws, rule.name),
      groupIds: [str(rule.destination.subresourceTarget) ?? ""],
      status: approved ? "Approved" : "Pending",
      description: approved ? "Auto-Approved" : "Awaiting approval",
      provisioningState: "Succeeded",
      workspaceId: ws.id,
      ruleName: rule.name,
    });
  }

  /** How managed private-endpoint ids are shaped: one shape for all, or one per workspace from `prng`. */
  endpointIds: { shape: EndpointIdShape | "seeded"; prng: Prng } | undefined;
  private readonly endpointShapes = new Map<string, EndpointIdShape>();

  /** The id of the private endpoint workspace `ws`'s managed network creates for `ruleName`. */
  managedEndpointId(ws: WorkspaceState, ruleName: string): string {
    const mode = this.endpointIds?.shape ?? "managedResourceGroup";
    let shape = mode === "seeded" ? this.endpointShapes.get(key(ws.id)) : mode;
    if (!shape) {
      const prng = this.endpointIds?.prng ?? this.prng;
      shape = ENDPOINT_ID_SHAPES[Math.floor(prng.next() * ENDPOINT_ID_SHAPES.length)]!;
      this.endpointShapes.set(key(ws.id), shape);
    }
    const suffix = this.prng.guid().slice(0, 8);
    const pe = (sub: string, rg: string, name: string) =>
      `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/${name}`;
    switch (shape) {
      case "managedResourceGroup":
        return pe(
          this.subscriptionId,
          managedNetworkResourceGroup(ws.managedNetwork.networkId),
          `${ws.name}-${ruleName}`,
        );
      case "workspaceResourceGroup":
        return pe(MICROSOFT_MANAGED_SUBSCRIPTION, `azureml-rg-${ws.workspaceId}`, `${ruleName}-${suffix}`);
      case "opaque":
        return pe(
          MICROSOFT_MANAGED_SUBSCRIPTION,
          `rg-managedvnet-${suffix}`,
          `${ws.name}-${ruleName}-${suffix.slice(0, 4)}`,
        );
    }
  }

  disconnectRule(ws: WorkspaceState, ruleName: string): void {
    for (const target of this.resources.values()) {
      for (const [k, c] of target.connections) {
        if (c.workspaceId === ws.id && key(c.ruleName ?? "") === key(ruleName)) target.connections.delete(k);
      }
    }
  }

  removeWorkspace(ws: WorkspaceState): void {
    this.workspaces.delete(key(ws.id));
    this.resources.delete(key(ws.id));
    for (const target of this.resources.values()) {
      for (const [k, c] of target.connections) if (c.workspaceId === ws.id) target.connections.delete(k);
    }
    if (ws.principalId) this.principals.delete(key(ws.principalId));
  }

  // -------------------------------------------------------------------------------------- roles

  roleName(guid: string): string | undefined {
    return BUILTIN_ROLES[key(guid)] ?? this.customRoles.get(key(guid));
  }

  /** True when an effective assignment of `roleGuid` for `principalId` covers `scope`. */
  hasEffectiveRole(principalId: string, roleGuid: string, scope: string): boolean {
    const now = this.clock.now();
    return [...this.roleAssignments.values()].some(
      (a) =>
        key(a.principalId) === key(principalId) &&
        key(lastSegment(a.roleDefinitionId)) === key(roleGuid) &&
        scopeCovers(a.scope, scope) &&
        a.effectiveAt <= now,
    );
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

export function scopeCovers(outer: string, inner: string): boolean {
  const o = key(normalizeScope(outer));
  const i = key(normalizeScope(inner));
  return i === o || i.startsWith(`${o}/`) || o === "";
}

export function normalizeScope(scope: string): string {
  const s = `/${scope}`.replace(/\/+/g, "/").replace(/\/$/, "");
  return s;
}

function notFoundWs(name: string, rg: string): ArmError {
  return new ArmError(
    404,
    "ResourceNotFound",
    `The Resource '${WORKSPACE_TYPE}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

function badRule(name: string, what: string): ArmError {
  return new ArmError(400, "InvalidOutboundRule", `Outbound rule '${name}': ${what}`);
}
