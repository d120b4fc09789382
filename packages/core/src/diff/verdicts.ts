/**
 * The common forms of a kind's verdict, so each kind declares only what is its own: what the
 * reasons call the resource, what happens when it is missing, and which changes force
 * replacement. Comparison itself (desired keys only, ARM ids, role GUIDs, string sets) is one
 * rule for every kind: `compare.ts`.
 */

import type { Verdict } from "../kinds/contract.js";
import type { ActualResource, ResourceNode } from "../model.js";
import { changedPaths } from "./compare.js";

/**
 * The changed paths of every noop and create: one frozen empty list, not one per step (a fleet's
 * settled plan has 200,000 of them).
 */
const NO_PATHS = Object.freeze([]) as unknown as string[];

export const noop = (what: string): Verdict => ({
  action: "noop",
  changedPaths: NO_PATHS,
  reason: `${what} already matches the spec`,
});

export const create = (reason: string): Verdict => ({ action: "create", changedPaths: NO_PATHS, reason });

/** Changed paths in words: `publicNetworkAccess, isolationMode`. */
export function describePaths(paths: string[]): string {
  return paths.map((path) => path.slice(1) || "(root)").join(", ");
}

/** Where the node's desired properties differ from what was read (the resource exists). */
export const differences = (node: ResourceNode, actual: ActualResource & { exists: true }): string[] =>
  changedPaths(node.properties, actual.properties);

/** A kind changed in place unless `replaces` says its changes cannot be made in place. */
export interface InPlaceDiff<N extends ResourceNode> {
  /** What the reasons call the resource: `outbound rule pe-aoai`. */
  subject(node: N): string;
  /** The reason of its create when it does not exist. */
  created(node: N): string;
  /** Whether these changed paths force replacement (default: never). */
  replaces?(paths: string[], node: N): boolean;
}

/** The diff of a kind that is created when missing, then updated in place or replaced. */
export function inPlaceDiff<N extends ResourceNode>(declared: InPlaceDiff<N>) {
  return (node: N, actual: ActualResource): Verdict => {
    if (!actual.exists) return create(declared.created(node));
    const paths = differences(node, actual);
    const subject = declared.subject(node);
    if (paths.length === 0) return noop(subject);
    return declared.replaces?.(paths, node)
      ? {
          action: "replace",
          changedPaths: paths,
          reason: `replace ${subject}: ${describePaths(paths)} cannot change in place`,
        }
      : {
          action: "update",
          changedPaths: paths,
          reason: `update ${subject}: ${describePaths(paths)} differ`,
        };
  };
}
