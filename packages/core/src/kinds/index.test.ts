/** The kind registry: every ResourceKind has its contract, in a module named after it. */
import { describe, expect, it } from "vitest";
import { RESOURCE_KINDS } from "../model.js";
import { KINDS, kindDisplay } from "./index.js";

describe("KINDS", () => {
  it("holds exactly the resource kinds, each under its own name", () => {
    expect(Object.keys(KINDS).sort()).toEqual([...RESOURCE_KINDS].sort());
    for (const kind of RESOURCE_KINDS) expect(KINDS[kind].kind).toBe(kind);
  });

  for (const kind of RESOURCE_KINDS) {
    it(`${kind}: its contract is the one its module kinds/${kind}.ts exports`, async () => {
      const module = (await import(`./${kind}.ts`)) as Record<string, unknown>;
      expect(module[kind]).toBe(KINDS[kind]);
    });
  }

  it("names a kind it does not know as it is (a newer plan file read by an older CLI)", () => {
    expect(kindDisplay("storageFirewall").name).toBe("storageFirewall");
    expect(kindDisplay("storageFirewall").title({})).toBe("storageFirewall");
    expect(kindDisplay("constructor").name).toBe("constructor");
    expect(kindDisplay("outboundRule").title({ ruleName: "pe-aoai", workspace: { name: "pf-ws" } })).toBe(
      "outbound rule pe-aoai on pf-ws",
    );
  });
});
