/** A few runs of the built binary, as a user runs it (`node packages/cli-lite/bin/pfnet.js`, `pnpm pfnet`). */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, tempDir } from "./helpers.js";

const BIN = join(REPO_ROOT, "packages/cli-lite/bin/pfnet.js");
const BUILT = [
  "packages/core/dist/index.js",
  "packages/azure/dist/index.js",
  "packages/cli-lite/dist/main.js",
];

function pfnet(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "", ...env },
    timeout: 60_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("the pfnet binary", () => {
  beforeAll(() => {
    // `pnpm install` builds every package (root `prepare`); build here only when that did not happen.
    if (BUILT.some((file) => !existsSync(join(REPO_ROOT, file)))) {
      execFileSync("pnpm", ["run", "build"], { cwd: REPO_ROOT, stdio: "ignore", timeout: 180_000 });
    }
  }, 200_000);

  it("prints its version", () => {
    const { version } = JSON.parse(
      readFileSync(join(REPO_ROOT, "packages/cli-lite/package.json"), "utf8"),
    ) as { version: string };
    expect(pfnet(["--version"])).toMatchObject({ code: 0, stdout: `pfnet ${version}\n` });
  });

  it("validates an example (no colour when piped)", () => {
    const result = pfnet(["validate", "examples/two-workspace.yaml"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("Valid: examples/two-workspace.yaml (2 workspaces, 3 services");
    expect(result.stdout).not.toContain("\u001b[");
  });

  it("reports user mistakes (unknown flag, missing file, bad spec) without a stack trace", () => {
    const unknown = pfnet(["plan", "examples/managed-private-private.yaml", "--frobnicate"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("Unknown option '--frobnicate'");
    expect(unknown.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const missing = pfnet(["apply", "does-not-exist.yaml", "--auto-approve"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Cannot read 'does-not-exist.yaml': no such file.");
    expect(missing.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    const dir = tempDir({ "bad.yaml": "version: 1\nworkspaces:\n  pf-ws:\n    network: sideways\n" });
    const bad = pfnet(["plan", join(dir, "bad.yaml")]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/bad\.yaml:4:\d+: error PFN\d{3}: /);
    expect(bad.stderr).toContain("Nothing was read or changed.");
    expect(bad.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it("runs from the repository root as `pnpm pfnet`", () => {
    const result = spawnSync("pnpm", ["--silent", "pfnet", "--help"], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("Usage: pfnet <command>");
  });
});
