/**
 * Output for pull requests and code scanning, checked with real tools: `plan --format markdown`
 * parsed by markdown-it (the renderer of many Markdown hosts) with its Mermaid block parsed by
 * Mermaid itself (under jsdom, as Mermaid needs a DOM to sanitise labels), and
 * `validate --format sarif` validated against the official OASIS SARIF 2.1.0 JSON Schema
 * (vendored in test/fixtures/sarif, see SOURCES.md there).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import AjvDraft04Module from "ajv-draft-04";
import addFormatsModule from "ajv-formats";
import { JSDOM } from "jsdom";
import MarkdownIt from "markdown-it";
import { beforeAll, describe, expect, it } from "vitest";
import pkg from "../package.json" with { type: "json" };
import { renderPlanMarkdown } from "../src/render/markdown.js";
import { managedSpec, REPO_ROOT, run, tempDir } from "./helpers.js";
import { inject, seededProvider } from "./memory.js";
import { ofType, streamOf } from "./stream.js";

const DEMO = "examples/managed-private-private.yaml";
const markdown = new MarkdownIt({ html: true });

type MermaidApi = { parse: (text: string) => Promise<{ diagramType: string }> };
let mermaid: MermaidApi;

beforeAll(async () => {
  // Mermaid sanitises labels with DOMPurify, which needs a window; the parser itself is Mermaid's own.
  const { window } = new JSDOM("");
  Object.assign(globalThis, { window, document: window.document });
  mermaid = (await import("mermaid")).default as unknown as MermaidApi;
}, 60_000);

/** The fenced blocks of a Markdown document, as markdown-it reads them. */
function fences(text: string): Array<{ info: string; content: string }> {
  return markdown
    .parse(text, {})
    .filter((token) => token.type === "fence")
    .map((token) => ({ info: token.info.trim(), content: token.content }));
}

