/**
 * Properties of the engine (fast-check): convergence on the in-memory provider, and the
 * scheduler's invariants under random graphs, latencies, failures and aborts.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { apply, applyVerified } from "../src/apply/apply.js";
import { PfnetError } from "../src/errors.js";
import { Graph } from "../src/graph/graph.js";
import { plan } from "../src/plan/plan.js";
import { parsePlan, serializePlan } from "../src/plan/serialize.js";
import { PLAN_FORMAT_VERSION, type PlanStep, planHasChanges } from "../src/plan/types.js";
import type { Provider, ReadResult, StepResult } from "../src/provider.js";
import { MemoryProvider } from "../src/testing/index.js";
import { actualStateFor, choicesArbitrary, topologyArbitrary } from "./arbitraries.js";
import { syntheticPlan } from "./support.js";

describe("convergence", () => {
  it("apply(plan) on random topologies and actual states, then plan again: no changes", async () => {
    await fc.assert(
      fc.asyncProperty(
        topologyArbitrary,
        choicesArbitrary,
        fc.integer({ min: 1, max: 10 }),
        async (topology, choices, concurrency) => {
          const provider = new MemoryProvider({ state: actualStateFor(topology, choices) });
          const first = await plan(topology, provider);
          // Random actual states include private things the spec makes public: consent given.
          const result = await apply(first, provider, { concurrency, allowWeaken: true });
          expect(result.errors).toEqual([]);
          expect(result.outcomes.succeeded).toBe(first.steps.length);
          const second = await plan(topology, provider);
          expect(
            second.steps
              .filter((step) => step.action !== "noop")
              .map((step) => `${step.action} ${step.address}: ${step.reason}`),
          ).toEqual([]);
          expect(planHasChanges(second)).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });

  it("after random injected failures, repeated plan/apply rounds converge", async () => {
    await fc.assert(
      fc.asyncProperty(topologyArbitrary, choicesArbitrary, fc.integer(), async (topology, choices, seed) => {
        const provider = new MemoryProvider({
          state: actualStateFor(topology, choices),
          failureRate: 0.25,
          seed,
        });
        let rounds = 0;
        for (; rounds < 30; rounds++) {
          const planned = await plan(topology, provider);
          if (!planHasChanges(planned)) break;
          const result = await apply(planned, provider, { concurrency: 4, allowWeaken: true });
          // Every error is a root cause of a failed step; skipped steps carry none.
          expect(result.errors.length).toBe(result.outcomes.failed);
          for (const step of result.steps) if (step.outcome === "skipped") expect(step.error).toBeUndefined();
        }
        expect(rounds).toBeLessThan(30);
      }),
      { numRuns: 30 },
    );
  });

  it("a stale plan is refused with nothing written", async () => {
    await fc.assert(
      fc.asyncProperty(topologyArbitrary, choicesArbitrary, fc.nat(), async (topology, choices, which) => {
        const provider = new MemoryProvider({ state: actualStateFor(topology, choices) });
        const planned = await plan(topology, provider);
        fc.pre(planHasChanges(planned) && provider.state().workspaces.length > 0);
        provider.update((state) => {
          const ws = state.workspaces[which % state.workspaces.length]!;
          ws.publicNetworkAccess = ws.publicNetworkAccess === "Enabled" ? "Disabled" : "Enabled";
        });
        const before = provider.state();
        await expect(apply(planned, provider, { allowWeaken: true })).rejects.toMatchObject({
          code: "PLAN_STALE",
        });
        expect(provider.calls.apply).toBe(0);
        expect(provider.state()).toEqual(before);
      }),
      { numRuns: 30 },
    );
  });

  it("parsePlan rejects truncated, edited and wrong-version plan files", async () => {
    await fc.assert(
      fc.asyncProperty(
        topologyArbitrary,
        choicesArbitrary,
        fc.double({ min: 0, max: 0.9999, noNaN: true }),
        fc.nat(),
        fc.integer().filter((version) => version !== PLAN_FORMAT_VERSION),
        async (topology, choices, cut, stepIndex, version) => {
          const provider = new MemoryProvider({ state: actualStateFor(topology, choices) });
          const text = serializePlan(await plan(topology, provider));
          expect(parsePlan(text)).toBeTruthy();
          const body = text.trimEnd();
          expect(() => parsePlan(body.slice(0, Math.floor(cut * body.length)))).toThrow(PfnetError);

          const edited = JSON.parse(text);
          const step = edited.steps[stepIndex % edited.steps.length];
          step.action = step.action === "noop" ? "create" : "noop";
          expect(() => parsePlan(JSON.stringify(edited))).toThrow(/checksum does not match/);

          const versioned = JSON.parse(text);
          versioned.formatVersion = version;
          expect(() => parsePlan(JSON.stringify(versioned))).toThrow(/format version/);
        },
      ),
      { numRuns: 30 },
    );
  });
});

// ------------------------------------------------------------------ scheduler

interface GraphSpec {
  steps: PlanStep[];
  latency: Record<string, number>;
}

/** Random DAGs: each step may depend on earlier ones; a few lanes. */
const graphArbitrary: fc.Arbitrary<GraphSpec> = fc
  .array(
    fc.record({
      deps: fc.array(fc.nat(), { maxLength: 3 }),
      lane: fc.option(fc.constantFrom("L1", "L2", "L3"), { nil: undefined }),
      latency: fc.integer({ min: 0, max: 3 }),
      noop: fc.boolean().map((b) => b && Math.random() < 0.3),
    }),
    { minLength: 1, maxLength: 25 },
  )
  .map((items) => {
    const steps: PlanStep[] = items.map((item, index) => {
      const deps =
        index === 0 ? [] : [...new Set(item.deps.map((d) => `s${String(d % index).padStart(2, "0")}`))];
      return {
        address: `s${String(index).padStart(2, "0")}`,
        kind: "nsgRule",
        action: item.noop ? "noop" : "update",
        identity: {},
        before: null,
        after: {},
        changedPaths: [],
        reason: "test",
        dependsOn: deps,
        ...(item.lane ? { lane: item.lane } : {}),
        guard: false,
      };
    });
    return {
      steps,
      latency: Object.fromEntries(
        items.map((item, index) => [`s${String(index).padStart(2, "0")}`, item.latency]),
      ),
    };
  });

