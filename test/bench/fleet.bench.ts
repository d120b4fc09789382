/**
 * Fleet apply on the ARM emulator (no assertions): 100 workspaces x 10 rules, private/private,
 * a first apply from isolation Disabled. Figures:
 * 1. wall time / one workspace's critical path (the emulator's waits on its lane: settings, rule
 *    writes, provisioning with the firewall) — goal <= 1.2: waits do not hold slots;
 * 2. requests other than polls per rule write — goal <= 3 — and polls sent before the Retry-After
 *    they were given (goal 0);
 * 3. peak requests per Azure second and per Azure minute of each operation type against the
 *    token buckets (never above burst + refill x window);
 * 4. the settled plan's requests: goal <= 2 per workspace + 1 per target service, and the one
 *    role-assignment list of the storage account the fleet shares (the storage role and the
 *    posture report read it; a fleet with a storage account each pays one per workspace).
 * 1 and 2 are the steps' (apply with `verify: false`); the diagnosis apply ends with (`verify`,
 * up to 10 workspaces at once) is timed and counted on its own line.
 */
import { DEFAULT_DELAYS, type RequestRecord } from "@pfnet/arm-emulator";
import { DEFAULT_PACING, type OperationType } from "@pfnet/azure";
import { apply, plan, verify } from "@pfnet/core";
import { fleetSeed, fleetSpec, providerFor, startTestEmulator } from "../e2e/fixtures.js";

// 1 Azure minute = 1 s by default (PFNET_BENCH_TIME_SCALE to change): at the emulator's usual
// 100 ms the emulator and the client, in one process, are CPU-bound on a 2-core machine long
// before the scheduler is the limit, and the ratio would measure the CPU, not the schedule.
const TIME_SCALE = Number(process.env.PFNET_BENCH_TIME_SCALE ?? 1000);
const WORKSPACES = Number(process.env.PFNET_BENCH_FLEET ?? 100);
const RULES = 10;
const TARGETS = 3;

const typeOf = (method: string): OperationType =>
  method === "GET" || method === "HEAD" ? "reads" : method === "DELETE" ? "deletes" : "writes";

/** Most requests of one type in any window of `windowMs` wall milliseconds. */
function peak(records: RequestRecord[], type: OperationType, windowMs: number): number {
  const times = records
    .filter((r) => typeOf(r.method) === type)
    .map((r) => Date.parse(r.at))
    .sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let end = 0; end < times.length; end++) {
    while (times[end]! - times[start]! >= windowMs) start++;
    best = Math.max(best, end - start + 1);
  }
  return best;
}

