import { describe, expect, it } from "vitest";
import {
  byoPrivate,
  createBlock,
  LOCKED,
  managedPrivate,
  SEARCH,
  seededProvider,
  syntheticPlan,
  topology,
} from "../../test/support.js";
import type { PfnetEvent } from "../events.js";
import { plan } from "../plan/plan.js";
import { parsePlan, serializePlan } from "../plan/serialize.js";
import type { PlanStep } from "../plan/types.js";
import { planHasChanges } from "../plan/types.js";
import type { Provider } from "../provider.js";
import { apply, applyVerified, nodeOfStep } from "./apply.js";
import { rereadReason } from "./freshness.js";

const spec = () => topology({ "pf-ws": managedPrivate() });

describe("apply's confirmation", () => {
  it("asks after the stale check and before any write; a no ends APPLY_DECLINED with nothing written", async () => {
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    const asked: string[] = [];
    const declined = apply(planned, provider, {
      confirm: async (shown) => {
        asked.push(shown.specHash);
        return false;
      },
    });
    await expect(declined).rejects.toMatchObject({ code: "APPLY_DECLINED" });
    expect(asked).toEqual([planned.specHash]);
    expect(provider.calls.apply).toBe(0);

    await apply(planned, provider, { confirm: async () => true });
    expect(provider.calls.apply).toBeGreaterThan(0);
    // Applied: the same plan is stale, and nobody is asked to approve it.
    let askedAgain = false;
    await expect(
      apply(planned, provider, {
        confirm: async () => {
          askedAgain = true;
          return true;
        },
      }),
    ).rejects.toMatchObject({ code: "PLAN_STALE" });
    expect(askedAgain).toBe(false);
  });
});

