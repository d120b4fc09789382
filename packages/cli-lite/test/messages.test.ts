/** The messages a newcomer meets (issue 15): each says what happened and what to do, once. */
import { PassThrough } from "node:stream";
import { PfnetError, type Provider } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { runCli } from "../src/index.js";
import { ARM, run, SUBSCRIPTION, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { streamOf } from "./stream.js";

/** Run with a live stdin (nothing typed) on a terminal. */
async function runWithStdin(
  argv: string[],
  stdin: PassThrough,
  options: {
    cwd: string;
    internals: Parameters<typeof runCli>[2];
    signal: AbortSignal;
    atPrompt?: () => void;
  },
) {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    argv,
    {
      stdout: {
        write: (text: string) => {
          stdout += text;
          if (text.includes("Enter a value")) options.atPrompt?.();
        },
      },
      stderr: { write: (text: string) => (stderr += text) },
      stdin,
      isTTY: { stdin: true, stdout: false, stderr: false },
      env: {},
      cwd: options.cwd,
      signal: options.signal,
    },
    options.internals,
  );
  return { code, stdout, stderr };
}

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
    expect(streamOf(json).at(-1)).toMatchObject({ command: "validate", valid: true });
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

describe("errors about what exists in Azure", () => {
  it("PFN203 is printed once, located, and names the subscription --subscription chose", async () => {
    const other = "99999999-8888-7777-6666-555555555555";
    const provider = seededProvider({}, other);
    const dir = tempDir({ "s.yaml": SPEC.replace("  pf-ws:", "  pf-nope:") });
    const result = await run(["plan", "s.yaml", "--subscription", other], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(result.code).toBe(1);
    expect(result.stderr.match(/does not exist/g)).toHaveLength(1);
    expect(result.stderr).toContain(
      `s.yaml:7:3: error PFN203: Workspace "pf-nope" does not exist in resource group "rg-promptflow" of subscription ${other}`,
    );
    expect(result.stderr).toContain(
      "Error: the spec cannot be applied to what exists in Azure (the error above). Nothing was changed.",
    );
  });

  it("PFN201 is printed once", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.isolationMode = "AllowOnlyApprovedOutbound";
    });
    const dir = tempDir({ "s.yaml": SPEC });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: inject(provider) });
    expect(result.code).toBe(1);
    expect(result.stderr.match(/isolation modes only tighten/g)).toHaveLength(1);
    expect(result.stderr).toMatch(/^s\.yaml:7:\d+: error PFN201: /m);
  });
});

describe("against the emulator", () => {
  it("a service id nothing has: file:line and /services/<name>/id, not a raw 404", async () => {
    const { startTestEmulator: startEmulator } = await import("../../../test/e2e/fixtures.js");
    const emulator = await startEmulator({ timeScale: 5 });
    try {
      const spec = SPEC.replace("accounts/aoai-pf", "accounts/aoai-ghost").replace(
        "pf-ws: { network: managed, ingress: public, egress: public }",
        "pf-ws: { network: managed, ingress: public, egress: private, reach: { services: [aoai] } }",
      );
      const dir = tempDir({ "s.yaml": spec, "ca.pem": emulator.caCert });
      const result = await run(["plan", "s.yaml", "--endpoint", emulator.endpoint, "--ca-cert", "ca.pem"], {
        cwd: dir,
        env: { PFNET_TIME_SCALE: "5" },
      });
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toContain(
        `Error: Service "aoai" does not exist: nothing has the id ${ARM}/Microsoft.CognitiveServices/accounts/aoai-ghost (subscription ${SUBSCRIPTION}).`,
      );
      expect(result.stderr).toContain("at s.yaml:5:30 (/services/aoai/id)");
      expect(result.stderr).not.toMatch(/failed with 404/);
    } finally {
      await emulator.close();
    }
  });
});

