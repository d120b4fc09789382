/**
 * Resource nodes: what expansion produces from a topology and what providers read and change.
 * This file is the contract between core and every provider: each kind names its identity
 * (how a provider finds the resource) and its desired properties (what the diff compares).
 * Only the keys of `properties` are compared; everything a provider reads beyond them is
 * read-only context (e.g. the workspace's principalId or its computes).
 */

export type ResourceKind =
  | "workspace"
  | "outboundRule"
  | "managedNetwork"
  | "roleAssignment"
  | "privateEndpointApproval"
  | "onlineEndpoint"
  | "privateEndpoint"
  | "privateDnsZoneGroup"
  | "nsgRule";

/** Where a workspace lives in Azure. Every node of a workspace carries it. */
export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  /** Azure name of the workspace. */
  name: string;
  /** Spec key of the workspace. */
  key: string;
}

export interface WorkspaceIdentity {
  workspace: WorkspaceRef;
  /** Present only when the spec has a `create` block: used if the workspace does not exist. */
  create?: {
    location: string;
    kind: "default" | "hub" | "project";
    storageAccount: string;
    keyVault: string;
    containerRegistry?: string;
    applicationInsights?: string;
    /** Send provisionNetworkNow in the create call (managed network and `provision: now`). */
    provisionNetworkNow: boolean;
  };
}
export interface WorkspaceProperties {
  publicNetworkAccess: "Enabled" | "Disabled";
  isolationMode: "Disabled" | "AllowInternetOutbound" | "AllowOnlyApprovedOutbound";
  /** Only present when the spec names one. */
  firewallSku?: "Basic" | "Standard";
  /** Present for own-VNet workspaces with serverless authoring in a custom subnet. */
  serverlessComputeSettings?: { serverlessComputeCustomSubnet: string; serverlessComputeNoPublicIP: boolean };
}
/** Read-only facts a provider reports beside the workspace properties (never diffed). */
export interface WorkspaceFacts {
  principalId?: string;
  storageAccount?: string;
  keyVault?: string;
  containerRegistry?: string;
  networkStatus?: "Inactive" | "Active";
  changeableIsolationModes?: string[];
  /** Names of computes in the workspace (plan-time rule: managed isolation needs none). */
  computes?: string[];
  /** Names of online endpoints in the workspace. */
  onlineEndpoints?: string[];
  /** Workspace kind as Azure reports it (`Default`, `Hub`, `Project`); plan-time rule PFN204. */
  kind?: string;
  /** Public IP of the managed network's Azure Firewall (`managedNetwork.firewallPublicIpAddress`), once it exists. */
  firewallPublicIpAddress?: string;
  /** The workspace's own (inbound) private-endpoint connections. */
  privateEndpointConnections?: Array<{ id: string; status: string; privateEndpointId?: string }>;
}

export interface OutboundRuleIdentity {
  workspace: WorkspaceRef;
  ruleName: string;
}
export type OutboundRuleProperties =
  | { type: "FQDN"; category: "UserDefined"; destination: string }
  | {
      type: "PrivateEndpoint";
      category: "UserDefined";
      destination: { serviceResourceId: string; subresourceTarget: string; sparkEnabled: boolean };
    }
  | {
      type: "ServiceTag";
      category: "UserDefined";
      destination: { serviceTag: string; protocol: string; portRanges: string; action: "Allow" };
    };

export interface ManagedNetworkIdentity {
  workspace: WorkspaceRef;
}
/** Desired: the network is provisioned and every user-defined rule is Active. */
export interface ManagedNetworkProperties {
  status: "Active";
  /** Whether any FQDN rule exists (the first one adds about 10 minutes: Azure Firewall). */
  hasFqdnRules: boolean;
}

export interface RoleAssignmentIdentity {
  workspace: WorkspaceRef;
  /** The storage account the role is granted on; absent when known only from the workspace at apply time. */
  scope?: string;
}
export interface RoleAssignmentProperties {
  /** Full role definition id; compared by trailing GUID. */
  roleDefinitionId: string;
  principalType: "ServicePrincipal";
}

export interface PrivateEndpointApprovalIdentity {
  workspace: WorkspaceRef;
  service: string;
  /** ARM id of the target resource holding the connection. */
  targetId: string;
  /** The spec allows pfnet to approve the connection. */
  approve: boolean;
  /** `managed`: the managed network's PE (outbound rule); `byo`: the PE pfnet creates in the own VNet. */
  via: "managed" | "byo";
  /** The connection the spec names as the workspace's (`services.<name>.approvalConnection`). */
  approvalConnection?: string;
}
export interface PrivateEndpointApprovalProperties {
  status: "Approved";
}

