/**
 * The walk primitive the scheduler is built on: a dependency walk over a DAG with a counting
 * limiter (concurrency) and lanes (ids sharing a lane never run at the same time). Waiting for
 * dependencies and waiting for a slot are separate: a node is *ready* when its dependencies
 * finished, and *starts* when a slot and its lane are free. Among ready nodes, the one with the
 * longest weighted path to the end of the graph starts first (critical-path priority), ties by
 * topological position, so runs are deterministic for deterministic visit durations.
 */
import { setMaxListeners } from "node:events";
import { Graph, MinHeap } from "./graph.js";
import { Limiter } from "./limiter.js";

export interface WalkNode {
  id: string;
  dependsOn: readonly string[];
  /** Nodes of one lane never run at the same time. */
  lane?: string;
  /** Expected cost used for critical-path priority (default 1). */
  weight?: number;
  /** Finishes immediately without a slot or a lane (e.g. a step with nothing to do). */
  instant?: boolean;
}

/** What a running node may do with its concurrency slot. */
export interface WalkSlot {
  /**
   * Run `wait` without holding the slot: it is released (another node may start) and taken again
   * when `wait` settles, before this resolves. The node keeps its lane. For waiting that sends
   * nothing (a sleep between polls, a back-off): concurrency bounds work in flight, not waits.
   * A node resuming from a wait gets the next free slot before any node not yet started.
   */
  idle<T>(wait: () => Promise<T>): Promise<T>;
}

export interface WalkOptions {
  /** Nodes working at once (a node inside `slot.idle` does not count). */
  concurrency: number;
  signal?: AbortSignal;
  /**
   * Run one node. Resolve true when its dependents may run, false to skip them. A rejection
   * counts as false. `signal` fires when the walk is aborted.
   */
  visit: (id: string, signal: AbortSignal, slot: WalkSlot) => Promise<boolean> | boolean;
  /** A node not run because `blockedBy` (a node whose visit returned false) is upstream. */
  onSkipped?: (id: string, blockedBy: string) => void;
  /** A node not started because the walk was aborted. */
  onCancelled?: (id: string) => void;
}

export interface WalkSummary {
  visited: number;
  skipped: number;
  cancelled: number;
}

const WAITING = 0;
const READY = 1;
const RUNNING = 2;
const DONE = 3;
const SKIPPED = 4;
const CANCELLED = 5;