describe("interrupting apply", () => {
  /** The memory provider, except that provisioning reports a wait (Azure accepted it) and runs until aborted. */
  function acceptingProvider(): {
    provider: Provider;
    inner: ReturnType<typeof seededProvider>;
    waiting: Promise<void>;
  } {
    const inner = seededProvider();
    let started!: () => void;
    const waiting = new Promise<void>((resolve) => (started = resolve));
    const provider: Provider = {
      name: inner.name,
      read: (nodes, context) => inner.read(nodes, context),
      apply: async (step, context) => {
        if (step.kind !== "managedNetwork") return inner.apply(step, context);
        context.emit({
          type: "step.progress",
          address: step.address,
          message: "provisioning the managed network",
          wait: { kind: "provisioning", elapsedMs: 0, expectedMs: 1_800_000 },
        });
        started();
        await new Promise((_, reject) =>
          context.signal.addEventListener("abort", () => reject(new PfnetError("ABORTED", "aborted")), {
            once: true,
          }),
        );
        throw new Error("unreachable");
      },
    };
    return { provider, inner, waiting };
  }

  it("a step whose write Azure accepted is reported as started in Azure, not just cancelled", async () => {
    const { provider, waiting } = acceptingProvider();
    const controller = new AbortController();
    void waiting.then(() => controller.abort(new Error("Interrupted by the user (Ctrl-C).")));
    const dir = tempDir({ "s.yaml": SPEC.replace("egress: public", "egress: private") });
    const result = await run(["apply", "s.yaml", "--auto-approve"], {
      cwd: dir,
      internals: { createProvider: () => provider, progressIntervalMs: 5 },
      signal: controller.signal,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /Interrupted: waiting for the (running step|\d running steps) to stop \(Ctrl-C again to quit now\)\.\.\./,
    );
    expect(result.stderr).toContain(
      "workspace.pf-ws.network: started in Azure — the next plan shows its state",
    );
    expect(result.stdout).toMatch(
      /\d cancelled \(1 of them started in Azure — the next plan shows its state\)\./,
    );
    expect(result.stdout).toMatch(
      /1 step started in Azure — the next plan shows its state:\n {2}workspace\.pf-ws\.network/,
    );
  });

  it("Ctrl-C at the confirmation prompt cancels without talk of running steps", async () => {
    const provider = seededProvider();
    const controller = new AbortController();
    const stdin = new PassThrough();
    const dir = tempDir({ "s.yaml": SPEC.replace("egress: public", "egress: private") });
    const result = await runWithStdin(["apply", "s.yaml"], stdin, {
      cwd: dir,
      internals: inject(provider),
      signal: controller.signal,
      atPrompt: () => controller.abort(new Error("Interrupted by the user (Ctrl-C).")),
    });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Apply cancelled. Nothing was changed.");
    expect(result.stdout + result.stderr).not.toContain("running step");
    expect(provider.calls.apply).toBe(0);
  });

  it("re-applying an applied saved plan says stale without printing the plan first", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": SPEC.replace("egress: public", "egress: private") });
    expect(
      (await run(["plan", "s.yaml", "--out", "plan.json"], { cwd: dir, internals: inject(provider) })).code,
    ).toBe(0);
    const first = await run(["apply", "plan.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(first.code).toBe(0);
    expect(first.stdout).toContain("pfnet will perform the following actions");
    const again = await run(["apply", "plan.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("The plan is stale");
    expect(again.stdout).not.toContain("pfnet will perform the following actions");
    expect(again.stdout).not.toContain("Plan:");
  });
});

describe("interactive re-apply", () => {
  it("re-applying an applied saved plan at the prompt says stale before printing or asking", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": SPEC.replace("egress: public", "egress: private") });
    expect(
      (await run(["plan", "s.yaml", "--out", "plan.json"], { cwd: dir, internals: inject(provider) })).code,
    ).toBe(0);
    const firstIn = new PassThrough();
    const first = await runWithStdin(["apply", "plan.json"], firstIn, {
      cwd: dir,
      internals: inject(provider),
      signal: new AbortController().signal,
      atPrompt: () => firstIn.write("yes\n"),
    });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout.indexOf("Plan:")).toBeLessThan(first.stdout.indexOf("Enter a value"));
    const appliedWrites = provider.calls.apply;
    expect(appliedWrites).toBeGreaterThan(0);

    const again = await runWithStdin(["apply", "plan.json"], new PassThrough(), {
      cwd: dir,
      internals: inject(provider),
      signal: new AbortController().signal,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("The plan is stale");
    expect(again.stdout).not.toContain("Plan:");
    expect(again.stdout).not.toContain("Enter a value");
    expect(provider.calls.apply).toBe(appliedWrites);
  });
});

describe("plan output", () => {
  it("plan-time warnings name the spec file and line, not <spec>", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      const ws = state.workspaces[0]!;
      ws.isolationMode = "AllowInternetOutbound";
      ws.rules["by-hand"] = {
        type: "FQDN",
        category: "UserDefined",
        destination: "example.com",
        status: "Active",
      };
    });
    const dir = tempDir({ "s.yaml": SPEC });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: inject(provider) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/^s\.yaml:7:3: warning PFN205: /m);
    expect(result.stdout).not.toContain("<spec>");
  });
});
