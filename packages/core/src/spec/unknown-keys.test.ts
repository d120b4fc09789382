import { describe, expect, it } from "vitest";
import { Topology } from "./schema.js";
import { UnusualValue, withoutUnknownKeys } from "./unknown-keys.js";
import { validateTopology } from "./validate.js";

/** The same value with a class prototype at the top: the pre-pass declines it, TypeBox reads all. */
function throughTypeBoxAlone(value: Record<string, unknown>): unknown {
  return Object.assign(Object.create(class Spec {}.prototype), value);
}

const base = () => ({
  version: 1,
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroup: "rg-promptflow",
  services: {
    aoai: { kind: "azureOpenAI", id: "/subscriptions/s/resourceGroups/rg/providers/M/t/a", colour: "red" },
  },
  workspaces: {
    "pf-ws": {
      network: "managed",
      ingress: "private",
      egres: "private",
      reach: {
        services: ["aoai"],
        serviceTags: [
          { serviceTag: "Storage", prot: "TCP" },
          { serviceTag: "", protocol: "SCTP" },
        ],
        extra: true,
      },
      endpoints: { chat: { ingress: "private", typo: 1 } },
    },
    other: { network: "byo", ingress: "public", egress: "nowhere", "a/b~c": 1 },
  },
  top: 1,
});

describe("unknown keys before TypeBox", () => {
  it("the same diagnostics, in the same order, as TypeBox alone (unknown keys at every level, among other errors)", () => {
    const value = base();
    const fast = validateTopology(value).diagnostics;
    expect(fast.filter((d) => d.code === "PFN001").map((d) => d.path)).toEqual([
      "/services/aoai/colour",
      "/top",
      "/workspaces/other/a~1b~0c",
      "/workspaces/pf-ws/egres",
      "/workspaces/pf-ws/endpoints/chat/typo",
      "/workspaces/pf-ws/reach/extra",
      "/workspaces/pf-ws/reach/serviceTags/0/prot",
    ]);
    expect(fast.some((d) => d.code !== "PFN001")).toBe(true);
    expect(fast).toEqual(validateTopology(throughTypeBoxAlone(value)).diagnostics);
  });

  it("leaves the value alone when nothing is unknown, and copies instead of changing it", () => {
    const clean = base();
    delete (clean as Partial<typeof clean>).top;
    const before = structuredClone(clean);
    const found: unknown[] = [];
    const rest = withoutUnknownKeys(Topology, clean, found as never) as typeof clean;
    expect(found).toHaveLength(6);
    expect(rest).not.toBe(clean);
    expect(clean).toEqual(before);
    expect(rest.workspaces["pf-ws"]).not.toHaveProperty("egres");
    expect(withoutUnknownKeys(Topology, rest, [])).toBe(rest);
  });

  it("reads keys as TypeBox does (hidden properties too), and declines class instances", () => {
    expect(() => withoutUnknownKeys(Topology, throughTypeBoxAlone(base()), [])).toThrow(UnusualValue);
    const hide = (value: object) => Object.defineProperty(value, "secret", { value: 1, enumerable: false });
    const hidden = validateTopology(hide(base())).diagnostics;
    expect(hidden.map((d) => d.path)).toContain("/secret");
    expect(hidden).toEqual(validateTopology(hide(throughTypeBoxAlone(base()) as object)).diagnostics);
  });
});
