/**
 * Hubs and projects: which hub a project names (`hub`: a spec key, or the ARM id of a hub pfnet
 * does not manage) and what the project inherits of it. Shared by the spec rules, expansion and
 * the plan-time rules, so all three resolve a project's hub the same way.
 *
 * A project has no network of its own: its hub's managed network carries the project's outbound
 * rules and approvals, at the hub's addresses (`workspace.<hub key>.…`). A hub named by ARM id
 * gets the address key of its Azure name (PFN142 refuses a spec key that would collide with it).
 */
import type { WorkspaceRef } from "../model.js";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import { hasRules } from "./managed.js";

/** A project's hub, resolved. */
export interface HubLink {
  /** Address key of the hub: its spec key, or its Azure name for a hub named by ARM id. */
  key: string;
  ref: WorkspaceRef;
  /** The hub's ARM id (what a project's `hubResourceId` must be). */
  id: string;
  /** The hub's spec when this spec manages the hub; absent for a hub named by ARM id. */
  spec?: WorkspaceSpec;
}

/** Why a project's `hub` resolves to no hub (PFN142), or its hub. */
export type HubResolution = { hub: HubLink } | { problem: string };

const WORKSPACE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)$/i;

export const isProject = (workspace: WorkspaceSpec) => workspace.kind === "project";

/** The ARM id of a workspace. */
export const workspaceIdOf = (ref: Pick<WorkspaceRef, "subscriptionId" | "resourceGroup" | "name">) =>
  `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ref.name}`;

const refOf = (topology: Topology, key: string, ws: WorkspaceSpec): WorkspaceRef => ({
  subscriptionId: topology.subscriptionId,
  resourceGroup: ws.resourceGroup ?? topology.resourceGroup,
  name: ws.name ?? key,
  key,
});

const sameRef = (a: Omit<WorkspaceRef, "key">, b: Omit<WorkspaceRef, "key">) =>
  a.subscriptionId.toLowerCase() === b.subscriptionId.toLowerCase() &&
  a.resourceGroup.toLowerCase() === b.resourceGroup.toLowerCase() &&
  a.name.toLowerCase() === b.name.toLowerCase();

/** Resolve the `hub` of a workspace (undefined when it names none). */
export function resolveHub(topology: Topology, key: string): HubResolution | undefined {
  const named = topology.workspaces[key]?.hub;
  if (named === undefined) return undefined;
  if (named.startsWith("/")) {
    const match = WORKSPACE_ID.exec(named);
    if (!match) return { problem: `"${named}" is not the ARM id of a Machine Learning workspace` };
    const [, subscriptionId, resourceGroup, name] = match as unknown as [string, string, string, string];
    const target = { subscriptionId, resourceGroup, name };
    for (const [other, spec] of Object.entries(topology.workspaces)) {
      const ref = refOf(topology, other, spec);
      if (!sameRef(ref, target)) continue;
      if (other === key) return { problem: "it names the project itself" };
      return spec.kind === "hub"
        ? { hub: { key: other, ref, id: workspaceIdOf(ref), spec } }
        : { problem: `"${named}" is workspace "${other}" of this spec, which is not \`kind: hub\`` };
    }
    if (Object.hasOwn(topology.workspaces, name)) {
      return {
        problem: `the hub's name "${name}" is also the key of another workspace of this spec; pfnet addresses a hub it does not manage by its name`,
      };
    }
    return { hub: { key: name, ref: { ...target, key: name }, id: named } };
  }
  if (named === key) return { problem: "it names the project itself" };
  const spec = topology.workspaces[named];
  if (spec === undefined || !Object.hasOwn(topology.workspaces, named)) {
    return { problem: `"${named}" is neither a workspace key of this spec nor an ARM id` };
  }
  if (spec.kind !== "hub") return { problem: `workspace "${named}" is not \`kind: hub\`` };
  const ref = refOf(topology, named, spec);
  return { hub: { key: named, ref, id: workspaceIdOf(ref), spec } };
}

/** The resolved hub of a project, or undefined (not a project, or its hub does not resolve). */
export function hubOf(topology: Topology, key: string): HubLink | undefined {
  const workspace = topology.workspaces[key];
  if (workspace === undefined || !isProject(workspace)) return undefined;
  const resolution = resolveHub(topology, key);
  return resolution !== undefined && "hub" in resolution ? resolution.hub : undefined;
}

/** The network fields a project takes from its hub (a hub named by ARM id: managed, the rest unknown). */
const INHERITED = ["network", "ingress", "egress", "firewallSku", "provision"] as const;

/**
 * A project as the network rules see it: its own fields with the hub's network settings over
 * them (a project declaring its own is refused by PFN141). Other workspaces as they are.
 */
export function withInheritedNetwork(
  topology: Topology,
  key: string,
  workspace: WorkspaceSpec,
): WorkspaceSpec {
  if (!isProject(workspace)) return workspace;
  const hub = hubOf(topology, key);
  if (hub === undefined) return workspace;
  const inherited: Partial<WorkspaceSpec> = {};
  for (const field of INHERITED) {
    const value = hub.spec === undefined ? (field === "network" ? "managed" : undefined) : hub.spec[field];
    (inherited as Record<string, unknown>)[field] = value;
  }
  return { ...workspace, ...inherited };
}

/** The projects of each hub (by the hub's address key), in key order. */
export function projectsByHub(topology: Topology): Map<string, Array<{ key: string; hub: HubLink }>> {
  const byHub = new Map<string, Array<{ key: string; hub: HubLink }>>();
  for (const key of Object.keys(topology.workspaces).sort()) {
    const hub = hubOf(topology, key);
    if (hub === undefined) continue;
    byHub.set(hub.key, [...(byHub.get(hub.key) ?? []), { key, hub }]);
  }
  return byHub;
}

/**
 * Whether a hub's managed network gets a provisioning node: a hub of the spec unless
 * `provision: onFirstCompute`; a hub named by ARM id when its projects put rules on it.
 */
export function hubProvisions(topology: Topology, hub: HubLink): boolean {
  if (hub.spec !== undefined) return (hub.spec.provision ?? "now") !== "onFirstCompute";
  const projects = projectsByHub(topology).get(hub.key) ?? [];
  const reaches = projects.map((project) => topology.workspaces[project.key]!.reach);
  return hasRules(reaches, topology.services ?? {});
}
