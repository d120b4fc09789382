import { describe, expect, it } from "vitest";
import { PlanStepSchema } from "../plan/schema.js";
import { MEMORY_KINDS } from "./kinds/index.js";
import { emptyMemoryState, type MemoryRoleAssignment, memoryWorkspace } from "./state.js";
import { MemoryStore, shareStrings } from "./store.js";
import { Table } from "./table.js";

describe("Table", () => {
  const table = () => new Table<{ id: string; n: number }, "id">({ id: (row) => row.id.toLowerCase() });

  it("keeps insertion order through replace and remove, and finds rows by key", () => {
    const rows = table();
    const a = { id: "A", n: 1 };
    const b = { id: "b", n: 2 };
    const c = { id: "c", n: 3 };
    for (const row of [a, b, c]) rows.add(row);
    const b2 = { id: "B", n: 20 };
    rows.replace(b, b2);
    expect([...rows.values()]).toEqual([a, b2, c]);
    expect(rows.find("id", "b")).toBe(b2);
    rows.remove(a);
    expect([...rows.values()].map((row) => row.n)).toEqual([20, 3]);
    expect(rows.find("id", "a")).toBeUndefined();
    expect(rows.size).toBe(2);
  });

  it("re-indexes a row changed in place, and answers the oldest of rows sharing a key", () => {
    const rows = table();
    const first = { id: "x", n: 1 };
    const second = { id: "X", n: 2 };
    rows.add(first);
    rows.add(second);
    expect(rows.find("id", "x")).toBe(first);
    expect(rows.all("id", "x")).toEqual([first, second]);
    first.id = "y";
    rows.replace(first, first);
    expect(rows.find("id", "x")).toBe(second);
    expect(rows.find("id", "y")).toBe(first);
    expect([...rows.values()]).toEqual([first, second]);
  });
});

describe("MemoryStore", () => {
  const assignment = (scope: string, principalId = "p"): MemoryRoleAssignment => ({
    scope,
    principalId,
    roleDefinitionId: "/providers/Microsoft.Authorization/roleDefinitions/r",
    principalType: "ServicePrincipal",
  });

  it("lists the role assignments at or above a scope, in the order they were made", () => {
    const account = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st";
    const assignments = [
      assignment(`${account}/`),
      assignment("/subscriptions/s"),
      assignment("/subscriptions/s/resourceGroups/rg2"),
      assignment("/"),
      assignment("/subscriptions/S/resourceGroups/RG"),
      assignment(`${account}2`),
    ];
    const store = new MemoryStore({ ...emptyMemoryState(), roleAssignments: assignments });
    expect(store.rolesAtOrAbove(account)).toEqual([
      assignments[0],
      assignments[1],
      assignments[3],
      assignments[4],
    ]);
    expect(store.rolesAt(account, "p")).toEqual([]);
    expect(store.rolesAt(`${account}/`, "p")).toEqual([assignments[0]]);
  });

  it("keeps its indexes current through writes, and starts over on load", () => {
    const ws = memoryWorkspace({ subscriptionId: "s", resourceGroup: "rg", name: "ws" });
    const store = new MemoryStore({ ...emptyMemoryState(), workspaces: [ws] });
    store.ensureConnection("/T", "/pe");
    store.ensureConnection("/t", "/pe");
    expect(store.snapshot().connections).toHaveLength(1);
    expect(store.connection("/t", "/pe")?.status).toBe("Approved");
    store.removeConnectionsFrom("/pe");
    expect(store.connection("/t", "/pe")).toBeUndefined();
    const state = store.snapshot();
    state.workspaces = [];
    store.load(state);
    expect(store.workspace({ subscriptionId: "S", resourceGroup: "RG", name: "WS" })).toBeUndefined();
    expect(store.snapshot()).toEqual(emptyMemoryState());
  });

  it("keeps each etag per object and tag until the object is forgotten", () => {
    const store = new MemoryStore(emptyMemoryState());
    const owner = { n: 1 };
    const other = { n: 1 };
    const first = store.etag(owner, "a", () => owner);
    owner.n = 2;
    expect(store.etag(owner, "a", () => owner)).toBe(first);
    expect(store.etag(owner, "b", () => owner)).not.toBe(first);
    expect(store.etag(other, "a", () => other)).toBe(first);
    store.forget(owner);
    expect(store.etag(owner, "a", () => owner)).not.toBe(first);
  });

  it("shares equal strings in place without changing the data", () => {
    const state = { rows: [{ a: "x", b: ["x", 1, null], c: { d: "y", e: undefined } }], f: "y" };
    const copy = structuredClone(state);
    expect(shareStrings(copy)).toBe(copy);
    expect(copy).toStrictEqual(state);
  });

  it("tells one owner's connections apart by target, whatever the case of the id", () => {
    const store = new MemoryStore(emptyMemoryState(), ["/t/b"]);
    const ws = "/subscriptions/s/resourcegroups/rg/providers/x/workspaces/ws";
    store.ensureConnection("/T/A", `${ws}/outboundrules/pe-a`);
    store.ensureConnection("/t/b", `${ws}/outboundrules/pe-b`);
    store.ensureConnection("/t/a", `${ws}/outboundrules/pe-a`);
    // Another rule to the same target is another connection of the same owner.
    store.ensureConnection("/t/a", `${ws}/outboundrules/pe-a-123456`);
    expect(store.snapshot().connections.map((c) => [c.targetId, c.source.slice(ws.length)])).toEqual([
      ["/T/A", "/outboundrules/pe-a"],
      ["/t/b", "/outboundrules/pe-b"],
      ["/t/a", "/outboundrules/pe-a-123456"],
    ]);
    expect(store.connection("/t/A", ws)?.source).toBe(`${ws}/outboundrules/pe-a`);
    expect(store.connection("/T/B", ws)?.status).toBe("Pending");
    expect(store.connection("/t/c", ws)).toBeUndefined();
    expect(store.connection("/t/a", `${ws}-other`)).toBeUndefined();
  });

  it("leaves connections to pendingApprovalTargets Pending", () => {
    const store = new MemoryStore(emptyMemoryState(), ["/Locked"]);
    store.ensureConnection("/locked", "/pe");
    expect(store.connection("/LOCKED", "/pe")?.status).toBe("Pending");
    expect(store.isLocked("/LOCKED")).toBe(true);
  });
});

describe("MEMORY_KINDS", () => {
  it("has a handler for every resource kind a plan step can name", () => {
    const kinds = (PlanStepSchema.properties.kind.anyOf as Array<{ const: string }>).map(
      (literal) => literal.const,
    );
    expect(kinds.length).toBeGreaterThan(0);
    expect(Object.keys(MEMORY_KINDS).sort()).toEqual([...kinds].sort());
  });
});
