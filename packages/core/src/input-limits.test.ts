import { describe, expect, it } from "vitest";
import { describeBytes, jsonTooDeepAt, yamlTooDeepAt } from "./input-limits.js";

describe("jsonTooDeepAt", () => {
  it("finds the bracket that opens one level too many, ignoring brackets in strings", () => {
    expect(jsonTooDeepAt("[[[]]]", 3)).toBeUndefined();
    expect(jsonTooDeepAt("[[[[]]]]", 3)).toBe(3);
    expect(jsonTooDeepAt('{"a": "[[[[[[", "b": {"c": [1]}}', 3)).toBeUndefined();
    expect(jsonTooDeepAt('["\\"[[[[", [[[]]]]', 3)).toBe(13);
    // Siblings do not add up: depth goes down again at each closing bracket.
    expect(jsonTooDeepAt("[[],[],[],[],[]]", 2)).toBeUndefined();
  });
});

describe("yamlTooDeepAt", () => {
  it("counts indentation, compact sequences and flow brackets", () => {
    expect(yamlTooDeepAt("a:\n  b:\n    c: 1\n", 3)).toBeUndefined();
    expect(yamlTooDeepAt("a:\n  b:\n    c:\n      d: 1\n", 3)).toBe(21);
    expect(yamlTooDeepAt("- - - a\n", 3)).toBeUndefined();
    expect(yamlTooDeepAt("- - - - a\n", 3)).toBe(8);
    expect(yamlTooDeepAt("a: [[1]]\n", 3)).toBeUndefined();
    expect(yamlTooDeepAt("a: [[[1]]]\n", 3)).toBe(5);
  });

  it("does not count brackets in quotes or comments, nor dedented siblings", () => {
    expect(yamlTooDeepAt("a: '[[[[[['\nb: \"{{{{{\" # [[[[[[\n", 2)).toBeUndefined();
    expect(yamlTooDeepAt("a: it's [fine]\n", 2)).toBeUndefined();
    expect(yamlTooDeepAt("a:\n  b: 1\nc:\n  d: 1\ne:\n  f: 1\n", 2)).toBeUndefined();
  });
});

describe("describeBytes", () => {
  it("says sizes in words", () => {
    expect(describeBytes(10 * 1024 * 1024)).toBe("10 MB");
    expect(describeBytes(20.5 * 1024 * 1024)).toBe("20.5 MB");
    expect(describeBytes(2048)).toBe("2 KB");
    expect(describeBytes(12)).toBe("12 bytes");
  });
});
