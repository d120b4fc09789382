/**
 * Apply with a state backend: locks, the journal, and resuming after an apply that died.
 * A "crash" is an apply left hanging in the managed-network step after the provider journaled
 * its operation; the next apply runs as another process would (another pid, the first one dead).
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AOAI, byoPrivate, managedPrivate, seededProvider, topology } from "../../test/support.js";
import type { PfnetEvent } from "../events.js";
import { plan } from "../plan/plan.js";
import type { PlanStep } from "../plan/types.js";
import { planHasChanges } from "../plan/types.js";
import type { Provider, ProviderContext, StepResult, UnfinishedOperation } from "../provider.js";
import { LocalStateBackend } from "../state/local.js";
import { serviceStateKey } from "../state/records.js";
import type { MemoryProvider } from "../testing/index.js";
import { apply } from "./apply.js";

const spec = () => topology({ "pf-ws": managedPrivate() });
const HOST = "runner-1";
const first = { host: HOST, pid: 1001 };
const second = { host: HOST, pid: 1002 };
/** Both "processes" on one host; only the second is alive. */
const backendAt = (root: string) =>
  new LocalStateBackend(root, { host: HOST, isProcessAlive: (pid) => pid === second.pid });

/** The memory provider with a long-running provisioning operation it journals like Azure's. */
class JournalingProvider implements Provider {
  readonly name = "memory";
  posts = 0;
  readonly reattached: UnfinishedOperation[] = [];
  readonly applied: string[] = [];
  /** Hang (as a killed process would, forever) once the operation is journaled. */
  hangAfterStart = false;
  reachedHang!: Promise<void>;
  private onHang!: () => void;
  constructor(readonly inner: MemoryProvider) {
    this.reachedHang = new Promise((resolve) => {
      this.onHang = resolve;
    });
  }
  read(...args: Parameters<Provider["read"]>) {
    return this.inner.read(...args);
  }
  async apply(step: PlanStep, context: ProviderContext): Promise<StepResult> {
    this.applied.push(step.address);
    if (step.kind === "managedNetwork" && step.action === "provision") {
      const unfinished = context.journal?.unfinished;
      if (unfinished?.url) {
        this.reattached.push(unfinished);
      } else {
        await context.journal?.intent("provisionManagedNetwork");
        this.posts++;
        await context.journal?.started("provisionManagedNetwork", {
          url: `memory://operations/${this.posts}`,
        });
        if (this.hangAfterStart) {
          this.onHang();
          await new Promise(() => undefined);
        }
      }
    }
    return this.inner.apply(step, context);
  }
}

async function crashDuringProvisioning(root: string) {
  const memory = seededProvider();
  const provider = new JournalingProvider(memory);
  const planned = await plan(spec(), provider);
  provider.hangAfterStart = true;
  void apply(planned, provider, { state: backendAt(root), lockHolder: first });
  await provider.reachedHang;
  provider.hangAfterStart = false;
  return { memory, provider, planned };
}

const tempRoot = () => mkdtemp(join(tmpdir(), "pfnet-resume-"));

