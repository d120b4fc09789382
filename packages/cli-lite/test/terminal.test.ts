/** The terminal: colours (NO_COLOR, FORCE_COLOR, TERM=dumb), the live progress width, the launcher, help. */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { PfnetEvent } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { DOCS_URL } from "../src/commands/registry.js";
import { fitWidth, ProgressReporter } from "../src/render/progress.js";
import { createStyle } from "../src/style.js";
import { ANSI, REPO_ROOT, run, tempDir } from "./helpers.js";

const EXAMPLE = "examples/managed-private-private.yaml";

describe("colour", () => {
  it("FORCE_COLOR turns colour on off a terminal; FORCE_COLOR=0 and TERM=dumb turn it off on one", async () => {
    expect((await run(["validate", EXAMPLE], { isTTY: false, env: { FORCE_COLOR: "1" } })).stdout).toMatch(
      ANSI,
    );
    expect((await run(["validate", EXAMPLE], { isTTY: true, env: { FORCE_COLOR: "0" } })).stdout).not.toMatch(
      ANSI,
    );
    expect((await run(["validate", EXAMPLE], { isTTY: true, env: { TERM: "dumb" } })).stdout).not.toMatch(
      ANSI,
    );
    expect((await run(["validate", EXAMPLE], { isTTY: true, env: { TERM: "xterm" } })).stdout).toMatch(ANSI);
    // NO_COLOR and --no-color still win.
    expect(
      (await run(["validate", EXAMPLE], { isTTY: true, env: { FORCE_COLOR: "1", NO_COLOR: "1" } })).stdout,
    ).not.toMatch(ANSI);
  });
});

describe("live progress", () => {
  it("fitWidth cuts visible characters only and closes the styles", () => {
    const style = createStyle(true);
    const line = `${style.green("+")} workspace.pf-ws.rule.some-very-long-rule-name: creating - 4.2s`;
    const cut = fitWidth(line, 20);
    expect(cut.replace(new RegExp(ANSI.source, "g"), "")).toBe("+ workspace.pf-ws.r…");
    expect(cut.endsWith("\u001b[0m")).toBe(true);
    expect(fitWidth("short", 20)).toBe("short");
  });

  it("each redrawn line fits the terminal, so none wraps and leaves junk", () => {
    let written = "";
    const reporter = new ProgressReporter({
      sink: { write: (text: string) => (written += text) },
      style: createStyle(false),
      live: true,
      intervalMs: 60_000,
      columns: () => 30,
    });
    const base = { sequence: 1, time: 0 };
    reporter.onEvent({
      ...base,
      type: "step.started",
      address: "workspace.pf-ws.rule.a-rule-name-longer-than-the-terminal",
      action: "create",
      kind: "outboundRule",
    } as PfnetEvent);
    reporter.stop();
    const drawn = written
      .split("\n")
      .map((line) => line.replace(new RegExp(ANSI.source, "g"), "").replace(/\r/g, ""))
      .filter((line) => line !== "");
    expect(drawn.length).toBeGreaterThan(0);
    for (const line of drawn) expect(line.length).toBeLessThanOrEqual(30);
  });
});

describe("help and launcher", () => {
  it("help links the docs by URL, not by repository path", async () => {
    for (const args of [["--help"], ["plan", "--help"], ["apply", "--help"]]) {
      const { stdout } = await run(args);
      expect(stdout).not.toMatch(/\(docs\/|Docs: docs\//);
    }
    expect((await run(["--help"])).stdout).toContain(`Docs: ${DOCS_URL}/cli.md`);
  });

  it("the launcher says 'not built' only when the build is missing", () => {
    const dir = tempDir();
    mkdirSync(join(dir, "bin"));
    copyFileSync(join(REPO_ROOT, "packages/cli-lite/bin/pfnet.js"), join(dir, "bin/pfnet.js"));
    writeFileSync(join(dir, "package.json"), '{"type":"module"}');
    const launch = () => spawnSync(process.execPath, [join(dir, "bin/pfnet.js")], { encoding: "utf8" });
    expect(launch().stderr).toContain("the CLI is not built yet");
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist/main.js"), 'import "some-package-that-is-not-installed";\n');
    const broken = launch();
    expect(broken.status).not.toBe(0);
    expect(broken.stderr).not.toContain("not built");
    expect(broken.stderr).toContain("some-package-that-is-not-installed");
  });
});
