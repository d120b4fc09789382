/**
 * Retry classes through the real transport (the ARM emulator's faults, the SDK pipeline
 * underneath, its retry policy off): every failure reaches pfnet's classes, which name it in
 * `step.retrying`, and the read still succeeds.
 */
import { type FaultRule, fakeCredential, startEmulator } from "@pfnet/arm-emulator";
import { AzureProvider } from "@pfnet/azure";
import type { PfnetEventInput, ResourceNode } from "@pfnet/core";
import { afterEach, describe, expect, it } from "vitest";

const SUB = "11111111-2222-3333-4444-555555555555";
const WS_PATH = "/workspaces/pf-ws$";
const workspaceNode: ResourceNode = {
  address: "workspace.pf-ws",
  kind: "workspace",
  identity: {
    workspace: { subscriptionId: SUB, resourceGroup: "rg-promptflow", name: "pf-ws", key: "pf-ws" },
  },
  properties: { publicNetworkAccess: "Enabled", isolationMode: "Disabled" },
  dependsOn: [],
};

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function readWith(fault: FaultRule): Promise<{ reasons: string[]; hits: number }> {
  const em = await startEmulator({ timeScale: 1, faults: [fault] });
  close = () => em.close();
  const provider = new AzureProvider({
    credential: fakeCredential,
    endpoint: em.endpoint,
    tlsCa: em.caCert,
    waits: { timeScale: em.timeScale },
  });
  const events: PfnetEventInput[] = [];
  const result = await provider.read([workspaceNode], {
    signal: new AbortController().signal,
    emit: (e) => events.push(e),
  });
  expect(result.resources["workspace.pf-ws"]?.exists).toBe(true);
  return {
    reasons: events.flatMap((e) => (e.type === "step.retrying" ? [e.reason] : [])),
    hits: em.faults.hits.length,
  };
}

describe("retry classes over the wire", () => {
  // The pipeline's own retry policy is off: every failure is one retry of pfnet's class, named
  // in `step.retrying` (5 failures, 5 retries, 6 requests).
  it("dropped connections: each one is a retry of the connection class", async () => {
    const { reasons, hits } = await readWith({ kind: "drop", method: "GET", path: WS_PATH, times: 5 });
    expect(hits).toBe(5);
    expect(reasons).toHaveLength(5);
    for (const reason of reasons)
      expect(["ECONNRESET", "REQUEST_SEND_ERROR", "ECONNABORTED", "EPIPE"]).toContain(reason);
  });

  it("429 without Retry-After: the throttled class backs off", async () => {
    const { reasons, hits } = await readWith({ kind: "throttle", method: "GET", path: WS_PATH, times: 2 });
    expect(hits).toBe(2);
    expect(reasons).toEqual(["429", "429"]);
  });

  it("429 with Retry-After: the throttled class honours it, no pipeline retry underneath", async () => {
    const { reasons, hits } = await readWith({
      kind: "throttle",
      method: "GET",
      path: WS_PATH,
      times: 5,
      retryAfterSeconds: 0,
    });
    expect(hits).toBe(5);
    expect(reasons).toEqual(["429", "429", "429", "429", "429"]);
  });

  it("503: each one is a retry of the server class", async () => {
    const { reasons, hits } = await readWith({ kind: "unavailable", method: "GET", path: WS_PATH, times: 5 });
    expect(hits).toBe(5);
    expect(reasons).toEqual(["503", "503", "503", "503", "503"]);
  });
});
