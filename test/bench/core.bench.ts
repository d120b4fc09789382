/**
 * Core engine figures (no assertions):
 * 1. expand + diff + plan for 50 workspaces x 40 outbound rules against a MemoryProvider that
 *    already matches (target: plan < 50 ms).
 * 2. scheduler overhead for 2,000 zero-latency steps (target < 100 ms).
 * 3. apply wall time / critical-path lower bound for random step latencies at concurrency 10
 *    (target <= 1.05).
 * 4. fleet size, each in its own process (peak RSS of that size alone): settled-plan µs per step
 *    and peak RSS at 50 / 1,000 / 5,000 workspaces x 40 rules (target: 5,000 within 1.5x of 50,
 *    RSS < 1.2 GB), and a first in-memory apply of 1,000 workspaces x 40 rules (target < 10 s) and
 *    of 1,000 own-VNet workspaces x 10 private endpoints.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  apply,
  checkProvenance,
  diff,
  expand,
  type PlanStep,
  type Provider,
  parsePlan,
  plan,
  serializePlan,
  validate,
  verifyPlan,
  verifyPlanSignature,
  weakeningsOf,
} from "@pfnet/core";
import { MemoryProvider, memoryWorkspace, seededRandom } from "@pfnet/core/testing";
// The walk alone, for synthetic graphs no spec makes (not exported from the package).
import { applyVerified } from "../../packages/core/src/apply/apply.js";
import { syntheticPlan } from "../../packages/core/test/support.js";
import { fleetTopology, RG, SUB } from "./fleet/topology.js";

const here = fileURLToPath(new URL(".", import.meta.url));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(runs: number, body: () => unknown): Promise<number> {
  for (let i = 0; i < 3; i++) await body(); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await body();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

type Row = [string, string, string];
const rows: Row[] = [];

async function planFigures(): Promise<void> {
  const topology = fleetTopology(50);
  const provider = new MemoryProvider({
    state: {
      workspaces: Object.keys(topology.workspaces).map((name) =>
        memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name }),
      ),
    },
  });
  // Bring the provider to the desired state, so the measured plans compare 2,000+ matching resources.
  await apply(await plan(topology, provider), provider, { concurrency: 50 });
  const nodes = expand(topology);
  const context = { signal: new AbortController().signal, emit: () => {} };
  const read = await provider.read(nodes, context);
  const rules = nodes.filter((node) => node.kind === "outboundRule").length;

  const validateMs = await time(20, () => validate(topology));
  const expandMs = await time(20, () => expand(topology));
  const readMs = await time(20, () => provider.read(nodes, context));
  const diffMs = await time(20, () => diff(nodes, read));
  const planMs = await time(20, () => plan(topology, provider));
  const planned = await plan(topology, provider);
  rows.push(["validate (schema + spec rules), 50 workspaces", `${validateMs.toFixed(1)} ms`, ""]);
  rows.push([`expand (${nodes.length} nodes, ${rules} rules)`, `${expandMs.toFixed(1)} ms`, ""]);
  rows.push(["MemoryProvider.read (all nodes)", `${readMs.toFixed(1)} ms`, ""]);
  rows.push(["diff", `${diffMs.toFixed(1)} ms`, ""]);
  rows.push([
    `plan (validate+expand+read+diff+order), ${planned.steps.length} steps`,
    `${planMs.toFixed(1)} ms`,
    `target < 50 ms${planMs < 50 ? "" : "  (MISSED)"}`,
  ]);

  // The checks apply runs on a saved plan before any read (docs/security.md).
  const text = serializePlan(planned, { planKey: "bench-plan-key" });
  const saved = parsePlan(text);
  const parseMs = await time(20, () => parsePlan(text));
  const verifyMs = await time(20, () => verifyPlan(saved));
  const signatureMs = await time(20, () => verifyPlanSignature(saved, "bench-plan-key"));
  const witnessMs = await time(20, () => checkProvenance(saved, { specTopology: topology }));
  const weakenMs = await time(20, () => weakeningsOf(saved.steps));
  const total = verifyMs + signatureMs + witnessMs + weakenMs;
  rows.push([
    `plan checks: parsePlan (schema, checksum), ${(text.length / 1e6).toFixed(1)} MB file`,
    `${parseMs.toFixed(1)} ms`,
    "",
  ]);
  rows.push(["plan checks: re-derivation (verifyPlan)", `${verifyMs.toFixed(1)} ms`, ""]);
  rows.push(["plan checks: HMAC-SHA256 signature", `${signatureMs.toFixed(1)} ms`, ""]);
  rows.push(["plan checks: spec witness (topology hash)", `${witnessMs.toFixed(1)} ms`, ""]);
  rows.push(["plan checks: weakening marks", `${weakenMs.toFixed(1)} ms`, ""]);
  rows.push([
    "plan checks after parsing, total",
    `${total.toFixed(1)} ms`,
    `${((total / planMs) * 100).toFixed(0)}% of one plan`,
  ]);
}

function step(address: string, dependsOn: string[], extra: Partial<PlanStep> = {}): PlanStep {
  return {
    address,
    kind: "nsgRule",
    action: "update",
    identity: {},
    before: null,
    after: {},
    changedPaths: [],
    reason: "bench",
    dependsOn,
    guard: false,
    ...extra,
  };
}

/** Synthetic graphs no spec makes: driven through the walk without re-derivation. */
const planOf = (steps: PlanStep[]) => syntheticPlan(steps, "bench");

