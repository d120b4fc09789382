/**
 * Expansion of a workspace's dependencies made private (`dependencies`): which nodes exist (one
 * per dependency the spec names) and how the workspace reaches each once it is private, which
 * decides what the node waits for (kinds/dependencyNetworkAccess.ts).
 */
import {
  DEPENDENCIES,
  dependencyIdsOf,
  dependencyNetworkAccess,
  type PrivatePath,
} from "../kinds/dependencyNetworkAccess.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import type { WorkspaceSpec } from "../spec/schema.js";

export interface DependencyExpansion {
  privatePath: PrivatePath;
  /** Adds the nodes, each after `after(its ARM id)`; their addresses. */
  add(after: (id: string) => readonly string[]): string[];
}

export function dependencyExpansion(
  ref: WorkspaceRef,
  ws: WorkspaceSpec,
  nodes: ResourceNode[],
): DependencyExpansion {
  const ids = dependencyIdsOf(ws);
  const privatePath: PrivatePath =
    ws.network !== "managed"
      ? "privateEndpoint"
      : ws.egress === "private"
        ? "requiredRule"
        : "createdWithProvisioning";
  const access = ws.dependencies?.private === false ? "Enabled" : "Disabled";
  return {
    privatePath,
    add: (after) =>
      DEPENDENCIES.flatMap((dependency) => {
        const id = ids[dependency];
        if (id === undefined) return [];
        const node = dependencyNetworkAccess.node(ref, dependency, id, privatePath, access, after(id));
        nodes.push(node);
        return [node.address];
      }),
  };
}

/** Records, by lower-case target id, the steps that make an own-VNet private path to it. */
export function addPathTo(
  paths: Map<string, string[]>,
  targetId: string,
  addresses: readonly string[],
): void {
  const key = targetId.toLowerCase();
  paths.set(key, [...(paths.get(key) ?? []), ...addresses]);
}
