import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { isPfnetError } from "../errors.js";
import { loadSpec, loadSpecFile } from "./load.js";

const HEADER = `version: 1
subscriptionId: 11111111-2222-3333-4444-555555555555
resourceGroup: rg-promptflow
`;

describe("loadSpec: locations", () => {
  it("loads a valid spec", () => {
    const loaded = loadSpec(
      `${HEADER}workspaces:\n  pf-ws:\n    network: managed\n    ingress: private\n    egress: private\n`,
      {
        file: "spec.yaml",
      },
    );
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.file).toBe("spec.yaml");
    expect(loaded.topology?.workspaces["pf-ws"]?.egress).toBe("private");
  });

  it("malformed YAML: PFN000 with line and column, no topology", () => {
    const loaded = loadSpec(`${HEADER}workspaces:\n  pf-ws:\n    network: [managed\n    ingress: private\n`, {
      file: "bad.yaml",
    });
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics.length).toBeGreaterThan(0);
    const [first] = loaded.diagnostics;
    expect(first).toMatchObject({ code: "PFN000", severity: "error", location: { file: "bad.yaml" } });
    expect(first?.message).toMatch(/^YAML syntax error: /);
    expect(first?.location?.line).toBeGreaterThanOrEqual(6);
  });

  it("many YAML syntax errors: the first ones in source order, then one note for the rest, last", () => {
    // An unclosed flow list in a mis-indented line: the parser reports its errors out of order.
    const text = `${HEADER}workspaces:
  pf-ws:
    network: managed # workspace managed virtual network (recommended)
    ingress: private
   bad: [unclosed
    egress: private
    firewallSku: Basic
    provision: now # provision the managed network now (about 30 min) instead of on first compute
    authoring: [serverless]
    inference: managedOnlineEndpoint
    reach:
      services: [aoai, search, safety]
      hosts: [serpapi.com]
    endpoints:
      pf-chat: { ingress: private }
`;
    const loaded = loadSpec(text, { file: "bad.yaml" });
    const last = loaded.diagnostics.at(-1);
    expect(last?.message).toMatch(/^\d+ more YAML syntax errors? not shown\.$/);
    expect(loaded.diagnostics.filter((d) => /not shown/.test(d.message))).toHaveLength(1);
  });

  it("unknown field, wrong type, bad enum: path, line and column of the entry", () => {
    const text = `${HEADER}workspaces:
  pf-ws:
    network: managed
    ingress: private
    egress: privat
    authoring: serverless
    colour: blue
`;
    const loaded = loadSpec(text, { file: "spec.yaml" });
    expect(loaded.diagnostics.map((d) => [d.code, d.path, d.location?.line, d.location?.column])).toEqual([
      ["PFN003", "/workspaces/pf-ws/egress", 8, 5],
      ["PFN002", "/workspaces/pf-ws/authoring", 9, 5],
      ["PFN001", "/workspaces/pf-ws/colour", 10, 5],
    ]);
    expect(loaded.diagnostics.every((d) => d.location?.file === "spec.yaml")).toBe(true);
  });

  it("a missing field is located at its parent object", () => {
    const loaded = loadSpec(`${HEADER}workspaces:\n  pf-ws:\n    network: managed\n    ingress: private\n`);
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN004",
        path: "/workspaces/pf-ws/egress",
        location: { line: 5, column: 3 },
      }),
    ]);
  });

  it("findings at one position go by path (as validateTopology orders them)", () => {
    // Three missing fields, all located at `pf-ws:`; TypeBox finds them in schema order.
    const loaded = loadSpec(`${HEADER}workspaces:\n  pf-ws:\n    firewallSku: Premium\n`);
    expect(loaded.diagnostics.map((d) => [d.path, d.location?.line, d.location?.column])).toEqual([
      ["/workspaces/pf-ws/egress", 5, 3],
      ["/workspaces/pf-ws/ingress", 5, 3],
      ["/workspaces/pf-ws/network", 5, 3],
      ["/workspaces/pf-ws/firewallSku", 6, 5],
    ]);
  });

  it("locates list items and flow mappings", () => {
    const text = `${HEADER}workspaces:\n  pf-ws: { network: managed, ingress: private, egress: private, authoring: [serverless, gpu] }\n`;
    const loaded = loadSpec(text);
    const line = text.split("\n")[4]!;
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN003",
        path: "/workspaces/pf-ws/authoring/1",
        location: { line: 5, column: line.indexOf("gpu") + 1 },
      }),
    ]);
    expect(loaded.locate("/workspaces/pf-ws/egress")).toEqual({
      line: 5,
      column: line.indexOf("egress") + 1,
    });
    expect(loaded.locate("/nothing/here")).toEqual({ line: 1, column: 1 });
  });

  it("rule diagnostics carry locations too", () => {
    const text = `${HEADER}workspaces:\n  pf-ws:\n    network: byo\n    ingress: private\n    egress: private\n`;
    const loaded = loadSpec(text, { file: "s.yaml" });
    expect(loaded.diagnostics.map((d) => [d.code, d.location?.line])).toEqual([
      ["PFN117", 5],
      ["PFN102", 8],
    ]);
  });

  it("duplicate keys: PFN006 at the second key", () => {
    const text = `${HEADER}workspaces:\n  pf-ws:\n    network: managed\n    ingress: private\n    egress: private\n    egress: public\n`;
    const loaded = loadSpec(text);
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN006",
        location: { line: 9, column: 5 },
        message: expect.stringContaining("`egress`"),
      }),
    ]);
  });
});