describe("plan --format markdown", () => {
  it("summary table, changes by workspace, waits, a Mermaid graph that Mermaid parses, details folded", async () => {
    const output = await run(["plan", DEMO, "--format", "markdown"], { internals: inject(seededProvider()) });
    expect(output.code, output.stderr).toBe(0);
    const text = output.stdout;
    const tokens = markdown.parse(text, {});
    const headings = tokens
      .map((token, index) => (token.type === "heading_open" ? tokens[index + 1]!.content : undefined))
      .filter((heading) => heading !== undefined);
    expect(headings).toEqual(
      expect.arrayContaining([
        "pfnet plan for `examples/managed-private-private.yaml`",
        "Changes by workspace",
        "Workspace `pf-ws`",
        "Expected waits (Azure time)",
        "Graph of the changes",
      ]),
    );
    const html = markdown.render(text);
    // The summary table: one row per action with its count, as the text plan's summary line says.
    const planned = ofType(
      streamOf(await run(["plan", DEMO, "--json"], { internals: inject(seededProvider()) })),
      "plan",
    )[0]!.plan as { steps: Array<{ action: string; address: string }>; summary: Record<string, number> };
    for (const action of ["create", "update", "provision", "approve"]) {
      expect(html).toMatch(
        new RegExp(`<td><code>[^<]+</code> ${action}</td>\\s*<td[^>]*>${planned.summary[action]}</td>`),
      );
    }
    // Every changing step has a row under its workspace.
    const changing = planned.steps.filter((step) => step.action !== "noop");
    for (const step of changing) expect(html).toContain(`<code>${step.address}</code>`);
    expect(html).toContain("<details><summary>Details: every step with its changed properties</summary>");
    expect(html).toMatch(/provisioning the managed network: about \d+ min/);

    const blocks = fences(text);
    const diagram = blocks.find((block) => block.info === "mermaid");
    expect(diagram).toBeDefined();
    expect(await mermaid.parse(diagram!.content)).toMatchObject({ diagramType: "flowchart-v2" });
    // One node per changed step, none for unchanged ones.
    expect(diagram!.content.match(/^\s+n\d+\["/gm)).toHaveLength(changing.length);
    // The details are the text plan's blocks, without colours.
    const details = blocks.find((block) => block.info === "text");
    expect(details?.content).toContain('~ publicNetworkAccess: "Enabled" -> "Disabled"');
    expect(details?.content).not.toContain("\u001b[");
  });

  it("Mermaid's parser rejects a broken diagram (so the check above means something)", async () => {
    await expect(mermaid.parse('flowchart LR\n  n0["unclosed --> n1\n')).rejects.toThrow(/Parse error/);
  });

  it("warnings get their own section; no changes says so, with no graph", async () => {
    const dir = tempDir({ "w.yaml": managedSpec({ egress: "private", reach: { hosts: ["serpapi.com"] } }) });
    const internals = inject(seededProvider());
    const warned = await run(["plan", "w.yaml", "--format", "markdown"], { cwd: dir, internals });
    expect(warned.stdout).toMatch(/### Warnings \(1\)\n\n- \*\*warning\*\* `PFN114` at `w\.yaml:\d+:\d+`: /);

    await run(["apply", "w.yaml", "--auto-approve"], { cwd: dir, internals });
    const none = await run(["plan", "w.yaml", "--format", "markdown"], { cwd: dir, internals });
    expect(none.code).toBe(0);
    expect(none.stdout).toContain("**No changes. Your network isolation matches the spec.**");
    expect(fences(none.stdout).filter((block) => block.info === "mermaid")).toEqual([]);
  });

  it("a step that weakens isolation is listed in its own section, above the changes", async () => {
    const dir = tempDir({ "s.yaml": managedSpec({ ingress: "private" }) });
    const internals = inject(seededProvider());
    expect((await run(["apply", "s.yaml", "--auto-approve"], { cwd: dir, internals })).code).toBe(0);
    writeFileSync(join(dir, "s.yaml"), managedSpec({ ingress: "public" }));
    const output = await run(["plan", "s.yaml", "--format", "markdown"], { cwd: dir, internals });
    expect(output.code, output.stderr).toBe(0);
    const text = output.stdout;
    expect(text).toMatch(
      /### Weakens isolation or widens egress\n\n- `!` `workspace\.pf-ws`: ingress private -&gt; public: [^\n]+ \(apply needs `--allow-weaken`\)\n/,
    );
    expect(text.indexOf("### Weakens isolation or widens egress")).toBeLessThan(
      text.indexOf("### Changes by workspace"),
    );
    // The demo only tightens; its one new outbound destination is marked for review, not gated.
    const tightening = await run(["plan", DEMO, "--format", "markdown"], {
      internals: inject(seededProvider()),
    });
    expect(tightening.stdout).toMatch(
      /\n- `\*` `workspace\.pf-ws\.rule\.fqdn-serpapi-com`: [^\n]+ \(review\)\n/,
    );
    expect(tightening.stdout).not.toContain("- `!`");
  });

  it("a destroy plan says so, and a targeted plan says it is partial", async () => {
    const dir = tempDir({ "s.yaml": managedSpec({ ingress: "private" }) });
    const internals = inject(seededProvider());
    expect((await run(["apply", "s.yaml", "--auto-approve"], { cwd: dir, internals })).code).toBe(0);
    const destroy = await run(["plan", "s.yaml", "--destroy", "--format", "markdown"], {
      cwd: dir,
      internals,
    });
    expect(destroy.code, destroy.stderr).toBe(0);
    expect(destroy.stdout).toMatch(
      /^## pfnet destroy plan for `s\.yaml`\n\n> Removes what pfnet created for the spec\./,
    );
    expect(destroy.stdout).toContain("| `-` delete | 1 |");
    const targeted = await run(
      ["plan", DEMO, "--target", "workspace.pf-ws.rule.pe-aoai", "--format", "markdown"],
      {
        internals: inject(seededProvider()),
      },
    );
    expect(targeted.stdout).toContain(
      "> **Partial plan** (`--target`): it holds only `workspace.pf-ws.rule.pe-aoai` and what it depends on;",
    );
    const html = markdown.render(targeted.stdout);
    expect(html).toContain("<code>workspace.pf-ws.rule.pe-aoai</code>");
    expect(html).not.toContain("<code>workspace.pf-ws.rule.pe-search</code>");
  });

  it("text from a spec or Azure cannot break the table or become HTML", () => {
    const step = {
      address: "workspace.pf-ws.rule.x",
      kind: "outboundRule",
      action: "create",
      identity: { workspace: { name: "pf-ws" }, ruleName: "a|b" },
      before: null,
      after: { type: "FQDN" },
      changedPaths: [],
      reason: "because | <script>alert(1)</script> `tick`",
      dependsOn: [],
      guard: true,
    };
    const text = renderPlanMarkdown({
      formatVersion: 2,
      specHash: "x",
      origin: { mode: "apply", topology: {} },
      provider: "memory",
      steps: [step],
      diagnostics: [],
      fingerprints: {},
      unmanaged: [],
      summary: { create: 1, update: 0, delete: 0, replace: 0, provision: 0, approve: 0, noop: 0 },
    } as unknown as Parameters<typeof renderPlanMarkdown>[0]);
    const tokens = markdown.parse(text, {});
    const rowCells: number[] = [];
    let cells = 0;
    for (const token of tokens) {
      if (token.type === "tr_open") cells = 0;
      if (token.type === "td_open" || token.type === "th_open") cells += 1;
      if (token.type === "tr_close") rowCells.push(cells);
    }
    // The summary table's rows have 2 cells, the workspace table's 4: no extra cell from the pipes.
    expect(rowCells.filter((count) => count !== 2 && count !== 4)).toEqual([]);
    expect(rowCells).toContain(4);
    const html = markdown.render(text);
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
  });

  it("--format markdown and --json together, or an unknown format, are usage errors", async () => {
    const both = await run(["plan", DEMO, "--format", "markdown", "--json"]);
    expect(both.code).toBe(1);
    expect(both.stdout).toContain('"code":"USAGE"');
    const unknown = await run(["plan", DEMO, "--format", "sarif"]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("--format must be text or markdown, not 'sarif'");
  });
});

describe("validate --format sarif", () => {
  const SCHEMA = JSON.parse(
    readFileSync(join(REPO_ROOT, "packages/cli-lite/test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"),
  ) as Record<string, unknown>;
  // The official schema is draft-04 (`id`, not `$id`): Ajv's draft-04 class reads it.
  const ajv = new AjvDraft04Module.default({ allErrors: true, strict: false });
  addFormatsModule.default(ajv as never);
  const validateSarif = ajv.compile(SCHEMA);
  const problems = (log: unknown) =>
    validateSarif(log)
      ? []
      : (validateSarif.errors ?? []).map(
          (e: { instancePath: string; message?: string }) => `${e.instancePath} ${e.message}`,
        );

  type Sarif = {
    version: string;
    runs: Array<{
      tool: { driver: { name: string; version: string; rules: Array<{ id: string; helpUri: string }> } };
      results: Array<{
        ruleId: string;
        level: string;
        message: { text: string };
        locations: Array<{
          physicalLocation: {
            artifactLocation: { uri: string };
            region?: { startLine: number; startColumn: number };
          };
        }>;
      }>;
      invocations: Array<{ exitCode: number }>;
    }>;
  };

  it("an invalid spec: a result per diagnostic with file, line, column, rule id and help URI; valid SARIF 2.1.0", async () => {
    const dir = tempDir({
      "bad.yaml": managedSpec({ egres: "private", reach: { hosts: ["serpapi.com"] } }).replace(
        "egress: public",
        "egress: sideways",
      ),
    });
    const output = await run(["validate", "bad.yaml", "--format", "sarif"], { cwd: dir });
    expect(output.code).toBe(1);
    const log = JSON.parse(output.stdout) as Sarif;
    expect(problems(log)).toEqual([]);
    expect(log.version).toBe("2.1.0");
    const runOf = log.runs[0]!;
    expect(runOf.tool.driver).toMatchObject({ name: "pfnet", version: pkg.version });
    expect(runOf.invocations[0]?.exitCode).toBe(1);

    const expected = ofType(
      streamOf(await run(["validate", "bad.yaml", "--json"], { cwd: dir })),
      "diagnostic",
    ).map(
      (line) =>
        line.diagnostic as { code: string; severity: string; location: { line: number; column: number } },
    );
    expect(runOf.results).toHaveLength(expected.length);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    runOf.results.forEach((result, index) => {
      const diagnostic = expected[index]!;
      expect(result.ruleId).toBe(diagnostic.code);
      expect(result.level).toBe(diagnostic.severity === "info" ? "note" : diagnostic.severity);
      expect(result.locations[0]?.physicalLocation).toEqual({
        artifactLocation: { uri: "bad.yaml", index: 0 },
        region: { startLine: diagnostic.location.line, startColumn: diagnostic.location.column },
      });
    });
    for (const rule of runOf.tool.driver.rules) {
      expect(rule.helpUri).toMatch(new RegExp(`^https://.+/rules/${rule.id}\\.md$`));
      expect(existsSync(join(REPO_ROOT, "docs/rules", `${rule.id}.md`)), rule.id).toBe(true);
    }
    expect(new Set(runOf.results.map((result) => result.ruleId))).toEqual(
      new Set(runOf.tool.driver.rules.map((rule) => rule.id)),
    );
  });

  it("a valid spec: no results, exit 0; PFNET_DOCS_URL moves the help URIs", async () => {
    const valid = await run(["validate", DEMO, "--format", "sarif"]);
    expect(valid.code).toBe(0);
    const log = JSON.parse(valid.stdout) as Sarif;
    expect(problems(log)).toEqual([]);
    expect(log.runs[0]?.results).toEqual([]);

    const dir = tempDir({ "broken.yaml": "version: 1\nworkspaces:\n  pf: [unclosed\n" });
    const moved = await run(["validate", "broken.yaml", "--format", "sarif"], {
      cwd: dir,
      env: { PFNET_DOCS_URL: "https://docs.example.org/pfnet/" },
    });
    const parsed = JSON.parse(moved.stdout) as Sarif;
    expect(problems(parsed)).toEqual([]);
    expect(parsed.runs[0]?.tool.driver.rules[0]?.helpUri).toBe(
      "https://docs.example.org/pfnet/rules/PFN000.md",
    );
  });

  it("the schema rejects what SARIF forbids (so the checks above mean something)", async () => {
    const output = await run(["validate", DEMO, "--format", "sarif"]);
    const log = JSON.parse(output.stdout) as Sarif & { runs: Array<Record<string, unknown>> };
    expect(problems({ ...log, version: "2.0.0" })).not.toEqual([]);
    const result = {
      ruleId: "PFN101",
      level: "fatal",
      message: { text: "m" },
      locations: [{ physicalLocation: { artifactLocation: { uri: "a.yaml" }, region: { startLine: 0 } } }],
    };
    expect(problems({ ...log, runs: [{ ...log.runs[0], results: [result] }] })).toEqual(
      expect.arrayContaining([
        expect.stringContaining("/level"),
        expect.stringContaining("/region/startLine"),
      ]),
    );
  });
});
