export { Graph, MinHeap } from "./graph.js";
export { Limiter } from "./limiter.js";
export { type WalkNode, type WalkOptions, type WalkSlot, type WalkSummary, walk } from "./walk.js";
