/**
 * Re-attach against the ARM emulator: an apply interrupted while the managed network provisions,
 * then another apply of the same spec (a fresh provider, as another process would have). Counted
 * in the request log: one `provisionManagedNetwork` POST per workspace, whatever the journal kept.
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Emulator } from "@pfnet/arm-emulator";
import { apply, LocalStateBackend, plan, planHasChanges, workspaceStateKey } from "@pfnet/core";
import { afterEach, describe, expect, it } from "vitest";
import {
  expectRowState,
  providerFor,
  RG,
  ROWS,
  recorder,
  rowSpec,
  SUB,
  startTestEmulator,
} from "./harness.js";

const ROW = ROWS[3]!;
const KEY = workspaceStateKey({ subscriptionId: SUB, resourceGroup: RG, name: "pf-ws" });
/**
 * 1 Azure minute = 25 ms: the 40 minutes of provisioning (1 s) outlast a re-plan on a busy machine.
 * `accepted`: provisionManagedNetwork answers 202 + Location (a handle to journal); the default
 * `seeded` forms answer pf-ws's POST 200 (no handle: the network keeps provisioning).
 */
const start = (lroForms: "accepted" | "seeded" = "accepted") =>
  startTestEmulator({ timeScale: 25, lroForms });
const posts = (em: Emulator) => em.requests.find("POST", "/provisionManagedNetwork$").length;

let em: Emulator | undefined;
afterEach(async () => {
  await em?.close();
  em = undefined;
});

/**
 * Apply until Azure accepted the provisioning, then stop (abort): once the journal has its handle,
 * or — in the 200 form, which gives none — once the POST has been answered.
 */
async function interruptDuringProvisioning(emulator: Emulator, state: LocalStateBackend) {
  const provider = providerFor(emulator);
  const controller = new AbortController();
  const journaling: LocalStateBackend = Object.create(state);
  journaling.appendJournal = async (key, records, options) => {
    await state.appendJournal(key, records, options);
    if (records.some((r) => r.type === "started")) controller.abort();
  };
  const answered = setInterval(() => {
    if (emulator.requests.find("POST", "/provisionManagedNetwork$").some((r) => r.status === 200))
      controller.abort();
  }, 5);
  try {
    const result = await apply(await plan(rowSpec(ROW), provider), provider, {
      state: journaling,
      signal: controller.signal,
    });
    expect(result.outcomes.cancelled).toBeGreaterThan(0);
  } finally {
    clearInterval(answered);
  }
  expect(posts(emulator)).toBe(1);
}

async function applyAgain(emulator: Emulator, state: LocalStateBackend) {
  const provider = providerFor(emulator);
  const { events, onEvent } = recorder();
  // Azure finishing the provisioning between plan and apply makes the plan stale (new
  // connections on the targets): plan again, as PLAN_STALE's hint says.
  let result: Awaited<ReturnType<typeof apply>> | undefined;
  for (let attempt = 0; !result; attempt++) {
    const planned = await plan(rowSpec(ROW), provider);
    result = await apply(planned, provider, { state, onEvent }).catch((error: unknown) => {
      if ((error as { code?: string }).code !== "PLAN_STALE" || attempt >= 3) throw error;
      return undefined;
    });
  }
  expect(result.errors).toEqual([]);
  await expectRowState(emulator, provider, ROW);
  expect(planHasChanges(await plan(rowSpec(ROW), provider))).toBe(false);
  return events;
}

const tempState = async () => new LocalStateBackend(await mkdtemp(join(tmpdir(), "pfnet-reattach-")));

describe("re-attach to a provisioning under way", () => {
  it("through the handle the journal kept (Location URL)", async () => {
    em = await start();
    const state = await tempState();
    await interruptDuringProvisioning(em, state);
    const journal = await state.readJournal(KEY);
    const started = journal.find((r) => r.type === "started");
    expect(started).toMatchObject({
      operation: "provisionManagedNetwork",
      address: "workspace.pf-ws.network",
    });
    expect((started as { url: string }).url).toContain("/operationResults/");
    // The intent was written before the POST was sent.
    expect(journal.findIndex((r) => r.type === "intent")).toBeLessThan(journal.indexOf(started!));

    const events = await applyAgain(em, state);
    expect(events).toContainEqual(expect.objectContaining({ type: "step.reattached", via: "handle" }));
    expect(events).toContainEqual(
      expect.objectContaining({ type: "apply.resumed", unfinished: ["workspace.pf-ws.network"] }),
    );
    expect(posts(em)).toBe(1);
    expect(await state.readJournal(KEY)).toEqual([]);
  });

  it("through the rules' Provisioning status when there is no journal (another process's apply)", async () => {
    em = await start();
    await interruptDuringProvisioning(em, await tempState());
    const events = await applyAgain(em, await tempState());
    expect(events).toContainEqual(expect.objectContaining({ type: "step.reattached", via: "status" }));
    expect(posts(em)).toBe(1);
  });

  it("through the status after a 200 answer, which gives no handle (the journal holds only the intent)", async () => {
    em = await start("seeded");
    const state = await tempState();
    await interruptDuringProvisioning(em, state);
    expect(em.requests.find("POST", "/provisionManagedNetwork$").map((r) => r.status)).toEqual([200]);
    const journal = await state.readJournal(KEY);
    expect(journal.some((r) => r.type === "intent" && r.operation === "provisionManagedNetwork")).toBe(true);
    expect(journal.some((r) => r.type === "started")).toBe(false);
    const events = await applyAgain(em, state);
    expect(events).toContainEqual(expect.objectContaining({ type: "step.reattached", via: "status" }));
    expect(posts(em)).toBe(1);
  });

  it("through the status when the journal's handle is gone (404), and starts provisioning only when nothing runs", async () => {
    em = await start();
    const state = await tempState();
    await interruptDuringProvisioning(em, state);
    const started = (await state.readJournal(KEY)).find((r) => r.type === "started") as { url: string };
    // Azure no longer knows the handle (its poll answers 404); the provisioning itself runs on.
    em.state.forgetOperation(started.url);
    const events = await applyAgain(em, state);
    expect(events).toContainEqual(expect.objectContaining({ type: "step.reattached", via: "handle" }));
    expect(events).toContainEqual(expect.objectContaining({ type: "step.reattached", via: "status" }));
    expect(posts(em)).toBe(1);
  });

  it("an intent without a handle whose POST never reached Azure: provisioning starts once", async () => {
    em = await start();
    const state = await tempState();
    await state.appendJournal(KEY, [
      {
        type: "intent",
        planHash: "an-earlier-plan",
        specHash: "an-earlier-spec",
        address: "workspace.pf-ws.network",
        operation: "provisionManagedNetwork",
        at: new Date().toISOString(),
      },
    ]);
    const events = await applyAgain(em, state);
    expect(events.filter((e) => e.type === "step.reattached")).toEqual([]);
    expect(posts(em)).toBe(1);
  });
});
