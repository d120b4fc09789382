/**
 * Long-running writes report their waits like every other wait (emulator, real SDK clients): the
 * own-VNet writes (private endpoints, DNS zone groups, NSG rules) and the managed online endpoint
 * each emit `step.progress` with an expected duration when the wait starts and when it ends.
 */
import { type Emulator, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider } from "@pfnet/azure";
import { apply, loadSpecFile, type PfnetEvent, plan } from "@pfnet/core";
import { afterEach, describe, expect, it } from "vitest";

const examples = new URL("../../../examples/", import.meta.url);
// 1 Azure minute = 10 ms: provisioning ≈ 300 ms.
const TIME_SCALE = 10;

let em: Emulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

async function emulatedProvider(): Promise<AzureProvider> {
  em = await startEmulator({ timeScale: TIME_SCALE });
  return new AzureProvider({
    credential: fakeCredential,
    endpoint: em.endpoint,
    tlsCa: em.caCert,
    waits: { timeScale: em.timeScale, pollIntervalSeconds: 30 },
  });
}

async function applyExample(file: string): Promise<PfnetEvent[]> {
  const provider = await emulatedProvider();
  const spec = await loadSpecFile(new URL(file, examples).pathname);
  const events: PfnetEvent[] = [];
  // byo-public-public turns the seeded private pf-byo public: consent is part of the setup.
  const result = await apply(await plan(spec, provider), provider, {
    allowWeaken: true,
    onEvent: (e) => events.push(e),
  });
  expect(result.errors).toEqual([]);
  expect(result.outcomes.failed + result.outcomes.pendingApproval).toBe(0);
  return events;
}

/** The progress events of one step's long-running write (wait kind `provisioning`). */
function waitEvents(events: PfnetEvent[], address: string, label: RegExp) {
  return events.flatMap((e) =>
    e.type === "step.progress" && e.address === address && e.wait && label.test(e.message) ? [e] : [],
  );
}

function expectStartAndEnd(events: PfnetEvent[], address: string, label: RegExp): void {
  const waits = waitEvents(events, address, label);
  expect(waits.length, address).toBeGreaterThanOrEqual(2);
  for (const e of waits) {
    expect(e.wait?.kind, address).toBe("provisioning");
    expect(e.wait?.expectedMs ?? 0, address).toBeGreaterThan(0);
  }
  expect(waits[0]?.message, address).toMatch(/: started$/);
  expect(waits.at(-1)?.message, address).toMatch(/: done$/);
  expect(waits.at(-1)?.wait?.elapsedMs ?? -1, address).toBeGreaterThanOrEqual(0);
}

describe("progress of long-running writes", () => {
  it("own VNet: each private endpoint, DNS zone group and NSG rule write reports start and end with an expected duration", async () => {
    const events = await applyExample("byo-public-public.yaml");
    for (const service of ["aoai", "search", "safety"]) {
      const pe = `workspace.pf-byo.pe.${service}`;
      expectStartAndEnd(events, pe, /^creating private endpoint /);
      // Private endpoint create: 90 Azure s at 10 ms/min = 15 ms.
      expect(waitEvents(events, pe, /^creating private endpoint /)[0]?.wait?.expectedMs).toBe(15);
      expectStartAndEnd(events, `${pe}.dns`, /^writing the DNS zone group /);
    }
    const nsgSteps = new Set(
      events.flatMap((e) => (e.type === "step.started" && e.address.includes(".nsg.") ? [e.address] : [])),
    );
    expect(nsgSteps.size).toBeGreaterThan(0);
    for (const address of nsgSteps) expectStartAndEnd(events, address, /^writing NSG rule /);
  });

  it("managed online endpoint: the create reports start and end with an expected duration", async () => {
    const events = await applyExample("managed-private-public.yaml");
    const address = "workspace.pf-ws.endpoint.pf-chat";
    expectStartAndEnd(events, address, /^creating online endpoint pf-chat/);
    // Online endpoint create: 240 Azure s at 10 ms/min = 40 ms.
    expect(waitEvents(events, address, /^creating online endpoint/)[0]?.wait?.expectedMs).toBe(40);
  });

  it("Active network: the first FQDN rule's write expects the firewall, and nothing waits for provisioning again", async () => {
    const provider = await emulatedProvider();
    const example = await loadSpecFile(new URL("managed-private-public.yaml", examples).pathname);
    const spec = structuredClone(example.topology!);
    const ws = spec.workspaces["pf-ws"]!;
    ws.egress = "private";
    const first = await apply(await plan(spec, provider), provider, { allowWeaken: true });
    expect(first.errors).toEqual([]);

    ws.reach = { ...ws.reach, hosts: ["serpapi.com"] };
    const planned = await plan(spec, provider);
    const network = planned.steps.find((step) => step.kind === "managedNetwork")!;
    expect(network.waits?.map((wait) => [wait.kind, wait.expectedSeconds])).toEqual([["provisioning", 120]]);
    const rule = planned.steps.find((step) => step.kind === "outboundRule" && step.action === "create")!;
    expect(rule.waits?.map((wait) => wait.kind)).toEqual(["firewall"]);
    const events: PfnetEvent[] = [];
    const result = await apply(planned, provider, { onEvent: (e) => events.push(e) });
    expect(result.errors).toEqual([]);
    // Rule write 30 Azure s + firewall 600 Azure s at 10 ms/min = 105 ms.
    expect(waitEvents(events, rule.address, /^writing outbound rule /)[0]?.wait?.expectedMs).toBe(105);
  });
});
