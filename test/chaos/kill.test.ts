/**
 * Chaos with kill -9: the `pfnet apply` process dies at a seeded random moment (at least half of
 * the runs while the managed network provisions), then apply runs again with the same state
 * backend (in-process, as a fresh process would: a new provider, the dead process's lock
 * recognised). Every run converges, and the emulator's request log holds exactly one
 * `provisionManagedNetwork` POST per workspace across the killed and the re-run apply. Then the
 * same with the Azure Blob backend on Azurite: the re-run finds the dead apply's lease still held
 * (`LOCKED`, naming the dead pid) and breaks it with force-unlock, as docs/ci.md says to.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BlobStateBackend } from "@pfnet/azure";
import { apply, isPfnetError, LocalStateBackend, plan, planHasChanges, type StateBackend } from "@pfnet/core";
import { seededRandom } from "@pfnet/core/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AZURITE_ACCOUNT, type Azurite, startAzurite } from "../e2e/azurite.js";
import { expectRowState, providerFor, ROWS, rowSpec, startTestEmulator } from "../e2e/harness.js";
import { type PfnetRun, spawnPfnet } from "./processes.js";

const ROW = ROWS[3]!;
const RUNS = 20;
/** Runs at once (each with its own emulator and state): mostly waiting, on emulator time. */
const PARALLEL = 10;
/** ms per Azure minute: provisioning (30 min + 10 for the firewall) takes 400 ms. */
const TIME_SCALE = 10;
const PROVISIONING_MS = 40 * TIME_SCALE;

interface RunReport {
  run: number;
  duringProvisioning: boolean;
  posts: number;
  brokeLease: boolean;
}

type Backend = "local" | "blob";

let azurite: Azurite;
beforeAll(async () => {
  azurite = await startAzurite();
});
afterAll(async () => {
  await azurite?.close();
});

/** Re-plan on PLAN_STALE (Azure finished work of the dead apply between plan and apply), as its hint says. */
async function applyUntilDone(provider: ReturnType<typeof providerFor>, state: StateBackend) {
  for (let attempt = 0; ; attempt++) {
    const result = await apply(await plan(rowSpec(ROW), provider), provider, { state }).catch(
      (e: unknown) => e,
    );
    if (isPfnetError(result) && result.code === "PLAN_STALE" && attempt < 3) continue;
    return result;
  }
}

async function oneRun(run: number, backend: Backend, random: () => number): Promise<RunReport> {
  const em = await startTestEmulator({ randomSeed: 500 + run, timeScale: TIME_SCALE });
  const dir = await mkdtemp(join(tmpdir(), "pfnet-kill-"));
  try {
    const specFile = join(dir, "spec.json");
    await writeFile(specFile, JSON.stringify(rowSpec(ROW)));
    const stateArg =
      backend === "local" ? join(dir, ".pfnet") : `azblob://${AZURITE_ACCOUNT}/pfnet-chaos/run-${run}`;
    const child: PfnetRun = await spawnPfnet(
      em,
      ["apply", specFile, "--auto-approve", "--json", "--state", stateArg],
      {
        cwd: dir,
        env: { AZURE_STORAGE_CONNECTION_STRING: azurite.connectionString, PFNET_STATE_LEASE_SECONDS: "15" },
      },
    );
    // Even runs: kill while the managed network provisions; odd runs: anywhere from planning on.
    const provisioning = run % 2 === 0;
    const delayMs = Math.floor(random() * (provisioning ? PROVISIONING_MS * 0.9 : 3000));
    await child.waitForEvent((e) =>
      provisioning ? e.type === "step.started" && e.kind === "managedNetwork" : e.type === "plan.started",
    );
    await child.sleep(delayMs);
    const events = child.kill9();
    const networkStarted = events.some((e) => e.type === "step.started" && e.kind === "managedNetwork");
    const networkFinished = events.some(
      (e) => e.type === "step.finished" && String(e.address).endsWith(".network"),
    );
    await child.exited;

    const state: StateBackend =
      backend === "local"
        ? new LocalStateBackend(stateArg)
        : new BlobStateBackend({
            url: stateArg,
            connectionString: azurite.connectionString,
            leaseSeconds: 15,
          });
    const provider = providerFor(em);
    let result = await applyUntilDone(provider, state);
    let brokeLease = false;
    if (backend === "blob" && isPfnetError(result) && result.code === "LOCKED") {
      // The dead apply's lease runs on for up to 15 s: break it, as the LOCKED hint says. (Killed
      // between taking the lease and writing its holder, the lock has no id yet: wait it out.)
      const lock = (result.details as { lock: { id: string; holder: { pid: number } } }).lock;
      if (lock.holder.pid === 0) {
        await new Promise((resolve) => setTimeout(resolve, 16_000));
      } else {
        expect(lock.holder.pid, `run ${run}`).toBe(child.pid);
        await state.forceUnlock(lock.id);
        brokeLease = true;
      }
      result = await applyUntilDone(provider, state);
    }
    expect(
      (result as { errors?: unknown }).errors,
      `run ${run}: ${String((result as Error).message ?? "")}`,
    ).toEqual([]);
    await expectRowState(em, provider, ROW);
    expect(planHasChanges(await plan(rowSpec(ROW), provider)), `run ${run}`).toBe(false);
    const posts = em.requests.find("POST", "/provisionManagedNetwork$").length;
    return { run, duringProvisioning: networkStarted && !networkFinished, posts, brokeLease };
  } finally {
    await em.close();
  }
}

async function chaos(backend: Backend): Promise<RunReport[]> {
  const random = seededRandom(backend === "local" ? 9 : 19);
  const reports: RunReport[] = [];
  for (let first = 1; first <= RUNS; first += PARALLEL) {
    const batch = Array.from({ length: Math.min(PARALLEL, RUNS - first + 1) }, (_, i) => first + i);
    reports.push(...(await Promise.all(batch.map((run) => oneRun(run, backend, random)))));
  }
  const during = reports.filter((r) => r.duringProvisioning).length;
  console.log(
    `kill -9 (${backend}): ${RUNS} runs, ${during} killed while provisioning, ${reports.filter((r) => r.brokeLease).length} leases broken; provisionManagedNetwork POSTs per workspace: ${reports.map((r) => r.posts).join(",")}`,
  );
  return reports;
}

describe("chaos: kill -9 during apply, then apply again", () => {
  for (const backend of ["local", "blob"] as const) {
    it(`${RUNS} runs with the ${backend} state backend converge with one provisionManagedNetwork POST each`, async () => {
      const reports = await chaos(backend);
      expect(reports.map((r) => r.posts)).toEqual(reports.map(() => 1));
      expect(reports.filter((r) => r.duringProvisioning).length).toBeGreaterThanOrEqual(RUNS / 2);
    });
  }
});
