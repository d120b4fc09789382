/**
 * A minimal typed subset of the Azure Machine Learning 2025-12-01 REST surface, hand-derived from
 * the official definitions in `azure-rest-api-specs`
 * `specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2025-12-01/workspaceRP.json`
 * (commit 258ccd219d6a19bba087329f93245245faa06d76). Each interface names the definition it
 * follows; only the fields pfnet reads or writes are kept. Unknown fields are preserved at
 * runtime (bodies are plain JSON) but not typed.
 */

export const ML_API_VERSION = "2025-12-01";

/** `#/definitions/IsolationMode` */
export type IsolationMode = "Disabled" | "AllowInternetOutbound" | "AllowOnlyApprovedOutbound";
/** `#/definitions/FirewallSku` */
export type FirewallSku = "Standard" | "Basic";
/** `#/definitions/ManagedNetworkStatus` */
export type ManagedNetworkStatus = "Inactive" | "Active";
/** `#/definitions/RuleCategory` */
export type RuleCategory = "Required" | "Recommended" | "UserDefined" | "Dependency";
/** `#/definitions/RuleStatus` */
export type RuleStatus = "Inactive" | "Active" | "Provisioning" | "Deleting" | "Failed";
/** `#/definitions/RuleType` (the discriminator of `OutboundRule`) */
export type RuleType = "FQDN" | "PrivateEndpoint" | "ServiceTag";

/** `#/definitions/PrivateEndpointDestination` */
export interface PrivateEndpointDestination {
  serviceResourceId?: string;
  subresourceTarget?: string;
  sparkEnabled?: boolean;
  /** read: `#/definitions/RuleStatus` */
  sparkStatus?: RuleStatus;
}

/** `#/definitions/ServiceTagDestination` (`addressPrefixes` is read-only) */
export interface ServiceTagDestination {
  serviceTag?: string;
  protocol?: string;
  portRanges?: string;
  action?: "Allow" | "Deny";
  addressPrefixes?: string[];
}

interface OutboundRuleBase {
  category?: RuleCategory;
  status?: RuleStatus;
  /** read-only */
  errorInformation?: string;
  /** read-only */
  parentRuleNames?: string[];
}

/**
 * `#/definitions/OutboundRule` with its three discriminated children
 * `FqdnOutboundRule`, `PrivateEndpointOutboundRule`, `ServiceTagOutboundRule`.
 */
export type OutboundRule =
  | (OutboundRuleBase & { type: "FQDN"; destination?: string })
  | (OutboundRuleBase & { type: "PrivateEndpoint"; destination?: PrivateEndpointDestination })
  | (OutboundRuleBase & { type: "ServiceTag"; destination?: ServiceTagDestination });

/** `#/definitions/OutboundRuleBasicResource` (ARM proxy resource; `id` is not trusted, see azure-facts a.2). */
export interface OutboundRuleBasicResource {
  id?: string;
  name?: string;
  type?: string;
  properties: OutboundRule;
}

/** `#/definitions/OutboundRuleListResult` (pageable by `nextLink`) */
export interface OutboundRuleListResult {
  value?: OutboundRuleBasicResource[];
  nextLink?: string | null;
}

/** `#/definitions/ManagedNetworkProvisionStatus` */
export interface ManagedNetworkProvisionStatus {
  status?: ManagedNetworkStatus;
  sparkReady?: boolean;
}

/** `#/definitions/ManagedNetworkProvisionOptions` */
export interface ManagedNetworkProvisionOptions {
  includeSpark?: boolean;
}

/** `#/definitions/ManagedNetworkSettings` */
export interface ManagedNetworkSettings {
  isolationMode?: IsolationMode;
  /** A map keyed by rule name. */
  outboundRules?: Record<string, OutboundRule>;
  status?: ManagedNetworkProvisionStatus;
  /** read-only */
  networkId?: string;
  firewallSku?: FirewallSku;
  /** read-only list of modes the workspace may still switch to (present in newer responses). */
  /** Public IP address assigned to the Azure Firewall. */
  firewallPublicIpAddress?: string;
}

/** `#/definitions/ServerlessComputeSettings` */
export interface ServerlessComputeSettings {
  serverlessComputeCustomSubnet?: string;
  serverlessComputeNoPublicIP?: boolean;
}

