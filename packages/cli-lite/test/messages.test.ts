/** The messages a newcomer meets (issue 15): each says what happened and what to do, once. */
import { describe, expect, it } from "vitest";
import { ARM, run, SUBSCRIPTION, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";

const SPEC = [
  "version: 1",
  `subscriptionId: ${SUBSCRIPTION}`,
  "resourceGroup: rg-promptflow",
  "services:",
  `  aoai: { kind: azureOpenAI, id: ${ARM}/Microsoft.CognitiveServices/accounts/aoai-pf }`,
  "workspaces:",
  "  pf-ws: { network: managed, ingress: public, egress: public }",
  "",
].join("\n");

describe("command line", () => {
  it("accepts options before the command", async () => {
    const result = await run(["--no-color", "validate", "examples/managed-private-private.yaml"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Valid: examples/managed-private-private.yaml");
    const json = await run([
      "--no-color",
      "--subscription",
      "22222222-2222-3333-4444-555555555555",
      "validate",
      "--json",
      "examples/managed-private-private.yaml",
    ]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true });
    expect((await run(["--no-color", "--version"])).stdout).toMatch(/^pfnet \d/);
  });

  it("an option without a command says so", async () => {
    const result = await run(["--no-color"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Error: '--no-color' is an option; options go with a command");
  });

  it("suggests the command meant", async () => {
    const typo = await run(["paln", "x.yaml"]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain("Error: unknown command 'paln'. Did you mean `pfnet plan`?");
    const far = await run(["deploy", "x.yaml"]);
    expect(far.stderr).toContain("Error: unknown command 'deploy'. The commands are validate,");
  });
});

describe("files in the wrong place", () => {
  it("validate (and plan) on a saved plan says what it is and what to run", async () => {
    const dir = tempDir({ "s.yaml": SPEC });
    const saved = await run(["plan", "s.yaml", "--out", "plan.json"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    expect(saved.code).toBe(0);
    for (const command of ["validate", "plan"]) {
      const provider = seededProvider();
      const result = await run([command, "plan.json"], { cwd: dir, internals: inject(provider) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        `Error: plan.json is a saved plan, not a spec; \`pfnet ${command}\` reads specs. Nothing was read or changed.`,
      );
      expect(result.stderr).toContain(
        "Apply it with `pfnet apply plan.json` (or print it with `pfnet show plan.json`)",
      );
      expect(result.stderr).not.toContain("PFN0");
      expect(provider.calls.read).toBe(0);
    }
  });

  it("--out to a missing folder (or a folder) fails before Azure is read", async () => {
    const dir = tempDir({ "s.yaml": SPEC });
    const provider = seededProvider();
    const missing = await run(["plan", "s.yaml", "--out", "nope/plan.json"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(
      "Error: Cannot write the plan to 'nope/plan.json': the folder 'nope' does not exist. Nothing was read or changed.",
    );
    const folder = await run(["plan", "s.yaml", "--out", "."], { cwd: dir, internals: inject(provider) });
    expect(folder.stderr).toContain("Error: Cannot write the plan to '.': it is a folder.");
    expect(provider.calls.read).toBe(0);
  });
});

describe("credentials", () => {
  it("the Azure provider without credentials: one line saying what to do, not the credential chain", async () => {
    const { AzureProvider } = await import("@pfnet/azure");
    // What @azure/identity's DefaultAzureCredential throws (recognised by class name).
    const chain = Object.assign(
      new Error(
        "ChainedTokenCredential authentication failed.\nCredentialUnavailableError: EnvironmentCredential is unavailable.\nCredentialUnavailableError: Azure CLI could not be found.",
      ),
      { name: "AggregateAuthenticationError" },
    );
    const provider = new AzureProvider({
      endpoint: "https://127.0.0.1:9",
      credential: {
        getToken: async () => {
          throw chain;
        },
      },
    });
    const dir = tempDir({ "s.yaml": SPEC });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: { createProvider: () => provider } });
    expect(result.code).toBe(1);
    const lines = result.stderr
      .split("\n")
      .filter((line) => line !== "" && !line.startsWith("Reading the live state"));
    expect(lines).toEqual([
      "Error: no usable Azure credentials: run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; for the local emulator pass --ca-cert with --endpoint.",
    ]);
  });
});
