/**
 * Commands load only what they use: the built binary runs with a resolve hook that logs every
 * module it imports. Timings are the bench's (`pnpm bench startup`); this checks the cause.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { Emulator } from "@pfnet/arm-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// Closing it checks the whole request log against the official specs (test/azure-specs).
import { startTestEmulator as startEmulator } from "../../../test/e2e/fixtures.js";
import { REPO_ROOT, tempDir } from "./helpers.js";

const BIN = join(REPO_ROOT, "packages/cli-lite/bin/pfnet.js");
const RECORDER = pathToFileURL(join(REPO_ROOT, "packages/cli-lite/test/load-recorder/register.mjs")).href;
const BUILT = [
  "packages/core/dist/index.js",
  "packages/azure/dist/index.js",
  "packages/cli-lite/dist/main.js",
];

/** Run the built binary; resolve with its exit code, output and the packages it loaded. */
function pfnetLoading(
  args: string[],
): Promise<{ code: number | null; output: string; packages: Set<string> }> {
  const log = join(tempDir(), "loads.txt");
  writeFileSync(log, "");
  // Asynchronous: the emulator answers from this process.
  const child = spawn(process.execPath, ["--import", RECORDER, BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, NO_COLOR: "1", PFNET_LOAD_LOG: log, PFNET_TIME_SCALE: "5" },
  });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      resolve({ code, output, packages: packagesIn(readFileSync(log, "utf8")) });
    });
  });
}

/** `@scope/name` or `name` of every module URL under a node_modules folder, and pfnet's own packages. */
function packagesIn(log: string): Set<string> {
  const found = new Set<string>();
  for (const url of log.split("\n")) {
    const own = /\/packages\/(core|azure|cli-lite)\/dist\//.exec(url);
    if (own) found.add(`@pfnet/${own[1]}`);
    const match = /.*\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match) found.add(match[1]!);
  }
  return found;
}

const azureSdk = (packages: Set<string>) => [...packages].filter((name) => name.startsWith("@azure"));

describe("start-up: each command loads only what it uses", () => {
  beforeAll(() => {
    if (BUILT.some((file) => !existsSync(join(REPO_ROOT, file)))) {
      execFileSync("pnpm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore", timeout: 180_000 });
    }
  }, 200_000);

  it("--version and --help load neither @pfnet/core nor the Azure SDK", async () => {
    for (const args of [["--version"], ["--help"], ["plan", "--help"]]) {
      const run = await pfnetLoading(args);
      expect(run.code, run.output).toBe(0);
      expect(run.packages.has("@pfnet/cli-lite"), args.join(" ")).toBe(true);
      expect(
        [...run.packages].filter((name) => name !== "@pfnet/cli-lite"),
        args.join(" "),
      ).toEqual([]);
    }
  });

  describe("plan loads the Azure SDK packages of the plan's kinds only", () => {
    let emulator: Emulator;
    let target: string[];
    beforeAll(async () => {
      emulator = await startEmulator({ timeScale: 5 });
      const ca = join(tempDir({ "ca.pem": emulator.caCert }), "ca.pem");
      target = ["--endpoint", emulator.endpoint, "--ca-cert", ca];
    });
    afterAll(() => emulator.close());

    it("a managed network: no @azure/arm-network, and no @azure/identity with the emulator's token", async () => {
      const run = await pfnetLoading(["plan", "examples/managed-private-private.yaml", ...target]);
      expect(run.code, run.output).toBe(0);
      expect(run.output).toMatch(/Plan: \d+ to create/);
      expect(run.packages.has("@pfnet/azure")).toBe(true);
      expect(run.packages.has("@azure/arm-machinelearning")).toBe(true);
      expect(run.packages.has("@azure/arm-network")).toBe(false);
      expect(run.packages.has("@azure/identity")).toBe(false);
    });

    it("apply with a local --state directory: no @azure/storage-blob (only the blob backend loads it)", async () => {
      const state = join(tempDir(), "state");
      const run = await pfnetLoading([
        "apply",
        "examples/managed-private-private.yaml",
        "--auto-approve",
        "--state",
        state,
        ...target,
      ]);
      expect(run.code, run.output).toBe(0);
      expect(run.packages.has("@pfnet/azure")).toBe(true);
      expect(run.packages.has("@azure/storage-blob")).toBe(false);
    });

    it("an own VNet: @azure/arm-network is loaded for its private endpoints and NSG rules", async () => {
      const run = await pfnetLoading(["plan", "examples/byo-private-public.yaml", ...target]);
      expect(run.code, run.output).toBe(0);
      expect(run.packages.has("@azure/arm-network")).toBe(true);
    });
  });

  it("validate loads @pfnet/core but not @pfnet/azure or any Azure SDK package", async () => {
    const run = await pfnetLoading(["validate", "examples/two-workspace.yaml"]);
    expect(run.code, run.output).toBe(0);
    expect(run.packages.has("@pfnet/core")).toBe(true);
    expect(run.packages.has("@pfnet/azure")).toBe(false);
    expect(azureSdk(run.packages)).toEqual([]);
  });
});
