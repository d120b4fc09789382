/** `pnpm demo` as a new user runs it: a child process that must exit 0 with the plan, the apply progress and "No changes". */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { REPO_ROOT } from "./helpers.js";

describe("pnpm demo", () => {
  it("validates, plans, applies and re-plans the private/private example against the emulator", () => {
    const result = spawnSync(process.execPath, ["--import", "tsx", "test/demo/run.ts"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      // The same script as `pnpm demo`, with the emulator and pfnet's waits 20 times faster.
      env: { ...process.env, NO_COLOR: "1", PFNET_TIME_SCALE: "5" },
      timeout: 90_000,
    });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const { stdout, stderr } = result;
    expect(stdout).toContain("$ pfnet validate examples/managed-private-private.yaml");
    expect(stdout).toContain("Valid: examples/managed-private-private.yaml");
    expect(stdout).toContain("> managed network of pf-ws");
    expect(stdout).toMatch(
      /Plan: 6 to create, 1 to update, 0 to replace, 0 to delete, 1 to provision, 3 to approve\./,
    );
    // Apply progress goes to stderr, one plain line per state change off a terminal.
    expect(stderr).toContain("Applying 11 steps");
    expect(stderr).toContain("ok  workspace.pf-ws.network: provisioned");
    expect(stdout).toContain("11 succeeded, 0 failed, 0 skipped, 0 pending approval, 0 cancelled.");
    expect(stdout).toContain("No changes. Your network isolation matches the spec.");
    expect(stdout).toContain("Demo finished in");
    // The plan says what private ingress needs and pfnet does not create.
    expect(stdout).toContain(
      "note: workspace pf-ws will accept connections only through private endpoints to it.",
    );
    expect(stdout).toContain("pfnet does not create that private endpoint");
    // The CA file it named in the commands is gone with the emulator, and the demo says so.
    expect(stdout).toContain(
      "The emulator has stopped, and .pfnet/emulator-ca.pem (its CA, new at every start) is removed",
    );
    expect(existsSync(join(REPO_ROOT, ".pfnet/emulator-ca.pem"))).toBe(false);
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
