/** Lifecycle commands beside plan and apply (show, output, import, destroy), in-process, against the in-memory provider. */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parsePlan, serializePlan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { ofType, streamOf } from "./stream.js";

const DEMO = "examples/managed-private-private.yaml";
/** A JavaScript stack frame: a user mistake must never print one. */
const STACK = /\n\s+at .+:\d+:\d+\)?/;
const SAVED_TRAILER = /\nSaved the plan to [^\n]+\n {2}pfnet apply [^\n]+\n$/;

describe("show", () => {
  it("prints a saved plan exactly as plan printed it, without reading Azure", async () => {
    const dir = tempDir();
    const planned = await run(["plan", join(process.cwd(), DEMO), "--out", "p.json"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    expect(planned.code).toBe(0);
    expect(planned.stdout).toMatch(SAVED_TRAILER);
    const noProvider = {
      createProvider: () => {
        throw new Error("show must not build a provider");
      },
    };
    const shown = await run(["show", "p.json"], { cwd: dir, internals: noProvider });
    expect(shown.stderr).toBe("");
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe(planned.stdout.replace(SAVED_TRAILER, ""));
    expect(shown.stdout).toContain("Plan: ");

    // Colours follow the terminal as in plan.
    const coloured = await run(["show", "p.json"], { cwd: dir, isTTY: true, internals: noProvider });
    const colouredPlan = await run(["plan", join(process.cwd(), DEMO)], {
      cwd: dir,
      isTTY: true,
      internals: inject(seededProvider()),
    });
    expect(coloured.stdout).toBe(colouredPlan.stdout);
  });

  it("--json carries the saved plan's JSON in its plan line (as plan --json does)", async () => {
    const dir = tempDir();
    await run(["plan", join(process.cwd(), DEMO), "--out", "p.json"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    const shown = await run(["show", "p.json", "--json"], { cwd: dir });
    expect(shown.code).toBe(0);
    const saved = parsePlan(readFileSync(join(dir, "p.json"), "utf8"));
    const line = ofType(streamOf(shown), "plan")[0]!;
    expect(parsePlan(JSON.stringify(line.plan))).toEqual(saved);
    expect(line.plan).toEqual(JSON.parse(serializePlan(saved)));
  });

  it("refuses a spec, a damaged plan and a missing file with a message and exit 1", async () => {
    const dir = tempDir();
    await run(["plan", join(process.cwd(), DEMO), "--out", "p.json"], {
      cwd: dir,
      internals: inject(seededProvider()),
    });
    const edited = readFileSync(join(dir, "p.json"), "utf8").replace('"noop"', '"delete"');
    writeFileSync(join(dir, "edited.json"), edited);

    const spec = await run(["show", join(process.cwd(), DEMO)], { cwd: dir });
    expect(spec.code).toBe(1);
    expect(spec.stderr).toContain("is not a saved plan");
    expect(spec.stderr).toContain("pfnet plan <spec> --out FILE");

    const damaged = await run(["show", "edited.json"], { cwd: dir });
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toContain("edited.json is not a usable pfnet plan");

    const missing = await run(["show", "nope.json"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read 'nope.json'");

    const none = await run(["show"], { cwd: dir });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("pfnet show needs a saved plan file");
    for (const result of [spec, damaged, missing, none]) expect(result.stderr).not.toMatch(STACK);
  });
});

describe("destroy and --target (in memory)", () => {
  it("show of a saved destroy plan and of a targeted plan prints what plan printed, partial warning and all", async () => {
    const dir = tempDir();
    const provider = seededProvider();
    const spec = join(process.cwd(), DEMO);
    expect(
      (await run(["apply", spec, "--auto-approve"], { cwd: dir, internals: inject(provider) })).code,
    ).toBe(0);
    for (const [file, flags] of [
      ["destroy.json", ["--destroy"]],
      ["targeted.json", ["--target", "workspace.pf-ws.rule.pe-aoai"]],
      ["both.json", ["--destroy", "--target", "workspace.pf-ws.storage-role"]],
    ] as const) {
      const planned = await run(["plan", spec, ...flags, "--out", file], {
        cwd: dir,
        internals: inject(provider),
      });
      expect(planned.code, planned.stderr).toBe(0);
      const shown = await run(["show", file], { cwd: dir });
      expect(shown.stdout).toBe(planned.stdout.replace(SAVED_TRAILER, ""));
    }
    const both = await run(["show", "both.json"], { cwd: dir });
    expect(both.stdout).toContain("Destroy plan: removes what pfnet created for the spec.");
    expect(both.stdout).toContain(
      "Warning: this plan is partial. It holds only workspace.pf-ws.storage-role",
    );
    expect(both.stdout).toContain("1 to delete");
  });

  it("destroy takes a spec, not a saved plan; without a terminal it needs --auto-approve", async () => {
    const dir = tempDir();
    const provider = seededProvider();
    const spec = join(process.cwd(), DEMO);
    await run(["apply", spec, "--auto-approve"], { cwd: dir, internals: inject(provider) });
    await run(["plan", spec, "--destroy", "--out", "d.json"], { cwd: dir, internals: inject(provider) });
    const saved = await run(["destroy", "d.json"], { cwd: dir, internals: inject(provider) });
    expect(saved.code).toBe(1);
    expect(saved.stderr).toContain("pfnet destroy takes a spec; apply a saved destroy plan");
    expect(saved.stderr).not.toMatch(STACK);
    const writes = provider.calls.apply;
    const unconfirmed = await run(["destroy", spec], { cwd: dir, internals: inject(provider) });
    expect(unconfirmed.code).toBe(1);
    expect(unconfirmed.stderr).toContain("pfnet destroy needs a confirmation, but stdin is not a terminal");
    expect(provider.calls.apply).toBe(writes);
  });
});