describe("loadSpec: JSON", () => {
  it("JSON syntax errors get JSON wording and a position", () => {
    const loaded = loadSpec('{\n  "version": 1,\n  "workspaces": {},\n}\n', { file: "spec.json" });
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]?.message).toMatch(/^JSON syntax error: /);
    expect(loaded.diagnostics[0]?.location).toMatchObject({ file: "spec.json", line: 4, column: 1 });
  });

  it("a trailing comma in a list is located at the bracket V8 names without a position", () => {
    const text = `{\n  "version": 1,\n  "workspaces": { "pf-ws": { "reach": { "hosts": ["serpapi.com", ] } } }\n}\n`;
    const loaded = loadSpec(text, { file: "spec.json" });
    const column = text.split("\n")[2]!.indexOf("]") + 1;
    expect(loaded.diagnostics.map((d) => [d.message, d.location])).toEqual([
      ["JSON syntax error: Unexpected token ']'.", { file: "spec.json", line: 3, column }],
    ]);
    expect(loadSpec("[1,]", { file: "s.json" }).diagnostics[0]?.location).toEqual({
      file: "s.json",
      line: 1,
      column: 4,
    });
  });

  it("JSON schema errors are located", () => {
    const text = JSON.stringify(
      {
        version: 1,
        subscriptionId: "11111111-2222-3333-4444-555555555555",
        resourceGroup: "rg",
        workspaces: { "pf-ws": { network: "managed", ingress: "private", egress: "nope" } },
      },
      null,
      2,
    );
    const loaded = loadSpec(text, { format: "json" });
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN003",
        path: "/workspaces/pf-ws/egress",
        location: { line: 9, column: 7 },
      }),
    ]);
  });
});

