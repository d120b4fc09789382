/**
 * The seed format (`SeedEnvironment`) and the default environment every example, demo and test
 * relies on (names fixed in the team brief; change them only together with those users).
 */
import { readFileSync } from "node:fs";
import type { JsonObject } from "./util.js";

export type IsolationMode = "Disabled" | "AllowInternetOutbound" | "AllowOnlyApprovedOutbound";

/** A resource a workspace uses or a private endpoint can reach. */
export interface SeedTarget {
  /** storage | keyVault | registry | cognitive (kind OpenAI/ContentSafety/...) | search | appInsights | cosmos | sql | redis */
  type:
    | "storage"
    | "keyVault"
    | "registry"
    | "cognitive"
    | "search"
    | "appInsights"
    | "cosmos"
    | "sql"
    | "redis";
  name: string;
  /** Defaults to the seed's `resourceGroup`. */
  resourceGroup?: string;
  location?: string;
  /** Cognitive Services kind, e.g. "OpenAI", "ContentSafety", "AIServices". */
  kind?: string;
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** SKU name: registry `Basic` | `Standard` | `Premium` (default Premium), key vault `standard` | `premium` (default standard). */
  sku?: string;
  /** A workspace's managed network may approve its own PE connections here (Approved), else Pending. Default true. */
  autoApprove?: boolean;
  /** The caller may approve connections here; false → PUT approve answers 403 AuthorizationFailed. Default true. */
  callerMayApprove?: boolean;
  /** Extra `properties` merged into the resource. */
  properties?: JsonObject;
}

export interface SeedCompute {
  name: string;
  /** e.g. "AKS", "ComputeInstance", "AmlCompute". */
  computeType: string;
  properties?: JsonObject;
}

export interface SeedOnlineEndpoint {
  name: string;
  publicNetworkAccess?: "Enabled" | "Disabled";
  /** Kubernetes endpoints name their attached compute; managed endpoints leave it out. */
  compute?: string;
}

export interface SeedWorkspace {
  name: string;
  resourceGroup?: string;
  /** `Hub`, `Project` (AI Foundry), or absent (a default workspace reports no kind). */
  kind?: string;
  /** A project's hub: a workspace name (same resource group) or ARM id (`properties.hubResourceId`). */
  hubResourceId?: string;
  location?: string;
  publicNetworkAccess?: "Enabled" | "Disabled";
  isolationMode?: IsolationMode;
  /** The workspace uses its own VNet (private endpoints / VNet-injected computes): no managed online endpoints. */
  byoVnet?: boolean;
  /** Names (same resource group) or full ARM ids. */
  storageAccount: string;
  keyVault: string;
  containerRegistry?: string;
  applicationInsights?: string;
  /** Default "SystemAssigned" (with `userAssignedIdentities`: "UserAssigned"). */
  identityType?: "SystemAssigned" | "None" | "UserAssigned" | "SystemAssigned,UserAssigned";
  /**
   * User-assigned identities attached (names of Microsoft.ManagedIdentity/userAssignedIdentities in
   * the workspace's group, or ARM ids); the first is the `primaryUserAssignedIdentity`. Each gets
   * a principal and client id (ManagedServiceIdentity v3 `UserAssignedIdentity`).
   */
  userAssignedIdentities?: string[];
  /** Fixed principal id of the system-assigned identity (else generated). */
  principalId?: string;
  /** Extra `properties` (e.g. serverlessComputeSettings). */
  properties?: JsonObject;
  computes?: SeedCompute[];
  onlineEndpoints?: SeedOnlineEndpoint[];
  /** User-defined outbound rules (the `OutboundRule` shape of workspaceRP.json). */
  outboundRules?: Record<string, JsonObject>;
  /** Start with the managed network already provisioned (Active). Default false. */
  networkProvisioned?: boolean;
}

