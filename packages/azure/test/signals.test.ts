/**
 * One run signal, many concurrent requests: each request, timer and pacer wait listens on a
 * signal of its own that follows the run's, so the run's signal (possibly the caller's) carries
 * no listener per request — past 10 Node would warn of a leak.
 */
import { fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider } from "@pfnet/azure";
import type { ResourceNode } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { sleep } from "../src/retry.js";
import { followSignal } from "../src/signals.js";

const SUB = "11111111-2222-3333-4444-555555555555";

/** A signal that records how many abort listeners it holds at most. */
function countingSignal(): { controller: AbortController; most: () => number } {
  const controller = new AbortController();
  const signal = controller.signal;
  const held = new Set<unknown>();
  let most = 0;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    held.add(listener);
    most = Math.max(most, held.size);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    held.delete(listener);
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return { controller, most: () => most };
}

describe("one run signal shared by many waits and requests", () => {
  it("a followed signal aborts with the run's reason and adds no listener to it", async () => {
    const { controller, most } = countingSignal();
    const sleeps = Array.from({ length: 25 }, () => sleep(60_000, controller.signal));
    expect(most()).toBe(0);
    const own = followSignal(controller.signal);
    controller.abort(new Error("stop"));
    for (const one of sleeps) await expect(one).rejects.toMatchObject({ code: "ABORTED" });
    expect(own.aborted).toBe(true);
    expect(own.reason).toEqual(new Error("stop"));
  });

  it("40 concurrent workspace reads on one signal leave it without per-request listeners", async () => {
    const em = await startEmulator({ timeScale: 1 });
    try {
      const provider = new AzureProvider({
        credential: fakeCredential,
        endpoint: em.endpoint,
        tlsCa: em.caCert,
        waits: { timeScale: em.timeScale },
      });
      const nodes: ResourceNode[] = Array.from({ length: 40 }, (_, i) => ({
        address: `workspace.ws-${i}`,
        kind: "workspace",
        identity: {
          workspace: { subscriptionId: SUB, resourceGroup: "rg-promptflow", name: `ws-${i}`, key: `ws-${i}` },
        },
        properties: { publicNetworkAccess: "Enabled", isolationMode: "Disabled" },
        dependsOn: [],
      }));
      const { controller, most } = countingSignal();
      const from = em.requests.length;
      const read = await provider.read(nodes, { signal: controller.signal, emit: () => {} });
      expect(Object.values(read.resources).filter((r) => !r.exists)).toHaveLength(40);
      expect(em.requests.length - from).toBeGreaterThanOrEqual(40);
      expect(most()).toBeLessThanOrEqual(2);
    } finally {
      await em.close();
    }
  });
});
