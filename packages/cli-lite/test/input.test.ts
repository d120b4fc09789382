/** Input at any size through the command line: the diagnostic cap and the size limit. */
import { closeSync, ftruncateSync, openSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run, SUBSCRIPTION, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { ofType, streamOf } from "./stream.js";

const STACK = /\n\s+at .+:\d+:\d+\)?/;

function specWithUnknownKeys(count: number): string {
  const lines = [
    "version: 1",
    `subscriptionId: ${SUBSCRIPTION}`,
    "resourceGroup: rg-promptflow",
    "workspaces:",
    "  pf-ws:",
    "    network: managed",
    "    ingress: private",
    "    egress: private",
  ];
  for (let i = 0; i < count; i++) lines.push(`    unknown${i}: x`);
  return `${lines.join("\n")}\n`;
}

describe("many diagnostics", () => {
  it("validate prints the first 50, then 'and N more'; --json has every one", async () => {
    const dir = tempDir({ "s.yaml": specWithUnknownKeys(120) });
    const text = await run(["validate", "s.yaml"], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout.match(/error PFN001/g)).toHaveLength(50);
    expect(text.stdout).toContain("s.yaml:58:5: error PFN001: Unknown field `unknown49`");
    expect(text.stdout).not.toContain("`unknown50`");
    expect(text.stdout).toContain("... and 70 more (70 errors); run with --json to see all of them.");
    expect(text.stdout).toContain("Invalid: s.yaml has 120 errors.");

    const json = await run(["validate", "s.yaml", "--json"], { cwd: dir });
    expect(json.code).toBe(1);
    const lines = streamOf(json);
    expect(ofType(lines, "diagnostic")).toHaveLength(120);
    expect(lines.at(-1)?.counts.errors).toBe(120);
  });

  it("100,000 unknown keys: the first 50 at their lines, then the count of the rest", async () => {
    const dir = tempDir({ "s.yaml": specWithUnknownKeys(100_000) });
    const text = await run(["validate", "s.yaml"], { cwd: dir });
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("s.yaml:9:5: error PFN001: Unknown field `unknown0`");
    expect(text.stdout).toContain("s.yaml:58:5: error PFN001: Unknown field `unknown49`");
    expect(text.stdout).toContain("... and 99950 more (99950 errors); run with --json to see all of them.");
    expect(text.stdout).toContain("Invalid: s.yaml has 100000 errors.");
  }, 60_000);

  it("plan with an invalid spec is capped the same way, before reading Azure", async () => {
    const provider = seededProvider();
    const dir = tempDir({ "s.yaml": specWithUnknownKeys(51) });
    const result = await run(["plan", "s.yaml"], { cwd: dir, internals: inject(provider) });
    expect(result.code).toBe(1);
    expect(result.stderr.match(/error PFN001/g)).toHaveLength(50);
    expect(result.stderr).toContain("... and 1 more (1 error); run with --json to see all of them.");
    expect(provider.calls.read).toBe(0);
  });
});

describe("size limit", () => {
  it("a spec over 10 MB is refused by name and size before it is read", async () => {
    const dir = tempDir();
    const file = join(dir, "huge.yaml");
    // A sparse 20 MB file: reading it would take memory; stat does not.
    const fd = openSync(file, "w");
    ftruncateSync(fd, 20 * 1024 * 1024);
    closeSync(fd);
    for (const command of ["validate", "plan", "graph"]) {
      const provider = seededProvider();
      const result = await run([command, "huge.yaml"], { cwd: dir, internals: inject(provider) });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(
        "Error: 'huge.yaml' is 20 MB; pfnet reads specs up to 10 MB. Nothing was read or changed.",
      );
      expect(result.stderr).not.toMatch(STACK);
      expect(provider.calls.read).toBe(0);
    }
  });
});