/** Synthetic graphs no spec makes: driven through the walk without re-derivation. */
const planOf = (steps: PlanStep[]) => syntheticPlan(steps, "recording");

/** A provider that checks the scheduler's invariants at every start. */
class RecordingProvider implements Provider {
  readonly name = "recording";
  readonly finished = new Set<string>();
  readonly started: string[] = [];
  readonly running = new Set<string>();
  readonly violations: string[] = [];
  peak = 0;
  onStart?: (address: string) => void;

  constructor(
    readonly spec: GraphSpec,
    readonly concurrency: number,
    readonly failing: Set<string> = new Set(),
  ) {}

  async read(): Promise<ReadResult> {
    return { resources: {}, discovered: [] };
  }

  async apply(step: PlanStep, context: { signal: AbortSignal }): Promise<StepResult> {
    for (const dependency of step.dependsOn) {
      const dep = this.spec.steps.find((candidate) => candidate.address === dependency)!;
      if (dep.action !== "noop" && !this.finished.has(dependency))
        this.violations.push(`${step.address} started before ${dependency}`);
    }
    for (const other of this.running) {
      const lane = this.spec.steps.find((candidate) => candidate.address === other)!.lane;
      if (lane !== undefined && lane === step.lane)
        this.violations.push(`${step.address} overlaps ${other} in lane ${lane}`);
    }
    this.running.add(step.address);
    this.started.push(step.address);
    this.peak = Math.max(this.peak, this.running.size);
    if (this.running.size > this.concurrency)
      this.violations.push(`concurrency ${this.running.size} > ${this.concurrency}`);
    this.onStart?.(step.address);
    try {
      const ms = this.spec.latency[step.address] ?? 0;
      await new Promise<void>((resolve, reject) => {
        if (context.signal.aborted) return reject(new PfnetError("ABORTED", "aborted"));
        const onAbort = () => {
          clearTimeout(timer);
          reject(new PfnetError("ABORTED", "aborted"));
        };
        const timer = setTimeout(() => {
          context.signal.removeEventListener("abort", onAbort);
          resolve();
        }, ms);
        context.signal.addEventListener("abort", onAbort, { once: true });
      });
      if (this.failing.has(step.address)) throw new PfnetError("PROVIDER_ERROR", `injected ${step.address}`);
      this.finished.add(step.address);
      return { outcome: "succeeded" };
    } finally {
      this.running.delete(step.address);
    }
  }
}

