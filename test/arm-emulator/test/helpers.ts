/** Shared test helpers: SDK-style clients against the emulator, a REST LRO helper, raw fetch. */
import { request as httpsRequest } from "node:https";
import { createHttpPoller } from "@azure/core-lro";
import { getClient } from "@azure-rest/core-client";
import { type Emulator, fakeCredential } from "@pfnet/arm-emulator";

export const RG = "rg-promptflow";
export const ML_API = "2025-12-01";

export function wsPath(emu: Emulator, ws = "pf-ws"): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/${ws}`;
}

export function targetId(emu: Emulator, typeAndName: string): string {
  return `/subscriptions/${emu.subscriptionId}/resourceGroups/${RG}/providers/${typeAndName}`;
}

/** A private endpoint in the seeded customer subnet with one manual connection to `target` (type/name). */
export function manualEndpointBody(emu: Emulator, target: string, group: string) {
  return {
    location: "eastus",
    properties: {
      subnet: { id: targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe") },
      manualPrivateLinkServiceConnections: [
        { name: group, properties: { privateLinkServiceId: targetId(emu, target), groupIds: [group] } },
      ],
    },
  };
}

export function sdkOptions(emu: Emulator) {
  return emu.clientOptions;
}

export function restClient(emu: Emulator) {
  return getClient(emu.endpoint, fakeCredential, {
    tlsOptions: { ca: emu.caCert },
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
  });
}

export interface RestAnswer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** One REST call through the real pipeline (@azure-rest/core-client). */
export async function rest(
  emu: Emulator,
  method: "GET" | "PUT" | "PATCH" | "DELETE" | "POST",
  path: string,
  body?: unknown,
  apiVersion = ML_API,
  headers: Record<string, string> = {},
): Promise<RestAnswer> {
  const client = restClient(emu);
  const target = client.pathUnchecked(path);
  const options = {
    queryParameters: { "api-version": apiVersion },
    headers,
    ...(body !== undefined ? { body } : {}),
  };
  const verb = method.toLowerCase() as "get" | "put" | "patch" | "delete" | "post";
  const res = await target[verb](options);
  return { status: Number(res.status), headers: res.headers as Record<string, string>, body: res.body };
}

/** A REST long-running operation polled to its end with @azure/core-lro's createHttpPoller. */
export async function restLro(
  emu: Emulator,
  method: "PUT" | "PATCH" | "DELETE" | "POST",
  path: string,
  body?: unknown,
  apiVersion = ML_API,
): Promise<unknown> {
  const client = restClient(emu);
  const toResponse = (
    res: { status: string; headers: Record<string, string>; body: unknown },
    m: string,
    url: string,
  ) => ({
    flatResponse: res.body,
    rawResponse: {
      statusCode: Number(res.status),
      headers: res.headers,
      body: res.body,
      request: { method: m, url },
    },
  });
  const poller = createHttpPoller(
    {
      sendInitialRequest: async () => {
        const verb = method.toLowerCase() as "put" | "patch" | "delete" | "post";
        const res = await client
          .pathUnchecked(path)
          [verb]({ queryParameters: { "api-version": apiVersion }, ...(body !== undefined ? { body } : {}) });
        return toResponse(res as never, method, `${emu.endpoint}${path}?api-version=${apiVersion}`);
      },
      sendPollRequest: async (pollPath: string) => {
        const res = await client.pathUnchecked(pollPath).get();
        return toResponse(res as never, "GET", pollPath);
      },
    },
    { intervalInMs: 5, resourceLocationConfig: "location" },
  );
  return poller.pollUntilDone();
}

/** A raw HTTPS request (no pipeline): for auth, api-version and dropped-connection checks. */
export function raw(
  emu: Emulator,
  method: string,
  pathAndQuery: string,
  options: { body?: unknown; auth?: boolean; headers?: Record<string, string> } = {},
): Promise<RestAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(pathAndQuery, emu.endpoint);
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = httpsRequest(
      url,
      {
        method,
        ca: emu.caCert,
        agent: false,
        headers: {
          ...(options.auth === false ? {} : { Authorization: "Bearer test-token" }),
          ...(payload ? { "Content-Type": "application/json" } : {}),
          ...(options.headers ?? {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let body: unknown = text;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // keep text
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body });
        });
      },
    );
    req.on("error", reject);
    if (payload) req.write(payload);
    req.end();
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` (which may throw) until it returns truthy or the deadline passes. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 5000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (error) {
      last = error;
    }
    if (Date.now() > end) throw last instanceof Error ? last : new Error("eventually: condition not met");
    await sleep(10);
  }
}