export interface OnlineEndpointIdentity {
  workspace: WorkspaceRef;
  endpointName: string;
}
export interface OnlineEndpointProperties {
  publicNetworkAccess: "Enabled" | "Disabled";
}

export interface PrivateEndpointIdentity {
  workspace: WorkspaceRef;
  service: string;
  /** Azure name of the private endpoint. */
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location?: string;
}
export interface PrivateEndpointProperties {
  subnetId: string;
  targetId: string;
  groupId: string;
}

export interface PrivateDnsZoneGroupIdentity {
  privateEndpoint: { subscriptionId: string; resourceGroup: string; name: string };
}
export interface PrivateDnsZoneGroupProperties {
  /** ARM ids of the private DNS zones, sorted. */
  privateDnsZoneIds: string[];
}

export interface NsgRuleIdentity {
  nsgId: string;
  ruleName: string;
}
export interface NsgRuleProperties {
  direction: "Outbound";
  access: "Allow";
  protocol: "Tcp" | "Udp" | "*";
  destinationAddressPrefix: string;
  destinationPortRanges: string[];
  priority: number;
}

export interface KindContract {
  workspace: { identity: WorkspaceIdentity; properties: WorkspaceProperties };
  outboundRule: { identity: OutboundRuleIdentity; properties: OutboundRuleProperties };
  managedNetwork: { identity: ManagedNetworkIdentity; properties: ManagedNetworkProperties };
  roleAssignment: { identity: RoleAssignmentIdentity; properties: RoleAssignmentProperties };
  privateEndpointApproval: {
    identity: PrivateEndpointApprovalIdentity;
    properties: PrivateEndpointApprovalProperties;
  };
  onlineEndpoint: { identity: OnlineEndpointIdentity; properties: OnlineEndpointProperties };
  privateEndpoint: { identity: PrivateEndpointIdentity; properties: PrivateEndpointProperties };
  privateDnsZoneGroup: { identity: PrivateDnsZoneGroupIdentity; properties: PrivateDnsZoneGroupProperties };
  nsgRule: { identity: NsgRuleIdentity; properties: NsgRuleProperties };
}

/** A desired resource: the output of expansion, the input of read and diff. Plain JSON. */
export interface ResourceNode<K extends ResourceKind = ResourceKind> {
  /** Stable address, e.g. `workspace.pf-authoring.rule.pe-aoai`. */
  address: string;
  kind: K;
  identity: KindContract[K]["identity"];
  properties: KindContract[K]["properties"];
  /** Addresses this node depends on. */
  dependsOn: string[];
  /** Writes in one lane never overlap (all writes of one workspace share `workspace.<key>`). */
  lane?: string;
}

/** What a provider read for one address. */
export type ActualResource =
  | { exists: false; fingerprint: string }
  | {
      exists: true;
      /** Same shape as the desired properties of the kind (the provider normalises to it). */
      properties: Record<string, unknown>;
      /** Read-only context, never diffed (see WorkspaceFacts; for approvals: connectionId, status). */
      facts?: Record<string, unknown>;
      /** etag, else a content hash of the normalised resource. */
      fingerprint: string;
    };

/** A resource found while reading that the spec does not list (e.g. a user-defined rule). */
export interface DiscoveredResource {
  kind: ResourceKind;
  /** Address core would give it, e.g. `workspace.pf.rule.old-rule`. */
  address: string;
  identity: Record<string, unknown>;
  properties: Record<string, unknown>;
  fingerprint: string;
}

/**
 * A role assignment that applies at a scope, as a provider lists it for the posture report
 * (`Provider.listRoleAssignments`). Read only: pfnet never diffs, changes or deletes these.
 */
export interface RoleAssignmentSeen {
  /** ARM id of the assignment. */
  id: string;
  /** Where the assignment is made: the listed scope itself (direct) or a scope above it (inherited). */
  scope: string;
  /** Full role definition id (any form ending in the role GUID). */
  roleDefinitionId: string;
  principalId: string;
  /** `User`, `Group`, `ServicePrincipal`, `ForeignGroup`, `Device`, or empty when Azure gives none. */
  principalType: string;
}

export { STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR } from "./kinds/roleAssignment.js";
