/**
 * What the plan-time rules and the posture report see of Azure: the state view of every
 * workspace read (isolation mode, computes, unlisted rules, storage access) and the posture.
 */
import { isServiceOwnedRule } from "../diff/diff.js";
import { workspaceKeyOf } from "../expand/names.js";
import { DEPENDENCIES } from "../kinds/dependencyNetworkAccess.js";
import type { ComputePlacement } from "../kinds/workspace.js";
import type { ResourceNode, RoleAssignmentSeen, WorkspaceRef } from "../model.js";
import type { NetworkLinks, OutboundDependency, Provider, ProviderContext, ReadResult } from "../provider.js";
import { aksSubnets, deploysToKubernetes, networkOf } from "../rules/compute-placement.js";
import type { StateView, WorkspaceStateView } from "../rules/index.js";
import { classifyStorageAccess, type Posture } from "../rules/posture.js";
import type { Topology } from "../spec/schema.js";
import type { Plan } from "./types.js";

const strings = (value: unknown) =>
  Array.isArray(value) ? value.filter((item) => typeof item === "string") : undefined;

const COMPUTE_TYPES = new Set(["computeInstance", "computeCluster", "kubernetes", "other"]);

/** The `computePlacement` fact, entries of the wrong shape left out; undefined when not read. */
function placementOf(value: unknown): ComputePlacement[] | undefined {
  if (!Array.isArray(value)) return undefined;
  return value.filter(
    (item): item is ComputePlacement =>
      typeof item === "object" &&
      item !== null &&
      typeof (item as ComputePlacement).name === "string" &&
      COMPUTE_TYPES.has((item as ComputePlacement).type),
  );
}

/** What the posture report read of one workspace beyond `read` (absent parts: not read). */
export interface PostureRead {
  storage?: { storageAccount: string; assignments: RoleAssignmentSeen[] };
  /** Own VNet: the outbound dependencies the workspace reports. */
  outboundDependencies?: OutboundDependency[];
  /** Own VNet deploying to an AKS cluster in another VNet: how other VNets reach its VNet. */
  networkLinks?: NetworkLinks;
}

/** The posture reads, by workspace key. */
export type PostureReads = Map<string, PostureRead>;

export function stateView(nodes: readonly ResourceNode[], read: ReadResult, access: PostureReads): StateView {
  const workspaces: StateView["workspaces"] = {};
  // User-defined rules in Azure that no node describes, by workspace key.
  // Built only when something was discovered (usually nothing is).
  const desired = read.discovered.length > 0 ? new Set(nodes.map((node) => node.address)) : undefined;
  const unlisted = new Map<string, NonNullable<StateView["workspaces"][string]["unlistedRules"]>>();
  for (const found of read.discovered) {
    if (found.kind !== "outboundRule" || desired?.has(found.address) || isServiceOwnedRule(found)) continue;
    const key = workspaceKeyOf(found.identity, found.address);
    if (key === undefined) continue;
    const ruleName = found.identity.ruleName;
    unlisted.set(key, [
      ...(unlisted.get(key) ?? []),
      {
        name: typeof ruleName === "string" ? ruleName : found.address,
        type: String(found.properties.type ?? ""),
        destination: found.properties.destination ?? null,
      },
    ]);
  }
  // What was read of the dependencies the spec makes private, by workspace key.
  const dependencyReads = new Map<string, NonNullable<WorkspaceStateView["dependencyReads"]>>();
  for (const node of nodes) {
    if (node.kind !== "dependencyNetworkAccess") continue;
    const { workspace, dependency } = (node as ResourceNode<"dependencyNetworkAccess">).identity;
    const actual = read.resources[node.address];
    if (!actual) continue;
    const reads = dependencyReads.get(workspace.key) ?? {};
    const sku = actual.exists ? actual.facts?.sku : undefined;
    reads[dependency] = { exists: actual.exists, ...(typeof sku === "string" ? { sku } : {}) };
    dependencyReads.set(workspace.key, reads);
  }
  for (const node of nodes) {
    if (node.kind !== "workspace") continue;
    const key = (node as ResourceNode<"workspace">).identity.workspace.key;
    const actual = read.resources[node.address];
    if (!actual?.exists) {
      workspaces[key] = { exists: false };
      continue;
    }
    const facts = actual.facts ?? {};
    const computes = strings(facts.computes);
    const onlineEndpoints = strings(facts.onlineEndpoints);
    const unlistedRules = unlisted.get(key)?.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const computePlacement = placementOf(facts.computePlacement);
    const { storage, outboundDependencies, networkLinks } = access.get(key) ?? {};
    const reads = dependencyReads.get(key);
    workspaces[key] = {
      exists: true,
      ...(typeof actual.properties.isolationMode === "string"
        ? { isolationMode: actual.properties.isolationMode }
        : {}),
      ...(computes ? { computes } : {}),
      ...(onlineEndpoints ? { onlineEndpoints } : {}),
      ...(typeof facts.kind === "string" ? { kind: facts.kind } : {}),
      ...(typeof facts.primaryUserAssignedIdentity === "string"
        ? { primaryUserAssignedIdentity: facts.primaryUserAssignedIdentity }
        : {}),
      ...(strings(facts.userAssignedIdentities)
        ? { userAssignedIdentities: strings(facts.userAssignedIdentities) }
        : {}),
      ...(typeof facts.hubResourceId === "string" ? { hubResourceId: facts.hubResourceId } : {}),
      ...(unlistedRules ? { unlistedRules } : {}),
      ...(outboundDependencies ? { outboundDependencies } : {}),
      ...(computePlacement ? { computePlacement } : {}),
      ...(networkLinks ? { networkLinks } : {}),
      ...(reads
        ? {
            dependencyReads: reads,
            dependencies: Object.fromEntries(
              DEPENDENCIES.flatMap((dependency) =>
                typeof facts[dependency] === "string" && facts[dependency] !== ""
                  ? [[dependency, facts[dependency] as string]]
                  : [],
              ),
            ),
          }
        : {}),
      ...(typeof facts.networkStatus === "string" ? { networkStatus: facts.networkStatus } : {}),
      ...(storage
        ? {
            storageAccess: {
              ...storage,
              ...(typeof facts.principalId === "string" ? { principalId: facts.principalId } : {}),
            },
          }
        : {}),
    };
  }
  return { workspaces };
}

