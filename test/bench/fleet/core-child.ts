/**
 * One fleet measurement in its own process (so peak RSS is that measurement's alone), for
 * core.bench.ts: `node --import tsx test/bench/fleet/core-child.ts <mode> <workspaces> [state file]`
 * prints one JSON line. Workspaces have 10 private-endpoint and 30 FQDN rules each.
 * - settle: plan and apply the fleet on a MemoryProvider, write its state to the file;
 * - plan: load that settled state and plan (every step a noop): µs per step of the fastest of 3
 *   plans after 2 warm-ups, and peak RSS (the state plus planning, nothing else);
 * - apply: a first in-memory apply of the whole fleet;
 * - apply-own-vnet: the same for the own-VNet fleet (private endpoints, DNS zone groups,
 *   approvals and NSG rules: the kinds whose in-memory reads and writes once scanned the state).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { apply, plan } from "@pfnet/core";
import { MemoryProvider, memoryWorkspace } from "@pfnet/core/testing";
import { fleetTopology, ownVnetFleetTopology, RG, SUB } from "./topology.js";

const [mode, countText, stateFile] = process.argv.slice(2);
const count = Number(countText);
const topology = mode === "apply-own-vnet" ? ownVnetFleetTopology(count) : fleetTopology(count);
const maxRssMb = () => process.resourceUsage().maxRSS / 1024;

if (mode === "plan") {
  // Parsed inside a function: at the top level the file's text stays on this module's frame for
  // the whole run, and its 64 MB at 5,000 workspaces would count as planning.
  const load = () => new MemoryProvider({ state: JSON.parse(readFileSync(stateFile!, "utf8")) });
  const provider = load();
  // Each plan inside a function that returns its step count: an `await plan(…)` at the top level
  // leaves the plan it resolved to on this module's frame (a heap snapshot shows one retained from
  // the stack roots) until the next, so the peak held a previous plan beside the one being made.
  const planned = async () => (await plan(topology, provider)).steps.length;
  // Two warm-ups (JIT, caches), then the fastest of three: the figure is the engine's cost, not
  // this machine's noise.
  await planned();
  await planned();
  const samples: number[] = [];
  let steps = 0;
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    steps = await planned();
    samples.push(performance.now() - started);
  }
  const ms = Math.min(...samples);
  console.log(JSON.stringify({ steps, ms, usPerStep: (ms * 1000) / steps, maxRssMb: maxRssMb() }));
} else {
  const provider = new MemoryProvider({
    state: {
      workspaces: Object.keys(topology.workspaces).map((name) =>
        memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name }),
      ),
    },
  });
  const first = await plan(topology, provider);
  const steps = first.steps.length;
  const started = performance.now();
  const result = await apply(first, provider, { concurrency: mode === "settle" ? 50 : 10 });
  const ms = performance.now() - started;
  if (mode === "settle") writeFileSync(stateFile!, JSON.stringify(provider.state()));
  console.log(
    JSON.stringify({
      steps,
      ms,
      usPerStep: (ms * 1000) / steps,
      failed: result.outcomes.failed,
      maxRssMb: maxRssMb(),
    }),
  );
}
