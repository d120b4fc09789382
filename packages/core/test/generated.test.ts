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
