/**
 * One fleet measurement in its own process (so peak RSS is this size's alone), for core.bench.ts:
 * `node --import tsx test/bench/fleet/core-child.ts <plan|apply> <workspaces>` prints one JSON line.
 * plan: the MemoryProvider already matches the spec (settled plan), per-step µs over 3 plans after
 * a warm-up; apply: a first apply of every workspace (10 private-endpoint + 30 FQDN rules each).
 */
import { apply, plan } from "@pfnet/core";
import { MemoryProvider, memoryWorkspace } from "@pfnet/core/testing";
import { fleetTopology, RG, SUB } from "./topology.js";

const [mode, countText] = process.argv.slice(2);
const count = Number(countText);
const topology = fleetTopology(count);
const provider = new MemoryProvider({
  state: {
    workspaces: Object.keys(topology.workspaces).map((name) =>
      memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name }),
    ),
  },
});
const first = await plan(topology, provider);
const steps = first.steps.length;
if (mode === "apply") {
  const started = performance.now();
  const result = await apply(first, provider, { concurrency: 10 });
  const ms = performance.now() - started;
  console.log(
    JSON.stringify({
      steps,
      ms,
      failed: result.outcomes.failed,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
} else {
  await apply(first, provider, { concurrency: 50 });
  await plan(topology, provider); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    await plan(topology, provider);
    samples.push(performance.now() - started);
  }
  const ms = samples.sort((a, b) => a - b)[1]!;
  console.log(
    JSON.stringify({
      steps,
      ms,
      usPerStep: (ms * 1000) / steps,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
    }),
  );
}
