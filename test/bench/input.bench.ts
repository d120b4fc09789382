/**
 * Input at any size (no assertions): how long pfnet takes to refuse hostile or huge input.
 * 1. loadSpec with 25,000 / 50,000 / 100,000 unknown keys (target: 100,000 in under 2 s;
 *    the per-key figure stays flat when validation is linear), and its split: reading the YAML
 *    (value and positions) and validating the value; the rest is locating and sorting.
 *    The same 100,000 keys as a JSON spec.
 * 2. `pfnet validate` on the 100,000-key file, in-process: time and bytes printed (capped at 50
 *    diagnostics).
 * 3. The refusals: a 20 MB spec, 100,000 nested brackets in a spec and in a plan file.
 */

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "@pfnet/cli-lite";
import { loadSpec, parsePlan, validateTopology } from "@pfnet/core";
// Internal, for the split of loadSpec's time: the reader alone.
import { parsePlainYaml } from "../../packages/core/src/spec/plain-yaml.js";

const HEADER = `version: 1
subscriptionId: 11111111-2222-3333-4444-555555555555
resourceGroup: rg-bench
workspaces:
  pf:
    network: managed
    ingress: private
    egress: private
`;

function unknownKeys(count: number): string {
  const lines: string[] = [HEADER];
  for (let i = 0; i < count; i++) lines.push(`    unknown${i}: x\n`);
  return lines.join("");
}

function timed<T>(body: () => T): { ms: number; value: T } {
  const start = performance.now();
  const value = body();
  return { ms: performance.now() - start, value };
}

const mb = (text: string) => `${(Buffer.byteLength(text) / 1048576).toFixed(1)} MB`;

export async function run(): Promise<void> {
  for (const count of [25_000, 50_000, 100_000]) {
    const text = unknownKeys(count);
    const { ms, value } = timed(() => loadSpec(text, { file: "big.yaml" }));
    console.log(
      `loadSpec, ${count} unknown keys (${mb(text)}): ${ms.toFixed(0)} ms, ${value.diagnostics.length} diagnostics, ${((ms * 1000) / count).toFixed(1)} us/key`,
    );
    const read = timed(() => parsePlainYaml(text));
    const validated = timed(() => validateTopology(read.value?.value));
    console.log(
      `  of which: read ${read.ms.toFixed(0)} ms (${read.value ? "plain YAML reader" : "yaml"}), validate ${validated.ms.toFixed(0)} ms`,
    );
  }

  // The same input as JSON (the JSON fast path: JSON.parse, and a scanner for positions).
  const asJson = JSON.stringify(parsePlainYaml(unknownKeys(100_000))?.value, null, 2);
  const json = timed(() => loadSpec(asJson, { file: "big.json" }));
  console.log(
    `loadSpec, 100000 unknown keys as JSON (${mb(asJson)}): ${json.ms.toFixed(0)} ms, ${json.value.diagnostics.length} diagnostics`,
  );

  const dir = mkdtempSync(join(tmpdir(), "pfnet-bench-input-"));
  writeFileSync(join(dir, "big.yaml"), unknownKeys(100_000));
  let printed = 0;
  const sink = { write: (text: string) => (printed += Buffer.byteLength(text)) };
  const start = performance.now();
  const code = await runCli(["validate", "big.yaml"], {
    stdout: sink,
    stderr: sink,
    isTTY: false,
    env: {},
    cwd: dir,
  });
  console.log(
    `pfnet validate, 100000 unknown keys: ${(performance.now() - start).toFixed(0)} ms, exit ${code}, ${(printed / 1024).toFixed(1)} KB printed`,
  );

  const huge = `${HEADER}# ${"x".repeat(20 * 1024 * 1024)}\n`;
  const refused = timed(() => loadSpec(huge, { file: "huge.yaml" }));
  console.log(
    `loadSpec, 20 MB comment refused: ${refused.ms.toFixed(1)} ms (${refused.value.diagnostics[0]?.message})`,
  );

  const deep = `${HEADER.replace("workspaces:\n", "workspaces: ")}${"[".repeat(100_000)}${"]".repeat(100_000)}\n`;
  const deepSpec = timed(() => loadSpec(deep, { file: "deep.yaml" }));
  console.log(`loadSpec, 100000 nested brackets refused: ${deepSpec.ms.toFixed(1)} ms`);

  const deepPlan = timed(() => {
    try {
      parsePlan(`${"[".repeat(100_000)}${"]".repeat(100_000)}`);
      return "accepted";
    } catch (error) {
      return (error as { code?: string }).code ?? "threw";
    }
  });
  console.log(`parsePlan, 100000 nested brackets: ${deepPlan.ms.toFixed(1)} ms (${deepPlan.value})`);
}
