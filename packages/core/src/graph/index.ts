export { Graph, MinHeap } from "./graph.js";
export { Limiter, type WalkNode, type WalkOptions, type WalkSlot, type WalkSummary, walk } from "./walk.js";
