import { describe, expect, it } from "vitest";
import { managedPrivate, SUB, topology } from "../../test/support.js";
import { MemoryProvider, memoryWorkspace } from "../testing/memory-provider.js";
import { expand } from "./expand.js";
import { sharedValue } from "./shared.js";

const fleet = topology({
  a: managedPrivate({ reach: { services: ["aoai"], hosts: ["serpapi.com", "pypi.org"] } }),
  b: managedPrivate({ reach: { services: ["aoai"], hosts: ["serpapi.com"] } }),
});
const at = (nodes: ReturnType<typeof expand>, address: string) =>
  nodes.find((node) => node.address === address)!;

describe("shared desired values", () => {
  it("gives equal rules of different workspaces one frozen properties object", () => {
    const nodes = expand(fleet);
    const fqdn = at(nodes, "workspace.a.rule.fqdn-serpapi-com").properties;
    expect(at(nodes, "workspace.b.rule.fqdn-serpapi-com").properties).toBe(fqdn);
    expect(at(nodes, "workspace.a.rule.fqdn-pypi-org").properties).toEqual({
      type: "FQDN",
      category: "UserDefined",
      destination: "pypi.org",
    });
    const pe = at(nodes, "workspace.a.rule.pe-aoai").properties as { destination: { sparkEnabled: boolean } };
    expect(at(nodes, "workspace.b.rule.pe-aoai").properties).toBe(pe);
    // Frozen all the way down: a change through one node would be a change of every other.
    expect(() => {
      pe.destination.sparkEnabled = true;
    }).toThrow(TypeError);
    expect(() => {
      (fqdn as { destination: string }).destination = "evil.example.com";
    }).toThrow(TypeError);
    expect(at(expand(fleet), "workspace.b.rule.fqdn-serpapi-com").properties).toMatchObject({
      destination: "serpapi.com",
    });
  });

  it("makes a value once per key and a different one for another key", () => {
    const first = sharedValue('["test","x"]', () => ({ value: "x" }));
    expect(sharedValue('["test","x"]', () => ({ value: "other" }))).toBe(first);
    expect(sharedValue('["test","y"]', () => ({ value: "y" }))).toEqual({ value: "y" });
  });
});

describe("MemoryProvider reads of equal rules", () => {
  it("share a frozen object that follows the state when a rule changes", async () => {
    const nodes = expand(fleet);
    const provider = new MemoryProvider({
      state: {
        workspaces: ["a", "b"].map((name) =>
          memoryWorkspace({ subscriptionId: SUB, resourceGroup: fleet.resourceGroup, name }),
        ),
      },
    });
    const context = { signal: new AbortController().signal, emit: () => {} };
    const rules = ["workspace.a.rule.fqdn-serpapi-com", "workspace.b.rule.fqdn-serpapi-com"];
    for (const address of rules)
      provider.setResource(at(nodes, address), { ...at(nodes, address).properties, status: "Active" });
    const read = await provider.read(nodes, context);
    const [a, b] = rules.map((address) => read.resources[address]!);
    if (!a?.exists || !b?.exists) throw new Error("rules not read");
    expect(b.properties).toBe(a.properties);
    expect(Object.isFrozen(a.properties)).toBe(true);

    provider.setResource(at(nodes, rules[1]!), {
      type: "FQDN",
      category: "UserDefined",
      destination: "other.example.com",
      status: "Active",
    });
    const again = await provider.read(nodes, context);
    expect(again.resources[rules[0]!]).toMatchObject({ properties: { destination: "serpapi.com" } });
    expect(again.resources[rules[1]!]).toMatchObject({ properties: { destination: "other.example.com" } });
  });
});
