import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hasFixture, RULE_FIXTURES_DIR, runFixture } from "../../scripts/rule-fixtures.js";
import { RULES } from "./catalogue.js";

describe("rule catalogue", () => {
  it("has unique, well-formed codes and complete entries", () => {
    const codes = RULES.map((rule) => rule.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const rule of RULES) {
      expect(rule.code).toMatch(/^PFN\d{3}$/);
      expect(rule.docs).toBe(`docs/rules/${rule.code}.md`);
      for (const text of [rule.title, rule.summary, rule.why, rule.reference, rule.hint])
        expect(text.length).toBeGreaterThan(5);
    }
  });

  it("has a fixture directory for every code and no fixture without a code", () => {
    const dirs = readdirSync(RULE_FIXTURES_DIR).sort();
    expect(dirs).toEqual(RULES.map((rule) => rule.code).sort());
  });
});

describe.each(RULES.map((rule) => [rule.code, rule] as const))("%s", (code, rule) => {
  it("has a failing and a passing fixture", () => {
    expect(hasFixture(code, "fails"), `missing test/fixtures/rules/${code}/fails.yaml`).toBe(true);
    expect(hasFixture(code, "passes"), `missing test/fixtures/rules/${code}/passes.yaml`).toBe(true);
  });

  it("is reported for the failing fixture, with severity, hint and location", () => {
    const run = runFixture(code, "fails");
    const hits = run.diagnostics.filter((diagnostic) => diagnostic.code === code);
    expect(hits.length, JSON.stringify(run.diagnostics, null, 2)).toBeGreaterThan(0);
    for (const hit of hits) {
      expect(hit.severity).toBe(rule.severity);
      expect(hit.message.length).toBeGreaterThan(10);
      expect(hit.hint?.length ?? 0).toBeGreaterThan(5);
      expect(hit.location?.file).toBe(run.file);
      expect(hit.location?.line).toBeGreaterThan(0);
      expect(hit.location?.column).toBeGreaterThan(0);
    }
  });

  it("is not reported for the passing fixture, which has no errors at all", () => {
    const run = runFixture(code, "passes");
    expect(run.diagnostics.filter((diagnostic) => diagnostic.code === code)).toEqual([]);
    expect(run.diagnostics.filter((diagnostic) => diagnostic.severity === "error")).toEqual([]);
  });
});
