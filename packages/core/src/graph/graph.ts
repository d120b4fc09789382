/**
 * A generic directed acyclic graph of string ids. Knows nothing of Azure.
 * An edge `addEdge(from, to)` means `from` must finish before `to` starts (`to` depends on `from`).
 */
import { PfnetError } from "../errors.js";

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
    const rank = new Map<string, number>();
    for (let index = 0; index < ids.length; index++) rank.set(ids[index]!, index);
    const remaining = new Map<string, number>();
    const ready = new MinHeap<number>((a, b) => a - b);
    for (const [id, dependencies] of this.#dependencies) {
      remaining.set(id, dependencies.size);
      if (dependencies.size === 0) ready.push(rank.get(id)!);
    }
    const order: string[] = [];
    while (ready.size > 0) {
      const id = ids[ready.pop()!]!;
      order.push(id);
      for (const dependent of this.#dependents.get(id)!) {
        const left = remaining.get(dependent)! - 1;
        remaining.set(dependent, left);
        if (left === 0) ready.push(rank.get(dependent)!);
      }
    }
    if (order.length !== this.#dependencies.size) this.assertAcyclic();
    return order;
  }
}

/** A small binary heap; `compare(a, b) < 0` puts `a` first. */
export class MinHeap<T> {
  readonly #items: T[] = [];
  constructor(readonly compare: (a: T, b: T) => number) {}

  get size(): number {
    return this.#items.length;
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.compare(items[index]!, items[parent]!) >= 0) break;
      [items[index], items[parent]] = [items[parent]!, items[index]!];
      index = parent;
    }
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  pop(): T | undefined {
    const items = this.#items;
    if (items.length === 0) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      items[0] = last;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < items.length && this.compare(items[left]!, items[smallest]!) < 0) smallest = left;
        if (right < items.length && this.compare(items[right]!, items[smallest]!) < 0) smallest = right;
        if (smallest === index) break;
        [items[index], items[smallest]] = [items[smallest]!, items[index]!];
        index = smallest;
      }
    }
    return top;
  }
}