/**
 * What the posture report reads beyond `read`, in parallel: one paged role-assignment list per
 * storage account of the existing workspaces (`Provider.listRoleAssignments`), and the outbound
 * dependencies of each existing own-VNet workspace (`Provider.listOutboundDependencies`), and
 * for an own-VNet workspace deploying to an AKS cluster outside its VNet how other VNets reach
 * that VNet (`Provider.networkLinks`). A part the provider cannot read is left out.
 */
export async function readPostureInputs(
  topology: Topology,
  nodes: readonly ResourceNode[],
  read: ReadResult,
  provider: Provider,
  context: ProviderContext,
): Promise<PostureReads> {
  const reads: PostureReads = new Map();
  const entry = (key: string) => {
    const found = reads.get(key) ?? {};
    reads.set(key, found);
    return found;
  };
  const byAccount = new Map<string, { storageAccount: string; keys: string[] }>();
  const ownVnet: WorkspaceRef[] = [];
  const linked: Array<{ ref: WorkspaceRef; vnetId: string }> = [];
  for (const node of nodes) {
    if (node.kind !== "workspace") continue;
    const actual = read.resources[node.address];
    if (!actual?.exists) continue;
    const ref = (node as ResourceNode<"workspace">).identity.workspace;
    const spec = topology.workspaces[ref.key];
    if (spec?.network === "byo") ownVnet.push(ref);
    if (spec?.network === "byo" && spec.vnet !== undefined && deploysToKubernetes(spec)) {
      const own = spec.vnet.vnetId.toLowerCase();
      const placement = placementOf(actual.facts?.computePlacement) ?? [];
      if (aksSubnets(spec, placement).some((subnet) => networkOf(subnet) !== own))
        linked.push({ ref, vnetId: spec.vnet.vnetId });
    }
    const storageAccount = actual.facts?.storageAccount;
    if (typeof storageAccount !== "string" || storageAccount === "") continue;
    const account = byAccount.get(storageAccount.toLowerCase()) ?? { storageAccount, keys: [] };
    account.keys.push(ref.key);
    byAccount.set(storageAccount.toLowerCase(), account);
  }
  const { listRoleAssignments, listOutboundDependencies, networkLinks } = provider;
  await Promise.all([
    ...(listRoleAssignments
      ? [...byAccount.values()].map(async ({ storageAccount, keys }) => {
          const assignments = await listRoleAssignments.call(provider, storageAccount, context);
          for (const key of keys) entry(key).storage = { storageAccount, assignments };
        })
      : []),
    ...(listOutboundDependencies
      ? ownVnet.map(async (ref) => {
          entry(ref.key).outboundDependencies = await listOutboundDependencies.call(provider, ref, context);
        })
      : []),
    ...(networkLinks
      ? linked.map(async ({ ref, vnetId }) => {
          entry(ref.key).networkLinks = await networkLinks.call(provider, ref, vnetId, context);
        })
      : []),
  ]);
  return reads;
}

/** The plan's posture: per existing workspace, its unmanaged rules and storage role assignments. */
export function postureOf(topology: Topology, state: StateView, unmanaged: Plan["unmanaged"]): Posture {
  const workspaces: Posture["workspaces"] = [];
  for (const [key, workspace] of Object.entries(topology.workspaces)) {
    const view = state.workspaces[key];
    if (!view?.exists) continue;
    const outboundRules = unmanaged
      .filter(
        (found) => found.kind === "outboundRule" && workspaceKeyOf(found.identity, found.address) === key,
      )
      .map((found) => ({
        name: String(found.identity.ruleName ?? found.address),
        address: found.address,
        type: String(found.properties.type ?? ""),
        destination: found.properties.destination ?? null,
      }));
    workspaces.push({
      key,
      name: workspace.name ?? key,
      outboundRules,
      ...(view.outboundDependencies ? { outboundDependencies: view.outboundDependencies } : {}),
      ...(view.storageAccess
        ? {
            storageAccount: view.storageAccess.storageAccount,
            roleAssignments: classifyStorageAccess(view.storageAccess),
          }
        : {}),
    });
  }
  return { workspaces };
}