/** Walk `nodes` in dependency order. Resolves when every node is done, skipped or cancelled. */
export function walk(nodes: readonly WalkNode[], options: WalkOptions): Promise<WalkSummary> {
  const graph = Graph.fromDependencies(
    nodes.map((node) => ({ address: node.id, dependsOn: node.dependsOn })),
  );
  // Internally a node is its topological position: arrays instead of maps keyed by id, and a
  // ready queue ordered by two numbers (the comparator runs O(n log n) times on big plans).
  const order = graph.topologicalOrder();
  const count = order.length;
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const position = new Map(order.map((id, index) => [id, index]));
  const nodeAt = order.map((id) => byId.get(id)!);
  const dependentsAt = order.map((id) => [...graph.dependentsView(id)].map((d) => position.get(d)!));

  // Critical-path priority: a node's weight plus the heaviest chain of dependents after it.
  const priority = new Float64Array(count);
  for (let index = count - 1; index >= 0; index--) {
    const node = nodeAt[index]!;
    let tail = 0;
    for (const dependent of dependentsAt[index]!) tail = Math.max(tail, priority[dependent]!);
    priority[index] = (node.instant ? 0 : (node.weight ?? 1)) + tail;
  }
  const before = (a: number, b: number) => priority[b]! - priority[a]! || a - b;

  const limiter = new Limiter(options.concurrency);
  const controller = new AbortController();
  // Every running step (and each SDK call inside it) listens on this signal; with concurrency 10
  // that exceeds Node's default of 10 listeners, which is expected here, not a leak.
  setMaxListeners(0, controller.signal);
  const outer = options.signal;
  const state = new Uint8Array(count);
  const remaining = new Int32Array(count);
  const ready = new MinHeap<number>(before);
  const busyLanes = new Set<string>();
  const laneQueues = new Map<string, MinHeap<number>>();
  const summary: WalkSummary = { visited: 0, skipped: 0, cancelled: 0 };
  let settled = 0;
  // Started and not finished, idle or not (an abort waits for all of them).
  let running = 0;

  return new Promise<WalkSummary>((resolve) => {
    let finished = false;
    const finishIfDone = () => {
      if (finished) return;
      if (controller.signal.aborted && running === 0) {
        for (let index = 0; index < count; index++) {
          const current = state[index];
          if (current === WAITING || current === READY) {
            state[index] = CANCELLED;
            settled++;
            summary.cancelled++;
            options.onCancelled?.(order[index]!);
          }
        }
      }
      if (settled === count) {
        finished = true;
        outer?.removeEventListener("abort", onAbort);
        resolve(summary);
      }
    };
    const onAbort = () => {
      controller.abort(outer?.reason);
      finishIfDone();
    };

    const skipDependents = (index: number) => {
      const id = order[index]!;
      for (const dependent of [...graph.transitiveDependents(id)]
        .map((d) => position.get(d)!)
        .sort((a, b) => a - b)) {
        const current = state[dependent];
        if (current !== WAITING && current !== READY) continue;
        state[dependent] = SKIPPED;
        settled++;
        summary.skipped++;
        options.onSkipped?.(order[dependent]!, id);
      }
    };

    const complete = (index: number, ok: boolean) => {
      state[index] = DONE;
      settled++;
      summary.visited++;
      if (!ok) {
        skipDependents(index);
        return;
      }
      for (const dependent of dependentsAt[index]!) {
        const left = --remaining[dependent]!;
        if (left === 0 && state[dependent] === WAITING) makeReady(dependent);
      }
    };

    const makeReady = (index: number) => {
      if (controller.signal.aborted) return;
      if (nodeAt[index]!.instant) {
        instantQueue.push(index);
        finishInstant();
        return;
      }
      state[index] = READY;
      ready.push(index);
    };

    // Instant nodes complete in a loop, not by recursion: a long chain of them (a plan of noops)
    // would otherwise overflow the stack.
    let instantQueue: number[] = [];
    let finishingInstant = false;
    const noSlot: WalkSlot = { idle: (wait) => wait() };
    const finishInstant = () => {
      if (finishingInstant) return;
      finishingInstant = true;
      for (let at = 0; at < instantQueue.length && !controller.signal.aborted; at++) {
        const index = instantQueue[at]!;
        let ok = false;
        try {
          const result = options.visit(order[index]!, controller.signal, noSlot);
          // An instant node must answer synchronously; a promise counts as success once settled.
          ok = typeof result === "boolean" ? result : true;
        } catch {
          ok = false;
        }
        complete(index, ok);
      }
      // Left over only after an abort: those stay waiting and end cancelled.
      instantQueue = [];
      finishingInstant = false;
    };

    const start = (index: number) => {
      const node = nodeAt[index]!;
      state[index] = RUNNING;
      running++;
      if (node.lane !== undefined) busyLanes.add(node.lane);
      // The slot this node holds: released while it idles, taken again before it goes on.
      let holding = true;
      let idling = 0;
      const slot: WalkSlot = {
        idle: async (wait) => {
          // Nested or parallel idles of one node share one release.
          if (idling++ === 0 && holding) {
            holding = false;
            limiter.release();
            pump();
          }
          try {
            return await wait();
          } finally {
            if (--idling === 0) {
              await limiter.acquire({ signal: controller.signal });
              holding = true;
            }
          }
        },
      };
      let outcome: Promise<boolean>;
      try {
        outcome = Promise.resolve(options.visit(node.id, controller.signal, slot));
      } catch (error) {
        outcome = Promise.reject(error);
      }
      outcome.then(
        (ok) => onVisited(index, ok === true, holding),
        () => onVisited(index, false, holding),
      );
    };

    const onVisited = (index: number, ok: boolean, holding: boolean) => {
      running--;
      if (holding) limiter.release();
      const lane = nodeAt[index]!.lane;
      if (lane !== undefined) {
        busyLanes.delete(lane);
        const queue = laneQueues.get(lane);
        const next = queue?.pop();
        if (next !== undefined) ready.push(next);
      }
      complete(index, ok);
      pump();
      finishIfDone();
    };

    const pump = () => {
      while (!controller.signal.aborted && ready.size > 0 && limiter.active < limiter.limit) {
        const index = ready.pop()!;
        const lane = nodeAt[index]!.lane;
        if (lane !== undefined && busyLanes.has(lane)) {
          let queue = laneQueues.get(lane);
          if (!queue) {
            queue = new MinHeap<number>(before);
            laneQueues.set(lane, queue);
          }
          queue.push(index);
          continue;
        }
        limiter.tryAcquire();
        start(index);
      }
    };

    for (let index = 0; index < count; index++) remaining[index] = graph.dependencyCount(order[index]!);
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    for (let index = 0; index < count; index++)
      if (remaining[index] === 0 && state[index] === WAITING) makeReady(index);
    pump();
    finishIfDone();
  });
}
