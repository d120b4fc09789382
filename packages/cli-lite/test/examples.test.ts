/** Every example in examples/ validates and plans against the ARM emulator; some apply, and so does the TypeScript one. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "@pfnet/arm-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planAndApply, providerFromArgs } from "../../../examples/typescript/plan-and-apply.js";
// Closing it checks the whole request log against the official specs (test/azure-specs).
import { startTestEmulator as startEmulator } from "../../../test/e2e/fixtures.js";
import { renderReadmePlan } from "../scripts/docs.js";
import { EXAMPLES, REPO_ROOT, run, tempDir } from "./helpers.js";

/** Milliseconds per Azure minute: provisioning (30 min) takes 150 ms. */
const TIME_SCALE = 5;
const env = { PFNET_TIME_SCALE: String(TIME_SCALE) };
const examples = readdirSync(EXAMPLES).filter((file) => file.endsWith(".yaml"));

async function emulatorWithCa(): Promise<{ emulator: Emulator; target: string[] }> {
  const emulator = await startEmulator({ timeScale: TIME_SCALE });
  const dir = tempDir({ "ca.pem": emulator.caCert });
  return { emulator, target: ["--endpoint", emulator.endpoint, "--ca-cert", join(dir, "ca.pem")] };
}

describe("examples against the ARM emulator", () => {
  let shared: { emulator: Emulator; target: string[] };
  beforeAll(async () => {
    shared = await emulatorWithCa();
  });
  afterAll(async () => {
    await shared.emulator.close();
  });

  it("covers every scenario of the guide", () => {
    expect(examples.sort()).toEqual([
      "byo-private-public.yaml",
      "byo-public-public.yaml",
      "hub-project.yaml",
      "managed-private-private-services.yaml",
      "managed-private-private.yaml",
      "managed-private-public.yaml",
      "managed-public-private.yaml",
      "managed-public-public.yaml",
      "two-workspace.yaml",
    ]);
  });

  it.each(examples)("%s validates and plans", async (example) => {
    const spec = `examples/${example}`;
    const validated = await run(["validate", spec]);
    expect(validated.code, validated.stdout).toBe(0);
    const planned = await run(["plan", spec, "--detailed-exitcode", ...shared.target], { env });
    expect(planned.stderr).not.toContain("Error");
    expect(planned.code, planned.stdout + planned.stderr).toBe(2);
    expect(planned.stdout).toMatch(/Plan: \d+ to create, \d+ to update/);
  });

  it("the README's plan is what pfnet prints for the README's spec", async () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    // On failure: run `pnpm --filter @pfnet/cli-lite docs:generate` and commit the result.
    expect(await renderReadmePlan(readme, shared.emulator)).toBe(readme);
  });

  it("the README's TypeScript plans and applies the README's spec", async () => {
    const { emulator } = await emulatorWithCa();
    try {
      const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
      const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
      expect(code).toContain("new AzureProvider({})");
      // The one change: the emulator instead of DefaultAzureCredential against Azure.
      const script = code!.replace(
        "new AzureProvider({})",
        `new AzureProvider({ endpoint: process.env.PFNET_E2E_ENDPOINT, tlsCa: process.env.PFNET_E2E_CA, credential: { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 3_600_000 }) }, waits: { timeScale: ${TIME_SCALE} } })`,
      );
      const file = join(tempDir({ "readme.mts": script }), "readme.mts");
      // Asynchronous spawn: the emulator runs in this process and must keep answering.
      const child = spawn(process.execPath, ["--import", "tsx", file], {
        cwd: REPO_ROOT, // tsx maps @pfnet/* through the repository's tsconfig paths
        env: { ...process.env, PFNET_E2E_ENDPOINT: emulator.endpoint, PFNET_E2E_CA: emulator.caCert },
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => (stdout += chunk));
      child.stderr.on("data", (chunk) => (stderr += chunk));
      const exitCode = await new Promise((resolve) => child.on("close", resolve));
      expect(exitCode, stdout + stderr).toBe(0);
      expect(stdout).toContain("succeeded workspace.pf-ws.network");
      expect(stdout).toMatch(/succeeded: 6,\s+failed: 0/);
    } finally {
      await emulator.close();
    }
  });

  it.each([
    ["managed-private-private.yaml", "workspace.pf-ws.network: provisioned"],
    ["managed-private-private-services.yaml", "workspace.pf-ws.network: provisioned"],
    ["two-workspace.yaml", "workspace.pf-deploy: created"],
  ])("%s applies, then plans empty", async (example, progressLine) => {
    const { emulator, target } = await emulatorWithCa();
    try {
      const spec = `examples/${example}`;
      const applied = await run(["apply", spec, "--auto-approve", ...target], { env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stdout).toContain("Apply complete.");
      expect(applied.stderr).toContain(progressLine);
      const again = await run(["plan", spec, "--detailed-exitcode", ...target], { env });
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toContain("No changes. Your network isolation matches the spec.");
    } finally {
      await emulator.close();
    }
  });

  it("a service whose owner must approve ends the apply with exit code 3 and the command to send them", async () => {
    const { emulator, target } = await emulatorWithCa();
    try {
      const spec = readFileSync(join(EXAMPLES, "managed-public-public.yaml"), "utf8")
        .replace("searchServices/srch-pf", "searchServices/srch-locked")
        .replace(
          "    reach:\n      services: [aoai, search, safety]",
          "    reach:\n      services: [search]",
        );
      const dir = tempDir({ "locked.yaml": spec });
      const applied = await run(["apply", "locked.yaml", "--auto-approve", ...target], { cwd: dir, env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(3);
      expect(applied.stdout).toContain("1 private-endpoint connection pending approval:");
      expect(applied.stdout).toContain("workspace.pf-ws.approval.search");
      expect(applied.stdout).toMatch(
        /connection: \/subscriptions\/.+\/srch-locked\/privateEndpointConnections\//,
      );
      expect(applied.stdout).toMatch(/to do: +\S+/);
    } finally {
      await emulator.close();
    }
  });

  it("examples/typescript/plan-and-apply.ts plans and applies against the emulator, as its --endpoint/--ca-cert say", async () => {
    const { emulator, target } = await emulatorWithCa();
    try {
      // The script's own provider for --endpoint and --ca-cert, as a user runs it.
      const provider = () =>
        providerFromArgs({ endpoint: emulator.endpoint, caCert: target[3]!, timeScale: TIME_SCALE });
      expect((await provider()).waits.timeScale).toBe(TIME_SCALE);
      const lines: string[] = [];
      const spec = join(EXAMPLES, "managed-public-private.yaml");
      const result = await planAndApply(spec, await provider(), { log: (line) => lines.push(line) });
      expect(result?.outcomes.failed, lines.join("\n")).toBe(0);
      expect(result?.outcomes.succeeded).toBeGreaterThan(0);
      expect(lines.some((line) => line.startsWith("provision"))).toBe(true);
      const second = await planAndApply(spec, await provider(), { log: (line) => lines.push(line) });
      expect(second).toBeUndefined();
      expect(lines.at(-1)).toBe("No changes. Your network isolation matches the spec.");
    } finally {
      await emulator.close();
    }
  });
});
