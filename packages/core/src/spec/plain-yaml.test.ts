import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments, stringify, type ToStringOptions } from "yaml";
import { parsePlainYaml, plainOffsetOf } from "./plain-yaml.js";
import { duplicateKeys, offsetOf, YAML_OPTIONS } from "./yaml-nodes.js";

/** Every pointer into `value`, and one that leaves it below each node. */
function pointers(value: unknown, prefix = ""): string[] {
  const out = [prefix, `${prefix}/absent`];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) out.push(...pointers(item, `${prefix}/${i}`));
  } else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value)) out.push(...pointers(item, `${prefix}/${key}`));
  return out;
}

/**
 * The fast reader either declines or agrees with yaml: one document without errors, warnings or
 * repeated keys, the same value, and the same offset for every pointer.
 */
function agreesWithYaml(text: string): boolean {
  const plain = parsePlainYaml(text);
  if (!plain) return false;
  const documents = parseAllDocuments(text, YAML_OPTIONS);
  expect(Array.isArray(documents) ? documents.length : 0, text).toBe(1);
  const [document] = documents as Exclude<typeof documents, { empty: true }>;
  expect(document!.errors, text).toEqual([]);
  expect(document!.warnings, text).toEqual([]);
  expect(duplicateKeys(document!), text).toEqual([]);
  const value = document!.toJS();
  expect(plain.value, text).toEqual(value);
  for (const path of pointers(value)) {
    expect(plainOffsetOf(plain.root, path), `${path} in\n${text}`).toBe(offsetOf(document!, path));
  }
  return true;
}

const examples = join(import.meta.dirname, "../../../../examples");

