/**
 * Azure provider figures against the ARM emulator (no assertions):
 * 1. requests per plan for a workspace with 40 outbound rules (target: at most 5);
 * 2. apply wall time of the private/private scenario divided by its critical path — the sum of
 *    the emulator's waits on the longest chain (the workspace lane: settings, rule writes (race window + accept),
 *    provisioning with the firewall, endpoint), at the emulator's time scale (target: at most 1.1).
 */
import { DEFAULT_DELAYS, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider } from "@pfnet/azure";
import { apply, type Plan, plan, type Topology } from "@pfnet/core";

const SUB = "11111111-2222-3333-4444-555555555555";
const RG = "rg-promptflow";
const id = (provider: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${RG}/providers/${provider}/${name}`;
/** The emulator's default scale: 1 Azure minute = 100 ms. */
const TIME_SCALE = 100;

const range = (n: number) => Array.from({ length: n }, (_, i) => `host${i + 1}.example.com`);

function spec(hosts: string[], include: { services?: boolean; endpoints?: boolean } = {}): Topology {
  const services = include.services ?? true;
  const endpoints = include.endpoints ?? true;
  return {
    version: 1,
    subscriptionId: SUB,
    resourceGroup: RG,
    location: "eastus",
    services: {
      aoai: { kind: "azureOpenAI", id: id("Microsoft.CognitiveServices/accounts", "aoai-pf") },
      search: { kind: "aiSearch", id: id("Microsoft.Search/searchServices", "srch-pf") },
      safety: { kind: "contentSafety", id: id("Microsoft.CognitiveServices/accounts", "cs-pf") },
    },
    workspaces: {
      "pf-ws": {
        network: "managed",
        ingress: "private",
        egress: "private",
        firewallSku: "Basic",
        provision: "now",
        authoring: ["serverless"],
        inference: "managedOnlineEndpoint",
        reach: { ...(services ? { services: ["aoai", "search", "safety"] } : {}), hosts },
        ...(endpoints ? { endpoints: { "pf-chat": { ingress: "private" as const } } } : {}),
      },
    },
  };
}

async function withEmulator<T>(
  body: (em: Awaited<ReturnType<typeof startEmulator>>, provider: AzureProvider) => Promise<T>,
  options: { pageSize?: number } = {},
): Promise<T> {
  const em = await startEmulator({ timeScale: TIME_SCALE, ...options });
  try {
    const provider = new AzureProvider({
      credential: fakeCredential,
      endpoint: em.endpoint,
      tlsCa: em.caCert,
      waits: { timeScale: TIME_SCALE },
    });
    return await body(em, provider);
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
  // 1. Requests per plan, 40 rules. Reads cost one request per kind, whatever the rule count:
  //    workspace GET, rule list (one logical list; the emulator pages it by `pageSize`), role
  //    assignments by principal, plus one connection list per private-endpoint target and one
  //    online-endpoint list when the spec has endpoints.
  const cases: { label: string; hosts: string[]; services: boolean; endpoints: boolean; pageSize: number }[] =
    [
      {
        label: "40 FQDN rules, page size 100",
        hosts: range(40),
        services: false,
        endpoints: false,
        pageSize: 100,
      },
      {
        label: "40 FQDN rules, emulator default page size 10",
        hosts: range(40),
        services: false,
        endpoints: false,
        pageSize: 10,
      },
      {
        label: "37 FQDN + 3 private-endpoint rules (3 targets) + 1 endpoint, page size 100",
        hosts: range(37),
        services: true,
        endpoints: true,
        pageSize: 100,
      },
    ];
  for (const c of cases) {
    await withEmulator(
      async (em, provider) => {
        const s = spec(c.hosts, { services: c.services, endpoints: c.endpoints });
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
        console.log(
          `requests per plan, ${c.label} (${rules} user-defined rules, ${settled.steps.filter((x) => x.action !== "noop").length} changes): ${requests.length} (target ≤ 5)`,
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
      const p = await plan(spec(["serpapi.com"]), provider);
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
