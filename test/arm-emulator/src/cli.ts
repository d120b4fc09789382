/**
 * `pnpm emulator [--port N] [--time-scale F] [--seed FILE] [--faults FILE] [--race-mode M] [--random-seed N] [--lro-forms seeded|accepted]`
 * First stdout line: {"endpoint","caCertPath","subscriptionId"}. Runs until SIGINT/SIGTERM, exits 0.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { loadFaultsFile } from "./faults.js";
import type { RaceMode } from "./http.js";
import { startEmulator } from "./server.js";

function usage(message: string): never {
  process.stderr.write(
    `pnpm emulator: ${message}\nusage: pnpm emulator [--port N] [--time-scale MS_PER_AZURE_MINUTE] [--seed FILE] [--faults FILE] [--race-mode lastWriterWins|conflict|off] [--random-seed N] [--lro-forms seeded|accepted]\n`,
  );
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opts: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === "--") continue;
    if (!a.startsWith("--")) usage(`unexpected argument '${a}'`);
    const [name, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const value = inline ?? args[++i];
    if (value === undefined) usage(`--${name} needs a value`);
    opts[name] = value;
  }
  const known = ["port", "time-scale", "seed", "faults", "race-mode", "random-seed", "lro-forms"];
  for (const k of Object.keys(opts)) if (!known.includes(k)) usage(`unknown option --${k}`);
  const num = (name: string): number | undefined => {
    if (opts[name] === undefined) return undefined;
    const n = Number(opts[name]);
    if (!Number.isFinite(n) || n < 0) usage(`--${name} must be a non-negative number (got '${opts[name]}')`);
    return n;
  };
  const raceMode = opts["race-mode"] as RaceMode | undefined;
  if (raceMode && !["lastWriterWins", "conflict", "off"].includes(raceMode))
    usage("--race-mode must be lastWriterWins, conflict or off");
  const lroForms = opts["lro-forms"] as "seeded" | "accepted" | undefined;
  if (lroForms && !["seeded", "accepted"].includes(lroForms)) usage("--lro-forms must be seeded or accepted");
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    const port = num("port");
    const timeScale = num("time-scale");
    const randomSeed = num("random-seed");
    emulator = await startEmulator({
      ...(port !== undefined ? { port } : {}),
      ...(timeScale !== undefined ? { timeScale } : {}),
      ...(randomSeed !== undefined ? { randomSeed } : {}),
      ...(opts.seed ? { seed: resolve(opts.seed) } : {}),
      ...(opts.faults ? { faults: loadFaultsFile(resolve(opts.faults)) } : {}),
      ...(raceMode ? { raceMode } : {}),
      ...(lroForms ? { lroForms } : {}),
    });
  } catch (error) {
    process.stderr.write(`pnpm emulator: ${(error as Error).message}\n`);
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), "pfnet-arm-emulator-"));
  const caCertPath = join(dir, "ca.pem");
  writeFileSync(caCertPath, emulator.caCert);
  process.stdout.write(
    `${JSON.stringify({ endpoint: emulator.endpoint, caCertPath, subscriptionId: emulator.subscriptionId })}\n`,
  );
  // The CA folder lives as long as the emulator: its certificate is useless after it stops.
  const removeCa = () => rmSync(dir, { recursive: true, force: true });
  process.once("exit", removeCa);
  const stop = () => {
    void emulator.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

void main();
