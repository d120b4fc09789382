/**
 * Resource kinds as modules: every `ResourceKind` has its core contract, its Azure module and its
 * in-memory handler, each in a file named after the kind, registered once per layer by a
 * generated registry that matches the modules on disk (`pnpm gen:kinds`); and no hand-written
 * source file of core or the Azure provider grows past the size one reads at once.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { AZURE_KINDS } from "../../packages/azure/src/kinds/index.js";
import { KINDS } from "../../packages/core/src/kinds/index.js";
import { RESOURCE_KINDS } from "../../packages/core/src/model.js";
import { MEMORY_KINDS } from "../../packages/core/src/testing/kinds/index.js";
import { kindRegistries, staleKindRegistries } from "../../scripts/gen-kinds.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const LAYERS = {
  core: { registry: KINDS as Record<string, unknown>, folder: "packages/core/src/kinds" },
  azure: { registry: AZURE_KINDS as Record<string, unknown>, folder: "packages/azure/src/kinds" },
  memory: { registry: MEMORY_KINDS as Record<string, unknown>, folder: "packages/core/src/testing/kinds" },
} as const;

/** Hand-written source files (not tests, not generated) below `dir`, relative to the repository root. */
function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".test.ts") && !name.endsWith(".generated.ts"))
      out.push(path);
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

  it("the generated registries are those of the kind modules on disk (pnpm gen:kinds)", () => {
    const generated = kindRegistries(root).map((file) => file.path);
    for (const layer of Object.values(LAYERS)) {
      expect(generated.some((path) => path.startsWith(`${layer.folder}/`))).toBe(true);
    }
    expect(staleKindRegistries(root)).toEqual([]);
  });

  it("the generator registers a new kind module in each layer and skips the shared modules", () => {
    const scratch = mkdtempSync(join(tmpdir(), "pfnet-gen-kinds-"));
    try {
      const write = (path: string, text: string) => {
        mkdirSync(join(scratch, path, ".."), { recursive: true });
        writeFileSync(join(scratch, path), text);
      };
      write(
        "packages/core/src/kinds/fooBar.ts",
        "export interface FooBarIdentity {}\nexport const fooBar = {};\n",
      );
      write("packages/core/src/kinds/shared.ts", "export const shared = 1;\n");
      write("packages/azure/src/kinds/fooBar.ts", "export const fooBar = {};\n");
      write("packages/azure/src/kinds/index.ts", "export const index = {};\n");
      write("packages/core/src/testing/kinds/fooBar.ts", "export const fooBar = {};\n");
      write("packages/core/src/testing/kinds/handler.ts", "export const ABSENT = {};\n");
      const files = new Map(kindRegistries(scratch).map((file) => [file.path, file.text]));
      const types = files.get("packages/core/src/kinds/types.generated.ts")!;
      expect(types).toContain('export const RESOURCE_KINDS = ["fooBar"] as const;');
      expect(types).toContain("identity: FooBarIdentity;");
      expect(types).not.toContain("shared");
      for (const path of [
        "packages/core/src/kinds/registry.generated.ts",
        "packages/azure/src/kinds/registry.generated.ts",
        "packages/core/src/testing/kinds/registry.generated.ts",
      ]) {
        expect(files.get(path), path).toContain('import { fooBar } from "./fooBar.js";');
        expect(files.get(path), path).not.toMatch(/import \{ (shared|index|handler) \}/);
      }
      expect(staleKindRegistries(scratch)).toHaveLength(4);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("no hand-written source file of core or the Azure provider is over 350 lines", () => {
    const long = [...sources("packages/core/src"), ...sources("packages/azure/src")]
      .map((path) => ({ path, lines: readFileSync(join(root, path), "utf8").split("\n").length }))
      .filter((file) => file.lines > 350);
    expect(long).toEqual([]);
  });
});
