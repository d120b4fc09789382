/**
 * The kinds registry: each entry of AZURE_KINDS is the module named after its kind
 * (`src/kinds/<kind>.ts`, exporting it under the kind's name), registered under its own kind, and
 * a kind the provider does not know is refused with NOT_SUPPORTED. (That every ResourceKind has
 * an entry is the mapped type's job: a missing kind does not compile.)
 */
import { describe, expect, it } from "vitest";
import { NotSupportedError } from "../src/errors.js";
import { AZURE_KINDS, azureKind } from "../src/kinds/index.js";

describe("AZURE_KINDS", () => {
  for (const [name, kind] of Object.entries(AZURE_KINDS)) {
    it(`${name} is kinds/${name}.ts, registered under its own kind`, async () => {
      const module = (await import(`../src/kinds/${name}.ts`)) as Record<string, unknown>;
      expect(module[name]).toBe(kind);
      expect(kind.kind).toBe(name);
      expect(typeof kind.read).toBe("function");
      expect(typeof kind.apply).toBe("function");
    });
  }

  it("refuses a kind it does not know, prototype names included", () => {
    for (const unknown of ["storageAccount", "toString", "constructor"]) {
      expect(() => azureKind(unknown, `x.${unknown}`)).toThrow(NotSupportedError);
    }
    expect(azureKind("nsgRule", "x")).toBe(AZURE_KINDS.nsgRule);
  });
});
