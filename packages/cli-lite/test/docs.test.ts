/** The docs stay true: generated scenario sections are current, and relative links point at files. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderScenarioPage, SCENARIOS } from "../scripts/docs.js";
import { REPO_ROOT } from "./helpers.js";

describe("docs", () => {
  it.each(SCENARIOS)(
    "$page shows its example and the graph pfnet draws for it",
    async ({ page, example }) => {
      const current = readFileSync(join(REPO_ROOT, page), "utf8");
      const expected = await renderScenarioPage(page, example);
      // On failure: run `pnpm --filter @pfnet/cli-lite docs:graphs` and commit the result.
      expect(current).toBe(expected);
      expect(current).toContain("```mermaid\nflowchart LR\n");
    },
  );

  it("has no broken relative links in the README and the user docs", () => {
    const pages = [
      "README.md",
      ...readdirSync(join(REPO_ROOT, "docs"))
        .filter((f) => f.endsWith(".md"))
        .map((f) => `docs/${f}`),
      ...readdirSync(join(REPO_ROOT, "docs/scenarios")).map((f) => `docs/scenarios/${f}`),
    ];
    const broken: string[] = [];
    for (const page of pages) {
      const text = readFileSync(join(REPO_ROOT, page), "utf8");
      for (const match of text.matchAll(/\]\(([^)\s#]+)(#[^)]*)?\)/g)) {
        const target = match[1]!;
        if (/^[a-z]+:/.test(target)) continue;
        if (!existsSync(join(REPO_ROOT, dirname(page), target))) broken.push(`${page} -> ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });
});
