import { describe, expect, it } from "vitest";
import { managedPrivate, seededProvider, topology } from "../../test/support.js";
import { plan } from "./plan.js";
import { parsePlan, serializePlan } from "./serialize.js";

describe("serializePlan / parsePlan", async () => {
  const planned = await plan(topology({ "pf-ws": managedPrivate() }), seededProvider());
  const text = serializePlan(planned);

  it("round-trips", () => {
    expect(parsePlan(text)).toEqual(planned);
    expect(JSON.parse(text).checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  const rejects = (input: string, pattern: RegExp) => {
    try {
      parsePlan(input);
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: "PLAN_INVALID" });
      expect((error as Error).message).toMatch(pattern);
      expect((error as Error).message).toContain("pfnet plan");
    }
  };

  it("rejects a truncated file", () => rejects(text.slice(0, text.length / 2), /not valid JSON/));
  it("rejects 100,000 nested brackets with PLAN_INVALID, not a stack overflow", () => {
    rejects(
      `${"[".repeat(100_000)}${"]".repeat(100_000)}`,
      /nests more than 64 levels deep \(at line 1, column 65\)/,
    );
    rejects(`{"steps":\n${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}}`, /at line 2, column /);
  });
  it("rejects a hand-edited file", () =>
    rejects(text.replace('"action": "provision"', '"action": "noop"'), /checksum does not match/));
  it("rejects a file without a checksum", () => {
    const { checksum: _checksum, ...rest } = JSON.parse(text);
    rejects(JSON.stringify(rest), /no checksum/);
  });
  it("rejects another format version", () =>
    rejects(text.replace('"formatVersion": 1', '"formatVersion": 2'), /format version 2/));
  it("rejects non-objects", () => rejects("[]", /not a JSON object/));
});
