import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isPfnetError } from "../errors.js";
import { LocalStateBackend } from "./local.js";
import { serviceStateKey } from "./records.js";
import type { JournalRecord } from "./types.js";

const KEY = "11111111-2222-3333-4444-555555555555/rg-promptflow/pf-ws";
const holder = (pid: number, host = "build-1") => ({ host, pid, user: "ci" });
const dir = () => mkdtemp(join(tmpdir(), "pfnet-state-"));

async function lockError(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPfnetError(error)) throw new Error(`expected a PfnetError, got ${String(error)}`);
  return error;
}

describe("LocalStateBackend locks", () => {
  it("is exclusive: a second taker gets LOCKED naming holder, since and the force-unlock command", async () => {
    const root = await dir();
    const alive = new LocalStateBackend(root, { host: "build-1", isProcessAlive: () => true });
    const held = await alive.acquireLock(KEY, holder(100));
    const error = await lockError(alive.acquireLock(KEY, holder(200)));
    expect(error.code).toBe("LOCKED");
    expect(error.message).toContain(`Workspace ${KEY} is locked`);
    expect(error.message).toContain("ci@build-1, pid 100");
    expect(error.message).toContain(held.info.since);
    expect(error.hint).toContain(`pfnet force-unlock ${held.info.id} --state ${root}`);
    await held.release();
    const next = await alive.acquireLock(KEY, holder(200));
    expect(next.info.holder.pid).toBe(200);
  });

  it("locks a target service under its own key, which names it and never meets a workspace's", async () => {
    const aoai =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow/providers/Microsoft.CognitiveServices/accounts/pf-ws";
    const key = serviceStateKey(aoai)!;
    expect(key).toBe(
      "11111111-2222-3333-4444-555555555555/rg-promptflow/microsoft.cognitiveservices~accounts~pf-ws",
    );
    expect(key).not.toBe(KEY);
    expect(serviceStateKey("/subscriptions/x/resourceGroups/y")).toBeUndefined();
    const alive = new LocalStateBackend(await dir(), { host: "build-1", isProcessAlive: () => true });
    await alive.acquireLock(key, holder(100));
    await alive.acquireLock(KEY, holder(100)); // the workspace of the same name: another lock
    const error = await lockError(alive.acquireLock(key, holder(200)));
    expect(error.message).toMatch(
      /^Target service pf-ws \(microsoft\.cognitiveservices\/accounts\) is locked/,
    );
  });

  it("takes over a lock whose process died on this host, never one from another host", async () => {
    const root = await dir();
    const dead = new LocalStateBackend(root, { host: "build-1", isProcessAlive: (pid) => pid !== 100 });
    await dead.acquireLock(KEY, holder(100));
    const taken = await dead.acquireLock(KEY, holder(200));
    expect(taken.info.holder.pid).toBe(200);
    const elsewhere = new LocalStateBackend(root, { host: "build-2", isProcessAlive: () => false });
    expect((await lockError(elsewhere.acquireLock(KEY, holder(300, "build-2")))).code).toBe("LOCKED");
  });

  it("recognises a real dead process with the default liveness check", async () => {
    const root = await dir();
    const backend = new LocalStateBackend(root);
    // A pid far above any live one (Linux pid_max is at most 2^22).
    await backend.acquireLock(KEY, { host: (await import("node:os")).hostname(), pid: 2 ** 30 });
    const taken = await backend.acquireLock(KEY, { host: "x", pid: process.pid });
    expect(taken.info.holder.pid).toBe(process.pid);
  });

  it("force-unlock breaks the lock with that id; an unknown id is LOCK_NOT_FOUND and lists the held ones", async () => {
    const root = await dir();
    const backend = new LocalStateBackend(root, { isProcessAlive: () => true });
    const held = await backend.acquireLock(KEY, holder(100));
    expect(await backend.listLocks()).toEqual([held.info]);
    const missing = await lockError(backend.forceUnlock("no-such-id"));
    expect(missing.code).toBe("LOCK_NOT_FOUND");
    expect(missing.hint).toContain(held.info.id);
    expect((await backend.forceUnlock(held.info.id)).key).toBe(KEY);
    expect(await backend.listLocks()).toEqual([]);
    await backend.acquireLock(KEY, holder(200));
  });

  it("refuses keys that would leave the state folder", async () => {
    const backend = new LocalStateBackend(await dir());
    expect((await lockError(backend.acquireLock("../../etc", holder(1)))).code).toBe("INVALID_ARGUMENT");
  });
});

describe("LocalStateBackend journal", () => {
  const record = (address: string): JournalRecord => ({
    type: "intent",
    planHash: "p",
    specHash: "s",
    address,
    operation: "provisionManagedNetwork",
    at: "2026-01-01T00:00:00.000Z",
  });

  it("appends, reads back in order, skips a torn line, and clears", async () => {
    const root = await dir();
    const backend = new LocalStateBackend(root);
    expect(await backend.readJournal(KEY)).toEqual([]);
    await backend.appendJournal(KEY, [record("a"), record("b")]);
    // A process killed mid-write leaves a torn line; the next append starts on a new line.
    const file = join(root, "workspaces", ...KEY.split("/"), "journal.jsonl");
    await writeFile(file, `${await readFile(file, "utf8")}{"type":"outcome","addr`);
    await backend.appendJournal(KEY, [record("c")]);
    expect((await backend.readJournal(KEY)).map((r) => (r as { address: string }).address)).toEqual([
      "a",
      "b",
      "c",
    ]);
    await backend.clearJournal(KEY);
    expect(await backend.readJournal(KEY)).toEqual([]);
  });
});
