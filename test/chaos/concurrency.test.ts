/**
 * Two `pfnet apply` processes on one spec, against the emulator: exactly one proceeds, the other
 * exits `LOCKED` having written nothing. With the Azure Blob backend (Azurite, a 15 s lease —
 * Azure's shortest): after a kill -9 of the holder the next apply is refused until the lease
 * expires, then proceeds; `pfnet force-unlock <id>` breaks a dead apply's lock at once. With the
 * local directory: a lock whose process died on this host is taken over at once.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import type { Emulator } from "@pfnet/arm-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AZURITE_ACCOUNT, type Azurite, startAzurite } from "../e2e/azurite.js";
import { expectRowState, providerFor, ROWS, rowSpec, startTestEmulator, writes } from "../e2e/harness.js";
import { spawnPfnet } from "./processes.js";

const ROW = ROWS[3]!;
/** Provisioning 40 Azure minutes = 2.4 s: both processes plan well before the winner is done. */
const TIME_SCALE = 60;

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.close();
});

let nextPrefix = 0;
async function setup(backend: "local" | "blob") {
  const em = await startTestEmulator({ timeScale: TIME_SCALE });
  const dir = await mkdtemp(join(tmpdir(), "pfnet-lock-"));
  const spec = join(dir, "spec.json");
  await writeFile(spec, JSON.stringify(rowSpec(ROW)));
  const state =
    backend === "local" ? [] : ["--state", `azblob://${AZURITE_ACCOUNT}/pfnet-locks/t${++nextPrefix}`];
  const env = { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, PFNET_STATE_LEASE_SECONDS: "15" };
  const applyArgs = ["apply", spec, "--auto-approve", "--json", ...state];
  const start = () => spawnPfnet(em, applyArgs, { cwd: dir, env });
  const run = async (args: string[]) => (await spawnPfnet(em, [...args, ...state], { cwd: dir, env })).exited;
  return { em, dir, start, run };
}

const posts = (em: Emulator) => em.requests.find("POST", "/provisionManagedNetwork$").length;

/** Every write the emulator received, as `METHOD path` (one apply's worth, or two's). */
const writeSet = (em: Emulator) => writes(em).map((w) => `${w.method} ${w.path}`);

async function twoAtOnce(backend: "local" | "blob") {
  const { em, start } = await setup(backend);
  try {
    const [a, b] = await Promise.all([start(), start()]);
    const [ra, rb] = await Promise.all([a.exited, b.exited]);
    const results = [ra, rb];
    const winner = results.filter((r) => r.code === 0);
    const loser = results.filter((r) => r.code !== 0);
    expect(winner, `${ra.stderr}\n${rb.stderr}`).toHaveLength(1);
    expect(loser).toHaveLength(1);
    expect(loser[0]!.stderr).toContain("[LOCKED]");
    expect(loser[0]!.stderr).toContain("pfnet force-unlock ");
    // The loser started no step: its stream has no step event.
    expect(loser[0]!.stdout).not.toContain('"step.started"');
    // And wrote nothing: one provisioning, no write twice.
    expect(posts(em)).toBe(1);
    const all = writeSet(em).filter((w) => !w.includes("/operationResults/"));
    expect(new Set(all).size, all.join("\n")).toBe(all.length);
    await expectRowState(em, providerFor(em), ROW);
  } finally {
    await em.close();
  }
}

/** Start an apply, kill -9 it once it holds its locks and provisioning started. */
async function killHolder(start: () => ReturnType<typeof spawnPfnet>) {
  const holder = await start();
  await holder.waitForEvent((e) => e.type === "step.started" && e.kind === "managedNetwork");
  holder.kill9();
  await holder.exited;
  return holder;
}

describe("the workspace lock across processes", () => {
  it("local directory: two applies at once, one LOCKED having written nothing; a dead holder's lock is taken over", async () => {
    await twoAtOnce("local");
    const { em, start } = await setup("local");
    try {
      await killHolder(start);
      const next = await (await start()).exited;
      expect(next.code, next.stderr).toBe(0);
      expect(posts(em)).toBe(1);
    } finally {
      await em.close();
    }
  });

  it("blob lease: two applies at once, one LOCKED having written nothing", async () => {
    await twoAtOnce("blob");
  });

  it("blob lease: after kill -9 of the holder the next apply is LOCKED until the lease expires, then proceeds", async () => {
    const { em, start } = await setup("blob");
    try {
      const dead = await killHolder(start);
      const refused = await (await start()).exited;
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(`pid ${dead.pid}`);
      expect(refused.stderr).toContain("until its lease expires (15 s after its process stopped)");
      // Try again every 2 s until the lease has expired (15 s after the last renewal).
      let attempts = 1;
      let outcome = refused;
      while (outcome.code !== 0 && attempts < 15) {
        expect(outcome.stderr).toContain("[LOCKED]");
        await delay(2000);
        outcome = await (await start()).exited;
        attempts++;
      }
      expect(outcome.code, outcome.stderr).toBe(0);
      expect(attempts).toBeGreaterThan(1);
      expect(posts(em)).toBe(1);
      await expectRowState(em, providerFor(em), ROW);
    } finally {
      await em.close();
    }
  }, 240_000);

  it("blob lease: pfnet force-unlock <id> breaks a dead apply's lock at once", async () => {
    const { em, start, run } = await setup("blob");
    try {
      await killHolder(start);
      const refused = await (await start()).exited;
      const id = /pfnet force-unlock (\S+)/.exec(refused.stderr)?.[1];
      expect(id, refused.stderr).toBeDefined();
      const wrong = await run(["force-unlock", "not-a-lock-id"]);
      expect(wrong.code).toBe(1);
      expect(wrong.stderr).toContain("[LOCK_NOT_FOUND]");
      const unlocked = await run(["force-unlock", id!]);
      expect(unlocked.code, unlocked.stderr).toBe(0);
      expect(unlocked.stdout).toContain(`Broke lock ${id}`);
      const next = await (await start()).exited;
      expect(next.code, next.stderr).toBe(0);
      expect(posts(em)).toBe(1);
    } finally {
      await em.close();
    }
  });
});
