import { AzureRequestError, classify, resolveRetry, resolveWaits, withRetry } from "@pfnet/azure";
import type { PfnetEventInput } from "@pfnet/core";
import { describe, expect, it } from "vitest";

// 1 Azure minute = 10 ms (wall ms per Azure minute).
const waits = resolveWaits({ timeScale: 10 });

function ctx(events: PfnetEventInput[], signal = new AbortController().signal) {
  return {
    signal,
    emit: (e: PfnetEventInput) => events.push(e),
    address: "workspace.pf",
    retry: resolveRetry(),
    waits,
  };
}

const err = (status: number | undefined, armCode?: string, retryAfterMs?: number) =>
  new AzureRequestError("boom", {
    status,
    ...(armCode ? { armCode } : {}),
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });

describe("classify", () => {
  it("classifies by status and ARM code only", () => {
    expect(classify(err(429))?.retryClass).toBe("throttled");
    expect(classify(err(503))?.reason).toBe("503");
    expect(classify(err(500))?.retryClass).toBe("server");
    expect(classify(err(501))).toBeUndefined();
    expect(classify(err(undefined, "ECONNRESET"))?.retryClass).toBe("connection");
    expect(classify(err(undefined, "REQUEST_SEND_ERROR"))?.retryClass).toBe("connection");
    expect(classify(err(409, "AnotherOperationInProgress"))?.retryClass).toBe("conflict");
    expect(classify(err(409, "RoleAssignmentExists"))).toBeUndefined();
    expect(classify(err(400, "InvalidRequest"))).toBeUndefined();
  });

  it("treats 403 AuthorizationFailed as propagation only where a grant is expected", () => {
    expect(classify(err(403, "AuthorizationFailed"))).toBeUndefined();
    expect(classify(err(403, "AuthorizationFailed"), { propagation: true })?.reason).toBe(
      "AuthorizationFailed",
    );
    expect(classify(err(400, "PrincipalNotFound"))).toBeUndefined();
    expect(classify(err(400, "PrincipalNotFound"), { roleAssignment: true })?.retryClass).toBe(
      "principalNotFound",
    );
  });

  it("never classifies on message text", () => {
    const e = new AzureRequestError("429 Too Many Requests, Retry-After, AuthorizationFailed", {
      status: 400,
      armCode: "BadRequest",
    });
    expect(classify(e, { propagation: true, roleAssignment: true })).toBeUndefined();
  });
});

describe("withRetry", () => {
  it("retries transient failures, emitting step.retrying with the reason and the scaled delay", async () => {
    const events: PfnetEventInput[] = [];
    const failures = [err(429, undefined, 7), err(503), err(undefined, "ECONNRESET"), err(429)];
    let calls = 0;
    const result = await withRetry(async () => {
      calls++;
      const next = failures.shift();
      if (next) throw next;
      return "ok";
    }, ctx(events));
    expect(result).toBe("ok");
    expect(calls).toBe(5);
    const retries = events.filter((e) => e.type === "step.retrying");
    expect(retries.map((e) => (e as { reason: string }).reason)).toEqual(["429", "503", "ECONNRESET", "429"]);
    // The server's Retry-After is honoured as given (7 ms); the second 429 has none: 2 × 5 s of Azure time = 2 ms.
    expect((retries[0] as { delayMs: number }).delayMs).toBe(7);
    expect((retries[3] as { delayMs: number }).delayMs).toBe(2);
    expect(retries.map((e) => (e as { attempt: number }).attempt)).toEqual([1, 2, 3, 4]);
  });

  it("fails at once on a non-retryable error", async () => {
    const events: PfnetEventInput[] = [];
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw err(400, "BadRequest");
      }, ctx(events)),
    ).rejects.toMatchObject({ code: "AZURE_REQUEST_FAILED", status: 400 });
    expect(calls).toBe(1);
    expect(events).toHaveLength(0);
  });

  it("stops at the class budget with RETRIES_EXHAUSTED", async () => {
    const events: PfnetEventInput[] = [];
    const context = { ...ctx(events), retry: resolveRetry({ server: { maxRetries: 2 } }) };
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw err(500);
      }, context),
    ).rejects.toMatchObject({ code: "RETRIES_EXHAUSTED" });
    expect(calls).toBe(3);
  });

  it("keeps each class's budget separate", async () => {
    const events: PfnetEventInput[] = [];
    const context = {
      ...ctx(events),
      retry: resolveRetry({ server: { maxRetries: 1 }, throttled: { maxRetries: 1 } }),
    };
    const failures = [err(500), err(429)];
    const result = await withRetry(async () => {
      const next = failures.shift();
      if (next) throw next;
      return 1;
    }, context);
    expect(result).toBe(1);
  });

  it("spends the propagation budget in Azure time, then lets the caller name the grant", async () => {
    const events: PfnetEventInput[] = [];
    const context = {
      ...ctx(events),
      retry: resolveRetry({ propagation: { baseDelaySeconds: 60, maxDelaySeconds: 60, budgetSeconds: 180 } }),
    };
    let calls = 0;
    await expect(
      withRetry(
        async () => {
          calls++;
          throw err(403, "AuthorizationFailed");
        },
        context,
        {
          propagation: true,
          onExhausted: (retryClass) =>
            retryClass === "propagation"
              ? new AzureRequestError("named", { status: 403, armCode: "PROPAGATION" })
              : undefined,
        },
      ),
    ).rejects.toMatchObject({ message: "named" });
    // 3 waits of 60 s fit in 180 s.
    expect(calls).toBe(4);
  });

  it("stops when aborted, with ABORTED", async () => {
    const controller = new AbortController();
    const events: PfnetEventInput[] = [];
    const context = { ...ctx(events, controller.signal), waits: resolveWaits({ timeScale: 60_000 }) };
    const run = withRetry(async () => {
      throw err(503);
    }, context);
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toMatchObject({ code: "ABORTED" });
  });
});
