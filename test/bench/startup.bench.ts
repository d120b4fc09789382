/**
 * Start-up of the built `pfnet` binary as ratios to `node -e 0` (no assertions; the cause, what
 * each command loads, is checked by packages/cli-lite/test/startup.test.ts). Targets: --version,
 * --help and validate within 2x; plan against the emulator loads only the SDK packages of its kinds.
 *
 * The commands run in turns (round-robin) so that a machine busy with other work slows them
 * alike; each figure is the median of its runs. NODE_EXTRA_CA_CERTS is left out of their
 * environment: with it Node 20 parses the whole CA bundle before running anything, which adds the
 * same ~200 ms to every row and so hides the ratios.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startEmulator } from "@pfnet/arm-emulator";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "packages/cli-lite/bin/pfnet.js");
const ROUNDS = Number(process.env.PFNET_BENCH_ROUNDS) || 15;

/** Wall milliseconds of one run (spawned asynchronously: the emulator answers from this process). */
function timeRun(args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: "ignore",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0 && code !== 2) reject(new Error(`node ${args.join(" ")} exited ${code}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

export async function run(): Promise<void> {
  const built = spawnSync("pnpm", ["run", "build"], { cwd: ROOT, stdio: "ignore" });
  if (built.status !== 0) throw new Error("pnpm run build failed");
  const emulator = await startEmulator({ timeScale: 5 });
  try {
    const dir = mkdtempSync(join(tmpdir(), "pfnet-bench-"));
    const ca = join(dir, "ca.pem");
    writeFileSync(ca, emulator.caCert);
    const target = ["--endpoint", emulator.endpoint, "--ca-cert", ca];
    const rows: { label: string; args: string[] }[] = [
      { label: "node -e 0", args: ["-e", "0"] },
      { label: "pfnet --version", args: [BIN, "--version"] },
      { label: "pfnet --help", args: [BIN, "--help"] },
      {
        label: "pfnet validate examples/two-workspace.yaml",
        args: [BIN, "validate", "examples/two-workspace.yaml"],
      },
      {
        label: "pfnet plan examples/managed-private-private.yaml (emulator)",
        args: [BIN, "plan", "examples/managed-private-private.yaml", ...target],
      },
      {
        label: "pfnet plan examples/byo-private-public.yaml (emulator, own VNet)",
        args: [BIN, "plan", "examples/byo-private-public.yaml", ...target],
      },
    ];
    const times = rows.map(() => [] as number[]);
    for (const row of rows) await timeRun(row.args); // warm the file cache
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, row] of rows.entries()) times[i]!.push(await timeRun(row.args));
    }
    const base = median(times[0]!);
    console.log(
      `start-up, median of ${ROUNDS} runs each, as a ratio to node -e 0 (target for --version, --help, validate: <= 2.0x)`,
    );
    for (const [i, row] of rows.entries()) {
      const ms = median(times[i]!);
      console.log(`  ${row.label.padEnd(68)} ${ms.toFixed(0).padStart(5)} ms  ${(ms / base).toFixed(2)}x`);
    }
    rmSync(dir, { recursive: true, force: true });
  } finally {
    await emulator.close();
  }
}
