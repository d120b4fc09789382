import { describe, expect, it } from "vitest";
import { byoPrivate, managedPrivate, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import type { PfnetEvent } from "../events.js";
import { plan } from "../plan/plan.js";
import type { Provider } from "../provider.js";
import { type DiagnosisFinding, verify } from "./verify.js";

const dns: DiagnosisFinding = {
  category: "dnsResolution",
  code: "CustomDNSInUse",
  level: "Warning",
  message: "An on-premises DNS server is configured; check conditional forwarding.",
};
const nsg: DiagnosisFinding = {
  category: "networkSecurityRule",
  code: "NsgRuleBlocksAzureMachineLearning",
  level: "Error",
  message: "An NSG rule denies outbound AzureMachineLearning.",
};
const info: DiagnosisFinding = { category: "other", code: "Note", level: "Information", message: "fyi" };

describe("verify", () => {
  it("returns every workspace's findings and counts errors and warnings (information is neither)", async () => {
    const provider = seededProvider({ diagnosis: { "pf-ws": [dns, info], "pf-byo": [nsg] } });
    const spec = topology({ "pf-ws": managedPrivate(), "pf-byo": byoPrivate() });
    const events: PfnetEvent[] = [];
    const result = await verify(spec, provider, { onEvent: (event) => events.push(event) });
    expect(result.workspaces.map((w) => [w.workspace, w.findings])).toEqual([
      ["pf-ws", [dns, info]],
      ["pf-byo", [nsg]],
    ]);
    expect([result.errors, result.warnings, result.notRun]).toEqual([1, 1, 0]);
    const seen = events.map((e) => `${e.type} ${(e as { workspace?: string }).workspace}`);
    expect([...seen].sort()).toEqual([
      "verify.finished pf-byo",
      "verify.finished pf-ws",
      "verify.started pf-byo",
      "verify.started pf-ws",
    ]);
    for (const key of ["pf-ws", "pf-byo"])
      expect(seen.indexOf(`verify.started ${key}`)).toBeLessThan(seen.indexOf(`verify.finished ${key}`));
    expect(provider.calls.apply).toBe(0);
  });

  it("diagnoses only the workspaces named, and refuses a name the spec lacks", async () => {
    const provider = seededProvider({ diagnosis: { "pf-byo": [nsg] } });
    const spec = topology({ "pf-ws": managedPrivate(), "pf-byo": byoPrivate() });
    const only = await verify(spec, provider, { workspaces: ["pf-ws"] });
    expect(only.workspaces.map((w) => w.workspace)).toEqual(["pf-ws"]);
    expect(only.errors).toBe(0);
    await expect(verify(spec, provider, { workspaces: ["nope"] })).rejects.toMatchObject({
      code: "WORKSPACE_NOT_FOUND",
    });
  });

  it("reports a diagnosis that could not run as not run, not as clean", async () => {
    const spec = topology({ "pf-ws": managedPrivate(), ghost: managedPrivate() });
    const result = await verify(spec, seededProvider());
    expect(result.notRun).toBe(1);
    expect(result.workspaces.find((w) => w.workspace === "ghost")?.error?.code).toBe("WORKSPACE_NOT_FOUND");
  });

  it("diagnoses workspaces at once, up to the concurrency, and keeps the spec's order", async () => {
    const memory = seededProvider();
    let running = 0;
    let most = 0;
    const provider: Provider = {
      name: "slow",
      read: memory.read.bind(memory),
      apply: memory.apply.bind(memory),
      diagnose: async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 20));
        running--;
        return [];
      },
    };
    const keys = ["ws-a", "ws-b", "ws-c", "ws-d", "ws-e"];
    const spec = topology(Object.fromEntries(keys.map((key) => [key, managedPrivate()])));
    const result = await verify(spec, provider, { concurrency: 2 });
    expect(result.workspaces.map((w) => w.workspace)).toEqual(keys);
    expect(most).toBe(2);
    await verify(spec, provider);
    expect(most).toBe(5);
  });

  it("refuses a provider that cannot diagnose", async () => {
    const memory = seededProvider();
    const provider: Provider = {
      name: "plain",
      read: memory.read.bind(memory),
      apply: memory.apply.bind(memory),
    };
    await expect(verify(topology({ "pf-ws": managedPrivate() }), provider)).rejects.toMatchObject({
      code: "VERIFY_UNSUPPORTED",
    });
  });
});

describe("apply's verification", () => {
  it("diagnoses the workspaces it changed, and only those, after every step", async () => {
    const provider = seededProvider({ diagnosis: { "pf-ws": [nsg] } });
    const spec = topology({ "pf-ws": managedPrivate() });
    const result = await apply(await plan(spec, provider), provider);
    expect(result.outcomes.failed).toBe(0);
    expect(result.verification?.workspaces.map((w) => w.workspace)).toEqual(["pf-ws"]);
    expect(result.verification?.errors).toBe(1);
    // Nothing changed: nothing to prove, no diagnosis.
    const again = await apply(await plan(spec, provider), provider);
    expect(again.verification).toBeUndefined();
  });

  it("skips it with verify: false, and for a workspace whose steps did not all succeed", async () => {
    const spec = topology({ "pf-ws": managedPrivate() });
    const skipped = seededProvider({ diagnosis: { "pf-ws": [nsg] } });
    expect((await apply(await plan(spec, skipped), skipped, { verify: false })).verification).toBeUndefined();

    const failing = seededProvider({ diagnosis: { "pf-ws": [nsg] } });
    const planned = await plan(spec, failing);
    const rule = planned.steps.find((step) => step.kind === "outboundRule")!;
    const withFailure = seededProvider({
      diagnosis: { "pf-ws": [nsg] },
      failures: { [rule.address]: "always" },
    });
    const result = await apply(await plan(spec, withFailure), withFailure);
    expect(result.outcomes.failed).toBe(1);
    expect(result.verification).toBeUndefined();
  });
});
