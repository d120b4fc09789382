/**
 * A generic directed acyclic graph of string ids. Knows nothing of Azure.
 * An edge `addEdge(from, to)` means `from` must finish before `to` starts (`to` depends on `from`).
 */
import { PfnetError } from "../errors.js";
import { RankHeap } from "./heap.js";

export { MinHeap } from "./heap.js";

const EMPTY: ReadonlySet<string> = new Set();

export class Graph {
  readonly #dependencies = new Map<string, Set<string>>();
  readonly #dependents = new Map<string, Set<string>>();

  /** Build a graph from items that name their dependencies (e.g. resource nodes or plan steps). */
  static fromDependencies(items: Iterable<{ address: string; dependsOn: readonly string[] }>): Graph {
    const graph = new Graph();
    const list = [...items];
    for (const item of list) graph.addNode(item.address);
    for (const item of list) for (const dependency of item.dependsOn) graph.addEdge(dependency, item.address);
    return graph;
  }

  /**
   * `Graph.fromDependencies(items).topologicalOrder()` without building the graph: the same
   * order and the same errors (unknown node, cycle), on index arrays. For one-shot ordering of
   * large plans; build the graph when its queries are needed.
   */
  static orderOf(items: readonly { address: string; dependsOn: readonly string[] }[]): string[] {
    const indexes = Graph.orderIndexesOf(items);
    // Repeated addresses merge into one node: leave that rare case to the graph.
    if (!indexes) return Graph.fromDependencies(items).topologicalOrder();
    return Array.from(indexes, (index) => items[index]!.address);
  }

  /**
   * `orderOf` as positions in `items` (a large plan orders its steps without an address map);
   * undefined when addresses repeat. Throws as `orderOf` does.
   */
  static orderIndexesOf(
    items: readonly { address: string; dependsOn: readonly string[] }[],
  ): Int32Array | undefined {
    const count = items.length;
    const indexOf = new Map<string, number>();
    for (let index = 0; index < count; index++) indexOf.set(items[index]!.address, index);
    if (indexOf.size !== count) return undefined;
    // Edges as a CSR adjacency (dependents of each node); `seenBy` drops repeated dependencies.
    const remaining = new Int32Array(count);
    const dependentCount = new Int32Array(count + 1);
    const seenBy = new Int32Array(count).fill(-1);
    const edgeFrom: number[] = [];
    const edgeTo: number[] = [];
    for (let to = 0; to < count; to++) {
      const item = items[to]!;
      for (const dependency of item.dependsOn) {
        const from = indexOf.get(dependency);
        if (from === undefined) {
          throw new PfnetError(
            "GRAPH_UNKNOWN_NODE",
            `Edge ${dependency} -> ${item.address} names an unknown node: ${dependency}.`,
            { details: { from: dependency, to: item.address, missing: dependency } },
          );
        }
        if (seenBy[from] === to) continue;
        seenBy[from] = to;
        edgeFrom.push(from);
        edgeTo.push(to);
        remaining[to]!++;
        dependentCount[from + 1]!++;
      }
    }
    for (let index = 0; index < count; index++) dependentCount[index + 1]! += dependentCount[index]!;
    const dependents = new Int32Array(edgeFrom.length);
    const fill = dependentCount.slice(0, count);
    for (let edge = 0; edge < edgeFrom.length; edge++) dependents[fill[edgeFrom[edge]!]!++] = edgeTo[edge]!;

    // Lexical ranks, then Kahn's algorithm over ranks with a min-heap (as `topologicalOrder`).
    // The default sort (code units, no comparator call) is the fastest here; addresses are unique.
    const sorted = items.map((item) => item.address).sort();
    const byRank = new Int32Array(count);
    const rankOf = new Int32Array(count);
    for (let rank = 0; rank < count; rank++) {
      const index = indexOf.get(sorted[rank]!)!;
      byRank[rank] = index;
      rankOf[index] = rank;
    }
    const heap = new RankHeap(count);
    for (let rank = 0; rank < count; rank++) if (remaining[byRank[rank]!] === 0) heap.push(rank);
    const order = new Int32Array(count);
    let placed = 0;
    while (heap.size > 0) {
      const index = byRank[heap.pop()]!;
      order[placed++] = index;
      for (let edge = dependentCount[index]!; edge < dependentCount[index + 1]!; edge++) {
        const dependent = dependents[edge]!;
        if (--remaining[dependent]! === 0) heap.push(rankOf[dependent]!);
      }
    }
    if (placed !== count) Graph.fromDependencies(items).assertAcyclic();
    return order;
  }

  addNode(id: string): this {
    if (!this.#dependencies.has(id)) {
      this.#dependencies.set(id, new Set());
      this.#dependents.set(id, new Set());
    }
    return this;
  }

