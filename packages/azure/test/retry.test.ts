import {
  AzureRequestError,
  type ClassifyOptions,
  classify,
  DEFAULT_RETRY,
  type RetryClass,
  type RetryOptions,
  resolveRetry,
  resolveWaits,
  withRetry,
} from "@pfnet/azure";
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
    // The top of the jitter range: delays are their back-off ceilings.
    random: () => 1,
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

  it("backs off with full jitter when Azure gives no Retry-After; Retry-After is honoured as given", async () => {
    const delays = async (random: () => number, failure: AzureRequestError) => {
      const events: PfnetEventInput[] = [];
      const failures = [failure, failure, failure];
      await withRetry(
        async () => {
          const next = failures.shift();
          if (next) throw next;
        },
        { ...ctx(events), waits: resolveWaits({ timeScale: 60_000 }), random },
      );
      return events.flatMap((e) => (e.type === "step.retrying" ? [e.delayMs] : []));
    };
    // server class: base 2 s, so ceilings 2, 4, 8 s; a draw of r waits r × ceiling.
    expect(await delays(() => 0.5, err(500))).toEqual([1000, 2000, 4000]);
    expect(await delays(() => 0, err(500))).toEqual([0, 0, 0]);
    const draws = [0.1, 0.9, 0.3];
    expect(await delays(() => draws.shift()!, err(500))).toEqual([200, 3600, 2400]);
    expect(await delays(() => 0, err(429, undefined, 1234))).toEqual([1234, 1234, 1234]);
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

  // Each class with a failure of its own kind; the options `withRetry` gets for it.
  const CLASSES: { retryClass: RetryClass; error: AzureRequestError; options?: ClassifyOptions }[] = [
    { retryClass: "throttled", error: err(429, undefined, 3) },
    { retryClass: "throttled", error: err(429) },
    { retryClass: "server", error: err(503) },
    { retryClass: "connection", error: err(undefined, "ECONNRESET") },
    { retryClass: "conflict", error: err(409, "OperationInProgress") },
    { retryClass: "propagation", error: err(403, "AuthorizationFailed"), options: { propagation: true } },
    {
      retryClass: "principalNotFound",
      error: err(400, "PrincipalNotFound"),
      options: { roleAssignment: true },
    },
  ];
  /** Retry budgets: `own` retries for one class, `others` for every other class. */
  const budgets = (retryClass: RetryClass, own: number, others: number): RetryOptions =>
    Object.fromEntries(
      Object.keys(DEFAULT_RETRY).map((c) => [c, { maxRetries: c === retryClass ? own : others }]),
    );

  it.each(CLASSES)(
    "$retryClass ($error.status $error.armCode) spends its own budget, no other",
    async ({ retryClass, error, options }) => {
      const attempts = async (retry: RetryOptions) => {
        const events: PfnetEventInput[] = [];
        let calls = 0;
        const failure = await withRetry(
          async () => {
            calls++;
            throw error;
          },
          { ...ctx(events), retry: resolveRetry(retry) },
          options,
        ).catch((e: unknown) => e);
        return { calls, failure, events: events.filter((e) => e.type === "step.retrying") };
      };
      // Its own budget of 2: three attempts, then RETRIES_EXHAUSTED naming the reason.
      const own = await attempts(budgets(retryClass, 2, 0));
      expect(own.calls).toBe(3);
      expect(own.failure).toMatchObject({ code: "RETRIES_EXHAUSTED", details: { retries: 2 } });
      expect(own.events).toHaveLength(2);
      if (error.retryAfterMs !== undefined) {
        expect(own.events.map((e) => (e as { delayMs: number }).delayMs)).toEqual([3, 3]);
      }
      // Every other class with a budget of 2 and this one with none: not retried at all.
      const others = await attempts(budgets(retryClass, 0, 2));
      expect(others.calls).toBe(1);
    },
  );

  it("stops a class at its Azure-time budget before its retry count (409 in progress, 30 s)", async () => {
    const events: PfnetEventInput[] = [];
    let calls = 0;
    const context = {
      ...ctx(events),
      retry: resolveRetry({
        conflict: { maxRetries: 1000, baseDelaySeconds: 10, maxDelaySeconds: 60, budgetSeconds: 30 },
      }),
    };
    await expect(
      withRetry(async () => {
        calls++;
        throw err(409, "AnotherOperationInProgress");
      }, context),
    ).rejects.toMatchObject({ code: "RETRIES_EXHAUSTED" });
    // Back-off 10 s + 20 s fits in 30 s; the next 40 s would not.
    expect(calls).toBe(3);
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