async function schedulerOverhead(): Promise<void> {
  // Seeded: every run measures the same graphs.
  const next = seededRandom(42);
  const steps: PlanStep[] = [];
  for (let i = 0; i < 2000; i++) {
    const deps =
      i === 0
        ? []
        : [...new Set(Array.from({ length: Math.floor(next() * 3) }, () => `s${Math.floor(next() * i)}`))];
    steps.push(step(`s${i}`, deps, next() < 0.3 ? { lane: `lane-${Math.floor(next() * 50)}` } : {}));
  }
  const instant: Provider = {
    name: "instant",
    read: async () => ({ resources: {}, discovered: [] }),
    apply: async () => ({ outcome: "succeeded" }),
  };
  const planned = planOf(steps);
  const ms = await time(10, () => applyVerified(planned, instant, { concurrency: 10, checkStale: false }));
  rows.push([
    "scheduler: 2,000 zero-latency steps (random DAG, 30% in 50 lanes)",
    `${ms.toFixed(1)} ms`,
    `target < 100 ms${ms < 100 ? "" : "  (MISSED)"}`,
  ]);
}

interface Scenario {
  steps: PlanStep[];
  latency: Map<string, number>;
}

/** Lower bound of any schedule: the longest path, the work per slot, the busiest lane. */
function lowerBound({ steps, latency }: Scenario, concurrency: number): number {
  const finish = new Map<string, number>();
  for (const s of steps) {
    const start = Math.max(0, ...s.dependsOn.map((d) => finish.get(d)!));
    finish.set(s.address, start + latency.get(s.address)!);
  }
  const criticalPath = Math.max(...finish.values());
  const work = steps.reduce((sum, s) => sum + latency.get(s.address)!, 0);
  const lanes = new Map<string, number>();
  for (const s of steps) if (s.lane) lanes.set(s.lane, (lanes.get(s.lane) ?? 0) + latency.get(s.address)!);
  return Math.max(criticalPath, work / concurrency, ...lanes.values());
}

async function wallVsBound(name: string, scenario: Scenario, concurrency: number): Promise<void> {
  const sleeper: Provider = {
    name: "sleeper",
    read: async () => ({ resources: {}, discovered: [] }),
    apply: (s) =>
      new Promise((resolve) =>
        setTimeout(() => resolve({ outcome: "succeeded" }), scenario.latency.get(s.address)),
      ),
  };
  const planned = planOf(scenario.steps);
  const start = performance.now();
  await applyVerified(planned, sleeper, { concurrency, checkStale: false });
  const wall = performance.now() - start;
  const bound = lowerBound(scenario, concurrency);
  const ratio = wall / bound;
  rows.push([
    name,
    `${(wall / 1000).toFixed(2)} s / ${(bound / 1000).toFixed(2)} s = ${ratio.toFixed(3)}`,
    `target <= 1.05${ratio <= 1.05 ? "" : "  (MISSED)"}`,
  ]);
}

/** A random DAG of 300 steps, latencies 10-100 ms, estimates equal to the latencies. */
function randomDag(seed: number): Scenario {
  // Seeded: every run measures the same graphs.
  const next = seededRandom(seed);
  const steps: PlanStep[] = [];
  const latency = new Map<string, number>();
  for (let i = 0; i < 300; i++) {
    const deps =
      i === 0
        ? []
        : [...new Set(Array.from({ length: Math.floor(next() * 3) }, () => `s${Math.floor(next() * i)}`))];
    const ms = 10 + Math.floor(next() * 90);
    latency.set(`s${i}`, ms);
    steps.push(step(`s${i}`, deps, { estimatedSeconds: { min: ms, max: ms } }));
  }
  return { steps, latency };
}