describe("loadSpec never throws on user input", () => {
  const junk: Array<[string, string]> = [
    ["empty", ""],
    ["whitespace", "  \n\n"],
    ["comment only", "# nothing\n"],
    ["list at root", "- a\n- b\n"],
    ["scalar at root", "hello"],
    ["binary", "\u0000\u0001\u0002\uFFFD\u0007PK\u0003\u0004"],
    ["deep nesting", `${"[".repeat(5000)}${"]".repeat(5000)}`],
    ["deep mapping", Array.from({ length: 500 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")],
    ["multiple documents", "a: 1\n---\nb: 2\n"],
    ["unresolved alias", "a: *nope\n"],
    [
      "alias bomb",
      `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n`,
    ],
    ["unknown tag", "version: !custom 1\n"],
    ["proto key", "__proto__: { polluted: true }\nconstructor: {}\n"],
    ["tabs", "version:\t1\n\tworkspaces: {}\n"],
    ["non-string keys", "? [a, b]\n: c\n1: 2\n"],
  ];
  it.each(junk)("%s", (_name, text) => {
    const loaded = loadSpec(text, { file: "junk.yaml" });
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics.length).toBeGreaterThan(0);
    expect(loaded.diagnostics.length).toBeLessThan(50);
    for (const d of loaded.diagnostics) {
      expect(d.code).toMatch(/^PFN\d{3}$/);
      expect(d.location?.line).toBeGreaterThan(0);
      expect(d.message).not.toContain("internal error");
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("writes nothing to the process: no yaml warnings (the library never prints)", () => {
    const emitWarning = vi.spyOn(process, "emitWarning");
    try {
      for (const [, text] of junk) loadSpec(text, { file: "junk.yaml" });
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });

  it("reports the same junk as JSON without throwing", () => {
    for (const [, text] of junk) {
      const loaded = loadSpec(text, { format: "json" });
      expect(loaded.topology).toBeUndefined();
      expect(loaded.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it("rejects non-string input from JavaScript callers", () => {
    const loaded = loadSpec(42 as unknown as string);
    expect(loaded.diagnostics[0]?.code).toBe("PFN000");
  });
});

describe("loadSpecFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "pfnet-load-"));

  it("loads a file and names it in locations", async () => {
    const file = join(dir, "spec.yaml");
    writeFileSync(
      file,
      `${HEADER}workspaces:\n  pf-ws:\n    network: managed\n    ingress: private\n    egress: nope\n`,
    );
    const loaded = await loadSpecFile(file);
    expect(loaded.file).toBe(file);
    expect(loaded.diagnostics[0]?.location).toEqual({ file, line: 8, column: 5 });
  });

  it("picks JSON by extension", async () => {
    const file = join(dir, "spec.json");
    writeFileSync(file, "{ nope");
    const loaded = await loadSpecFile(file);
    expect(loaded.diagnostics[0]?.message).toMatch(/^JSON syntax error/);
  });

  it("a missing file or a directory is a diagnostic naming the file", async () => {
    const missing = join(dir, "absent.yaml");
    const loaded = await loadSpecFile(missing);
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN000",
        message: `Cannot read spec file "${missing}": the file does not exist.`,
      }),
    ]);
    const directory = await loadSpecFile(dir);
    expect(directory.diagnostics[0]?.message).toContain("it is a directory");
  });

  it("an aborted signal rejects with ABORTED", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await loadSpecFile(join(dir, "spec.yaml"), { signal: controller.signal }).catch(
      (e: unknown) => e,
    );
    expect(isPfnetError(error) && error.code).toBe("ABORTED");
  });
});

describe("loadSpec: input at any size", () => {
  const WORKSPACE = `${HEADER}workspaces:\n  pf-ws:\n    network: managed\n    ingress: private\n    egress: private\n`;

  it("20,000 unknown keys: every one reported once, at its own line (linear; the bench times 100,000)", () => {
    const count = 20_000;
    let text = WORKSPACE;
    for (let i = 0; i < count; i++) text += `    unknown${i}: x\n`;
    const loaded = loadSpec(text, { file: "big.yaml" });
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics).toHaveLength(count);
    expect(loaded.diagnostics.every((d) => d.code === "PFN001")).toBe(true);
    const last = loaded.diagnostics.at(-1);
    expect(last).toMatchObject({
      path: `/workspaces/pf-ws/unknown${count - 1}`,
      location: { file: "big.yaml", line: 9 + count - 1, column: 5 },
    });
  }, 60_000);

  it("100,000 unknown keys: the first and the last at their own line and column, all in file order", () => {
    const count = 100_000;
    const lines = [WORKSPACE];
    for (let i = 0; i < count; i++) lines.push(`    unknown${i}: x\n`);
    // One more at the top level, after them: last in the file, though first by path.
    lines.push("extra: 1\n");
    const loaded = loadSpec(lines.join(""), { file: "big.yaml" });
    expect(loaded.diagnostics).toHaveLength(count + 1);
    expect(loaded.diagnostics[0]).toMatchObject({
      code: "PFN001",
      path: "/workspaces/pf-ws/unknown0",
      message: 'Unknown field `unknown0` in workspace "pf-ws".',
      location: { file: "big.yaml", line: 9, column: 5 },
    });
    expect(loaded.diagnostics[count - 1]).toMatchObject({
      path: `/workspaces/pf-ws/unknown${count - 1}`,
      location: { line: 9 + count - 1, column: 5 },
    });
    expect(loaded.diagnostics[count]).toMatchObject({
      path: "/extra",
      message: "Unknown field `extra` in the spec.",
      location: { line: 9 + count, column: 1 },
    });
    expect(loaded.diagnostics.every((d, i) => d.location?.line === 9 + i)).toBe(true);
  }, 60_000);

  it("duplicate keys among many keys are still found, each at its second occurrence", () => {
    let text = `${HEADER}services:\n`;
    for (let i = 0; i < 500; i++)
      text += `  s${i}: { kind: storage, id: /subscriptions/s/resourceGroups/rg/providers/M/t/n${i} }\n`;
    text += "  s7: { kind: storage, id: /subscriptions/s/resourceGroups/rg/providers/M/t/again }\n";
    const loaded = loadSpec(`${text}workspaces: {}\n`, { file: "dup.yaml" });
    expect(loaded.diagnostics.filter((d) => d.code === "PFN006")).toEqual([
      expect.objectContaining({
        message: expect.stringContaining("`s7`"),
        location: { file: "dup.yaml", line: 505, column: 3 },
      }),
    ]);
  });

  it("a spec over 10 MB is refused before parsing, with its size", () => {
    const text = `${WORKSPACE}# ${"x".repeat(10 * 1024 * 1024)}\n`;
    const loaded = loadSpec(text, { file: "huge.yaml" });
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN000",
        severity: "error",
        message: "The spec is 10 MB; pfnet reads specs up to 10 MB.".replace(
          "10 MB;",
          `${(text.length / 1048576).toFixed(1)} MB;`,
        ),
        location: { file: "huge.yaml", line: 1, column: 1 },
      }),
    ]);
  });

  it("loadSpecFile refuses an oversized file without reading it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pfnet-size-"));
    const file = join(dir, "huge.yaml");
    writeFileSync(file, `# ${"x".repeat(20 * 1024 * 1024)}\n`);
    const loaded = await loadSpecFile(file);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]?.message).toBe("The spec is 20.0 MB; pfnet reads specs up to 10 MB.");
  });

  it("multi-document YAML is refused at the second document", () => {
    const loaded = loadSpec(`${WORKSPACE}---\nversion: 2\n`, { file: "two.yaml" });
    expect(loaded.topology).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      expect.objectContaining({
        code: "PFN000",
        message: "The file holds 2 YAML documents; a spec is one document.",
        location: { file: "two.yaml", line: 9, column: 1 },
      }),
    ]);
    // A leading `---` (one document) is fine.
    expect(loadSpec(`---\n${WORKSPACE}`).diagnostics).toEqual([]);
  });

  it("unknown tags such as !!js/function are errors, not warnings", () => {
    for (const tag of ["!!js/function", "!include", "!!python/object"]) {
      const loaded = loadSpec(`${WORKSPACE.replace("egress: private", `egress: ${tag} 'private'`)}`, {
        file: "tag.yaml",
      });
      expect(loaded.topology).toBeUndefined();
      expect(loaded.diagnostics[0]).toMatchObject({
        code: "PFN000",
        severity: "error",
        message: expect.stringContaining(`Unknown YAML tag \`${tag}\``),
        location: { file: "tag.yaml", line: 8, column: 13 },
      });
    }
  });

  it("over-deep nesting (YAML flow, YAML block, compact lists, JSON) is refused, never a stack overflow", () => {
    const n = 100_000;
    const cases: Array<[string, string]> = [
      [`${HEADER}workspaces: ${"[".repeat(n)}${"]".repeat(n)}\n`, "flow.yaml"],
      [
        `${HEADER}${Array.from({ length: 100 }, (_, i) => `${" ".repeat(i)}a:`).join("\n")} 1\n`,
        "block.yaml",
      ],
      [`${HEADER}workspaces:\n${"- ".repeat(n)}a\n`, "seq.yaml"],
      [`${"[".repeat(n)}${"]".repeat(n)}`, "deep.json"],
      [`{"workspaces": ${'{"a":'.repeat(n)}1${"}".repeat(n)}}`, "deep2.json"],
    ];
    for (const [text, file] of cases) {
      const loaded = loadSpec(text, { file });
      expect(loaded.topology).toBeUndefined();
      expect(loaded.diagnostics).toEqual([
        expect.objectContaining({
          code: "PFN000",
          message: "The spec nests more than 64 levels deep; pfnet stops reading here.",
          location: expect.objectContaining({ file }),
        }),
      ]);
    }
  });

  it("ARM ids with `.`, `..` or empty segments are refused with the reason", () => {
    const id = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st";
    const flaws: Array<[string, RegExp]> = [
      [id.replace("/st", "/../other"), /has a `\.` or `\.\.` segment/],
      [id.replace("/rg/", "/./"), /has a `\.` or `\.\.` segment/],
      [id.replace("/rg/", "/../"), /has a `\.` or `\.\.` segment/],
      [`${id}/`, /has an empty segment/],
      [id.replace("/storageAccounts/", "/storageAccounts//"), /has an empty segment/],
    ];
    for (const [bad, reason] of flaws) {
      const loaded = loadSpec(
        `${HEADER}services:\n  st:\n    kind: storage\n    id: "${bad}"\nworkspaces: {}\n`,
        {
          file: "ids.yaml",
        },
      );
      expect(loaded.diagnostics).toEqual([
        expect.objectContaining({
          code: "PFN005",
          path: "/services/st/id",
          message: expect.stringMatching(reason),
          location: { file: "ids.yaml", line: 7, column: 5 },
        }),
      ]);
    }
    const fine = loadSpec(
      `${HEADER}services:\n  st:\n    kind: storage\n    id: "${id.replace(/\/st$/, "/st.v2..x")}"\nworkspaces: {}\n`,
    );
    expect(fine.diagnostics).toEqual([]);
  });
});
