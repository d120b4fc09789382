/**
 * The walk primitive the scheduler is built on: a dependency walk over a DAG with a counting
 * limiter (concurrency) and lanes (ids sharing a lane never run at the same time). Waiting for
 * dependencies and waiting for a slot are separate: a node is *ready* when its dependencies
 * finished, and *starts* when a slot and its lane are free. Among ready nodes, the one with the
 * longest weighted path to the end of the graph starts first (critical-path priority), ties by
 * topological position, so runs are deterministic for deterministic visit durations.
 */
import { setMaxListeners } from "node:events";
import { PfnetError } from "../errors.js";
import { Graph, MinHeap } from "./graph.js";

/** A counting semaphore: at most `limit` holders at once. */
export class Limiter {
  #active = 0;
  readonly #waiters: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new PfnetError("INVALID_ARGUMENT", `Concurrency must be a positive integer, got ${limit}.`);
    }
  }

  get active(): number {
    return this.#active;
  }

  tryAcquire(): boolean {
    if (this.#active >= this.limit) return false;
    this.#active++;
    return true;
  }

  /** Wait for a slot; rejects with `ABORTED` when the signal fires first. */
  acquire({ signal }: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(new PfnetError("ABORTED", "Aborted while waiting for a slot."));
        return;
      }
      const waiter = () => {
        signal?.removeEventListener("abort", onAbort);
        this.#active++;
        resolve();
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(new PfnetError("ABORTED", "Aborted while waiting for a slot."));
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  release(): void {
    if (this.#active === 0) throw new Error("Limiter released more often than acquired");
    this.#active--;
    const next = this.#waiters.shift();
    if (next) next();
  }
}

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

export interface WalkOptions {
  concurrency: number;
  signal?: AbortSignal;
  /**
   * Run one node. Resolve true when its dependents may run, false to skip them. A rejection
   * counts as false. `signal` fires when the walk is aborted.
   */
  visit: (id: string, signal: AbortSignal) => Promise<boolean> | boolean;
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

type NodeState = "waiting" | "ready" | "running" | "done" | "skipped" | "cancelled";

/** Walk `nodes` in dependency order. Resolves when every node is done, skipped or cancelled. */
export function walk(nodes: readonly WalkNode[], options: WalkOptions): Promise<WalkSummary> {
  const graph = Graph.fromDependencies(
    nodes.map((node) => ({ address: node.id, dependsOn: node.dependsOn })),
  );
  const order = graph.topologicalOrder();
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const position = new Map(order.map((id, index) => [id, index]));

  // Critical-path priority: a node's weight plus the heaviest chain of dependents after it.
  const priority = new Map<string, number>();
  for (let index = order.length - 1; index >= 0; index--) {
    const id = order[index]!;
    const node = byId.get(id)!;
    let tail = 0;
    for (const dependent of graph.dependentsView(id)) tail = Math.max(tail, priority.get(dependent)!);
    priority.set(id, (node.instant ? 0 : (node.weight ?? 1)) + tail);
  }
  const before = (a: string, b: string) =>
    priority.get(b)! - priority.get(a)! || position.get(a)! - position.get(b)!;

  const limiter = new Limiter(options.concurrency);
  const controller = new AbortController();
  // Every running step (and each SDK call inside it) listens on this signal; with concurrency 10
  // that exceeds Node's default of 10 listeners, which is expected here, not a leak.
  setMaxListeners(0, controller.signal);
  const outer = options.signal;
  const state = new Map<string, NodeState>();
  const remaining = new Map<string, number>();
  const ready = new MinHeap<string>(before);
  const busyLanes = new Set<string>();
  const laneQueues = new Map<string, MinHeap<string>>();
  const summary: WalkSummary = { visited: 0, skipped: 0, cancelled: 0 };
  let settled = 0;

  return new Promise<WalkSummary>((resolve) => {
    let finished = false;
    const finishIfDone = () => {
      if (finished) return;
      if (controller.signal.aborted && limiter.active === 0) {
        for (const id of order) {
          const current = state.get(id);
          if (current === "waiting" || current === "ready") {
            state.set(id, "cancelled");
            settled++;
            summary.cancelled++;
            options.onCancelled?.(id);
          }
        }
      }
      if (settled === order.length) {
        finished = true;
        outer?.removeEventListener("abort", onAbort);
        resolve(summary);
      }
    };
    const onAbort = () => {
      controller.abort(outer?.reason);
      finishIfDone();
    };

    const skipDependents = (id: string) => {
      for (const dependent of [...graph.transitiveDependents(id)].sort(
        (a, b) => position.get(a)! - position.get(b)!,
      )) {
        const current = state.get(dependent);
        if (current !== "waiting" && current !== "ready") continue;
        state.set(dependent, "skipped");
        settled++;
        summary.skipped++;
        options.onSkipped?.(dependent, id);
      }
    };

    const complete = (id: string, ok: boolean) => {
      state.set(id, "done");
      settled++;
      summary.visited++;
      if (!ok) {
        skipDependents(id);
        return;
      }
      for (const dependent of graph.dependentsView(id)) {
        const left = remaining.get(dependent)! - 1;
        remaining.set(dependent, left);
        if (left === 0 && state.get(dependent) === "waiting") makeReady(dependent);
      }
    };

    const makeReady = (id: string) => {
      if (controller.signal.aborted) return;
      if (byId.get(id)!.instant) {
        instantQueue.push(id);
        finishInstant();
        return;
      }
      state.set(id, "ready");
      ready.push(id);
    };

    // Instant nodes complete in a loop, not by recursion: a long chain of them (a plan of noops)
    // would otherwise overflow the stack.
    let instantQueue: string[] = [];
    let finishingInstant = false;
    const finishInstant = () => {
      if (finishingInstant) return;
      finishingInstant = true;
      for (let index = 0; index < instantQueue.length && !controller.signal.aborted; index++) {
        const id = instantQueue[index]!;
        let ok = false;
        try {
          const result = options.visit(id, controller.signal);
          // An instant node must answer synchronously; a promise counts as success once settled.
          ok = typeof result === "boolean" ? result : true;
        } catch {
          ok = false;
        }
        complete(id, ok);
      }
      // Left over only after an abort: those stay waiting and end cancelled.
      instantQueue = [];
      finishingInstant = false;
    };

    const start = (id: string) => {
      const node = byId.get(id)!;
      state.set(id, "running");
      if (node.lane !== undefined) busyLanes.add(node.lane);
      let outcome: Promise<boolean>;
      try {
        outcome = Promise.resolve(options.visit(id, controller.signal));
      } catch (error) {
        outcome = Promise.reject(error);
      }
      outcome.then(
        (ok) => onVisited(node, ok === true),
        () => onVisited(node, false),
      );
    };

    const onVisited = (node: WalkNode, ok: boolean) => {
      limiter.release();
      if (node.lane !== undefined) {
        busyLanes.delete(node.lane);
        const queue = laneQueues.get(node.lane);
        const next = queue?.pop();
        if (next !== undefined) ready.push(next);
      }
      complete(node.id, ok);
      pump();
      finishIfDone();
    };

    const pump = () => {
      while (!controller.signal.aborted && ready.size > 0 && limiter.active < limiter.limit) {
        const id = ready.pop()!;
        const lane = byId.get(id)!.lane;
        if (lane !== undefined && busyLanes.has(lane)) {
          let queue = laneQueues.get(lane);
          if (!queue) {
            queue = new MinHeap<string>(before);
            laneQueues.set(lane, queue);
          }
          queue.push(id);
          continue;
        }
        limiter.tryAcquire();
        start(id);
      }
    };

    for (const id of order) {
      state.set(id, "waiting");
      remaining.set(id, graph.dependencyCount(id));
    }
    if (outer?.aborted) controller.abort(outer.reason);
    else outer?.addEventListener("abort", onAbort, { once: true });
    for (const id of order) if (remaining.get(id) === 0 && state.get(id) === "waiting") makeReady(id);
    pump();
    finishIfDone();
  });
}