export async function run(): Promise<void> {
  const em = await startTestEmulator({ timeScale: TIME_SCALE, seed: fleetSeed(WORKSPACES) });
  try {
    const provider = providerFor(em, { waits: { pollIntervalSeconds: 15 } });
    const spec = fleetSpec(WORKSPACES, RULES);
    const planned = await plan(spec, provider);
    const ruleWrites = planned.steps.filter((s) => s.kind === "outboundRule" && s.action !== "noop").length;
    const ws0 = Object.keys(spec.workspaces)[0]!;
    const lane = planned.steps.filter((s) => s.lane === `workspace.${ws0}` && s.action !== "noop");
    let laneMinutes = 0;
    for (const step of lane) {
      if (step.kind === "workspace") laneMinutes += DEFAULT_DELAYS.workspaceUpdate;
      else if (step.kind === "outboundRule")
        laneMinutes += DEFAULT_DELAYS.raceWindow + DEFAULT_DELAYS.ruleAccept;
      else if (step.kind === "managedNetwork")
        laneMinutes +=
          DEFAULT_DELAYS.provisionNetwork + (step.after?.hasFqdnRules ? DEFAULT_DELAYS.firewall : 0);
    }
    const criticalMs = laneMinutes * TIME_SCALE;

    const stats = provider.clients.pacer.stats;
    const before = { sent: stats.sent, polls: stats.polls };
    const firstRequest = em.requests.length;
    const started = performance.now();
    const cpu = process.cpuUsage();
    // The steps alone: the diagnosis that ends an apply is timed and counted below, apart.
    const result = await apply(planned, provider, { verify: false });
    const wall = performance.now() - started;
    const cpuMs = (() => {
      const used = process.cpuUsage(cpu);
      return (used.user + used.system) / 1000;
    })();
    const records = em.requests.entries.slice(firstRequest);
    const sent = stats.sent - before.sent;
    const polls = stats.polls - before.polls;
    console.log(
      `fleet apply, ${WORKSPACES} workspaces x ${RULES} rules private/private (${planned.steps.length} steps, ${ruleWrites} rule writes), outcomes ${JSON.stringify(result.outcomes)}`,
    );
    console.log(
      `  wall ${(wall / 1000).toFixed(2)} s / one workspace's critical path ${laneMinutes.toFixed(1)} Azure min = ${(criticalMs / 1000).toFixed(2)} s at 1 min = ${TIME_SCALE} ms: ${(wall / criticalMs).toFixed(3)} (goal <= 1.2); CPU of this process (emulator + client) ${(cpuMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `  requests ${sent} (emulator log ${records.length}): polls ${polls}, others ${sent - polls} = ${((sent - polls) / ruleWrites).toFixed(2)} per rule write (goal <= 3); polls before their Retry-After ${stats.earlyPolls} of ${stats.pollsWithRetryAfter} that had one (goal 0)`,
    );
    const azureSecondMs = (1000 * TIME_SCALE) / 60_000;
    for (const type of ["reads", "writes", "deletes"] as const) {
      const limits = DEFAULT_PACING[type];
      const perSecond = peak(records, type, Math.max(1, azureSecondMs));
      const perMinute = peak(records, type, TIME_SCALE);
      console.log(
        `  peak ${type}: ${perSecond} in an Azure second (bucket allows ${limits.burst + limits.refillPerSecond}), ${perMinute} in an Azure minute (allows ${limits.burst + 60 * limits.refillPerSecond})`,
      );
    }
    const diagnosisFrom = { sent: stats.sent, polls: stats.polls };
    const diagnosisStarted = performance.now();
    const verification = await verify(spec, provider);
    console.log(
      `  then Azure's diagnosis of the ${verification.workspaces.length} workspaces (what apply ends with): ${((performance.now() - diagnosisStarted) / 1000).toFixed(2)} s, ${stats.sent - diagnosisFrom.sent - (stats.polls - diagnosisFrom.polls)} requests other than polls, ${stats.polls - diagnosisFrom.polls} polls`,
    );
    const settledFrom = em.requests.length;
    const settled = await plan(spec, provider);
    const settledLog = em.requests.entries.slice(settledFrom);
    // What each request is for: per workspace its GET and (private ingress) its compute list
    // for the placement rules; the storage account every fleet workspace shares, whose one
    // atScope() list holds an assignment per workspace; one connection list per target service.
    const count = (pattern: RegExp) => settledLog.filter((r) => pattern.test(r.path)).length;
    const parts = {
      workspaceGets: count(/\/workspaces\/[^/]+$/i),
      computeLists: count(/\/computes$/i),
      endpointLists: count(/\/onlineEndpoints$/i),
      roleAssignmentLists: count(/\/providers\/Microsoft\.Authorization\/roleAssignments$/i),
      connectionLists: count(/\/privateEndpointConnections$/i),
    };
    const other = settledLog.length - Object.values(parts).reduce((a, b) => a + b, 0);
    console.log(
      `  settled plan: ${settledLog.length} requests for ${WORKSPACES} workspaces and ${TARGETS} target services (goal <= 2 per workspace + 1 per target service + 1 per storage account = ${2 * WORKSPACES + TARGETS + 1}), ${settled.steps.filter((s) => s.action !== "noop").length} changes: ${(settledLog.length / WORKSPACES).toFixed(2)} per workspace; ${JSON.stringify({ ...parts, other })}`,
    );
  } finally {
    await em.close();
  }
}
