import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { loadSpec } from "./load.js";
import { parsePlainJson } from "./plain-json.js";
import { plainOffsetOf } from "./plain-yaml.js";
import { offsetOf, YAML_OPTIONS } from "./yaml-nodes.js";

function pointers(value: unknown, prefix = ""): string[] {
  const out = [prefix, `${prefix}/absent`];
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) out.push(...pointers(item, `${prefix}/${i}`));
  } else if (value !== null && typeof value === "object")
    for (const [key, item] of Object.entries(value))
      out.push(...pointers(item, `${prefix}/${key.replaceAll("~", "~0").replaceAll("/", "~1")}`));
  return out;
}

/** The scanner either declines or gives JSON.parse's value and yaml's offset for every pointer. */
function agreesWithYaml(text: string): boolean {
  const plain = parsePlainJson(text);
  if (!plain) return false;
  expect(plain.value, text).toEqual(JSON.parse(text));
  const [document] = parseAllDocuments(text, YAML_OPTIONS) as Exclude<
    ReturnType<typeof parseAllDocuments>,
    { empty: true }
  >;
  for (const path of pointers(plain.value))
    expect(plainOffsetOf(plain.root, path), `${path} in\n${text}`).toBe(offsetOf(document!, path));
  return true;
}

const examples = join(import.meta.dirname, "../../../../examples");

describe("parsePlainJson: JSON.parse's value and yaml's offsets, or nothing", () => {
  it("reads every example spec as JSON, indented and on one line", () => {
    for (const file of readdirSync(examples).filter((name) => name.endsWith(".yaml"))) {
      const value = parse(readFileSync(join(examples, file), "utf8"));
      expect(agreesWithYaml(JSON.stringify(value, null, 2)), file).toBe(true);
      expect(agreesWithYaml(JSON.stringify(value)), file).toBe(true);
      expect(agreesWithYaml(JSON.stringify(value, null, "\t").replaceAll("\n", "\r\n")), file).toBe(true);
    }
  });

  it.each([
    ["escapes in keys and values", '{"a\\"b": "c\\\\d", "e\\u0041": ["\\n", {"x/y": 1}]}'],
    [
      "empty collections and odd numbers",
      ' { "a" : { } , "b" : [ ] , "c" : -1.5e-3 , "d" : [0, true, false, null] } ',
    ],
    ["a top-level list", '[{"a": 1}, [2, [3]], "s"]'],
  ])("%s", (_name, text) => expect(agreesWithYaml(text)).toBe(true));

  it("declines what yaml must judge: a repeated key, __proto__, and text JSON.parse refuses", () => {
    expect(parsePlainJson('{"a": 1, "a": 2}')).toBeUndefined();
    expect(parsePlainJson('{"__proto__": {"x": 1}}')).toBeUndefined();
    expect(parsePlainJson('{"a": 1,}')).toBeUndefined();
    expect(parsePlainJson("")).toBeUndefined();
    expect(parsePlainJson("\ufeff{}")).toBeUndefined();
  });

  it("agrees with yaml on generated JSON", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom(0, 1, 2, "\t"), (value, indent) => {
        const text = JSON.stringify(value, null, indent);
        // yaml reads some JSON differently (e.g. -0); only texts both read alike are compared.
        const yamlValue = (() => {
          try {
            return parse(text, YAML_OPTIONS) as unknown;
          } catch {
            return Symbol("unreadable");
          }
        })();
        fc.pre(JSON.stringify(yamlValue) === JSON.stringify(JSON.parse(text)));
        agreesWithYaml(text);
      }),
      { numRuns: 1500 },
    );
  });
});

describe("loadSpec of a JSON spec", () => {
  it("gives the same diagnostics through the fast path as through yaml", () => {
    const spec = {
      version: 1,
      subscriptionId: "11111111-2222-3333-4444-555555555555",
      resourceGroup: "rg",
      workspaces: { ws: { network: "managed", ingress: "public", egres: "public", extra: [1] } },
    };
    const fast = loadSpec(JSON.stringify(spec, null, 2), { file: "s.json" });
    // A trailing duplicate key sends the same document through yaml (and adds PFN006).
    const slowText = JSON.stringify(spec, null, 2).replace(/\n}$/, ',\n  "version": 1\n}');
    const slow = loadSpec(slowText, { file: "s.json" });
    expect(fast.diagnostics.length).toBeGreaterThan(0);
    expect(slow.diagnostics.filter((d) => d.code !== "PFN006")).toEqual(fast.diagnostics);
  });

  it("locates the first and last of 100,000 unknown keys", () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `    "unknown${i}": "x"`).join(",\n");
    const text = `{\n  "version": 1,\n  "subscriptionId": "11111111-2222-3333-4444-555555555555",\n  "resourceGroup": "rg",\n  "workspaces": {},\n  "services": {\n   "s": {\n${keys}\n   }\n  }\n}\n`;
    const loaded = loadSpec(text, { file: "big.json" });
    const unknown = loaded.diagnostics.filter((d) => d.code === "PFN001");
    expect(unknown).toHaveLength(100_000);
    expect(unknown[0]?.location).toEqual({ file: "big.json", line: 8, column: 5 });
    expect(unknown.at(-1)?.location).toEqual({ file: "big.json", line: 100_007, column: 5 });
  });
});
