import { describe, expect, it } from "vitest";
import { Limiter } from "./limiter.js";
import { type WalkNode, walk } from "./walk.js";

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("walk", () => {
  it("runs dependencies first, respects the concurrency limit and lanes", async () => {
    const nodes: WalkNode[] = [
      { id: "a", dependsOn: [] },
      { id: "b", dependsOn: [], lane: "L" },
      { id: "c", dependsOn: [], lane: "L" },
      { id: "d", dependsOn: ["a"] },
      { id: "e", dependsOn: ["a", "b"] },
      { id: "f", dependsOn: [] },
    ];
    const finished = new Set<string>();
    const running = new Set<string>();
    let peak = 0;
    await walk(nodes, {
      concurrency: 2,
      visit: async (id) => {
        const node = nodes.find((n) => n.id === id)!;
        for (const dependency of node.dependsOn) expect(finished.has(dependency)).toBe(true);
        if (node.lane)
          expect([...running].some((other) => nodes.find((n) => n.id === other)!.lane === node.lane)).toBe(
            false,
          );
        running.add(id);
        peak = Math.max(peak, running.size);
        await delay(2);
        running.delete(id);
        finished.add(id);
        return true;
      },
    });
    expect(finished.size).toBe(6);
    expect(peak).toBe(2);
  });

  it("a node waiting in slot.idle frees its slot but keeps its lane, and resumes before new nodes start", async () => {
    // Concurrency 1: w waits (idle) while x, y run one after the other in the freed slot; l shares
    // w's lane and must wait for w however free the slot is.
    const nodes: WalkNode[] = [
      { id: "w", dependsOn: [], lane: "L", weight: 10 },
      { id: "l", dependsOn: [], lane: "L" },
      { id: "x", dependsOn: [] },
      { id: "y", dependsOn: [] },
      { id: "z", dependsOn: [] },
    ];
    const log: string[] = [];
    let working = 0;
    let peak = 0;
    let releaseWait: () => void = () => {};
    const waitGate = new Promise<void>((resolve) => {
      releaseWait = resolve;
    });
    await walk(nodes, {
      concurrency: 1,
      visit: async (id, _signal, slot) => {
        working++;
        peak = Math.max(peak, working);
        log.push(`start ${id}`);
        if (id === "w") {
          working--;
          await slot.idle(() => waitGate);
          working++;
          peak = Math.max(peak, working);
          log.push("w resumed");
        } else {
          await delay(2);
          // The second node in the freed slot ends w's wait: w must resume before z starts.
          if (id === "y") releaseWait();
        }
        working--;
        log.push(`end ${id}`);
        return true;
      },
    });
    expect(peak).toBe(1);
    expect(log.slice(0, 6)).toEqual(["start w", "start x", "end x", "start y", "end y", "w resumed"]);
    expect(log.indexOf("start l")).toBeGreaterThan(log.indexOf("end w"));
    expect(log.indexOf("start z")).toBeGreaterThan(log.indexOf("w resumed"));
  });

  it("an abort during slot.idle ends the walk once the idle node returns", async () => {
    const controller = new AbortController();
    const cancelled: string[] = [];
    const summary = await walk(
      [
        { id: "a", dependsOn: [] },
        { id: "b", dependsOn: ["a"] },
      ],
      {
        concurrency: 1,
        signal: controller.signal,
        visit: async (_id, signal, slot) => {
          await slot.idle(async () => {
            controller.abort();
            expect(signal.aborted).toBe(true);
          });
          return true;
        },
        onCancelled: (id) => cancelled.push(id),
      },
    );
    expect(summary).toEqual({ visited: 1, skipped: 0, cancelled: 1 });
    expect(cancelled).toEqual(["b"]);
  });

  it("skips transitive dependents of a node that returns false, finishes the rest", async () => {
    const skipped: Array<[string, string]> = [];
    const visited: string[] = [];
    const summary = await walk(
      [
        { id: "a", dependsOn: [] },
        { id: "b", dependsOn: ["a"] },
        { id: "c", dependsOn: ["b"] },
        { id: "x", dependsOn: [] },
        { id: "y", dependsOn: ["x"] },
      ],
      {
        concurrency: 3,
        visit: async (id) => {
          visited.push(id);
          return id !== "a";
        },
        onSkipped: (id, blockedBy) => skipped.push([id, blockedBy]),
      },
    );
    expect(visited.sort()).toEqual(["a", "x", "y"]);
    expect(skipped).toEqual([
      ["b", "a"],
      ["c", "a"],
    ]);
    expect(summary).toEqual({ visited: 3, skipped: 2, cancelled: 0 });
  });

  it("treats a rejected visit as a failure", async () => {
    const skipped: string[] = [];
    await walk(
      [
        { id: "a", dependsOn: [] },
        { id: "b", dependsOn: ["a"] },
      ],
      {
        concurrency: 1,
        visit: async (id) => {
          if (id === "a") throw new Error("boom");
          return true;
        },
        onSkipped: (id) => skipped.push(id),
      },
    );
    expect(skipped).toEqual(["b"]);
  });

  it("finishes instant nodes without a slot", async () => {
    const order: string[] = [];
    await walk(
      [
        { id: "a", dependsOn: [], instant: true },
        { id: "b", dependsOn: ["a"] },
        { id: "c", dependsOn: ["b"], instant: true },
      ],
      {
        concurrency: 1,
        visit: (id) => {
          order.push(id);
          return id === "b" ? delay(1).then(() => true) : true;
        },
      },
    );
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("finishes a long chain of instant nodes (a plan of noops) without deep recursion", async () => {
    const length = 50_000;
    const nodes: WalkNode[] = Array.from({ length }, (_, i) => ({
      id: `n${i}`,
      dependsOn: i === 0 ? [] : [`n${i - 1}`],
      instant: true,
    }));
    const visited: string[] = [];
    const summary = await walk(nodes, {
      concurrency: 1,
      visit: (id) => {
        visited.push(id);
        return id !== "n40000";
      },
    });
    expect(summary).toEqual({ visited: 40_001, skipped: length - 40_001, cancelled: 0 });
    expect(visited.slice(0, 3)).toEqual(["n0", "n1", "n2"]);
    expect(visited.at(-1)).toBe("n40000");
  });

  it("on abort starts nothing new and cancels what did not start", async () => {
    const controller = new AbortController();
    const cancelled: string[] = [];
    const started: string[] = [];
    const nodes: WalkNode[] = Array.from({ length: 6 }, (_, index) => ({ id: `n${index}`, dependsOn: [] }));
    const summary = await walk(nodes, {
      concurrency: 2,
      signal: controller.signal,
      visit: async (id, signal) => {
        started.push(id);
        if (started.length === 2) controller.abort();
        await delay(2);
        return !signal.aborted;
      },
      onCancelled: (id) => cancelled.push(id),
    });
    expect(started).toHaveLength(2);
    expect(cancelled).toHaveLength(4);
    expect(summary.cancelled).toBe(4);
  });

  it("starts the node on the longest weighted path first", async () => {
    const order: string[] = [];
    await walk(
      [
        { id: "a-short", dependsOn: [], weight: 1 },
        { id: "b-long", dependsOn: [], weight: 1 },
        { id: "c-tail", dependsOn: ["b-long"], weight: 10 },
      ],
      {
        concurrency: 1,
        visit: async (id) => {
          order.push(id);
          return true;
        },
      },
    );
    expect(order).toEqual(["b-long", "c-tail", "a-short"]);
  });

  it("resolves at once for an empty graph", async () => {
    expect(await walk([], { concurrency: 1, visit: () => true })).toEqual({
      visited: 0,
      skipped: 0,
      cancelled: 0,
    });
  });
});

describe("Limiter", () => {
  it("counts holders and hands slots to waiters in order", async () => {
    const limiter = new Limiter(1);
    await limiter.acquire();
    const order: string[] = [];
    const second = limiter.acquire().then(() => order.push("second"));
    const third = limiter.acquire().then(() => order.push("third"));
    expect(limiter.active).toBe(1);
    limiter.release();
    await second;
    limiter.release();
    await third;
    expect(order).toEqual(["second", "third"]);
  });

  it("rejects a waiting acquire on abort and refuses a bad limit", async () => {
    const limiter = new Limiter(1);
    expect(limiter.tryAcquire()).toBe(true);
    const controller = new AbortController();
    const waiting = limiter.acquire({ signal: controller.signal });
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: "ABORTED" });
    expect(() => new Limiter(0)).toThrow(/positive integer/);
  });

  it("listens to a shared signal once for all its waiters, and stops listening once they are served", async () => {
    const limiter = new Limiter(1);
    expect(limiter.tryAcquire()).toBe(true);
    const controller = new AbortController();
    const listening = new Set<unknown>();
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((type: string, listener: unknown, options?: unknown) => {
      listening.add(listener);
      add(type, listener as EventListener, options as AddEventListenerOptions);
    }) as typeof controller.signal.addEventListener;
    controller.signal.removeEventListener = ((type: string, listener: unknown) => {
      listening.delete(listener);
      remove(type, listener as EventListener);
    }) as typeof controller.signal.removeEventListener;

    const served: number[] = [];
    const waiting = Array.from({ length: 30 }, (_, i) =>
      limiter.acquire({ signal: controller.signal }).then(() => served.push(i)),
    );
    expect(listening.size).toBe(1);
    for (let i = 0; i < 30; i++) {
      limiter.release();
      await waiting[i];
    }
    expect(served).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(listening.size).toBe(0);

    // Waiters still queued when the shared signal fires are all refused; none is left queued.
    const more = Array.from({ length: 12 }, () => limiter.acquire({ signal: controller.signal }));
    controller.abort();
    for (const one of more) await expect(one).rejects.toMatchObject({ code: "ABORTED" });
    limiter.release();
    expect(limiter.active).toBe(0);
  });
});
