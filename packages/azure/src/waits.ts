/**
 * Progress of every wait, reported one way: a wait emits `step.progress` with its kind, the wall
 * time elapsed and the expected wall time (an Azure-time estimate scaled by `waits.timeScale`)
 * when it starts, on each poll, and when it ends. The polling loops of the kinds (managedNetwork
 * provisioning, roleAssignment readiness, privateEndpointApproval) and every long-running write
 * (the typed REST layer's `onPoll`, the Azure SDK pollers' `onProgress`) report through `startWait`.
 */
import type { PfnetEventInput, PlanStep, PlanWait } from "@pfnet/core";
import type { ResolvedWaits } from "./options.js";
import { wallMs } from "./options.js";
import { asPoll } from "./pacing.js";
import { sleep } from "./retry.js";

export type WaitKind = PlanWait["kind"];

/**
 * Expected Azure time (seconds) of each long-running write, from typical Azure behaviour: a
 * private endpoint takes one to two minutes to create, a managed online endpoint (without
 * deployments) a few minutes, a DNS zone group or NSG rule seconds. Display only: no wait gives
 * up at these values (the SDK pollers wait for Azure's final state; retries have their budgets).
 */
export const OPERATION_EXPECTED_SECONDS = {
  workspaceCreate: 120,
  workspaceUpdate: 60,
  outboundRuleWrite: 30,
  privateEndpointCreate: 90,
  privateEndpointDelete: 60,
  dnsZoneGroupWrite: 30,
  nsgRuleWrite: 15,
  onlineEndpointCreate: 240,
  onlineEndpointUpdate: 90,
} as const;

export type OperationKind = keyof typeof OPERATION_EXPECTED_SECONDS;

/** Poll interval (Azure seconds) of SDK long-running operations; the REST layer's default too. */
export const LRO_POLL_SECONDS = 5;

/** What a wait needs from the step environment. */
export interface WaitEnv {
  waits: ResolvedWaits;
  signal: AbortSignal;
  emit: (event: PfnetEventInput) => void;
}

export function progress(
  env: Pick<WaitEnv, "emit">,
  step: Pick<PlanStep, "address">,
  message: string,
  wait?: { kind: WaitKind; elapsedMs: number; expectedMs?: number },
): void {
  env.emit({ type: "step.progress", address: step.address, message, ...(wait ? { wait } : {}) });
}

export interface WaitReporter {
  /** Expected wall milliseconds of the whole wait. */
  readonly expectedMs: number;
  /** Emit `step.progress` with the elapsed time since the wait started. */
  report(message: string): void;
}

/** Start the clock of one wait of a step. */
export function startWait(
  env: Pick<WaitEnv, "emit">,
  step: Pick<PlanStep, "address">,
  kind: WaitKind,
  expectedMs: number,
): WaitReporter {
  const started = Date.now();
  return {
    expectedMs,
    report: (message) => progress(env, step, message, { kind, elapsedMs: Date.now() - started, expectedMs }),
  };
}

/**
 * Run one long-running write, reporting progress when it starts, on each poll (`onPoll`) and when
 * it ends. A failure or an abort propagates without an end event (the step's own events say it).
 */
export async function trackOperation<T>(
  env: WaitEnv,
  step: Pick<PlanStep, "address" | "waits">,
  operation: OperationKind,
  label: string,
  run: (onPoll: () => void) => Promise<T>,
): Promise<T> {
  // A write that brings the Azure Firewall (the first FQDN rule on an Active network) carries
  // that wait in the plan: the live line expects it too.
  const firewallSeconds = (step.waits ?? [])
    .filter((planned) => planned.kind === "firewall")
    .reduce((sum, planned) => sum + planned.expectedSeconds, 0);
  const expectedSeconds = OPERATION_EXPECTED_SECONDS[operation] + firewallSeconds;
  const wait = startWait(env, step, "provisioning", wallMs(expectedSeconds, env.waits));
  wait.report(`${label}: started`);
  const result = await run(() => wait.report(`${label}: in progress`));
  wait.report(`${label}: done`);
  return result;
}

