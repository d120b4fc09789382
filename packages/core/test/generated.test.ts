import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { GEN_DOCS_COMMAND, GEN_SCHEMA_COMMAND, renderAllDocs } from "../scripts/docs.js";
import { REPO_ROOT, SCHEMA_FILE } from "../scripts/paths.js";
import { RULES } from "../src/rules/catalogue.js";
import { renderJsonSchema, topologyJsonSchema } from "../src/spec/json-schema.js";

const read = (path: string) => (existsSync(path) ? readFileSync(path, "utf8") : undefined);

describe("committed generated files are up to date", () => {
  it("packages/core/schema/pfnet.schema.json", () => {
    expect(
      read(SCHEMA_FILE) === renderJsonSchema(),
      `schema file is stale: run \`${GEN_SCHEMA_COMMAND}\``,
    ).toBe(true);
  });

  const docs = renderAllDocs();
  it.each([...docs.keys()])("%s", (path) => {
    expect(
      read(join(REPO_ROOT, path)) === docs.get(path),
      `${path} is stale: run \`${GEN_DOCS_COMMAND}\``,
    ).toBe(true);
  });

  it("every in-page link of the spec reference reaches a heading (GitHub's anchors)", () => {
    const page = docs.get("docs/reference/spec.md")!;
    // GitHub renders a heading's text (backslash escapes resolved, `<name>` kept as text only when
    // escaped), then lower-cases it and drops punctuation other than `-` and spaces.
    const rendered = (heading: string) =>
      heading.includes("<") && !heading.includes("\\<")
        ? heading.replace(/<[^>]*>/g, "")
        : heading.replace(/\\/g, "");
    const anchors = new Set(
      [...page.matchAll(/^## (.+)$/gm)].map(([, heading]) =>
        rendered(heading!)
          .toLowerCase()
          .replace(/[^a-z0-9 -]/g, "")
          .replace(/ /g, "-"),
      ),
    );
    const links = [...page.matchAll(/\]\(#([^)]+)\)/g)].map(([, target]) => target!);
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((target) => !anchors.has(target))).toEqual([]);
  });

  it("every code has a docs page and every page has a code", () => {
    const pages = readdirSync(join(REPO_ROOT, "docs/rules"))
      .filter((name) => name !== "README.md")
      .sort();
    expect(pages).toEqual(RULES.map((rule) => `${rule.code}.md`).sort());
  });
});

describe("JSON schema", () => {
  it("is plain JSON with the dialect, id and the top-level required fields", () => {
    const schema = topologyJsonSchema();
    expect(schema.$schema).toBe("http://json-schema.org/draft-07/schema#");
    expect(schema.$id).toBe("https://pfnet.dev/schema/pfnet.schema.json");
    expect(schema.required).toEqual(["version", "subscriptionId", "resourceGroup", "workspaces"]);
    expect(JSON.parse(renderJsonSchema())).toEqual(schema);
  });
});
