import { describe, expect, it } from "vitest";
import { managedPrivate, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { hashJson } from "./canonical.js";
import { plan } from "./plan.js";
import { parsePlan, serializePlan } from "./serialize.js";
import { checkProvenance, verifyPlanSignature } from "./sign.js";

const KEY = "s3cret-plan-key-0123456789abcdef";

describe("plan signatures and provenance", async () => {
  const spec = topology({ "pf-ws": managedPrivate() });
  const planned = await plan(spec, seededProvider());

  it("round-trips a signed plan; the key appears nowhere in the file", () => {
    const text = serializePlan(planned, { planKey: KEY });
    expect(text).not.toContain(KEY);
    const read = parsePlan(text);
    expect(read.signature).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(() => verifyPlanSignature(read, KEY)).not.toThrow();
    expect(checkProvenance(read, { planKey: KEY })).toEqual(["signature"]);
  });

  it("refuses unsigned plans, other keys and edits after signing with PLAN_SIGNATURE (the key in no message)", () => {
    const unsigned = parsePlan(serializePlan(planned));
    const signed = parsePlan(serializePlan(planned, { planKey: KEY }));
    const edited = parsePlan(serializePlan({ ...signed, provider: "other" }));
    for (const [candidate, key, pattern] of [
      [unsigned, KEY, /not signed/],
      [signed, "another-key", /does not match the plan key/],
      [edited, KEY, /does not match the plan key/],
    ] as const) {
      let caught: unknown;
      try {
        verifyPlanSignature(candidate, key);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ code: "PLAN_SIGNATURE" });
      expect((caught as Error).message).toMatch(pattern);
      expect(JSON.stringify(caught) + String((caught as Error).message)).not.toContain(key);
    }
  });

  it("a spec witness must hash to specHash; no witness is refused unless trusted", () => {
    expect(checkProvenance(planned, { specTopology: structuredClone(spec) })).toEqual(["spec"]);
    const other = structuredClone(spec);
    other.workspaces["pf-ws"]!.reach!.hosts = ["evil.example.net"];
    expect(() => checkProvenance(planned, { specTopology: other, specSource: "spec.yaml" })).toThrow(
      /not made from spec\.yaml/,
    );
    expect(() => checkProvenance(planned, {})).toThrow(expect.objectContaining({ code: "PLAN_UNVERIFIED" }));
    expect(checkProvenance(planned, { trustPlanFile: true })).toEqual(["trusted"]);
    expect(hashJson(spec)).toBe(planned.specHash);
  });

  it("apply() with planKey or spec checks provenance before reading", async () => {
    const provider = seededProvider();
    const unsigned = parsePlan(serializePlan(planned));
    await expect(apply(unsigned, provider, { planKey: KEY })).rejects.toMatchObject({
      code: "PLAN_SIGNATURE",
    });
    const other = structuredClone(spec);
    other.workspaces["pf-ws"]!.egress = "public";
    delete other.workspaces["pf-ws"]!.firewallSku;
    other.workspaces["pf-ws"]!.reach = { services: ["aoai"] };
    await expect(apply(unsigned, provider, { spec: other })).rejects.toMatchObject({ code: "PLAN_TAMPERED" });
    expect(provider.calls).toEqual({ read: 0, apply: 0 });
    const signed = parsePlan(serializePlan(planned, { planKey: KEY }));
    const result = await apply(signed, provider, { planKey: KEY, spec });
    expect(result.outcomes.failed).toBe(0);
  });
});
