import { describe, expect, it } from "vitest";
import { managedPrivate, seededProvider, topology } from "../../test/support.js";
import { hashJson } from "./canonical.js";
import { plan } from "./plan.js";
import { parsePlan, serializePlan } from "./serialize.js";

describe("serializePlan / parsePlan", async () => {
  const planned = await plan(topology({ "pf-ws": managedPrivate() }), seededProvider());
  const text = serializePlan(planned);

  it("round-trips", () => {
    expect(parsePlan(text)).toEqual(planned);
    expect(JSON.parse(text).checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it("records the origin: mode, canonical topology, specHash over it", () => {
    expect(planned.origin.mode).toBe("apply");
    expect(planned.specHash).toBe(hashJson(planned.origin.topology));
    expect(Object.keys(planned.origin.topology)).toEqual(Object.keys(planned.origin.topology).sort());
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
  it("rejects another format version", () => {
    rejects(
      text.replace('"formatVersion": 2', '"formatVersion": 1'),
      /format version 1 and this pfnet reads version 2/,
    );
    rejects(text.replace('"formatVersion": 2', '"formatVersion": 3'), /format version 3/);
  });
  // Re-checksummed with serializePlan (as a forger would): the schema check still applies.
  // biome-ignore lint/suspicious/noExplicitAny: a forger edits the JSON freely
  const reshaped = (edit: (plan: any) => void) => {
    const value = JSON.parse(text);
    edit(value);
    return serializePlan(value);
  };
  it("rejects a re-checksummed file of the wrong shape, naming the step and field", () => {
    rejects(
      reshaped((p) => {
        p.steps[1].guard = "yes";
      }),
      /not shaped like a plan at step 1 \(workspace\.pf-ws\.rule\.[^)]+\): \/guard: Expected boolean/,
    );
    rejects(
      reshaped((p) => {
        p.steps[0].kind = "virtualMachine";
      }),
      /step 0 \(workspace\.pf-ws\): \/kind/,
    );
    rejects(
      reshaped((p) => {
        delete p.origin;
      }),
      /not shaped like a plan at \/origin/,
    );
  });
  it("rejects unknown fields instead of ignoring them", () => {
    rejects(
      reshaped((p) => {
        p.steps[0].runAs = "Owner";
      }),
      /step 0 \(workspace\.pf-ws\)/,
    );
    rejects(
      reshaped((p) => {
        p.origin.skipChecks = true;
      }),
      /\/origin/,
    );
  });
  it("rejects non-objects", () => rejects("[]", /not a JSON object/));
});
