import type { Topology } from "./schema.js";

/**
 * Identity function for typed authoring in TypeScript: `defineTopology({...})` gives completion
 * and literal types. It does not validate; pass the result to `validateTopology` or `plan`.
 */
export function defineTopology<const T extends Topology>(topology: T): T {
  return topology;
}
