/** The Azure Blob state backend against Azurite: lease locks, force-unlock, the journal. */
import { BlobStateBackend, parseBlobStateUrl } from "@pfnet/azure";
import { isPfnetError, type JournalRecord } from "@pfnet/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AZURITE_ACCOUNT, type Azurite, startAzurite } from "./azurite.js";

const KEY = "11111111-2222-3333-4444-555555555555/rg-promptflow/pf-ws";
let azurite: Azurite;
let run = 0;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.close();
});

const backend = (leaseSeconds = 15) =>
  new BlobStateBackend({
    url: `azblob://${AZURITE_ACCOUNT}/pfnet-state/test-${++run}`,
    connectionString: azurite.connectionString,
    leaseSeconds,
  });
const holder = (pid: number) => ({ host: "runner-1", pid, user: "ci" });

async function rejection(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isPfnetError(error)) throw new Error(`expected a PfnetError, got ${String(error)}`);
  return error;
}

describe("BlobStateBackend on Azurite", () => {
  it("leases the lock: a second taker gets LOCKED naming holder, since, the lease and force-unlock", async () => {
    const state = backend();
    const held = await state.acquireLock(KEY, holder(100));
    const other = new BlobStateBackend({
      url: state.location,
      connectionString: azurite.connectionString,
      leaseSeconds: 15,
    });
    const error = await rejection(other.acquireLock(KEY, holder(200)));
    expect(error.code).toBe("LOCKED");
    expect(error.message).toContain("ci@runner-1, pid 100");
    expect(error.message).toContain(held.info.since);
    expect(error.hint).toContain("until its lease expires (15 s after its process stopped)");
    expect(error.hint).toContain(`pfnet force-unlock ${held.info.id} --state ${state.location}`);
    expect(await other.listLocks()).toEqual([held.info]);
    await held.release();
    expect(await other.listLocks()).toEqual([]);
    await (await other.acquireLock(KEY, holder(200))).release();
  });

  it("force-unlock breaks the lease; the holder finds its lock lost at the next renewal", async () => {
    const state = backend();
    const held = await state.acquireLock(KEY, holder(100));
    const lost = new Promise<Error>((resolve) => held.onLost(resolve));
    expect((await rejection(state.forceUnlock("no-such-lock"))).code).toBe("LOCK_NOT_FOUND");
    expect((await state.forceUnlock(held.info.id)).key).toBe(KEY);
    const next = await state.acquireLock(KEY, holder(200));
    expect(next.info.holder.pid).toBe(200);
    expect(await lost).toMatchObject({ code: "LOCK_LOST" });
    await next.release();
  }, 30_000);

  it("appends the journal in order, reads it back, and clears it", async () => {
    const state = backend();
    const record = (address: string): JournalRecord => ({
      type: "outcome",
      planHash: "p",
      specHash: "s",
      address,
      action: "create",
      outcome: "succeeded",
      at: new Date().toISOString(),
    });
    expect(await state.readJournal(KEY)).toEqual([]);
    await state.appendJournal(KEY, [record("a")]);
    await state.appendJournal(KEY, [record("b"), record("c")]);
    expect((await state.readJournal(KEY)).map((r) => (r as { address: string }).address)).toEqual([
      "a",
      "b",
      "c",
    ]);
    await state.clearJournal(KEY);
    expect(await state.readJournal(KEY)).toEqual([]);
  });

  it("refuses malformed locations, leases outside 15-60 s, and a connection string of another account", () => {
    expect(parseBlobStateUrl("azblob://acct01/pfnet/prod/eu")).toEqual({
      account: "acct01",
      container: "pfnet",
      prefix: "prod/eu",
    });
    for (const bad of [
      "azblob://acct01",
      "azblob://Acct/pfnet",
      "https://acct01/pfnet",
      "azblob://acct01/p_x",
    ]) {
      expect(() => parseBlobStateUrl(bad), bad).toThrow(/not a usable state location/);
    }
    expect(() => backend(5)).toThrow(/15 to 60/);
    expect(
      () =>
        new BlobStateBackend({
          url: "azblob://otheraccount/pfnet",
          connectionString: azurite.connectionString,
        }),
    ).toThrow(/for account 'devstoreaccount1'/);
  });
});
