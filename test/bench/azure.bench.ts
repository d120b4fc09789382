/**
 * Azure provider figures against the ARM emulator (no assertions):
 * 1. requests per plan for a workspace with 40 outbound rules (target: at most 5);
 * 2. apply wall time of the private/private scenario divided by its critical path — the sum of
 *    the emulator's waits on the longest chain (the workspace lane: settings, rule writes (race window + accept),
 *    provisioning with the firewall, endpoint), at the emulator's time scale (target: at most 1.1).
 */
import { DEFAULT_DELAYS, type Emulator } from "@pfnet/arm-emulator";
import type { AzureProvider } from "@pfnet/azure";
import { apply, type Plan, plan } from "@pfnet/core";
import { providerFor, ROWS, type RowExtras, rowSpec, startTestEmulator } from "../e2e/fixtures.js";

/** The emulator's default scale: 1 Azure minute = 100 ms. */
const TIME_SCALE = 100;
const PRIVATE_PRIVATE = ROWS[3]!;

/** `n` outside hosts besides serpapi.com (which every private-egress spec reaches). */
const hosts = (n: number) => Array.from({ length: n }, (_, i) => `host${i + 1}.example.com`);

async function withEmulator<T>(
  body: (em: Emulator, provider: AzureProvider) => Promise<T>,
  options: { pageSize?: number } = {},
): Promise<T> {
  const em = await startTestEmulator({ timeScale: TIME_SCALE, ...options });
  try {
    return await body(em, providerFor(em, { waits: { pollIntervalSeconds: 15 } }));
  } finally {
    await em.close();
  }
}

/** Emulator minutes a step waits in Azure (its delays table), for the steps of the workspace lane. */
function laneMinutes(p: Plan): { minutes: number; parts: string[] } {
  const parts: string[] = [];
  let minutes = 0;
  for (const step of p.steps) {
    if (step.action === "noop" || step.lane !== "workspace.pf-ws") continue;
    let m = 0;
    if (step.kind === "workspace") m = DEFAULT_DELAYS.workspaceUpdate;
    // A rule write holds the workspace's rule map for the race window, then settles (network Inactive).
    else if (step.kind === "outboundRule") m = DEFAULT_DELAYS.raceWindow + DEFAULT_DELAYS.ruleAccept;
    else if (step.kind === "managedNetwork")
      m = DEFAULT_DELAYS.provisionNetwork + (step.after?.hasFqdnRules ? DEFAULT_DELAYS.firewall : 0);
    else if (step.kind === "onlineEndpoint") m = DEFAULT_DELAYS.onlineEndpoint;
    minutes += m;
    parts.push(`${step.address.replace("workspace.pf-ws", "ws")} ${m} min`);
  }
  return { minutes, parts };
}

export async function run(): Promise<void> {
  // 1. Requests per plan of a settled workspace with 40 user-defined rules. The rules come with
  //    the workspace GET (its managedNetwork.outboundRules map), so their number and the rule
  //    list's page size cost nothing; what remains is one request per kind the spec needs: the
  //    workspace, the role assignments of its identity (storageRole), one connection list per
  //    private-endpoint target, and the online endpoints (only when the spec has some).
  const cases: { label: string; extra: RowExtras; pageSize: number }[] = [
    {
      label: "A. 40 FQDN rules, no endpoint, rule list page size 100 (fits one page)",
      extra: { services: [], hosts: hosts(39), endpoints: false },
      pageSize: 100,
    },
    {
      label: "B. 40 FQDN rules, no endpoint, emulator default page size 10",
      extra: { services: [], hosts: hosts(39), endpoints: false },
      pageSize: 10,
    },
    {
      label: "C. 37 FQDN + 3 private-endpoint rules (3 targets) + 1 online endpoint, page size 10",
      extra: { hosts: hosts(36) },
      pageSize: 10,
    },
    {
      label: "D. as B with storageRole: false",
      extra: { services: [], hosts: hosts(39), endpoints: false, storageRole: false },
      pageSize: 10,
    },
  ];
  for (const c of cases) {
    await withEmulator(
      async (em, provider) => {
        const s = rowSpec(PRIVATE_PRIVATE, c.extra);
        await apply(await plan(s, provider), provider, { concurrency: 10 });
        const rules = Object.values(em.state.rules("pf-ws")).filter(
          (r) => (r as { category: string }).category === "UserDefined",
        ).length;
        const start = em.requests.length;
        const settled = await plan(s, provider);
        const requests = em.requests.entries.slice(start);
        const kinds = new Map<string, number>();
        for (const r of requests) {
          const route = `${r.method} …/${r.path.replace(/^.*\/providers\//, "").replace(/^Microsoft\.MachineLearningServices\/workspaces\/pf-ws/, "ws")}`;
          kinds.set(route, (kinds.get(route) ?? 0) + 1);
        }
        const changes = settled.steps.filter((x) => x.action !== "noop").length;
        console.log(
          `requests per plan, ${c.label}: ${requests.length} (target ≤ 5; ${rules} user-defined rules, ${changes} changes)`,
        );
        for (const [route, n] of kinds) console.log(`  ${n} × ${route}`);
      },
      { pageSize: c.pageSize },
    );
  }

  // 2. private/private apply wall time / critical path.
  const ratios: number[] = [];
  for (let i = 0; i < 3; i++) {
    await withEmulator(async (em, provider) => {
      const p = await plan(rowSpec(PRIVATE_PRIVATE), provider);
      const { minutes, parts } = laneMinutes(p);
      const critical = minutes * TIME_SCALE;
      const started = performance.now();
      const result = await apply(p, provider, { concurrency: 10 });
      const wall = performance.now() - started;
      const ratio = wall / critical;
      ratios.push(ratio);
      if (i === 0)
        console.log(
          `private/private critical path (workspace lane): ${parts.join(" + ")} = ${minutes.toFixed(1)} Azure min = ${critical.toFixed(0)} ms at 1 min = ${TIME_SCALE} ms`,
        );
      console.log(
        `  run ${i + 1}: apply ${wall.toFixed(0)} ms, outcomes ${JSON.stringify(result.outcomes)}, requests ${em.requests.length}, wall / critical path = ${ratio.toFixed(3)} (target ≤ 1.1)`,
      );
    });
  }
  console.log(
    `private/private wall / critical path, median of ${ratios.length}: ${ratios.sort((a, b) => a - b)[1]!.toFixed(3)}`,
  );
}
