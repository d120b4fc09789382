/** Every command, flag and exit code, in-process, against the in-memory provider. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { AzureProvider } from "@pfnet/azure";
import { parsePlan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { createProvider } from "../src/provider.js";
import { ANSI, ARM, managedSpec, run, SUBSCRIPTION, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { ofType, streamOf } from "./stream.js";

const DEMO = "examples/managed-private-private.yaml";
/** A JavaScript stack frame: a user mistake must never print one. */
const STACK = /\n\s+at .+:\d+:\d+\)?/;

describe("general", () => {
  it("--version prints the package version", async () => {
    const result = await run(["--version"]);
    expect(result).toMatchObject({ code: 0, stdout: `pfnet ${pkg.version}\n` });
  });

  it("--help prints the commands and exit codes; each command has its own help", async () => {
    const main = await run(["--help"]);
    expect(main.code).toBe(0);
    for (const command of ["validate", "plan", "apply", "graph"])
      expect(main.stdout).toContain(`  ${command} `);
    expect(main.stdout).toContain("3 apply finished but private endpoints wait for approval");
    const plan = await run(["plan", "--help"]);
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain("--detailed-exitcode");
    expect(plan.stdout).not.toContain("--auto-approve");
    const apply = await run(["apply", "-h"]);
    expect(apply.stdout).toContain("--auto-approve");
    expect(apply.stdout).toContain("--concurrency N");
    expect((await run(["graph", "--help"])).stdout).toContain("--format FORMAT");
    expect((await run(["validate", "--help"])).stdout).toContain("Usage: pfnet validate <spec>");
  });

  it("no command and an unknown command are errors with the usage", async () => {
    const none = await run([]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("Usage: pfnet <command>");
    const unknown = await run(["deploy", DEMO]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("unknown command 'deploy'");
  });

  it("an unknown flag is a usage error: message, usage, exit 1, no stack trace", async () => {
    const provider = seededProvider();
    const result = await run(["plan", DEMO, "--bogus"], { internals: inject(provider) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Unknown option '--bogus'");
    expect(result.stderr).toContain("Usage: pfnet plan <spec>");
    expect(result.stderr).toContain("Run `pfnet plan --help` for the options.");
    // The message stays on top: the full help is not dumped after it.
    expect(result.stderr).not.toContain("Options for every command");
    expect(result.stderr).not.toMatch(STACK);
    expect(provider.calls.read).toBe(0);
  });

  it("a missing argument, a second file, and bad flag values are usage errors", async () => {
    expect((await run(["plan"])).stderr).toContain("pfnet plan needs a spec file");
    expect((await run(["validate", "a.yaml", "b.yaml"])).stderr).toContain("takes one file, got 2");
    const bad = [
      [["apply", DEMO, "--concurrency", "0"], "--concurrency must be a whole number from 1 to 64"],
      [["apply", DEMO, "--concurrency", "many"], "--concurrency must be a whole number"],
      [["graph", DEMO, "--format", "png"], "--format must be mermaid or dot"],
      [["plan", DEMO, "--subscription", "prod"], "--subscription must be a subscription id"],
      [["plan", DEMO, "--ca-cert", "ca.pem"], "--ca-cert needs --endpoint"],
      [["plan", DEMO, "--endpoint", "http://localhost:1"], "--endpoint must be an https:// URL"],
      [["plan", DEMO, "--out"], "Option '--out <value>' argument missing"],
    ] as const;
    for (const [argv, message] of bad) {
      const result = await run([...argv]);
      expect(result.code, argv.join(" ")).toBe(1);
      expect(result.stderr, argv.join(" ")).toContain(message);
      expect(result.stderr).not.toMatch(STACK);
    }
  });
});

describe("validate", () => {
  it("accepts every example offline", async () => {
    for (const example of [
      "managed-private-private",
      "managed-public-public",
      "byo-public-public",
      "two-workspace",
    ]) {
      const result = await run(["validate", `examples/${example}.yaml`]);
      expect(result.stderr).toBe("");
      expect(result.code, result.stdout).toBe(0);
      expect(result.stdout).toContain(`Valid: examples/${example}.yaml`);
    }
  });

  it("reports a schema mistake with file:line:column, code and hint, and exits 1", async () => {
    const dir = tempDir({
      "bad.yaml": managedSpec({ egres: "private" }).replace("egress: public", "egress: sideways"),
    });
    const result = await run(["validate", "bad.yaml"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^bad\.yaml:\d+:\d+: error PFN\d{3}: /m);
    expect(result.stdout).toMatch(/bad\.yaml:13:\d+: error PFN\d{3}: .*egres/);
    expect(result.stdout).toMatch(/bad\.yaml:12:\d+: error PFN\d{3}: /);
    expect(result.stdout).toContain("hint:");
    expect(result.stdout).toMatch(/Invalid: bad\.yaml has \d+ errors\./);
    expect(result.stdout).not.toMatch(STACK);
  });

  it("reports a rule violation (managed online endpoint in an own-VNet workspace) with its rule code", async () => {
    const spec = readFileSync(join("examples", "byo-public-public.yaml"), "utf8").replace(
      "inference: kubernetesOnlineEndpoint",
      "inference: managedOnlineEndpoint",
    );
    const dir = tempDir({ "byo.yaml": spec });
    const result = await run(["validate", "byo.yaml", "--json"], { cwd: dir });
    expect(result.code).toBe(1);
    const lines = streamOf(result);
    expect(lines.at(-1)?.valid).toBe(false);
    const error = ofType(lines, "diagnostic")
      .map((line) => line.diagnostic)
      .find((d) => d.severity === "error");
    expect(error?.code).toMatch(/^PFN1\d\d$/);
    expect(error?.path).toContain("/workspaces/pf-byo");
    expect(error?.location?.line).toBeGreaterThan(0);
  });

  it("reports a YAML syntax error at its line", async () => {
    const dir = tempDir({ "broken.yaml": "version: 1\nworkspaces:\n  pf: [unclosed\n" });
    const result = await run(["validate", "broken.yaml"], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/broken\.yaml:\d+:\d+: error PFN000/);
  });

  it("warnings do not fail validation, and the plan shows them", async () => {
    const dir = tempDir({ "w.yaml": managedSpec({ egress: "private", reach: { hosts: ["serpapi.com"] } }) });
    const validated = await run(["validate", "w.yaml"], { cwd: dir });
    expect(validated.code).toBe(0);
    expect(validated.stdout).toMatch(/w\.yaml:\d+:\d+: warning PFN114: /);
    expect(validated.stdout).toContain("(1 workspace, 2 services; 1 warning).");
    const planned = await run(["plan", "w.yaml"], { cwd: dir, internals: inject(seededProvider()) });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(/w\.yaml:\d+:\d+: warning PFN114: /);
  });

  it("a missing file is a message, not a stack trace", async () => {
    const result = await run(["validate", "nope.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Cannot read 'nope.yaml': no such file.");
    expect(result.stderr).not.toMatch(STACK);
  });
});

describe("plan", () => {
  it("prints the steps with symbols, before -> after, reasons, waits and the summary", async () => {
    const provider = seededProvider();
    const result = await run(["plan", DEMO], { internals: inject(provider) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('~ publicNetworkAccess: "Enabled" -> "Disabled"');
    expect(result.stdout).toContain('~ isolationMode: "Disabled" -> "AllowOnlyApprovedOutbound"');
    expect(result.stdout).toContain("* + outbound rule fqdn-serpapi-com on pf-ws");
    expect(result.stdout).toContain("  > managed network of pf-ws");
    expect(result.stdout).toMatch(
      /provisioning the managed network: about \d+ min; .*FQDN.*: about \d+ min more/,
    );
    expect(result.stdout).toMatch(
      /Plan: \d+ to create, 1 to update, 0 to replace, 0 to delete, 1 to provision, 3 to approve\./,
    );
    expect(result.stderr).toContain("Reading the live state of");
    expect(provider.calls.apply).toBe(0);
  });

  it("--detailed-exitcode: 2 with changes, 0 without", async () => {
    const provider = seededProvider();
    const internals = inject(provider);
    expect((await run(["plan", DEMO, "--detailed-exitcode"], { internals })).code).toBe(2);
    expect((await run(["apply", DEMO, "--auto-approve"], { internals })).code).toBe(0);
    const after = await run(["plan", DEMO, "--detailed-exitcode"], { internals });
    expect(after.code).toBe(0);
    expect(after.stdout).toContain("No changes. Your network isolation matches the spec.");
    expect((await run(["plan", DEMO], { internals })).code).toBe(0);
  });

  it("--out in text mode tells how to apply the saved plan", async () => {
    const dir = tempDir();
    const result = await run(["plan", join(process.cwd(), DEMO), "--out", "p.json"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    expect(result.stdout).toContain(
      "Saved the plan to p.json. To perform exactly these actions, run:\n  pfnet apply p.json",
    );
  });

  it("an invalid spec stops before reading Azure", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": managedSpec({ egress: "sideways" }) });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: inject(provider) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/s\.yaml:\d+:\d+: error PFN/);
    expect(result.stderr).toContain("Nothing was read or changed.");
    expect(result.stderr).not.toMatch(STACK);
    expect(provider.calls.read).toBe(0);
  });

  it("a workspace that does not exist (and has no create block) is pointed at in the spec file", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": managedSpec().replace("  pf-ws:", "  pf-nope:") });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: inject(provider) });
    expect(result.code).toBe(1);
    // The memory provider's read finds no workspace: the PFN203 state rule, located in the file.
    expect(result.stderr).toMatch(/^s\.yaml:9:3: error PFN203: Workspace "pf-nope" does not exist/m);
    expect(result.stderr).toContain("create");
    expect(result.stderr).not.toMatch(STACK);
    expect(provider.calls.apply).toBe(0);
  });

  it("a change Azure cannot make (isolation modes are one-way) is refused with its diagnostics", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.isolationMode = "AllowOnlyApprovedOutbound";
    });
    const dir = tempDir({ "s.yaml": managedSpec({ egress: "public" }) });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: inject(provider) });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^s\.yaml:\d+:\d+: error PFN2\d\d/m);
    expect(result.stderr).toContain("Nothing was changed.");
    expect(provider.calls.apply).toBe(0);
  });

  it("--subscription replaces the spec's subscription and says so", async () => {
    const other = "99999999-8888-7777-6666-555555555555";
    const provider = seededProvider({}, other);
    const internals = inject(provider);
    const result = await run(["plan", DEMO, "--subscription", other, "--json"], { internals });
    expect(result.code, result.stderr).toBe(0);
    const plan = parsePlan(JSON.stringify(ofType(streamOf(result), "plan")[0]?.plan));
    const workspace = plan.steps.find((s) => s.address === "workspace.pf-ws")!;
    expect((workspace.identity.workspace as { subscriptionId: string }).subscriptionId).toBe(other);
    expect(workspace.before).not.toBeNull();
    expect(internals.settings[0]?.subscriptionId).toBe(other);
    const text = await run(["plan", DEMO, "--subscription", other], { internals });
    expect(text.stdout).toContain(
      `Subscription ${other} (from --subscription; the spec says ${SUBSCRIPTION}).`,
    );
  });
});

describe("colour", () => {
  it("is on for a terminal, off for --no-color, NO_COLOR and pipes", async () => {
    const internals = inject(seededProvider());
    expect((await run(["plan", DEMO], { internals, isTTY: true })).stdout).toMatch(ANSI);
    expect((await run(["plan", DEMO, "--no-color"], { internals, isTTY: true })).stdout).not.toMatch(ANSI);
    expect(
      (await run(["plan", DEMO], { internals, isTTY: true, env: { NO_COLOR: "1" } })).stdout,
    ).not.toMatch(ANSI);
    const piped = await run(["plan", DEMO], { internals, isTTY: false });
    expect(piped.stdout + piped.stderr).not.toMatch(ANSI);
  });
});

describe("apply", () => {
  it("--auto-approve applies, reports each outcome, and the next plan is empty", async () => {
    const provider = seededProvider();
    const internals = inject(provider);
    const result = await run(["apply", DEMO, "--auto-approve"], { internals });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Plan: ");
    expect(result.stdout).toContain("Apply complete.");
    expect(result.stdout).toMatch(/\d+ succeeded, 0 failed, 0 skipped, 0 pending approval, 0 cancelled\./);
    expect(result.stderr).toContain("ok  workspace.pf-ws: updated");
    expect(result.stderr).toContain("workspace.pf-ws.network: provisioned");
    expect(provider.state().workspaces[0]).toMatchObject({
      publicNetworkAccess: "Disabled",
      isolationMode: "AllowOnlyApprovedOutbound",
      networkStatus: "Active",
    });
  });

  it("refuses without a terminal and without --auto-approve, writing nothing", async () => {
    const provider = seededProvider();
    const result = await run(["apply", DEMO], { internals: inject(provider), stdin: "yes\n", isTTY: false });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "pfnet apply needs a confirmation, but stdin is not a terminal. Nothing was changed.",
    );
    expect(result.stderr).toContain("--auto-approve");
    expect(provider.calls.apply).toBe(0);
  });

  it("asks on a terminal: 'yes' applies, anything else cancels", async () => {
    const yes = seededProvider();
    const approved = await run(["apply", DEMO], { internals: inject(yes), stdin: "yes\n", isTTY: true });
    expect(approved.stdout).toContain("Do you want to perform these actions?");
    expect(approved.code, approved.stderr).toBe(0);
    expect(yes.calls.apply).toBeGreaterThan(0);
    // The live progress redraws lines on the terminal.
    expect(approved.stderr).toContain("\u001b[1A\u001b[2K");

    const no = seededProvider();
    const refused = await run(["apply", DEMO], { internals: inject(no), stdin: "y\n", isTTY: true });
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain("Apply cancelled. Nothing was changed.");
    expect(no.calls.apply).toBe(0);
  });

  it("applies a saved plan (detected by content), and refuses it once stale, writing nothing", async () => {
    const dir = tempDir();
    const spec = join(process.cwd(), DEMO);
    const fresh = seededProvider();
    expect(
      (await run(["plan", spec, "--out", "plan.json"], { cwd: dir, internals: inject(fresh) })).code,
    ).toBe(0);
    const applied = await run(["apply", "plan.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(fresh),
    });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain("Apply complete.");

    const drifting = seededProvider();
    expect(
      (await run(["plan", spec, "--out", "plan2.json"], { cwd: dir, internals: inject(drifting) })).code,
    ).toBe(0);
    drifting.update((state) => {
      state.workspaces[0]!.publicNetworkAccess = "Disabled";
    });
    const stale = await run(["apply", "plan2.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(drifting),
    });
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain("The plan is stale");
    expect(stale.stderr).toContain("workspace.pf-ws (modified)");
    expect(stale.stderr).toContain("Nothing was changed.");
    expect(drifting.calls.apply).toBe(0);
  });

  it("a damaged saved plan and --subscription with a saved plan are user mistakes", async () => {
    const dir = tempDir({ "old.json": JSON.stringify({ formatVersion: 99, steps: [] }) });
    const damaged = await run(["apply", "old.json", "--auto-approve"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain(
      "old.json is not a usable pfnet plan: it has format version 99 and this pfnet reads version 2. Nothing was read or changed.",
    );
    expect(damaged.stderr).not.toMatch(STACK);
    const sub = await run(["apply", "old.json", "--subscription", SUBSCRIPTION], { cwd: dir });
    expect(sub.code).toBe(1);
    expect(sub.stderr).toContain("--subscription applies to specs only");
  });

  it("--json without --auto-approve is a usage error", async () => {
    const result = await run(["apply", DEMO, "--json"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--json needs --auto-approve");
  });

  it("exits 3 and says what to do when a private endpoint waits for approval", async () => {
    const locked = `${ARM}/Microsoft.Search/searchServices/srch-locked`;
    const provider = seededProvider({ pendingApprovalTargets: [locked] });
    const dir = tempDir({ "s.yaml": managedSpec({ reach: { services: ["aoai", "locked"] } }) });
    const result = await run(["apply", "s.yaml", "--auto-approve"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(result.code, result.stdout + result.stderr).toBe(3);
    expect(result.stdout).toContain("1 pending approval");
    expect(result.stdout).toContain("workspace.pf-ws.approval.locked");
    expect(result.stdout).toMatch(/to do: +\S+/);
    expect(result.stdout).toContain("run\n  `pfnet apply` again");
  });

  it("exits 1 when a step fails, naming the root cause and the skipped dependents", async () => {
    const provider = seededProvider({ failures: { "workspace.pf-ws.rule.pe-aoai": "always" } });
    const result = await run(["apply", DEMO, "--auto-approve"], { internals: inject(provider) });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Apply failed.");
    expect(result.stdout).toMatch(/workspace\.pf-ws\.rule\.pe-aoai: .+\[/);
    expect(result.stdout).toContain("workspace.pf-ws.network (after workspace.pf-ws.rule.pe-aoai)");
    expect(result.stderr).toContain("ERR workspace.pf-ws.rule.pe-aoai: failed");
  });

  it("with no changes says so and does not ask", async () => {
    const provider = seededProvider();
    const internals = inject(provider);
    await run(["apply", DEMO, "--auto-approve"], { internals });
    const writes = provider.calls.apply;
    const again = await run(["apply", DEMO], { internals, isTTY: false });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("No changes.");
    expect(provider.calls.apply).toBe(writes);
  });
});

describe("graph", () => {
  it("prints the plan's dependency graph as Mermaid by default", async () => {
    const result = await run(["graph", DEMO], { internals: inject(seededProvider()) });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith("flowchart LR\n")).toBe(true);
    expect(result.stdout).toContain('["> provision: managed network of pf-ws"]:::provision');
    expect(result.stdout).toMatch(/n\d+ --> n\d+/);
  });

  it("--format dot prints Graphviz; --offline needs no provider", async () => {
    const dot = await run(["graph", DEMO, "--format", "dot"], { internals: inject(seededProvider()) });
    expect(dot.stdout).toContain('"workspace.pf-ws" -> "workspace.pf-ws.rule.pe-aoai";');
    const offline = await run(["graph", DEMO, "--offline"], {
      internals: {
        createProvider: () => {
          throw new Error("graph --offline must not build a provider");
        },
      },
    });
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stdout).toContain('["managed network of pf-ws"]');
  });
});

describe("provider selection", () => {
  it("uses a static token and the CA for a non-Azure endpoint with --ca-cert (the emulator)", async () => {
    const pem = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
    const dir = tempDir({ "ca.pem": pem });
    const internals = inject(seededProvider());
    const spec = join(process.cwd(), DEMO);
    await run(["plan", spec, "--endpoint", "https://127.0.0.1:8443", "--ca-cert", "ca.pem"], {
      cwd: dir,
      internals,
    });
    expect(internals.settings[0]).toEqual({
      endpoint: "https://127.0.0.1:8443",
      tlsCa: pem,
      staticToken: true,
    });
    await run(["plan", spec, "--endpoint", "https://management.usgovcloudapi.net", "--ca-cert", "ca.pem"], {
      cwd: dir,
      internals,
    });
    expect(internals.settings[1]?.staticToken).toBe(false);
    await run(["plan", spec], { cwd: dir, internals });
    expect(internals.settings[2]).toEqual({ staticToken: false });
  });

  it("runs the provider's waits in real time for Azure and at the emulator's time scale for the emulator", async () => {
    const io = { stdout: process.stdout, stderr: process.stderr, isTTY: false, cwd: "." };
    const built = async (staticToken: boolean, env: Record<string, string> = {}) => {
      const provider = await createProvider({ staticToken }, { ...io, env }, {});
      expect(provider).toBeInstanceOf(AzureProvider);
      // Wall-clock milliseconds per minute of Azure time, the unit of `pnpm emulator --time-scale`.
      return (provider as AzureProvider).waits.timeScale;
    };
    expect(await built(false)).toBe(60_000);
    expect(await built(true)).toBe(100);
    expect(await built(true, { PFNET_TIME_SCALE: "5" })).toBe(5);
    await expect(built(false, { PFNET_TIME_SCALE: "fast" })).rejects.toThrow(
      "PFNET_TIME_SCALE must be a positive number of milliseconds per Azure minute, not 'fast'.",
    );
  });

  it("a missing or non-PEM CA file is a message", async () => {
    const dir = tempDir({ "ca.txt": "hello" });
    const missing = await run(
      ["plan", join(process.cwd(), DEMO), "--endpoint", "https://localhost:1", "--ca-cert", "no.pem"],
      { cwd: dir },
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read the CA certificate 'no.pem': no such file.");
    const notPem = await run(
      ["plan", join(process.cwd(), DEMO), "--endpoint", "https://localhost:1", "--ca-cert", "ca.txt"],
      { cwd: dir },
    );
    expect(notPem.stderr).toContain("is not a PEM certificate");
  });
});

describe("interruptions and unexpected failures", () => {
  it("Ctrl-C (the abort signal) during apply stops it: exit 1, cancelled steps reported", async () => {
    const provider = seededProvider({ latencyMs: 40 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error("Interrupted by the user (Ctrl-C).")), 60);
    const result = await run(["apply", DEMO, "--auto-approve"], {
      internals: inject(provider),
      signal: controller.signal,
    });
    expect(result.code).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/cancelled|Interrupted/);
    expect(result.stdout + result.stderr).not.toMatch(STACK);
    expect(provider.writes().length).toBeLessThan(11);
  });

  it("missing Azure credentials get a clear message", async () => {
    const error = Object.assign(new Error("EnvironmentCredential is unavailable."), {
      name: "CredentialUnavailableError",
    });
    const result = await run(["plan", DEMO], {
      internals: {
        createProvider: () => {
          throw error;
        },
      },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Error: no usable Azure credentials: run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; for the local emulator pass --ca-cert with --endpoint.\n",
    );
  });

  it("an unexpected error is reported as a probable bug; its stack only with PFNET_DEBUG", async () => {
    const internals = {
      createProvider: () => {
        throw new TypeError("boom");
      },
    };
    const quiet = await run(["plan", DEMO], { internals });
    expect(quiet.code).toBe(1);
    expect(quiet.stderr).toContain("unexpected failure: boom");
    expect(quiet.stderr).toContain("PFNET_DEBUG=1");
    expect(quiet.stderr).not.toMatch(STACK);
    const debug = await run(["plan", DEMO], { internals, env: { PFNET_DEBUG: "1" } });
    expect(debug.stderr).toMatch(STACK);
  });
});