/** `#/definitions/WorkspaceProperties` (subset) */
export interface WorkspaceProperties {
  provisioningState?: string;
  /** read-only internal id of the workspace (GUID). */
  workspaceId?: string;
  storageAccount?: string;
  keyVault?: string;
  containerRegistry?: string;
  applicationInsights?: string;
  publicNetworkAccess?: "Enabled" | "Disabled";
  managedNetwork?: ManagedNetworkSettings;
  serverlessComputeSettings?: ServerlessComputeSettings;
  /** The compute cluster images are built on (needed with a private container registry). */
  imageBuildCompute?: string;
  /** create-only */
  provisionNetworkNow?: boolean;
  /** The user-assigned identity the workspace uses (ARM id; `WorkspaceProperties.primaryUserAssignedIdentity`). */
  primaryUserAssignedIdentity?: string;
  /** read-only: the workspace's own (inbound) private-endpoint connections. */
  privateEndpointConnections?: PrivateEndpointConnection[];
  /** A project's hub (kind `Project`); set at creation. */
  hubResourceId?: string;
}

/** `common-types/.../v3/managedidentity.json#/definitions/ManagedServiceIdentity` (subset) */
export interface ManagedServiceIdentity {
  type: "None" | "SystemAssigned" | "UserAssigned" | "SystemAssigned,UserAssigned";
  /** read-only */
  principalId?: string;
  /** read-only */
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string } | null>;
}

/** `#/definitions/Workspace` */
export interface Workspace {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  kind?: string;
  etag?: string;
  identity?: ManagedServiceIdentity;
  tags?: Record<string, string>;
  properties?: WorkspaceProperties;
}

/** `#/definitions/WorkspacePropertiesUpdateParameters` (subset: the patchable network fields) */
export interface WorkspacePropertiesUpdateParameters {
  publicNetworkAccess?: "Enabled" | "Disabled";
  managedNetwork?: Pick<ManagedNetworkSettings, "isolationMode" | "firewallSku">;
  serverlessComputeSettings?: ServerlessComputeSettings;
  imageBuildCompute?: string;
}

/** `#/definitions/WorkspaceUpdateParameters` */
export interface WorkspaceUpdateParameters {
  properties: WorkspacePropertiesUpdateParameters;
}

/**
 * Private-endpoint connection on a target resource. ARM's common shape
 * (`common-types/resource-management/v3/privatelinks.json#/definitions/PrivateEndpointConnection`),
 * used by Cognitive Services, Search, Storage, Key Vault and ACR alike.
 */
export interface PrivateEndpointConnection {
  id?: string;
  name?: string;
  type?: string;
  properties?: {
    privateEndpoint?: { id?: string };
    privateLinkServiceConnectionState?: {
      status?: "Pending" | "Approved" | "Rejected" | "Disconnected" | "Timeout";
      description?: string;
      actionsRequired?: string;
    };
    provisioningState?: string;
    groupIds?: string[];
  };
}

export interface PrivateEndpointConnectionListResult {
  value?: PrivateEndpointConnection[];
  nextLink?: string | null;
}

/** `DiagnoseRequestProperties` (2025-12-01): the checks `Workspaces_Diagnose` can run. */
export const DIAGNOSE_CHECKS = [
  "udr",
  "nsg",
  "resourceLock",
  "dnsResolution",
  "storageAccount",
  "keyVault",
  "containerRegistry",
  "applicationInsights",
  "others",
] as const;

/** `DiagnoseResult` (2025-12-01); `level` is Warning | Error | Information (modelAsString). */
export interface DiagnoseResult {
  code?: string;
  level?: string;
  message?: string;
}

/** `DiagnoseResponseResult` (2025-12-01): one list per check. */
export interface DiagnoseResponseResult {
  value?: {
    userDefinedRouteResults?: DiagnoseResult[];
    networkSecurityRuleResults?: DiagnoseResult[];
    resourceLockResults?: DiagnoseResult[];
    dnsResolutionResults?: DiagnoseResult[];
    storageAccountResults?: DiagnoseResult[];
    keyVaultResults?: DiagnoseResult[];
    containerRegistryResults?: DiagnoseResult[];
    applicationInsightsResults?: DiagnoseResult[];
    otherResults?: DiagnoseResult[];
  };
}

/** `ExternalFQDNResponse` (2025-12-01): the outbound dependencies a workspace reports, by category. */
export interface ExternalFQDNResponse {
  value?: Array<{
    properties?: {
      category?: string;
      endpoints?: Array<{ domainName?: string; endpointDetails?: Array<{ port?: number }> }>;
    };
  }>;
}