export interface SeedVirtualNetwork {
  name: string;
  resourceGroup?: string;
  addressPrefixes?: string[];
  subnets: { name: string; addressPrefix: string }[];
  /** Peerings of this VNet (`VirtualNetworkPeerings_List`): the remote VNet by name (same resource group) or id. */
  peerings?: SeedPeering[];
}

export interface SeedPeering {
  name: string;
  remoteVirtualNetwork: string;
  /** As seeded; the emulator does not derive it from the remote side's peering. Default "Connected". */
  peeringState?: "Initiated" | "Connected" | "Disconnected";
  /** Subnet peering: only these remote subnets are peered (`peerCompleteVnets: false`). */
  remoteSubnetNames?: string[];
}

/**
 * What the caller (the emulator's one credential) may do at a scope: one role's permissions as
 * `Permission` (authorization 2022-04-01) holds them. The permissions lists answer the grants at or
 * above the scope asked.
 */
export interface SeedCallerGrant {
  /** ARM id the grant is made at; `/` for everywhere. */
  scope: string;
  actions: string[];
  notActions?: string[];
  dataActions?: string[];
  notDataActions?: string[];
}

export interface SeedEnvironment {
  subscriptionId: string;
  tenantId?: string;
  /** Default resource group for every item that does not name one. */
  resourceGroup: string;
  location: string;
  /** Extra resource groups (the default one always exists). */
  resourceGroups?: string[];
  workspaces: SeedWorkspace[];
  targets: SeedTarget[];
  virtualNetworks?: SeedVirtualNetwork[];
  networkSecurityGroups?: { name: string; resourceGroup?: string }[];
  privateDnsZones?: { name: string; resourceGroup?: string }[];
  /** What the caller may do (`Permissions_ListFor…`); default `[{ scope: "/", actions: ["*"] }]` (an Owner). */
  callerPermissions?: SeedCallerGrant[];
}

export const DEFAULT_SUBSCRIPTION_ID = "11111111-2222-3333-4444-555555555555";
export const DEFAULT_TENANT_ID = "72f988bf-0000-4000-a000-000000000001";

export function defaultSeed(): SeedEnvironment {
  return {
    subscriptionId: DEFAULT_SUBSCRIPTION_ID,
    tenantId: DEFAULT_TENANT_ID,
    resourceGroup: "rg-promptflow",
    location: "eastus",
    workspaces: [
      {
        name: "pf-ws",
        publicNetworkAccess: "Enabled",
        isolationMode: "Disabled",
        storageAccount: "stpfws",
        keyVault: "kv-pf-ws",
        containerRegistry: "crpfws",
        applicationInsights: "appi-pf-ws",
      },
      // An AI Foundry hub and its project (rg-foundry): the project uses the hub's storage account.
      {
        name: "pf-hub",
        resourceGroup: "rg-foundry",
        kind: "Hub",
        publicNetworkAccess: "Enabled",
        isolationMode: "Disabled",
        storageAccount: "stpfhub",
        keyVault: "kv-pf-hub",
      },
      {
        name: "pf-project",
        resourceGroup: "rg-foundry",
        kind: "Project",
        hubResourceId: "pf-hub",
        publicNetworkAccess: "Enabled",
        isolationMode: "Disabled",
        storageAccount: "stpfhub",
        keyVault: "kv-pf-hub",
      },
      {
        name: "pf-byo",
        publicNetworkAccess: "Disabled",
        isolationMode: "Disabled",
        byoVnet: true,
        storageAccount: "stpfbyo",
        keyVault: "kv-pf-byo",
        containerRegistry: "crpfbyo",
        computes: [
          {
            name: "aks-pf",
            computeType: "AKS",
            properties: {
              isAttachedCompute: true,
              resourceId:
                "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow/providers/Microsoft.ContainerService/managedClusters/aks-pf",
              // AKSSchema.properties.aksNetworkingConfiguration (2022-10-01): the cluster's subnet.
              properties: {
                aksNetworkingConfiguration: {
                  subnetId:
                    "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow/providers/Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-aks",
                },
              },
            },
          },
        ],
      },
    ],
    targets: [
      { type: "storage", name: "stpfws" },
      { type: "keyVault", name: "kv-pf-ws" },
      { type: "registry", name: "crpfws" },
      { type: "appInsights", name: "appi-pf-ws" },
      { type: "storage", name: "stpfbyo", publicNetworkAccess: "Disabled" },
      { type: "keyVault", name: "kv-pf-byo", publicNetworkAccess: "Disabled" },
      { type: "registry", name: "crpfbyo", publicNetworkAccess: "Disabled" },
      { type: "storage", name: "stpfdeploy" },
      { type: "storage", name: "stpfhub", resourceGroup: "rg-foundry" },
      { type: "keyVault", name: "kv-pf-hub", resourceGroup: "rg-foundry" },
      { type: "keyVault", name: "kv-pf-deploy" },
      { type: "cognitive", name: "aoai-pf", kind: "OpenAI" },
      { type: "cognitive", name: "cs-pf", kind: "ContentSafety" },
      { type: "search", name: "srch-pf" },
      { type: "search", name: "srch-locked", autoApprove: false, callerMayApprove: false },
    ],
    virtualNetworks: [
      {
        name: "vnet-pf",
        addressPrefixes: ["10.0.0.0/16"],
        subnets: [
          { name: "snet-pe", addressPrefix: "10.0.1.0/24" },
          { name: "snet-compute", addressPrefix: "10.0.2.0/24" },
          { name: "snet-aks", addressPrefix: "10.0.3.0/24" },
        ],
      },
    ],
    networkSecurityGroups: [{ name: "nsg-pf" }],
    privateDnsZones: [
      { name: "privatelink.openai.azure.com" },
      { name: "privatelink.cognitiveservices.azure.com" },
      { name: "privatelink.search.windows.net" },
      { name: "privatelink.blob.core.windows.net" },
      { name: "privatelink.file.core.windows.net" },
    ],
  };
}

