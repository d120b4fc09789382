/**
 * Re-run time after a kill during provisioning (no assertions): the `pfnet apply` process is
 * killed (-9) at a point of the managed network's provisioning, then apply runs again with the
 * same state directory. Figures per kill point: the re-run's wall time in Azure minutes (wall ÷
 * time scale), against the 40 Azure minutes (30 + 10 for the firewall) a second
 * `provisionManagedNetwork` would at best repeat, and the POSTs the request log holds.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apply, LocalStateBackend, plan } from "@pfnet/core";
import { spawnPfnet } from "../chaos/processes.js";
import { providerFor, ROWS, rowSpec, startTestEmulator } from "../e2e/fixtures.js";

/** 1 Azure minute = 50 ms: provisioning takes 2 s of wall time. */
const TIME_SCALE = 50;
const PROVISIONING_MINUTES = 40;
const ROW = ROWS[3]!;

async function once(fraction: number): Promise<{ minutes: number; posts: number; reattached: string }> {
  const em = await startTestEmulator({ timeScale: TIME_SCALE });
  try {
    const dir = await mkdtemp(join(tmpdir(), "pfnet-bench-resume-"));
    const spec = join(dir, "spec.json");
    await writeFile(spec, JSON.stringify(rowSpec(ROW)));
    const state = join(dir, ".pfnet");
    const child = await spawnPfnet(em, ["apply", spec, "--auto-approve", "--json", "--state", state], {
      cwd: dir,
    });
    await child.waitForEvent((e) => e.type === "step.started" && e.kind === "managedNetwork");
    await child.sleep(fraction * PROVISIONING_MINUTES * TIME_SCALE);
    child.kill9();
    await child.exited;
    const provider = providerFor(em, { waits: { pollIntervalSeconds: 15 } });
    const started = performance.now();
    let via = "none";
    await apply(await plan(rowSpec(ROW), provider), provider, {
      state: new LocalStateBackend(state),
      onEvent: (e) => {
        if (e.type === "step.reattached") via = e.via;
      },
    });
    const minutes = (performance.now() - started) / TIME_SCALE;
    return { minutes, posts: em.requests.find("POST", "/provisionManagedNetwork$").length, reattached: via };
  } finally {
    await em.close();
  }
}

export async function run(): Promise<void> {
  console.log(
    `re-run time after a kill during provisioning (private/private, ${PROVISIONING_MINUTES} Azure minutes of provisioning, 1 min = ${TIME_SCALE} ms):`,
  );
  for (const fraction of [0.1, 0.5, 0.9]) {
    const { minutes, posts, reattached } = await once(fraction);
    console.log(
      `  killed ${Math.round(fraction * 100)}% into provisioning: re-run ${minutes.toFixed(1)} Azure min (≈ the ${Math.round((1 - fraction) * PROVISIONING_MINUTES)} min left, not ${PROVISIONING_MINUTES} again), provisionManagedNetwork POSTs ${posts}, re-attached via ${reattached}`,
    );
  }
}
