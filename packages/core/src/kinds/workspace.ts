/**
 * The workspace kind: its identity and network settings, their diff (an isolation mode only
 * tightens: a loosening is never planned, the state rules refuse it), and which of its changes
 * widen exposure.
 */
import { create, describePaths, differences, noop } from "../diff/verdicts.js";
import { address } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { deleting, range } from "../plan/estimates.js";
import type { KindContract } from "./contract.js";
import { workspaceNameOf } from "./display.js";
import type { WeakeningDeclaration } from "./weakening.js";

export interface WorkspaceIdentity {
  workspace: WorkspaceRef;
  /**
   * A hub a project names by ARM id (expand/hubs.ts): read, nothing desired of it; its projects'
   * rules are written on it, and `pfnet destroy` removes nothing there (plan/destroy.ts).
   */
  external?: true;
  /** Present only when the spec has a `create` block: used if the workspace does not exist. */
  create?: {
    location: string;
    kind: "default" | "hub" | "project";
    /** Absent for a project (it uses its hub's). */
    storageAccount?: string;
    keyVault?: string;
    /** A project's hub (ARM id), sent as `hubResourceId`. */
    hubResourceId?: string;
    containerRegistry?: string;
    applicationInsights?: string;
    /** Send provisionNetworkNow in the create call (managed network and `provision: now`). */
    provisionNetworkNow: boolean;
  };
}
/** A project's node has none of them: it inherits its network from its hub (expand/hubs.ts). */
export interface WorkspaceProperties {
  publicNetworkAccess?: "Enabled" | "Disabled";
  isolationMode?: "Disabled" | "AllowInternetOutbound" | "AllowOnlyApprovedOutbound";
  /** Only present when the spec names one. */
  firewallSku?: "Basic" | "Standard";
  /** The compute cluster images are built on (`imageBuildCompute`); only present when the spec names one. */
  imageBuildCompute?: string;
  /** Present for own-VNet workspaces with serverless authoring in a custom subnet. */
  serverlessComputeSettings?: { serverlessComputeCustomSubnet: string; serverlessComputeNoPublicIP: boolean };
}
/** Read-only facts a provider reports beside the workspace properties (never diffed). */
export interface WorkspaceFacts {
  principalId?: string;
  /** `properties.primaryUserAssignedIdentity`: the user-assigned identity the workspace uses, when set. */
  primaryUserAssignedIdentity?: string;
  /** ARM ids of the user-assigned identities attached (`identity.userAssignedIdentities`). */
  userAssignedIdentities?: string[];
  storageAccount?: string;
  keyVault?: string;
  containerRegistry?: string;
  networkStatus?: "Inactive" | "Active";
  changeableIsolationModes?: string[];
  /** Names of computes in the workspace (plan-time rule: managed isolation needs none). */
  computes?: string[];
  /** Where the workspace's computes sit (plan-time rules PFN220–PFN223); absent when not read. */
  computePlacement?: ComputePlacement[];
  /** Names of online endpoints in the workspace. */
  onlineEndpoints?: string[];
  /** Workspace kind as Azure reports it (`Default`, `Hub`, `Project`); plan-time rule PFN204. */
  kind?: string;
  /** A project's hub (`hubResourceId`); plan-time rule PFN225. */
  hubResourceId?: string;
  /** Public IP of the managed network's Azure Firewall (`managedNetwork.firewallPublicIpAddress`), once it exists. */
  firewallPublicIpAddress?: string;
  /** The workspace's own (inbound) private-endpoint connections. */
  privateEndpointConnections?: Array<{ id: string; status: string; privateEndpointId?: string }>;
}

/** A compute of the workspace and where it sits, as a provider reports it (never diffed). */
export interface ComputePlacement {
  name: string;
  /** `computeInstance`, `computeCluster`, `kubernetes` (an attached Kubernetes or AKS cluster), or `other`. */
  type: "computeInstance" | "computeCluster" | "kubernetes" | "other";
  /** ARM id of the subnet its nodes sit in; absent when none is reported (no VNet of yours, or a managed one). */
  subnetId?: string;
  /** Its nodes get public IP addresses; absent when the provider cannot tell. */
  publicIp?: boolean;
}

export type IsolationMode = NonNullable<WorkspaceProperties["isolationMode"]>;

/** Isolation modes in the only order Azure allows: each may move right, never left. */
export const ISOLATION_ORDER: readonly IsolationMode[] = [
  "Disabled",
  "AllowInternetOutbound",
  "AllowOnlyApprovedOutbound",
];

const serverlessNoPublicIp = (properties: Record<string, unknown> | null | undefined) =>
  (properties?.serverlessComputeSettings as { serverlessComputeNoPublicIP?: unknown } | undefined)
    ?.serverlessComputeNoPublicIP;

export const workspaceWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "ingressPublic",
    gated: true,
    test: ({ before, step }) =>
      before?.publicNetworkAccess === "Disabled" && step.after?.publicNetworkAccess === "Enabled"
        ? "ingress private -> public: the workspace becomes reachable from the internet"
        : undefined,
  },
  {
    change: "serverlessPublicIp",
    gated: true,
    test: ({ before, step }) =>
      serverlessNoPublicIp(before) === true && serverlessNoPublicIp(step.after) === false
        ? "serverless noPublicIp true -> false: serverless compute gets public IP addresses"
        : undefined,
  },
];

/** A workspace's node: the first write of its lane, after nothing but (a project's) its hub. */
function workspaceNode(
  ref: WorkspaceRef,
  properties: WorkspaceProperties,
  create?: WorkspaceIdentity["create"],
  after: string[] = [],
  external = false,
): ResourceNode<"workspace"> {
  const identity: WorkspaceIdentity = { workspace: ref };
  if (create) identity.create = create;
  if (external) identity.external = true;
  return {
    address: address.workspace(ref.key),
    kind: "workspace",
    identity,
    properties,
    dependsOn: after,
    lane: address.lane(ref.key),
  };
}

export const workspace: KindContract<"workspace", typeof workspaceNode> = {
  kind: "workspace",
  display: {
    name: "workspace",
    title: (identity) => `workspace ${workspaceNameOf(identity) ?? ""}`.trim(),
  },
  node: workspaceNode,
  actions: ["create", "update", "noop"],
  diff(node, actual) {
    if (!actual.exists) {
      return node.identity.create
        ? create("the workspace does not exist; create it with the spec's network settings")
        : {
            action: "noop",
            changedPaths: [],
            reason: "the workspace does not exist and the spec has no create block",
          };
    }
    const paths = differences(node, actual).filter((path) => {
      if (path !== "/isolationMode") return true;
      // Loosening is forbidden (the state rules report it); never plan it.
      const from = ISOLATION_ORDER.indexOf(actual.properties.isolationMode as IsolationMode);
      const to = ISOLATION_ORDER.indexOf(node.properties.isolationMode as IsolationMode);
      return from < 0 || to > from;
    });
    if (paths.length === 0) return noop("the workspace");
    return {
      action: "update",
      changedPaths: paths,
      reason: `update the workspace: ${describePaths(paths)} differ from the spec`,
    };
  },
  estimate: (step) =>
    step.action === "delete" ? deleting() : step.action === "create" ? range(60, 300) : range(10, 120),
  weakenings: workspaceWeakenings,
  // A new workspace: everything of it appears only after the create. Any write changes the
  // managed network's state (its isolation mode).
  changes: (write, step, sameWorkspace) =>
    sameWorkspace && (write.action === "create" || step.kind === "managedNetwork"),
};
