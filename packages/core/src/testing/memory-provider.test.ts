import { afterEach, describe, expect, it, vi } from "vitest";
import { managedPrivate, RG, SUB, seededProvider, topology } from "../../test/support.js";
import type { PfnetEventInput } from "../events.js";
import { expand } from "../expand/expand.js";
import type { PlanStep } from "../plan/types.js";
import type { ProviderContext } from "../provider.js";
import { MemoryProvider, memoryWorkspace } from "./memory-provider.js";

const context = (signal = new AbortController().signal): ProviderContext => ({
  signal,
  emit: (_event: PfnetEventInput) => {},
});
const nodes = expand(topology({ "pf-ws": managedPrivate() }));
const node = (address: string) => nodes.find((candidate) => candidate.address === address)!;
const step = (address: string, action: PlanStep["action"] = "create"): PlanStep => {
  const n = node(address);
  return {
    address,
    kind: n.kind,
    action,
    identity: n.identity as unknown as Record<string, unknown>,
    before: null,
    after: n.properties as unknown as Record<string, unknown>,
    changedPaths: [],
    reason: "",
    dependsOn: n.dependsOn,
    guard: false,
  };
};

describe("MemoryProvider", () => {
  it("reads every requested address, absent ones included, and discovers unlisted rules", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.isolationMode = "AllowOnlyApprovedOutbound";
      state.workspaces[0]!.rules.extra = {
        type: "FQDN",
        category: "UserDefined",
        destination: "x.org",
        status: "Active",
      };
    });
    const read = await provider.read(nodes, context());
    expect(Object.keys(read.resources).sort()).toEqual(nodes.map((n) => n.address).sort());
    expect(read.resources["workspace.pf-ws"]).toMatchObject({
      exists: true,
      facts: { kind: "Default", computes: [] },
    });
    expect(read.resources["workspace.pf-ws.rule.pe-aoai"]).toEqual({ exists: false, fingerprint: "absent" });
    expect(read.discovered).toEqual([
      expect.objectContaining({
        address: "workspace.pf-ws.rule.extra",
        properties: expect.objectContaining({ category: "UserDefined" }),
      }),
    ]);
  });

  it("behaves like Azure about order: rules need isolation, approvals need provisioning", async () => {
    const provider = seededProvider();
    await expect(provider.apply(step("workspace.pf-ws.rule.pe-aoai"), context())).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
    });
    await provider.apply(step("workspace.pf-ws", "update"), context());
    await provider.apply(step("workspace.pf-ws.rule.pe-aoai"), context());
    expect(provider.state().workspaces[0]!.rules["pe-aoai"]!.status).toBe("Inactive");
    await expect(provider.apply(step("workspace.pf-ws.approval.aoai", "approve"), context())).rejects.toThrow(
      /no private-endpoint connection/,
    );
    await provider.apply(step("workspace.pf-ws.network", "provision"), context());
    const state = provider.state();
    expect(state.workspaces[0]!.networkStatus).toBe("Active");
    expect(state.workspaces[0]!.rules["pe-aoai"]!.status).toBe("Active");
    expect(state.connections).toEqual([
      expect.objectContaining({ status: "Approved", targetId: expect.stringContaining("aoai-pf") }),
    ]);
    await provider.apply(step("workspace.pf-ws.endpoint.pf-chat"), context());
    expect(provider.state().workspaces[0]!.onlineEndpoints).toEqual({
      "pf-chat": { publicNetworkAccess: "Disabled" },
    });
  });

  it("refuses to loosen isolation", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.isolationMode = "AllowOnlyApprovedOutbound";
    });
    const loosen = {
      ...step("workspace.pf-ws", "update"),
      after: { publicNetworkAccess: "Enabled", isolationMode: "AllowInternetOutbound" },
    };
    await expect(provider.apply(loosen, context())).rejects.toThrow(/cannot change/);
  });

  it("injects failures by address: always", async () => {
    const provider = seededProvider({ failures: { "workspace.pf-ws": "always" } });
    const update = step("workspace.pf-ws", "update");
    for (let attempt = 1; attempt <= 3; attempt++) {
      await expect(provider.apply(update, context())).rejects.toMatchObject({
        code: "PROVIDER_ERROR",
        address: "workspace.pf-ws",
        details: { injected: true },
      });
    }
    expect(provider.state().workspaces[0]!.isolationMode).toBe("Disabled");
    // Other addresses are not affected.
    await expect(provider.apply(step("workspace.pf-ws.storage-role"), context())).resolves.toEqual({
      outcome: "succeeded",
    });
  });

  it("role assignments through the index: a read sees apply's write, a re-apply replaces it, drift is seen", async () => {
    const provider = seededProvider();
    const role = node("workspace.pf-ws.storage-role");
    const exists = async () => (await provider.read([role], context())).resources[role.address]!.exists;
    expect(await exists()).toBe(false);
    await provider.apply(step(role.address), context());
    expect(await exists()).toBe(true);
    await provider.apply(step(role.address), context());
    expect(provider.state().roleAssignments).toHaveLength(1);
    provider.update((state) => {
      state.roleAssignments = [];
    });
    expect(await exists()).toBe(false);
    await provider.apply(step(role.address), context());
    expect(await exists()).toBe(true);
    expect(provider.state().roleAssignments).toHaveLength(1);
  });

  it("injects failures by address (first N attempts) and by seeded chance", async () => {
    const provider = seededProvider({ failures: { "workspace.pf-ws": 2 } });
    const update = step("workspace.pf-ws", "update");
    await expect(provider.apply(update, context())).rejects.toMatchObject({
      code: "PROVIDER_ERROR",
      details: { injected: true },
    });
    await expect(provider.apply(update, context())).rejects.toMatchObject({ code: "PROVIDER_ERROR" });
    await expect(provider.apply(update, context())).resolves.toEqual({ outcome: "succeeded" });

    const outcomes = async (seed: number) => {
      const random = new MemoryProvider({
        seed,
        failureRate: 0.5,
        state: { workspaces: [memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name: "pf-ws" })] },
      });
      const results: boolean[] = [];
      for (let i = 0; i < 20; i++)
        results.push(
          await random.apply(update, context()).then(
            () => true,
            () => false,
          ),
        );
      return results;
    };
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    // The seed matters: another seed draws another sequence.
    expect(await outcomes(8)).not.toEqual(first);
    expect(first.filter(Boolean).length).toBeGreaterThan(2);
    expect(first.filter((ok) => !ok).length).toBeGreaterThan(2);
  });

  describe("with fake timers", () => {
    afterEach(() => {
      vi.useRealTimers();
    });
    const fake = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });

    it("takes the latency per step (a number or a function of the step) before writing", async () => {
      fake();
      const provider = seededProvider({ latencyMs: (s) => (s.kind === "workspace" ? 500 : 50) });
      let done = false;
      const running = provider.apply(step("workspace.pf-ws", "update"), context()).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(499);
      expect(done).toBe(false);
      expect(provider.state().workspaces[0]!.isolationMode).toBe("Disabled");
      await vi.advanceTimersByTimeAsync(1);
      await running;
      expect(provider.state().workspaces[0]!.isolationMode).toBe("AllowOnlyApprovedOutbound");
      const [write] = provider.writes();
      expect(write!.finishedAt - write!.startedAt).toBe(500);
    });

    it("serves the old version during the read-after-write lag, the new one after", async () => {
      fake();
      const provider = seededProvider({ readLagMs: 1000 });
      await provider.apply(step("workspace.pf-ws", "update"), context());
      const isolation = async () => {
        const read = await provider.read([node("workspace.pf-ws")], context());
        return (read.resources["workspace.pf-ws"] as { properties: Record<string, unknown> }).properties
          .isolationMode;
      };
      expect(await isolation()).toBe("Disabled");
      await vi.advanceTimersByTimeAsync(999);
      expect(await isolation()).toBe("Disabled");
      await vi.advanceTimersByTimeAsync(1);
      expect(await isolation()).toBe("AllowOnlyApprovedOutbound");
      // Without a lag, reads see a write at once.
      const direct = seededProvider();
      await direct.apply(step("workspace.pf-ws", "update"), context());
      const read = await direct.read([node("workspace.pf-ws")], context());
      expect(read.resources["workspace.pf-ws"]).toMatchObject({
        properties: { isolationMode: "AllowOnlyApprovedOutbound" },
      });
    });
  });

  it("sleeps for the latency and stops when the signal fires", async () => {
    const provider = seededProvider({ latencyMs: 10_000 });
    const controller = new AbortController();
    const running = provider.apply(step("workspace.pf-ws", "update"), context(controller.signal));
    setTimeout(() => controller.abort(), 5);
    await expect(running).rejects.toMatchObject({ code: "ABORTED" });
    expect(provider.state().workspaces[0]!.isolationMode).toBe("Disabled");
  });

  it("fails concurrent writes to one workspace with a conflict", async () => {
    const provider = seededProvider({ latencyMs: 20 });
    await provider.apply(step("workspace.pf-ws", "update"), context());
    const results = await Promise.allSettled([
      provider.apply(step("workspace.pf-ws.rule.pe-aoai"), context()),
      provider.apply(step("workspace.pf-ws.rule.pe-search"), context()),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect(
      String((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason.message),
    ).toContain("Conflict");
  });

  it("leaves connections of pendingApprovalTargets Pending and reports pendingApproval", async () => {
    const target = String(
      (node("workspace.pf-ws.approval.search").identity as { targetId: string }).targetId,
    );
    const provider = seededProvider({ pendingApprovalTargets: [target.toUpperCase()] });
    await provider.apply(step("workspace.pf-ws", "update"), context());
    await provider.apply(step("workspace.pf-ws.rule.pe-search"), context());
    await provider.apply(step("workspace.pf-ws.network", "provision"), context());
    const result = await provider.apply(step("workspace.pf-ws.approval.search", "approve"), context());
    expect(result).toMatchObject({
      outcome: "pendingApproval",
      pending: { action: expect.stringContaining("az network private-endpoint-connection approve") },
    });
    // A Pending connection on an approvable target gets approved.
    provider.update((state) => {
      state.connections[0]!.status = "Pending";
    });
    const free = new MemoryProvider({ state: provider.state() });
    await expect(free.apply(step("workspace.pf-ws.approval.search", "approve"), context())).resolves.toEqual({
      outcome: "succeeded",
    });
    expect(free.state().connections[0]!.status).toBe("Approved");
  });

  it("leaves a connection Pending when the spec says approve: false", async () => {
    const provider = seededProvider();
    await provider.apply(step("workspace.pf-ws", "update"), context());
    await provider.apply(step("workspace.pf-ws.rule.pe-aoai"), context());
    await provider.apply(step("workspace.pf-ws.network", "provision"), context());
    provider.update((state) => {
      state.connections[0]!.status = "Pending";
    });
    const approval = step("workspace.pf-ws.approval.aoai", "approve");
    const result = await provider.apply(
      { ...approval, identity: { ...approval.identity, approve: false } },
      context(),
    );
    expect(result).toMatchObject({
      outcome: "pendingApproval",
      pending: { connectionId: expect.any(String) },
    });
    expect(provider.state().connections[0]!.status).toBe("Pending");
  });

  it("sets resources directly for drift tests", async () => {
    const provider = seededProvider();
    provider.setResource(node("workspace.pf-ws.rule.pe-aoai"), {
      ...node("workspace.pf-ws.rule.pe-aoai").properties,
    });
    const read = await provider.read([node("workspace.pf-ws.rule.pe-aoai")], context());
    expect(read.resources["workspace.pf-ws.rule.pe-aoai"]).toMatchObject({
      exists: true,
      facts: { status: "Active" },
    });
    provider.setResource(node("workspace.pf-ws.rule.pe-aoai"), null);
    expect(provider.state().workspaces[0]!.rules).toEqual({});
  });
});
