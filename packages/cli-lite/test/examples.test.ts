/** Every example in examples/ validates and plans against the ARM emulator; the demo's and the TypeScript one apply. */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Emulator, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider } from "@pfnet/azure";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { planAndApply } from "../../../examples/typescript/plan-and-apply.js";
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

  it("the README's spec validates, and its plan is the one pfnet prints", async () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const spec = /```yaml\n([\s\S]*?)```/.exec(readme)?.[1];
    const shown = /<!-- pfnet:readme-plan:start -->\n```\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(spec).toBeDefined();
    expect(shown).toBeDefined();
    const dir = tempDir({ "readme.yaml": spec! });
    expect((await run(["validate", "readme.yaml"], { cwd: dir })).code).toBe(0);
    const planned = await run(["plan", "readme.yaml", ...shared.target], { cwd: dir, env });
    expect(planned.code, planned.stderr).toBe(0);
    const keyLines = (text: string) => text.split("\n").filter((line) => /^ {2}# |^Plan: /.test(line));
    expect(keyLines(shown!)).toEqual(keyLines(planned.stdout));
  });

  it("the demo topology applies, then plans empty", async () => {
    const { emulator, target } = await emulatorWithCa();
    try {
      const spec = "examples/managed-private-private.yaml";
      const applied = await run(["apply", spec, "--auto-approve", ...target], { env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stdout).toContain("Apply complete.");
      const again = await run(["plan", spec, "--detailed-exitcode", ...target], { env });
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toContain("No changes. Your network isolation matches the spec.");
    } finally {
      await emulator.close();
    }
  });

  it("the two-workspace pattern creates pf-deploy and secures both workspaces", async () => {
    const { emulator, target } = await emulatorWithCa();
    try {
      const spec = "examples/two-workspace.yaml";
      const applied = await run(["apply", spec, "--auto-approve", ...target], { env });
      expect(applied.code, applied.stdout + applied.stderr).toBe(0);
      expect(applied.stderr).toContain("workspace.pf-deploy: created");
      const again = await run(["plan", spec, "--detailed-exitcode", ...target], { env });
      expect(again.code, again.stdout).toBe(0);
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

  it("examples/typescript/plan-and-apply.ts plans and applies with AzureProvider", async () => {
    const { emulator } = await emulatorWithCa();
    try {
      const provider = () =>
        new AzureProvider({
          endpoint: emulator.endpoint,
          tlsCa: emulator.caCert,
          credential: fakeCredential,
          waits: { timeScale: TIME_SCALE / 60_000 },
        });
      const lines: string[] = [];
      const spec = join(EXAMPLES, "managed-public-private.yaml");
      const result = await planAndApply(spec, provider(), { log: (line) => lines.push(line) });
      expect(result?.outcomes.failed, lines.join("\n")).toBe(0);
      expect(result?.outcomes.succeeded).toBeGreaterThan(0);
      expect(lines.some((line) => line.startsWith("provision"))).toBe(true);
      const second = await planAndApply(spec, provider(), { log: (line) => lines.push(line) });
      expect(second).toBeUndefined();
      expect(lines.at(-1)).toBe("No changes. Your network isolation matches the spec.");
    } finally {
      await emulator.close();
    }
  });
});
