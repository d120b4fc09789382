/**
 * Resource kinds as modules: every `ResourceKind` has its core contract, its Azure module and its
 * in-memory handler, each in a file named after the kind, registered once per layer; and no
 * hand-written source file of core or the Azure provider grows past the size one reads at once.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AZURE_KINDS } from "../../packages/azure/src/kinds/index.js";
import { KINDS } from "../../packages/core/src/kinds/index.js";
import { RESOURCE_KINDS } from "../../packages/core/src/model.js";
import { MEMORY_KINDS } from "../../packages/core/src/testing/kinds/index.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const LAYERS = {
  core: { registry: KINDS as Record<string, unknown>, folder: "packages/core/src/kinds" },
  azure: { registry: AZURE_KINDS as Record<string, unknown>, folder: "packages/azure/src/kinds" },
  memory: { registry: MEMORY_KINDS as Record<string, unknown>, folder: "packages/core/src/testing/kinds" },
} as const;

/** Source files (not tests) below `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) out.push(path);
  }
  return out;
}

describe("resource kinds as modules", () => {
  it.each(Object.entries(LAYERS))(
    "%s: one registered module per ResourceKind, in a file named after it",
    (_, layer) => {
      expect(Object.keys(layer.registry).sort()).toEqual([...RESOURCE_KINDS].sort());
      for (const kind of RESOURCE_KINDS) {
        expect(layer.registry[kind], kind).toBeTruthy();
        expect(
          () => statSync(join(root, layer.folder, `${kind}.ts`)),
          `${layer.folder}/${kind}.ts`,
        ).not.toThrow();
      }
    },
  );

  it("no hand-written source file of core or the Azure provider is over 350 lines", () => {
    const long = [...sources("packages/core/src"), ...sources("packages/azure/src")]
      .map((path) => ({ path, lines: readFileSync(join(root, path), "utf8").split("\n").length }))
      .filter((file) => file.lines > 350);
    expect(long).toEqual([]);
  });
});
