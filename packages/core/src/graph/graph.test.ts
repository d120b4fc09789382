import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isPfnetError } from "../errors.js";
import { Graph, MinHeap } from "./graph.js";

const build = (edges: Array<[string, string]>, extra: string[] = []) => {
  const graph = new Graph();
  for (const id of extra) graph.addNode(id);
  for (const [from, to] of edges) graph.addNode(from).addNode(to).addEdge(from, to);
  return graph;
};

describe("Graph", () => {
  it("orders topologically with a lexical tie-break", () => {
    const graph = build([
      ["b", "d"],
      ["a", "d"],
      ["d", "e"],
      ["c", "e"],
    ]);
    expect(graph.topologicalOrder()).toEqual(["a", "b", "c", "d", "e"]);
    // Insertion order does not matter.
    const reversed = build([
      ["c", "e"],
      ["d", "e"],
      ["a", "d"],
      ["b", "d"],
    ]);
    expect(reversed.topologicalOrder()).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("places every node after its dependencies", () => {
    const graph = build([
      ["z", "a"],
      ["y", "z"],
    ]);
    expect(graph.topologicalOrder()).toEqual(["y", "z", "a"]);
  });

  it("names the cycle in GRAPH_CYCLE", () => {
    const graph = build([
      ["a", "b"],
      ["b", "c"],
      ["c", "a"],
      ["x", "a"],
    ]);
    expect(graph.findCycle()).toEqual(["a", "c", "b", "a"]);
    try {
      graph.topologicalOrder();
      expect.unreachable();
    } catch (error) {
      expect(isPfnetError(error) && error.code).toBe("GRAPH_CYCLE");
      expect((error as Error).message).toContain("a -> c -> b -> a");
    }
  });

  it("finds a self-loop and reports no cycle for a DAG", () => {
    expect(build([["a", "a"]]).findCycle()).toEqual(["a", "a"]);
    expect(build([["a", "b"]], ["c"]).findCycle()).toBeUndefined();
  });

  it("rejects an edge to an unknown node", () => {
    const graph = new Graph().addNode("a");
    expect(() => graph.addEdge("a", "missing")).toThrow(/unknown node: missing/);
  });

  it("computes transitive dependents and dependencies", () => {
    const graph = build([
      ["a", "b"],
      ["b", "c"],
      ["a", "d"],
      ["e", "c"],
    ]);
    expect([...graph.transitiveDependents("a")].sort()).toEqual(["b", "c", "d"]);
    expect([...graph.transitiveDependencies("c")].sort()).toEqual(["a", "b", "e"]);
    expect(graph.dependentsOf("a")).toEqual(["b", "d"]);
    expect(graph.dependenciesOf("c")).toEqual(["b", "e"]);
  });

  it("builds from items naming their dependencies", () => {
    const graph = Graph.fromDependencies([
      { address: "ws", dependsOn: [] },
      { address: "ws.rule", dependsOn: ["ws"] },
      { address: "ws.network", dependsOn: ["ws", "ws.rule"] },
    ]);
    expect(graph.topologicalOrder()).toEqual(["ws", "ws.rule", "ws.network"]);
  });
});

describe("MinHeap", () => {
  it("pops in comparator order", () => {
    const heap = new MinHeap<number>((a, b) => a - b);
    for (const value of [5, 1, 4, 1, 9, 2, 6]) heap.push(value);
    const out: number[] = [];
    while (heap.size > 0) out.push(heap.pop()!);
    expect(out).toEqual([1, 1, 2, 4, 5, 6, 9]);
  });
});

describe("Graph.orderOf", () => {
  const outcome = (run: () => string[]) => {
    try {
      return { order: run() };
    } catch (error) {
      return isPfnetError(error) ? { code: error.code, message: error.message } : { thrown: String(error) };
    }
  };

  it("gives the order and errors of fromDependencies + topologicalOrder on any item list", () => {
    // Anything: unknown dependencies, self-loops, cycles, repeated addresses and dependencies.
    const id = fc.constantFrom("a", "b", "c", "d", "e", "f", "a.x", "b/y", "A");
    const anything = fc.array(fc.record({ address: id, dependsOn: fc.array(id, { maxLength: 4 }) }), {
      maxLength: 10,
    });
    // Acyclic: distinct addresses (insertion order unlike lexical order), dependencies on earlier items.
    const acyclic = fc
      .uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 30 })
      .chain((addresses) =>
        fc.tuple(
          fc.constant(addresses),
          fc.array(fc.array(fc.nat(), { maxLength: 3 }), {
            minLength: addresses.length,
            maxLength: addresses.length,
          }),
        ),
      )
      .map(([addresses, picks]) =>
        addresses.map((address, index) => ({
          address,
          dependsOn: index === 0 ? [] : picks[index]!.map((pick) => addresses[pick % index]!),
        })),
      );
    fc.assert(
      fc.property(fc.oneof(anything, acyclic), (items) => {
        expect(outcome(() => Graph.orderOf(items))).toEqual(
          outcome(() => Graph.fromDependencies(items).topologicalOrder()),
        );
      }),
      { numRuns: 500 },
    );
  });

  it("orders a wide graph like the graph does", () => {
    const items = Array.from({ length: 300 }, (_, index) => ({
      address: `node-${(index * 37) % 300}`,
      dependsOn: index === 0 ? [] : [`node-${(((index - 1) >> 1) * 37) % 300}`],
    }));
    expect(Graph.orderOf(items)).toEqual(Graph.fromDependencies(items).topologicalOrder());
  });

  it("gives the same order as positions, and none when addresses repeat", () => {
    const items = [
      { address: "c", dependsOn: [] },
      { address: "a", dependsOn: ["c"] },
      { address: "b", dependsOn: [] },
    ];
    const positions = Graph.orderIndexesOf(items)!;
    expect(Array.from(positions, (index) => items[index]!.address)).toEqual(Graph.orderOf(items));
    expect(Graph.orderOf(items)).toEqual(["b", "c", "a"]);
    expect(Graph.orderIndexesOf([...items, { address: "a", dependsOn: [] }])).toBeUndefined();
  });
});
