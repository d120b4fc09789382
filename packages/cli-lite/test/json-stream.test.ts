/**
 * The machine contract: `--json` of every command is a JSON Lines stream, each line valid
 * against the committed schema, first `version`, last `result` with the exit code, one
 * `sequence`, every diagnostic and error as a line on stdout. Real runs, in-process.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PLAN_FORMAT_VERSION, parsePlan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { ARM, managedSpec, run, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { type Line, ofType, STREAM_SCHEMA, schemaProblems, streamOf } from "./stream.js";
import { describeMember, unionVariants } from "./type-members.js";

const DEMO = "examples/managed-private-private.yaml";
const STACK = /\n\s+at .+:\d+:\d+\)?/;

describe("every line", () => {
  it("version line: pfnet's version, the stream format version and the command", async () => {
    const lines = streamOf(await run(["validate", DEMO, "--json"]));
    expect(lines[0]).toMatchObject({
      type: "version",
      pfnet: pkg.version,
      formatVersion: 1,
      command: "validate",
    });
  });

  it("`pfnet version --json` and `pfnet --version --json` are streams too", async () => {
    for (const argv of [
      ["version", "--json"],
      ["--version", "--json"],
    ]) {
      const output = await run(argv);
      expect(output.code).toBe(0);
      const lines = streamOf(output);
      expect(lines).toHaveLength(2);
      expect(lines[1]).toMatchObject({
        type: "result",
        command: "version",
        exitCode: 0,
        status: "ok",
        pfnet: pkg.version,
        planFormatVersion: PLAN_FORMAT_VERSION,
      });
    }
    expect((await run(["--version"])).stdout).toBe(`pfnet ${pkg.version}\n`);
  });
});

describe("validate --json", () => {
  it("a valid spec: its warnings as diagnostic lines, then valid and the counts", async () => {
    const dir = tempDir({ "w.yaml": managedSpec({ egress: "private", reach: { hosts: ["serpapi.com"] } }) });
    const output = await run(["validate", "w.yaml", "--json"], { cwd: dir });
    expect(output.code).toBe(0);
    expect(output.stderr).toBe("");
    const lines = streamOf(output);
    const diagnostics = ofType(lines, "diagnostic").map((line) => line.diagnostic);
    expect(diagnostics).toEqual([expect.objectContaining({ code: "PFN114", severity: "warning" })]);
    expect(diagnostics[0].location).toMatchObject({ file: "w.yaml", line: expect.any(Number) });
    expect(lines.at(-1)).toMatchObject({
      valid: true,
      status: "ok",
      counts: { errors: 0, warnings: 1, infos: 0, workspaces: 1, services: 2 },
    });
  });

  it("an invalid spec: every diagnostic with file:line:column, counts that match, exit 1", async () => {
    const dir = tempDir({
      "bad.yaml": managedSpec({ egres: "private" }).replace("egress: public", "egress: sideways"),
    });
    const output = await run(["validate", "bad.yaml", "--json"], { cwd: dir });
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    const diagnostics = ofType(lines, "diagnostic").map((line) => line.diagnostic);
    expect(diagnostics.length).toBeGreaterThanOrEqual(2);
    for (const diagnostic of diagnostics) expect(diagnostic.location.line).toBeGreaterThan(0);
    const result = lines.at(-1)!;
    expect(result).toMatchObject({ valid: false, status: "error", exitCode: 1 });
    expect(result.counts.errors).toBe(diagnostics.filter((d) => d.severity === "error").length);
  });

  it("an unparsable file: the PFN000 diagnostic, no counts of workspaces", async () => {
    const dir = tempDir({ "broken.yaml": "version: 1\nworkspaces:\n  pf: [unclosed\n" });
    const lines = streamOf(await run(["validate", "broken.yaml", "--json"], { cwd: dir }));
    expect(ofType(lines, "diagnostic")[0]?.diagnostic.code).toBe("PFN000");
    expect(lines.at(-1)?.counts).not.toHaveProperty("workspaces");
  });
});

describe("plan --json", () => {
  it("planning events, the plan as --out writes it, and the changes in the result", async () => {
    const dir = tempDir();
    const output = await run(["plan", join(process.cwd(), DEMO), "--json", "--out", "saved.json"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    expect(output.code).toBe(0);
    expect(output.stderr).toBe("");
    const lines = streamOf(output);
    expect(lines.map((line) => line.type)).toEqual([
      "version",
      "plan.started",
      "plan.read",
      "plan.finished",
      "plan",
      "result",
    ]);
    const printed = parsePlan(JSON.stringify(ofType(lines, "plan")[0]!.plan));
    const saved = parsePlan(readFileSync(join(dir, "saved.json"), "utf8"));
    expect(printed).toEqual(saved);
    const changes = printed.steps.filter((step) => step.action !== "noop").length;
    expect(lines.at(-1)).toMatchObject({ changes, summary: printed.summary, exitCode: 0 });
    expect(ofType(lines, "plan.finished")[0]?.changes).toBe(changes);
  });

  it("show --json of the saved plan: the same plan line and counts, offline", async () => {
    const dir = tempDir();
    const planned = streamOf(
      await run(["plan", join(process.cwd(), DEMO), "--json", "--out", "p.json"], {
        cwd: dir,
        internals: inject(seededProvider()),
      }),
    );
    const shown = streamOf(await run(["show", "p.json", "--json"], { cwd: dir }));
    expect(shown.map((line) => line.type)).toEqual(["version", "plan", "result"]);
    expect(ofType(shown, "plan")[0]!.plan).toEqual(ofType(planned, "plan")[0]!.plan);
    expect(shown.at(-1)).toMatchObject({ command: "show", changes: planned.at(-1)!.changes });
  });

  it("--detailed-exitcode: the result says `changes` and 2", async () => {
    const output = await run(["plan", DEMO, "--json", "--detailed-exitcode"], {
      internals: inject(seededProvider()),
    });
    expect(output.code).toBe(2);
    expect(streamOf(output).at(-1)).toMatchObject({ status: "changes", exitCode: 2 });
  });

  it("an invalid spec: its diagnostics, then SPEC_INVALID, before Azure is read", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": managedSpec({ egress: "sideways" }) });
    const output = await run(["plan", "s.yaml", "--json"], { cwd: dir, internals: inject(provider) });
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    expect(lines.map((line) => line.type)).toEqual(["version", "diagnostic", "error", "result"]);
    expect(lines[1]!.diagnostic).toMatchObject({ severity: "error", location: { file: "s.yaml" } });
    expect(lines[2]!.error).toMatchObject({ code: "SPEC_INVALID", message: "s.yaml has 1 error." });
    expect(lines[2]!.error).not.toHaveProperty("details");
    expect(provider.calls.read).toBe(0);
  });

  it("a missing workspace: the PFN203 refusal located in the spec", async () => {
    const dir = tempDir({ "s.yaml": managedSpec().replace("  pf-ws:", "  pf-nope:") });
    const lines = streamOf(
      await run(["plan", "s.yaml", "--json"], { cwd: dir, internals: inject(seededProvider()) }),
    );
    const diagnostics = ofType(lines, "diagnostic").map((line) => line.diagnostic);
    expect(diagnostics).toContainEqual(
      expect.objectContaining({ code: "PFN203", location: expect.objectContaining({ line: 9, column: 3 }) }),
    );
    expect(lines.at(-2)?.type).toBe("error");
  });
});

describe("apply --json", () => {
  it("plan and apply events in one sequence, the plan, and the outcomes in the result", async () => {
    const output = await run(["apply", DEMO, "--auto-approve", "--json", "--concurrency", "2"], {
      internals: inject(seededProvider()),
    });
    expect(output.code, output.stderr).toBe(0);
    expect(output.stderr).toBe("");
    const lines = streamOf(output);
    const types = lines.map((line) => line.type);
    // Apply locks the workspace it writes (the --state directory) before it starts, and frees it at the end.
    expect(types.slice(0, 7)).toEqual([
      "version",
      "plan.started",
      "plan.read",
      "plan.finished",
      "plan",
      "lock.acquired",
      "apply.started",
    ]);
    // Then Azure's diagnosis of the changed workspace (read-only, after the lock is freed).
    expect(types.slice(-6, -1)).toEqual([
      "lock.released",
      "apply.finished",
      "verify.started",
      "verify.finished",
      "verification",
    ]);
    expect(ofType(lines, "verification")[0]?.verification).toMatchObject({ errors: 0, notRun: 0 });
    expect(ofType(lines, "apply.started")[0]?.concurrency).toBe(2);
    const finished = ofType(lines, "step.finished");
    expect(finished.length).toBe(ofType(lines, "step.started").length);
    const outcomes = ofType(lines, "apply.finished")[0]!.outcomes;
    expect(lines.at(-1)).toMatchObject({ outcomes, status: "ok" });
    expect(outcomes.succeeded).toBe(finished.length);
  });

  it("refused at plan time (a one-way isolation mode): planning lines, every diagnostic, the error, the result", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.isolationMode = "AllowOnlyApprovedOutbound";
    });
    const dir = tempDir({ "s.yaml": managedSpec({ egress: "public" }) });
    const output = await run(["apply", "s.yaml", "--auto-approve", "--json"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    const types = lines.map((line) => line.type);
    expect(types.slice(0, 3)).toEqual(["version", "plan.started", "plan.read"]);
    expect(types.slice(-2)).toEqual(["error", "result"]);
    const refused = ofType(lines, "diagnostic").map((line) => line.diagnostic);
    expect(refused).toContainEqual(
      expect.objectContaining({
        code: expect.stringMatching(/^PFN2\d\d$/),
        severity: "error",
        location: expect.objectContaining({ file: "s.yaml" }),
      }),
    );
    expect(lines.at(-2)!.error.code).toBe("PLAN_FORBIDDEN");
    expect(lines.at(-1)).toMatchObject({ exitCode: 1, status: "error", command: "apply" });
    expect(provider.calls.apply).toBe(0);
  });

  it("weakening without --allow-weaken: the plan with its marks, WEAKENING_NOT_ALLOWED, nothing written", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": managedSpec({ ingress: "private" }) });
    expect(
      (await run(["apply", "s.yaml", "--auto-approve"], { cwd: dir, internals: inject(provider) })).code,
    ).toBe(0);
    writeFileSync(join(dir, "s.yaml"), managedSpec({ ingress: "public" }));
    const writes = provider.calls.apply;
    const output = await run(["apply", "s.yaml", "--auto-approve", "--json"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    const planned = ofType(lines, "plan")[0]!.plan as {
      steps: Array<{ address: string; weakens?: unknown[] }>;
    };
    expect(planned.steps.find((step) => step.address === "workspace.pf-ws")?.weakens).toHaveLength(1);
    expect(lines.slice(-2).map((line) => line.type)).toEqual(["error", "result"]);
    expect(lines.at(-2)!.error.code).toBe("WEAKENING_NOT_ALLOWED");
    expect(ofType(lines, "apply.started")).toEqual([]);
    expect(provider.calls.apply).toBe(writes);
  });

  it("a failed step: its error in step.finished, the skipped dependents, exit 1", async () => {
    const provider = seededProvider({ failures: { "workspace.pf-ws.rule.pe-aoai": "always" } });
    const output = await run(["apply", DEMO, "--auto-approve", "--json"], { internals: inject(provider) });
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    const failed = ofType(lines, "step.finished").find((line) => line.outcome === "failed");
    expect(failed).toMatchObject({
      address: "workspace.pf-ws.rule.pe-aoai",
      error: { code: expect.any(String) },
    });
    expect(ofType(lines, "step.finished")).toContainEqual(
      expect.objectContaining({ outcome: "skipped", skippedBecause: "workspace.pf-ws.rule.pe-aoai" }),
    );
    expect(lines.at(-1)).toMatchObject({ status: "error", outcomes: { failed: 1 } });
  });

  it("a connection left pending: the pending line and exit 3", async () => {
    const locked = `${ARM}/Microsoft.Search/searchServices/srch-locked`;
    const provider = seededProvider({ pendingApprovalTargets: [locked] });
    const dir = tempDir({ "s.yaml": managedSpec({ reach: { services: ["aoai", "locked"] } }) });
    const output = await run(["apply", "s.yaml", "--auto-approve", "--json"], {
      cwd: dir,
      internals: inject(provider),
    });
    expect(output.code).toBe(3);
    const lines = streamOf(output);
    const pending = ofType(lines, "step.finished").find((line) => line.outcome === "pendingApproval");
    expect(pending?.pending.connectionId).toContain("/privateEndpointConnections/");
    expect(lines.at(-1)).toMatchObject({ status: "pendingApproval", outcomes: { pendingApproval: 1 } });
  });

  it("a stale saved plan: PLAN_STALE with what changed, nothing written", async () => {
    const dir = tempDir();
    const drifting = seededProvider();
    await run(["plan", join(process.cwd(), DEMO), "--out", "plan.json"], {
      cwd: dir,
      internals: inject(drifting),
    });
    drifting.update((state) => {
      state.workspaces[0]!.publicNetworkAccess = "Disabled";
    });
    const output = await run(["apply", "plan.json", "--auto-approve", "--json"], {
      cwd: dir,
      internals: inject(drifting),
    });
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    // The stale check runs under the workspace's lock, which is freed before the error.
    expect(lines.map((line) => line.type)).toEqual([
      "version",
      "plan",
      "lock.acquired",
      "lock.released",
      "error",
      "result",
    ]);
    expect(lines[4]!.error.code).toBe("PLAN_STALE");
    expect(lines[4]!.error.details.changed).toContainEqual(
      expect.objectContaining({ address: "workspace.pf-ws" }),
    );
    expect(drifting.calls.apply).toBe(0);
  });

  it("a damaged saved plan: PLAN_INVALID naming the file", async () => {
    const dir = tempDir({ "old.json": JSON.stringify({ formatVersion: 99, steps: [] }) });
    const lines = streamOf(
      await run(["apply", "old.json", "--auto-approve", "--json"], {
        cwd: dir,
        internals: inject(seededProvider()),
      }),
    );
    expect(lines[1]!.error).toMatchObject({
      code: "PLAN_INVALID",
      message: expect.stringContaining("old.json"),
    });
  });
});

describe("errors on stdout in --json mode", () => {
  const notPem = join(tempDir({ "ca.txt": "hello" }), "ca.txt");
  const cases: Array<[string, string[], string]> = [
    ["an unknown flag", ["plan", DEMO, "--json", "--bogus"], "USAGE"],
    ["apply --json without --auto-approve", ["apply", DEMO, "--json"], "USAGE"],
    ["an unknown command", ["deploy", DEMO, "--json"], "USAGE"],
    ["a missing file", ["validate", "nope.yaml", "--json"], "FILE_UNREADABLE"],
    [
      "a CA file that is not PEM",
      ["plan", DEMO, "--json", "--endpoint", "https://127.0.0.1:1", "--ca-cert", notPem],
      "CA_CERT_INVALID",
    ],
  ];
  it.each(cases)("%s: the error line, then the result", async (_name, argv, code) => {
    const output = await run(argv);
    expect(output.code).toBe(1);
    const lines = streamOf(output);
    expect(lines.map((line) => line.type)).toEqual(["version", "error", "result"]);
    expect(lines[1]!.error.code).toBe(code);
    expect(lines[1]!.error.message.length).toBeGreaterThan(0);
    // The text stays on stderr for people reading a CI log; stdout holds the stream alone.
    expect(output.stderr).toContain("Error:");
  });

  it("missing credentials and unexpected failures have codes, never a stack", async () => {
    const credential = await run(["plan", DEMO, "--json"], {
      internals: {
        createProvider: () => {
          throw Object.assign(new Error("unavailable"), { name: "CredentialUnavailableError" });
        },
      },
    });
    expect(streamOf(credential)[1]!.error.code).toBe("AZURE_CREDENTIALS_UNAVAILABLE");
    const unexpected = await run(["plan", DEMO, "--json"], {
      internals: {
        createProvider: () => {
          throw new TypeError("boom");
        },
      },
    });
    const error = streamOf(unexpected)[1]!.error;
    expect(error).toMatchObject({ code: "UNEXPECTED", message: "boom" });
    expect(JSON.stringify(error)).not.toMatch(STACK);
  });

  it("--help with --json prints the help text, not a stream", async () => {
    const output = await run(["plan", "--json", "--help"]);
    expect(output.code).toBe(0);
    expect(output.stdout).toContain("Usage: pfnet plan");
  });
});

describe("graph --json", () => {
  it("the nodes with their actions and dependencies", async () => {
    const output = await run(["graph", DEMO, "--json"], { internals: inject(seededProvider()) });
    expect(output.code, output.stderr).toBe(0);
    const lines = streamOf(output);
    const nodes = ofType(lines, "graph")[0]!.nodes as Array<{
      address: string;
      action?: string;
      dependsOn: string[];
    }>;
    expect(nodes.find((node) => node.address === "workspace.pf-ws.network")).toMatchObject({
      action: "provision",
      dependsOn: expect.arrayContaining(["workspace.pf-ws"]),
    });
    const offline = streamOf(await run(["graph", DEMO, "--json", "--offline"]));
    expect(ofType(offline, "graph")[0]!.nodes[0]).not.toHaveProperty("action");
  });
});

describe("the schema (schema/stream.schema.json)", () => {
  const base = { sequence: 1, time: 1 };

  it("rejects what the contract forbids: unknown types and fields, a missing sequence, a bad result", () => {
    const ok: Line = { type: "version", pfnet: "1.0.0", formatVersion: 1, command: "plan", ...base };
    expect(schemaProblems(ok)).toEqual([]);
    expect(schemaProblems({ ...ok, extra: true })).not.toEqual([]);
    expect(schemaProblems({ ...ok, type: "surprise" })).not.toEqual([]);
    expect(schemaProblems({ ...ok, formatVersion: 2 })).not.toEqual([]);
    const { sequence: _, ...unnumbered } = ok;
    expect(schemaProblems(unnumbered)).not.toEqual([]);
    expect(
      schemaProblems({ type: "result", command: "plan", exitCode: 0, status: "fine", ...base }),
    ).not.toEqual([]);
    expect(
      schemaProblems({
        type: "diagnostic",
        diagnostic: { code: "PFN1", severity: "error", path: "", message: "m" },
        ...base,
      }),
    ).not.toEqual([]);
  });

  it("describes every library event with exactly its fields (packages/core/src/events.ts)", () => {
    type Then = { required: string[]; properties: Record<string, { properties?: Record<string, unknown> }> };
    const branches = new Map(
      (STREAM_SCHEMA.allOf as Array<{ if: { properties: { type: { const: string } } }; then: Then }>).map(
        (branch) => [branch.if.properties.type.const, branch.then],
      ),
    );
    const events = unionVariants("packages/core/src/events.ts", "PfnetEvent");
    expect(events.length).toBeGreaterThan(5);
    for (const { type, fields } of events) {
      const then = branches.get(type);
      expect(then, type).toBeDefined();
      const described = Object.keys(then!.properties)
        .filter((name) => !["type", "sequence", "time"].includes(name))
        .map((name) => {
          const optional = !then!.required.includes(name);
          return `${name}${optional ? "?" : ""}`;
        });
      expect(described, type).toEqual(
        fields.map((field) => describeMember({ ...field, members: undefined })),
      );
    }
  });
});