describe("apply with a state backend", () => {
  it("takes and releases a lock per written workspace, and drops the journal when all succeeded", async () => {
    const root = await tempRoot();
    const state = backendAt(root);
    const provider = seededProvider();
    const events: PfnetEvent[] = [];
    const result = await apply(await plan(spec(), provider), provider, {
      state,
      lockHolder: second,
      onEvent: (e) => events.push(e),
    });
    expect(result.errors).toEqual([]);
    const key = "11111111-2222-3333-4444-555555555555/rg-promptflow/pf-ws";
    expect(events[0]).toMatchObject({ type: "lock.acquired", key, state: state.location });
    // The locks go before apply.finished; only the read-only diagnosis comes after it.
    const finished = events.findIndex((e) => e.type === "apply.finished");
    expect(events[finished - 1]).toMatchObject({ type: "lock.released", key });
    expect(events.slice(finished + 1).map((e) => e.type)).toEqual(["verify.started", "verify.finished"]);
    expect(await state.listLocks()).toEqual([]);
    expect(await state.readJournal(key)).toEqual([]);
  });

  it("fails fast with LOCKED when another apply holds the workspace, having written nothing", async () => {
    const root = await tempRoot();
    const alive = new LocalStateBackend(root, { host: HOST, isProcessAlive: () => true });
    const held = await alive.acquireLock("11111111-2222-3333-4444-555555555555/rg-promptflow/pf-ws", first);
    const provider = seededProvider();
    const planned = await plan(spec(), provider);
    const before = { ...provider.calls };
    await expect(apply(planned, provider, { state: alive, lockHolder: second })).rejects.toMatchObject({
      code: "LOCKED",
      hint: expect.stringContaining(`pfnet force-unlock ${held.info.id}`),
    });
    expect(provider.calls).toEqual(before);
    expect(provider.writes()).toEqual([]);
  });

  it("re-applying the same plan after a crash re-attaches to the operation and redoes no finished step", async () => {
    const root = await tempRoot();
    const { memory, provider: crashed, planned } = await crashDuringProvisioning(root);
    const finishedBefore = crashed.applied.filter((a) => !a.endsWith(".network"));
    expect(finishedBefore.length).toBeGreaterThan(0);

    const again = new JournalingProvider(memory);
    const events: PfnetEvent[] = [];
    const result = await apply(planned, again, {
      state: backendAt(root),
      lockHolder: second,
      onEvent: (e) => events.push(e),
    });
    expect(result.errors).toEqual([]);
    expect(crashed.posts + again.posts).toBe(1);
    expect(again.reattached).toEqual([
      expect.objectContaining({ operation: "provisionManagedNetwork", url: "memory://operations/1" }),
    ]);
    // Nothing the crashed apply finished was sent again.
    for (const address of finishedBefore) expect(again.applied).not.toContain(address);
    const resumed = events.find((e) => e.type === "apply.resumed");
    expect(resumed).toMatchObject({
      finished: finishedBefore.sort(),
      unfinished: ["workspace.pf-ws.network"],
    });
    const resumedSteps = result.steps.filter((s) => s.resumed).map((s) => s.address);
    expect(resumedSteps.sort()).toEqual(finishedBefore.sort());
    expect(planHasChanges(await plan(spec(), memory))).toBe(false);
  });

  it("a fresh plan of the same spec re-attaches too (finished steps are already noops)", async () => {
    const root = await tempRoot();
    const { memory } = await crashDuringProvisioning(root);
    const again = new JournalingProvider(memory);
    const fresh = await plan(spec(), again);
    const result = await apply(fresh, again, { state: backendAt(root), lockHolder: second });
    expect(result.errors).toEqual([]);
    expect(again.posts).toBe(0);
    expect(again.reattached).toHaveLength(1);
    expect(again.applied).toEqual(["workspace.pf-ws.network", ...again.applied.slice(1)]);
  });

  it("a finished step whose resource changed since is not skipped: the same plan is refused as stale", async () => {
    const root = await tempRoot();
    const { memory, planned } = await crashDuringProvisioning(root);
    memory.update((state) => {
      state.workspaces[0]!.publicNetworkAccess = "Enabled";
    });
    const again = new JournalingProvider(memory);
    await expect(apply(planned, again, { state: backendAt(root), lockHolder: second })).rejects.toMatchObject(
      {
        code: "PLAN_STALE",
      },
    );
    expect(again.applied).toEqual([]);
  });

  it("a target service's network access is locked and journaled under its own key: the same plan re-applied after a crash does not redo it", async () => {
    const root = await tempRoot();
    const state = backendAt(root);
    const memory = seededProvider();
    // pf-ws reaches Azure OpenAI, whose public access goes off; pf-byo (search only) hangs.
    const withService = topology({
      "pf-ws": managedPrivate({ reach: { services: ["aoai"] }, endpoints: {} }),
      "pf-byo": byoPrivate({ reach: { services: ["search"] } }),
    });
    withService.services!.aoai!.networkAccess = { public: "disabled" };
    const serviceAddress = "service.aoai.network-access";
    const serviceKey = serviceStateKey(AOAI)!;
    const planned = await plan(withService, memory);
    expect(planned.steps.find((step) => step.address === serviceAddress)?.action).toBe("update");

    const applied: string[] = [];
    const hanging: Provider = {
      name: "memory",
      read: (...args) => memory.read(...args),
      async apply(step, context) {
        applied.push(step.address);
        if (step.address.startsWith("workspace.pf-byo.")) await new Promise(() => undefined);
        return memory.apply(step, context);
      },
    };
    void apply(planned, hanging, { state, lockHolder: first });
    // The service's own lock is held, and its outcome reaches its own journal.
    for (let tries = 0; tries < 500; tries++) {
      const journal = await state.readJournal(serviceKey);
      if (journal.some((r) => r.type === "outcome" && r.address === serviceAddress)) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await state.listLocks()).map((lock) => lock.key)).toContain(serviceKey);
    expect(applied).toContain(serviceAddress);

    // The "process" died. The same plan again: the service's access is already off, and the journal
    // says this plan did it: neither PLAN_STALE nor a second write.
    const again: string[] = [];
    const result = await apply(
      planned,
      {
        name: "memory",
        read: (...args) => memory.read(...args),
        apply: (step, context) => {
          again.push(step.address);
          return memory.apply(step, context);
        },
      },
      { state, lockHolder: second },
    );
    expect(result.errors).toEqual([]);
    expect(again).not.toContain(serviceAddress);
    expect(again.some((address) => address.startsWith("workspace.pf-byo."))).toBe(true);
  });
});