/**
 * The part of an Azure SDK poller that pfnet uses: both the `LroEngine` pollers of older clients
 * (`@azure/arm-machinelearning` 2.x) and the `createHttpPoller` ones of newer clients have it.
 */
export interface SdkPoller<T> {
  isDone(): boolean;
  poll(options?: { abortSignal?: AbortSignal }): Promise<unknown>;
  pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T>;
}

/** Options of an SDK `begin…` call: the initial request abortable, polls at the scaled interval. */
export function sdkLroOptions(env: WaitEnv): { updateIntervalInMs: number; abortSignal: AbortSignal } {
  return { updateIntervalInMs: Math.max(1, wallMs(LRO_POLL_SECONDS, env.waits)), abortSignal: env.signal };
}

/**
 * Start an SDK long-running operation with `begin` and wait for it with progress on each poll.
 * pfnet drives the polls itself: the SDK's `…AndWait` variants poll without the abort signal,
 * and the `LroEngine` pollers sleep between polls on a timer no signal can end, so an abort would
 * wait out a whole poll interval (or Retry-After). Here the sleep is ours and abortable; once the
 * operation is done, `pollUntilDone` returns its result or throws its error without polling again.
 */
export function awaitSdkOperation<T>(
  env: WaitEnv & { clients: { sdk<R>(call: () => Promise<R>): Promise<R> } },
  step: Pick<PlanStep, "address">,
  operation: OperationKind,
  label: string,
  begin: (options: ReturnType<typeof sdkLroOptions>) => Promise<SdkPoller<T>>,
): Promise<T> {
  // Each request holds a request slot; the sleeps between polls hold none.
  return trackOperation(env, step, operation, label, async (onPoll) => {
    const options = sdkLroOptions(env);
    const poller = await env.clients.sdk(() => begin(options));
    while (!poller.isDone()) {
      await sleep(options.updateIntervalInMs, env.signal);
      // A poll is retried on its own, below the poller (pacing.ts): a poller whose poll failed
      // would keep that failure as its result.
      await asPoll(() => env.clients.sdk(() => poller.poll({ abortSignal: env.signal })));
      onPoll();
    }
    return poller.pollUntilDone({ abortSignal: env.signal });
  });
}

/** Expected wall milliseconds of a polling wait: the plan's estimate for these wait kinds, else the fallback. */
export function expectedWallMs(
  env: Pick<WaitEnv, "waits">,
  step: Pick<PlanStep, "waits">,
  kinds: string[],
  fallbackSeconds: number,
): number {
  const seconds = (step.waits ?? [])
    .filter((w) => kinds.includes(w.kind))
    .reduce((sum, w) => sum + w.expectedSeconds, 0);
  return wallMs(seconds > 0 ? seconds : fallbackSeconds, env.waits);
}

/**
 * A wait's budget, counted in Azure time actually slept between polls (not wall time elapsed), so
 * that a slow machine or a tiny emulator time scale never turns request latency into a timeout:
 * the number of polls before giving up is deterministic.
 */
export class WaitBudget {
  private spentAzureSeconds = 0;
  constructor(
    private readonly env: Pick<WaitEnv, "waits" | "signal">,
    private readonly budgetSeconds: number,
  ) {}
  get exhausted(): boolean {
    return this.spentAzureSeconds >= this.budgetSeconds;
  }
  private paused = false;
  async pause(azureSeconds: number): Promise<void> {
    this.spentAzureSeconds += azureSeconds;
    this.paused = true;
    await sleep(wallMs(azureSeconds, this.env.waits), this.env.signal);
  }
  /** The reads of one round of the wait: polls once the wait has paused (counted apart). */
  poll<T>(read: () => Promise<T>): Promise<T> {
    return this.paused ? asPoll(read) : read();
  }
}