/** Workspace-shaped: per workspace, workspace -> rules (one lane) -> network -> approvals, role. */
function workspaceShaped(seed: number): Scenario {
  // Seeded: every run measures the same graphs.
  const next = seededRandom(seed);
  const steps: PlanStep[] = [];
  const latency = new Map<string, number>();
  const add = (address: string, deps: string[], ms: number, lane?: string) => {
    latency.set(address, ms);
    steps.push(step(address, deps, { estimatedSeconds: { min: ms, max: ms }, ...(lane ? { lane } : {}) }));
  };
  for (let w = 0; w < 12; w++) {
    const lane = `workspace.w${w}`;
    add(`w${w}`, [], 20 + Math.floor(next() * 40), lane);
    const rules: string[] = [];
    for (let r = 0; r < 2 + Math.floor(next() * 5); r++) {
      add(`w${w}.rule.${r}`, [`w${w}`], 10 + Math.floor(next() * 30), lane);
      rules.push(`w${w}.rule.${r}`);
    }
    add(`w${w}.network`, [`w${w}`, ...rules], 150 + Math.floor(next() * 250), lane);
    add(`w${w}.role`, [`w${w}`], 50 + Math.floor(next() * 200));
    for (let a = 0; a < 3; a++) add(`w${w}.approval.${a}`, [`w${w}.network`], 10 + Math.floor(next() * 40));
  }
  return { steps, latency };
}

/** One measurement of test/bench/fleet/core-child.ts in a fresh process. */
function fleetChild(
  mode: "settle" | "plan" | "apply" | "apply-own-vnet",
  workspaces: number,
  stateFile = "",
): { steps: number; ms: number; usPerStep: number; maxRssMb: number } {
  const output = execFileSync(
    process.execPath,
    ["--import", "tsx", `${here}fleet/core-child.ts`, mode, String(workspaces), stateFile],
    { encoding: "utf8", maxBuffer: 1 << 20 },
  );
  return JSON.parse(output.trim().split("\n").pop()!);
}

function fleetFigures(): void {
  const sizes = [50, 1000, 5000];
  const dir = mkdtempSync(join(tmpdir(), "pfnet-fleet-"));
  const plans = sizes.map((size) => {
    const stateFile = join(dir, `state-${size}.json`);
    fleetChild("settle", size, stateFile);
    return { size, ...fleetChild("plan", size, stateFile) };
  });
  rmSync(dir, { recursive: true, force: true });
  const base = plans[0]!.usPerStep;
  for (const p of plans) {
    const ratio = p.usPerStep / base;
    rows.push([
      `plan per step, ${p.size.toLocaleString("en")} workspaces x 40 rules (${p.steps.toLocaleString("en")} steps)`,
      `${p.usPerStep.toFixed(1)} µs/step (${ratio.toFixed(2)}x of 50), ${p.ms.toFixed(0)} ms, peak RSS ${p.maxRssMb.toFixed(0)} MB`,
      p.size === 5000
        ? `target <= 1.5x, < 1200 MB${ratio <= 1.5 && p.maxRssMb < 1200 ? "" : "  (MISSED)"}`
        : "",
    ]);
  }
  const applied = fleetChild("apply", 1000);
  rows.push([
    `MemoryProvider first apply, 1,000 workspaces x 40 rules (${applied.steps.toLocaleString("en")} steps)`,
    `${(applied.ms / 1000).toFixed(2)} s (${applied.usPerStep.toFixed(0)} µs/step), peak RSS ${applied.maxRssMb.toFixed(0)} MB`,
    `target < 10 s${applied.ms < 10_000 ? "" : "  (MISSED)"}`,
  ]);
  const ownVnet = fleetChild("apply-own-vnet", 1000);
  rows.push([
    `MemoryProvider first apply, 1,000 own-VNet workspaces x 10 private endpoints (${ownVnet.steps.toLocaleString("en")} steps)`,
    `${(ownVnet.ms / 1000).toFixed(2)} s (${ownVnet.usPerStep.toFixed(0)} µs/step), peak RSS ${ownVnet.maxRssMb.toFixed(0)} MB`,
    "",
  ]);
}

export async function run(): Promise<void> {
  await planFigures();
  await schedulerOverhead();
  await wallVsBound("apply/bound: random DAG, 300 steps, 10-100 ms, concurrency 10", randomDag(7), 10);
  await wallVsBound("apply/bound: 12 workspaces with lanes, concurrency 10", workspaceShaped(11), 10);
  fleetFigures();
  const width = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(width[i]!)).join("  |  "));
}