describe("scheduler", () => {
  it("never starts a step before its dependencies, never exceeds the concurrency, never overlaps a lane", async () => {
    await fc.assert(
      fc.asyncProperty(graphArbitrary, fc.integer({ min: 1, max: 5 }), async (spec, concurrency) => {
        const provider = new RecordingProvider(spec, concurrency);
        const result = await applyVerified(planOf(spec.steps), provider, { concurrency, checkStale: false });
        expect(provider.violations).toEqual([]);
        expect(result.outcomes.succeeded).toBe(spec.steps.length);
        expect(provider.started.length).toBe(spec.steps.filter((step) => step.action !== "noop").length);
      }),
      { numRuns: 60 },
    );
  });

  it("under injected failures skips every dependent of a failed step and completes every independent step", async () => {
    await fc.assert(
      fc.asyncProperty(
        graphArbitrary,
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (spec, concurrency, picks) => {
          const candidates = spec.steps.filter((step) => step.action !== "noop").map((step) => step.address);
          fc.pre(candidates.length > 0);
          const failing = new Set(picks.map((pick) => candidates[pick % candidates.length]!));
          const provider = new RecordingProvider(spec, concurrency, failing);
          const result = await applyVerified(planOf(spec.steps), provider, {
            concurrency,
            checkStale: false,
          });
          const graph = Graph.fromDependencies(spec.steps);
          const outcome = Object.fromEntries(result.steps.map((step) => [step.address, step]));
          const doomed = new Set<string>();
          for (const address of failing)
            for (const dependent of graph.transitiveDependents(address)) doomed.add(dependent);
          for (const step of spec.steps) {
            const record = outcome[step.address]!;
            if (failing.has(step.address) && !doomed.has(step.address)) expect(record.outcome).toBe("failed");
            else if (doomed.has(step.address)) {
              expect(record.outcome).toBe("skipped");
              expect(failing.has(record.skippedBecause!)).toBe(true);
              expect(graph.transitiveDependents(record.skippedBecause!).has(step.address)).toBe(true);
            } else expect(record.outcome).toBe("succeeded");
          }
          // Root causes only: one error per failed step.
          expect(result.errors.map((error) => error.address).sort()).toEqual(
            result.steps
              .filter((step) => step.outcome === "failed")
              .map((step) => step.address)
              .sort(),
          );
          expect(provider.violations).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("an abort stops new steps and reports the rest cancelled", async () => {
    await fc.assert(
      fc.asyncProperty(
        graphArbitrary,
        fc.integer({ min: 1, max: 5 }),
        fc.nat(),
        async (spec, concurrency, pick) => {
          const writes = spec.steps.filter((step) => step.action !== "noop").length;
          fc.pre(writes > 0);
          const abortAfter = (pick % writes) + 1;
          const controller = new AbortController();
          const provider = new RecordingProvider(spec, concurrency);
          provider.onStart = () => {
            if (provider.started.length === abortAfter) controller.abort();
          };
          const result = await applyVerified(planOf(spec.steps), provider, {
            concurrency,
            checkStale: false,
            signal: controller.signal,
          });
          // Nothing started after the abort.
          expect(provider.started.length).toBe(abortAfter);
          for (const record of result.steps) {
            if (record.outcome === "succeeded") {
              expect(record.action === "noop" || provider.finished.has(record.address)).toBe(true);
            } else {
              expect(record.outcome).toBe("cancelled");
            }
          }
          expect(result.outcomes.cancelled + result.outcomes.succeeded).toBe(spec.steps.length);
          expect(
            result.steps.filter((record) => record.outcome === "succeeded" && record.action !== "noop")
              .length,
          ).toBeLessThan(abortAfter + 1);
          expect(result.errors).toEqual([]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