describe("apply", () => {
  it("applies a plan so that the next plan is empty, with events in order", async () => {
    const provider = seededProvider();
    const events: PfnetEvent[] = [];
    const planned = await plan(spec(), provider);
    const result = await apply(planned, provider, { onEvent: (event) => events.push(event) });
    expect(result.outcomes).toEqual({
      succeeded: 11,
      failed: 0,
      skipped: 0,
      pendingApproval: 0,
      cancelled: 0,
    });
    expect(result.errors).toEqual([]);
    expect(result.steps.map((step) => step.address)).toEqual(planned.steps.map((step) => step.address));
    expect(planHasChanges(await plan(spec(), provider))).toBe(false);
    expect(events[0]).toMatchObject({ type: "apply.started", steps: 11, concurrency: 10 });
    // apply.finished ends the steps; the diagnosis of the changed workspace follows, in one stream.
    expect(events.slice(-3)).toMatchObject([
      { type: "apply.finished" },
      { type: "verify.started", workspace: "pf-ws" },
      { type: "verify.finished", workspace: "pf-ws", errors: 0, findings: 0 },
    ]);
    expect(result.verification).toEqual({
      workspaces: [expect.objectContaining({ workspace: "pf-ws", findings: [] })],
      errors: 0,
      warnings: 0,
      notRun: 0,
    });
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
    expect(events.filter((event) => event.type === "step.started")).toHaveLength(11);
  });

  it("makes no provider call for noop steps", async () => {
    const provider = seededProvider();
    await apply(await plan(spec(), provider), provider);
    const again = await plan(spec(), provider);
    const before = { ...provider.calls };
    const result = await apply(again, provider);
    expect(result.outcomes.succeeded).toBe(again.steps.length);
    expect(provider.calls).toEqual(before);
  });

  it("refuses a stale plan and writes nothing", async () => {
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    provider.update((state) => {
      state.workspaces[0]!.publicNetworkAccess = "Disabled";
    });
    const before = provider.state();
    await expect(apply(planned, provider)).rejects.toMatchObject({
      code: "PLAN_STALE",
      details: { changed: [expect.objectContaining({ address: "workspace.pf-ws" })] },
    });
    expect(provider.calls.apply).toBe(0);
    expect(provider.state()).toEqual(before);
  });

  it("stops a guarded step as RESOURCE_STALE when its resource changes during apply and its up-front read has aged", async () => {
    const provider = seededProvider({ latencyMs: (step) => (step.kind === "workspace" ? 20 : 0) });
    const planned = await plan(spec(), provider);
    const role = planned.steps.find((step) => step.kind === "roleAssignment")!;
    expect(role.guard).toBe(true);
    // rereadAfterMs 0: every up-front read has aged by the time its step starts.
    const running = apply(planned, provider, { concurrency: 1, rereadAfterMs: 0 });
    // While the workspace step runs, someone grants the role by hand.
    await new Promise((resolve) => setTimeout(resolve, 5));
    provider.setResource(nodeOfStep(role), {
      roleDefinitionId: String(role.after!.roleDefinitionId),
      principalType: "ServicePrincipal",
    });
    const result = await running;
    const record = result.steps.find((step) => step.address === role.address)!;
    expect(record).toMatchObject({ outcome: "failed", error: { code: "RESOURCE_STALE" } });
    expect(result.errors.map((error) => error.code)).toEqual(["RESOURCE_STALE"]);
  });

  it("re-reads before a write only by the one rule: fresh guarded steps trust the up-front read, unguarded and aged ones do not", async () => {
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    const seen = new Map<string, boolean | undefined>();
    let reads = 0;
    const recording: Provider = {
      name: provider.name,
      read: (nodes, context) => {
        reads++;
        return provider.read(nodes, context);
      },
      apply: (step, context) => {
        seen.set(step.address, context.fresh);
        return provider.apply(step, context);
      },
    };
    const result = await apply(planned, recording, { concurrency: 1 });
    expect(result.errors).toEqual([]);
    // The up-front stale check only: no step re-read.
    expect(reads).toBe(1);
    for (const step of planned.steps.filter((s) => s.action !== "noop")) {
      expect(seen.get(step.address), step.address).toBe(
        rereadReason(step, { readAt: 0, now: 0, rereadAfterMs: 1 }) === undefined,
      );
    }
    expect([...seen.values()]).toContain(true);
    expect([...seen.values()]).toContain(false);

    // Aged: every guarded step re-reads (and, as planned, is fresh again); unguarded steps never.
    const again = seededProvider();
    const second = await plan(spec(), again);
    let rereads = 0;
    await apply(
      second,
      {
        ...recording,
        read: (nodes, context) => {
          rereads++;
          return again.read(nodes, context);
        },
        apply: (step, context) => {
          seen.set(step.address, context.fresh);
          return again.apply(step, context);
        },
      },
      { concurrency: 1, rereadAfterMs: 0 },
    );
    const guarded = second.steps.filter((s) => s.action !== "noop" && s.guard);
    expect(rereads).toBe(1 + guarded.length);
    for (const step of guarded) expect(seen.get(step.address)).toBe(true);
    // Without the up-front check nothing is fresh.
    const third = seededProvider();
    const unchecked = await plan(spec(), third);
    await apply(
      unchecked,
      {
        ...recording,
        read: (n, c) => third.read(n, c),
        apply: (step, context) => {
          seen.set(step.address, context.fresh);
          return third.apply(step, context);
        },
      },
      { checkStale: false },
    );
    for (const step of unchecked.steps.filter((s) => s.action !== "noop"))
      expect(seen.get(step.address)).toBe(false);
  });

  it("applies a plan read back from its file exactly like the original; reasons never steer it", async () => {
    const t = topology({
      "pf-ws": managedPrivate(),
      "pf-byo": byoPrivate(),
      "pf-deploy": managedPrivate({ create: createBlock, endpoints: {} }),
    });
    const original = seededProvider({ seed: 3 });
    const copy = seededProvider({ seed: 3 });
    const planned = await plan(t, original);
    // Plain data: JSON keeps every field, type and value.
    expect(JSON.parse(JSON.stringify(planned))).toStrictEqual(planned);
    const fromFile = parsePlan(serializePlan(planned));
    for (const step of fromFile.steps) {
      step.reason = "display only";
      for (const wait of step.waits ?? []) wait.label = "display only";
    }
    const kinds = new Set(planned.steps.filter((step) => step.action !== "noop").map((step) => step.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(8);

    const outcomes = (result: Awaited<ReturnType<typeof apply>>) =>
      result.steps.map((step) => [step.address, step.outcome]);
    const first = await apply(planned, original, { concurrency: 1 });
    const second = await apply(fromFile, copy, { concurrency: 1 });
    expect(first.outcomes.failed + first.outcomes.skipped).toBe(0);
    expect(outcomes(second)).toEqual(outcomes(first));
    expect(copy.writes().map((write) => write.address)).toEqual(
      original.writes().map((write) => write.address),
    );
    expect(copy.state()).toEqual(original.state());
    expect(planHasChanges(await plan(t, copy))).toBe(false);
  });

  it("skips dependents of a failed step, finishes independent ones, reports the root cause once", async () => {
    const provider = seededProvider({ failures: { "workspace.pf-ws.rule.pe-aoai": "always" } });
    const events: PfnetEvent[] = [];
    const result = await apply(await plan(spec(), provider), provider, { onEvent: (e) => events.push(e) });
    const outcome = Object.fromEntries(result.steps.map((step) => [step.address, step]));
    expect(outcome["workspace.pf-ws.rule.pe-aoai"]!.outcome).toBe("failed");
    for (const dependent of [
      "workspace.pf-ws.network",
      "workspace.pf-ws.approval.aoai",
      "workspace.pf-ws.endpoint.pf-chat",
    ]) {
      expect(outcome[dependent]).toMatchObject({
        outcome: "skipped",
        skippedBecause: "workspace.pf-ws.rule.pe-aoai",
      });
    }
    expect(outcome["workspace.pf-ws.rule.pe-search"]!.outcome).toBe("succeeded");
    expect(outcome["workspace.pf-ws.storage-role"]!.outcome).toBe("succeeded");
    expect(result.errors).toEqual([
      expect.objectContaining({ code: "PROVIDER_ERROR", address: "workspace.pf-ws.rule.pe-aoai" }),
    ]);
    // The events say it once too: skipped steps name the cause and repeat no error.
    const finished = events.filter((event) => event.type === "step.finished");
    expect(finished.filter((event) => event.error).map((event) => event.address)).toEqual([
      "workspace.pf-ws.rule.pe-aoai",
    ]);
    expect(
      finished.filter((event) => event.outcome === "skipped").every((event) => event.skippedBecause),
    ).toBe(true);
    expect(result.steps.filter((step) => step.outcome !== "failed").every((step) => !step.error)).toBe(true);
  });

  it("skips what follows a pending approval and names the connection", async () => {
    const t = topology({ "pf-ws": managedPrivate({ reach: { services: ["aoai", "locked"] } }) });
    const provider = seededProvider({ pendingApprovalTargets: [LOCKED] });
    const result = await apply(await plan(t, provider), provider);
    const locked = result.steps.find((step) => step.address === "workspace.pf-ws.approval.locked")!;
    expect(locked.outcome).toBe("pendingApproval");
    expect(locked.pending?.connectionId).toContain("srch-locked/privateEndpointConnections/");
    expect(result.errors).toEqual([]);
    expect(result.outcomes.pendingApproval).toBe(1);
    // The approval is still pending in the next plan.
    const again = await plan(t, provider);
    expect(again.steps.filter((step) => step.action !== "noop").map((step) => step.address)).toEqual([
      "workspace.pf-ws.approval.locked",
    ]);
  });

  it("skips the dependents of a pendingApproval step without an error", async () => {
    const step = (address: string, dependsOn: string[]): PlanStep => ({
      address,
      kind: "privateEndpointApproval",
      action: "approve",
      identity: {},
      before: null,
      after: { status: "Approved" },
      changedPaths: [],
      reason: "test",
      dependsOn,
      guard: false,
    });
    const steps = [step("a", []), step("b", ["a"]), step("c", [])];
    // A synthetic graph no spec makes: the walk alone, without re-derivation.
    const planned = syntheticPlan(steps, "p");
    const provider: Provider = {
      name: "p",
      read: async () => ({ resources: {}, discovered: [] }),
      apply: async (s) =>
        s.address === "a"
          ? {
              outcome: "pendingApproval",
              pending: { connectionId: "conn", action: "approve it", permission: "owner" },
            }
          : { outcome: "succeeded" },
    };
    const result = await applyVerified(planned, provider);
    expect(result.steps.map((s) => [s.address, s.outcome, s.skippedBecause])).toEqual([
      ["a", "pendingApproval", undefined],
      ["b", "skipped", "a"],
      ["c", "succeeded", undefined],
    ]);
    expect(result.errors).toEqual([]);
  });

  it("on abort cancels what has not started and does not throw", async () => {
    const provider = seededProvider({ latencyMs: 30 });
    const controller = new AbortController();
    const planned = await plan(spec(), provider);
    const events: PfnetEvent[] = [];
    const running = apply(planned, provider, {
      signal: controller.signal,
      onEvent: (event) => {
        events.push(event);
        if (event.type === "step.started") controller.abort();
      },
    });
    const result = await running;
    expect(result.outcomes.succeeded).toBe(0);
    expect(result.outcomes.cancelled).toBe(planned.steps.length);
    expect(provider.writes().filter((write) => write.ok)).toEqual([]);
    expect(events.filter((event) => event.type === "step.started")).toHaveLength(1);
  });

  it("on abort mid-run: finished steps stay succeeded, the running one and the rest end cancelled", async () => {
    const provider = seededProvider({ latencyMs: (step) => (step.kind === "outboundRule" ? 10_000 : 0) });
    const controller = new AbortController();
    const planned = await plan(spec(), provider);
    const result = await apply(planned, provider, {
      signal: controller.signal,
      concurrency: 1,
      onEvent: (event) => {
        if (event.type === "step.started" && event.kind === "outboundRule") controller.abort();
      },
    });
    const byAddress = Object.fromEntries(result.steps.map((step) => [step.address, step]));
    expect(byAddress["workspace.pf-ws"]!.outcome).toBe("succeeded");
    const running = result.steps.find((step) => step.error?.code === "ABORTED")!;
    expect(running.address).toMatch(/\.rule\./);
    expect(running.outcome).toBe("cancelled");
    expect(result.outcomes.failed + result.outcomes.skipped).toBe(0);
    expect(result.outcomes.succeeded + result.outcomes.cancelled).toBe(planned.steps.length);
    expect(result.outcomes.cancelled).toBeGreaterThan(1);
    // Cancellations are not errors.
    expect(result.errors).toEqual([]);
    expect(provider.state().workspaces[0]!.rules).toEqual({});
  });

  it("refuses to start when the signal has already fired, and calls nothing", async () => {
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    const calls = { ...provider.calls };
    await expect(apply(planned, provider, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect(provider.calls).toEqual(calls);
  });

  it("creates a workspace that does not exist, then everything of it", async () => {
    const provider = seededProvider();
    const t = topology({ "pf-deploy": managedPrivate({ create: createBlock }) });
    const result = await apply(await plan(t, provider), provider);
    expect(result.outcomes.failed).toBe(0);
    const ws = provider.state().workspaces.find((candidate) => candidate.name === "pf-deploy")!;
    expect(ws).toMatchObject({
      isolationMode: "AllowOnlyApprovedOutbound",
      networkStatus: "Active",
      storageAccount: createBlock.storageAccount,
    });
    expect(provider.state().roleAssignments).toEqual([
      expect.objectContaining({ principalId: ws.principalId, scope: createBlock.storageAccount }),
    ]);
    expect(provider.state().connections.some((connection) => connection.targetId === SEARCH)).toBe(true);
    expect(planHasChanges(await plan(t, provider))).toBe(false);
  });

  it("passes provider progress events through with the engine's sequence", async () => {
    const inner = seededProvider();
    const planned = await plan(spec(), inner);
    const chatty: Provider = {
      name: "chatty",
      read: (nodes, context) => inner.read(nodes, context),
      apply: async (step, context) => {
        context.emit({ type: "step.progress", address: step.address, message: "working" });
        return inner.apply(step, context);
      },
    };
    const events: PfnetEvent[] = [];
    await apply(planned, chatty, { concurrency: 1, onEvent: (event) => events.push(event) });
    const progress = events.filter((event) => event.type === "step.progress");
    expect(progress).toHaveLength(planned.steps.length);
    expect(events.map((event) => event.sequence)).toEqual(events.map((_, index) => index + 1));
    // Each step's progress comes between its started and finished events.
    const first = planned.steps[0]!.address;
    const kinds = events
      .filter((event) => "address" in event && event.address === first)
      .map((event) => event.type);
    expect(kinds).toEqual(["step.started", "step.progress", "step.finished"]);
  });

  it("rejects a bad concurrency before reading anything", async () => {
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    const reads = provider.calls.read;
    await expect(apply(planned, provider, { concurrency: 0 })).rejects.toMatchObject({
      code: "INVALID_ARGUMENT",
    });
    expect(provider.calls.read).toBe(reads);
  });

  it("rejects a plan with an unknown dependency or another version", async () => {
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    const broken = structuredClone(planned);
    broken.steps[1]!.dependsOn.push("workspace.nowhere");
    await expect(apply(broken, provider)).rejects.toMatchObject({ code: "PLAN_INVALID" });
    await expect(apply({ ...planned, formatVersion: 9 as 2 }, provider)).rejects.toMatchObject({
      code: "PLAN_INVALID",
    });
  });
});