  /** `to` depends on `from`. Both nodes must exist: a dangling edge is a bug in the caller. */
  addEdge(from: string, to: string): this {
    const dependents = this.#dependents.get(from);
    const dependencies = this.#dependencies.get(to);
    if (!dependents || !dependencies) {
      const missing = dependents ? to : from;
      throw new PfnetError("GRAPH_UNKNOWN_NODE", `Edge ${from} -> ${to} names an unknown node: ${missing}.`, {
        details: { from, to, missing },
      });
    }
    dependents.add(to);
    dependencies.add(from);
    return this;
  }

  hasNode(id: string): boolean {
    return this.#dependencies.has(id);
  }

  get size(): number {
    return this.#dependencies.size;
  }

  nodes(): string[] {
    return [...this.#dependencies.keys()];
  }

  /** Direct dependencies of `id`, sorted. */
  dependenciesOf(id: string): string[] {
    return [...(this.#dependencies.get(id) ?? [])].sort();
  }

  /** Direct dependents of `id`, unsorted and live (for hot loops; do not mutate). */
  dependentsView(id: string): ReadonlySet<string> {
    return this.#dependents.get(id) ?? EMPTY;
  }

  /** Number of direct dependencies of `id`. */
  dependencyCount(id: string): number {
    return this.#dependencies.get(id)?.size ?? 0;
  }

  /** Direct dependents of `id`, sorted. */
  dependentsOf(id: string): string[] {
    return [...(this.#dependents.get(id) ?? [])].sort();
  }

  /** Every node that depends on `id`, directly or through others. */
  transitiveDependents(id: string): Set<string> {
    return this.#reach(id, this.#dependents);
  }

  /** Every node `id` depends on, directly or through others. */
  transitiveDependencies(id: string): Set<string> {
    return this.#reach(id, this.#dependencies);
  }

  #reach(id: string, edges: Map<string, Set<string>>): Set<string> {
    const seen = new Set<string>();
    const stack = [...(edges.get(id) ?? [])];
    while (stack.length > 0) {
      const next = stack.pop()!;
      if (seen.has(next)) continue;
      seen.add(next);
      for (const further of edges.get(next) ?? []) if (!seen.has(further)) stack.push(further);
    }
    return seen;
  }

  /**
   * A cycle as a closed path in dependency direction (`a` depends on `b` depends on `a`):
   * `["a", "b", "a"]`; undefined when the graph is acyclic. Deterministic: starts from the
   * lexically smallest node that lies on a cycle reachable in sorted order.
   */
  findCycle(): string[] | undefined {
    const WHITE = 0;
    const GREY = 1;
    const BLACK = 2;
    const color = new Map<string, number>();
    const ids = this.nodes().sort();
    for (const id of ids) color.set(id, WHITE);
    for (const root of ids) {
      if (color.get(root) !== WHITE) continue;
      // Iterative DFS following "depends on" edges; `path` holds the grey chain.
      const path: string[] = [];
      const iterators: Iterator<string>[] = [];
      const enter = (id: string) => {
        color.set(id, GREY);
        path.push(id);
        iterators.push(this.dependenciesOf(id)[Symbol.iterator]());
      };
      enter(root);
      while (path.length > 0) {
        const step = iterators[iterators.length - 1]!.next();
        if (step.done) {
          color.set(path.pop()!, BLACK);
          iterators.pop();
          continue;
        }
        const next = step.value;
        const state = color.get(next);
        if (state === GREY) {
          const start = path.indexOf(next);
          return [...path.slice(start), next];
        }
        if (state === WHITE) enter(next);
      }
    }
    return undefined;
  }

  /** Throw `GRAPH_CYCLE` naming the cycle, e.g. `a -> b -> a` (each arrow reads "depends on"). */
  assertAcyclic(): void {
    const cycle = this.findCycle();
    if (cycle) {
      throw new PfnetError(
        "GRAPH_CYCLE",
        `Dependency cycle: ${cycle.join(" -> ")} (each arrow reads "depends on").`,
        {
          details: { cycle },
          hint: "Remove one of the dependencies so the steps can be ordered.",
        },
      );
    }
  }

  /**
   * Kahn's algorithm with a lexical tie-break: among the nodes whose dependencies are all
   * placed, the smallest id comes first, so the order is the same on every run.
   */
  topologicalOrder(): string[] {
    // Rank ids lexically once, so the heap compares numbers.
    const ids = [...this.#dependencies.keys()].sort();
    const count = ids.length;
    const rank = new Map<string, number>();
    for (let index = 0; index < count; index++) rank.set(ids[index]!, index);
    const remaining = new Int32Array(count);
    const ready = new RankHeap(count);
    for (let index = 0; index < count; index++) {
      const size = this.#dependencies.get(ids[index]!)!.size;
      remaining[index] = size;
      if (size === 0) ready.push(index);
    }
    const order: string[] = [];
    while (ready.size > 0) {
      const id = ids[ready.pop()]!;
      order.push(id);
      for (const dependent of this.#dependents.get(id)!) {
        const dependentRank = rank.get(dependent)!;
        if (--remaining[dependentRank]! === 0) ready.push(dependentRank);
      }
    }
    if (order.length !== count) this.assertAcyclic();
    return order;
  }
}