/** Loads a seed file (JSON of `SeedEnvironment`); errors name the file and the field. */
export function loadSeedFile(file: string): SeedEnvironment {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: cannot read the seed file as JSON (${(error as Error).message})`);
  }
  return validateSeed(parsed, file);
}

export function validateSeed(value: unknown, source = "seed"): SeedEnvironment {
  const fail = (path: string, what: string): never => {
    throw new Error(`${source}: ${path} ${what}`);
  };
  if (typeof value !== "object" || value === null) return fail("(root)", "must be an object");
  const seed = value as Partial<SeedEnvironment>;
  if (typeof seed.subscriptionId !== "string") fail("subscriptionId", "must be a string (a GUID)");
  if (typeof seed.resourceGroup !== "string") fail("resourceGroup", "must be a string");
  if (typeof seed.location !== "string") fail("location", "must be a string");
  if (!Array.isArray(seed.workspaces)) fail("workspaces", "must be an array");
  if (!Array.isArray(seed.targets)) fail("targets", "must be an array");
  seed.workspaces?.forEach((ws, i) => {
    if (typeof ws?.name !== "string") fail(`workspaces[${i}].name`, "must be a string");
    if (typeof ws?.storageAccount !== "string") fail(`workspaces[${i}].storageAccount`, "must be a string");
    if (typeof ws?.keyVault !== "string") fail(`workspaces[${i}].keyVault`, "must be a string");
  });
  const types = [
    "storage",
    "keyVault",
    "registry",
    "cognitive",
    "search",
    "appInsights",
    "cosmos",
    "sql",
    "redis",
  ];
  seed.targets?.forEach((t, i) => {
    if (typeof t?.name !== "string") fail(`targets[${i}].name`, "must be a string");
    if (!types.includes(t?.type)) fail(`targets[${i}].type`, `must be one of ${types.join(", ")}`);
    if (t?.sku !== undefined && typeof t.sku !== "string") fail(`targets[${i}].sku`, "must be a string");
  });
  return seed as SeedEnvironment;
}