describe("parsePlainYaml: the same value and offsets as yaml, or nothing", () => {
  it("reads every example spec", () => {
    const files = readdirSync(examples).filter((file) => file.endsWith(".yaml"));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files)
      expect(agreesWithYaml(readFileSync(join(examples, file), "utf8")), file).toBe(true);
  });

  it.each([
    [
      "scalars of every core type",
      "a: ~\nb: null\nc: true\nd: False\ne: 0x1F\nf: 0o17\ng: -12\nh: 1.50\ni: 1e3\nj: .inf\nk: -.Inf\nl: .nan\nm: +7\n",
    ],
    [
      "quotes, comments and odd plain text",
      "a: \"x # y\" # c\nb: 'it''s'\nc: a#b\nd: http://h:80/p\ne: a]b, c\nf: -x\n",
    ],
    [
      "lists: block, compact, nested and flow",
      "a:\n- x\n- k: 1\n  l: [p, \"q\", 3]\nb:\n  -\n    m: {}\n  - []\nc: { d: 1, e: 'f' }\n",
    ],
    [
      "comments and blank lines anywhere",
      "# top\n\na: # after a key\n  # inside\n  b: 1\n\n    # deeper\n  c: 2 # end\n",
    ],
    ["an indented root", "  a: 1\n  b:\n    c: 2\n"],
  ])("%s", (_name, text) => {
    expect(agreesWithYaml(text)).toBe(true);
  });

  it.each([
    ["a repeated key", "a: 1\na: 2\n"],
    ["an anchor and alias", "a: &x 1\nb: *x\n"],
    ["a tag", "a: !!str 1\n"],
    ["a second document", "a: 1\n---\nb: 2\n"],
    ["a multi-line plain scalar", "a: one\n  two\n"],
    ["a block scalar", "a: |\n  text\n"],
    ["an escape", 'a: "x\\ty"\n'],
    ["a tab", "a:\t1\n"],
    ["CRLF", "a: 1\r\n"],
    ["a number as a key", "1: a\n"],
    ["`__proto__`", "__proto__: a\n"],
    ["a nested flow collection", "a: [b, [c]]\n"],
    ["a trailing comma", "a: [b,]\n"],
    ["a list at the top", "- a\n"],
    ["an empty text", "# nothing\n"],
    ["a syntax error", "a: [b\n"],
  ])("declines %s", (_name, text) => {
    expect(parsePlainYaml(text)).toBeUndefined();
  });

  it("reads what yaml writes, nested and in its styles, with the same value and offsets", () => {
    const key = fc.oneof(
      { weight: 9, arbitrary: fc.constantFrom("a", "pf-ws", "x.y", "id", "k_1", "b2") },
      fc.constantFrom("true", "1", "a b", ""),
    );
    const text = fc.constantFrom(
      "a",
      "pf-ws",
      "a b",
      "it's",
      "true",
      "1",
      "-x",
      "x: y",
      "#",
      "",
      "~",
      "0x1F",
    );
    const tree = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: "small" },
        text,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie("node"), { maxLength: 4 }),
        fc.dictionary(key, tie("node"), { maxKeys: 4 }),
      ),
    })).node;
    const options = fc.record({
      indent: fc.constantFrom(2, 4),
      indentSeq: fc.boolean(),
      collectionStyle: fc.constantFrom("any", "block", "flow"),
      defaultStringType: fc.constantFrom("PLAIN", "QUOTE_DOUBLE", "QUOTE_SINGLE"),
    });
    let agreed = 0;
    fc.assert(
      fc.property(fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), options, (value, style) => {
        if (agreesWithYaml(stringify(value, style as ToStringOptions))) agreed++;
      }),
      { numRuns: 1500 },
    );
    expect(agreed).toBeGreaterThan(50);
  }, 60_000);

  it("never disagrees with yaml on generated texts", () => {
    // Lines built from the subset's pieces and from what it must decline.
    const key = fc.constantFrom(
      "a",
      "b",
      "pf-ws",
      "x.y",
      "true",
      "1",
      "constructor",
      "a b",
      "__proto__",
      "k/v",
    );
    const scalar = fc.constantFrom(
      "x",
      "1",
      "-1",
      "0x1F",
      "1e3",
      ".inf",
      ".nan",
      "1.50",
      "True",
      "null",
      "~",
      "'q''s'",
      '"d"',
      '"a\\"b"',
      "a: b",
      "a #c",
      "a#c",
      "http://h:80",
      "a]b",
      "&a x",
      "*a",
      "!!str x",
      "|",
      ">",
      "[a, b]",
      "[]",
      "{}",
      "{a: 1, b: 'c'}",
      "{a: [b]}",
      "[a,]",
      "[a, [b]]",
      "-",
      "--",
      "- x",
      "x:",
      "'",
      "a ",
      "?x",
      "@x",
      "%x",
      "a\tb",
      "[ a , b ]",
      "{ }",
      "[a b, c]",
      "# c",
    );
    const safe = fc.constantFrom("x", "1", "true", "~", "'q''s'", '"d"', "[a, b]", "{a: 1}", "a#c", "-1");
    const line = fc.tuple(
      fc.oneof({ weight: 6, arbitrary: fc.constantFrom(0, 2, 4) }, fc.integer({ min: 0, max: 6 })),
      fc.oneof(
        fc.tuple(fc.constantFrom("a", "b", "c", "d"), safe).map(([k, v]) => `${k}: ${v}`),
        fc.constantFrom("a:", "b:", "- x", "- c: 1", "- d:", "-"),
        fc.tuple(key, scalar).map(([k, v]) => `${k}: ${v}`),
        key.map((k) => `${k}:`),
        scalar.map((v) => `- ${v}`),
        fc.tuple(key, scalar).map(([k, v]) => `- ${k}: ${v}`),
        fc.constantFrom("-", "# comment", "", "---", "...", "%YAML 1.2"),
      ),
    );
    let agreed = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 12 }), (lines) => {
        // The plain keys get the line's number, so that fewer texts repeat a key.
        const numbered = lines.map(
          ([indent, content], i) =>
            " ".repeat(indent) + content.replace(/^(- )?([abcd]):/, (_, dash = "", k) => `${dash}${k}${i}:`),
        );
        const text = `${numbered.join("\n")}\n`;
        if (agreesWithYaml(text)) agreed++;
      }),
      { numRuns: 4000 },
    );
    // The generator reaches the subset often enough for the comparison to mean something.
    expect(agreed).toBeGreaterThan(100);
  }, 60_000);
});
