/** The HTTPS front: faults, auth, api-version checks, routing, request log, admin routes. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { adminReply, isAdminPath } from "./admin.js";
import { makeCertificates } from "./certs.js";
import { Clock, DEFAULT_DELAYS, type Delays } from "./clock.js";
import { type FaultRule, Faults } from "./faults.js";
import type { Ctx, Method, RaceMode, Reply, Settings } from "./http.js";
import { RequestLog } from "./log.js";
import { allRoutes, findHandler } from "./routes/index.js";
import { defaultSeed, loadSeedFile, type SeedEnvironment, validateSeed } from "./seed.js";
import { modelFromSeed } from "./state/from-seed.js";
import type { EndpointIdShape } from "./state/ml/managed-network.js";
import { EmulatorState } from "./stateApi.js";
import { ArmError, Prng } from "./util.js";

export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Milliseconds per Azure minute. Default 100 (provisioning ≈ 30 min → 3 s). */
  timeScale?: number;
  /** A seed environment or the path of a seed JSON file; default: the documented default environment. */
  seed?: SeedEnvironment | string;
  /** Fault rules active from the start. */
  faults?: FaultRule[];
  /** Concurrent outbound-rule writes: lose rules (default), answer 409, or apply atomically. */
  raceMode?: RaceMode;
  /** Seed of the PRNG behind fault chances and generated ids (replayable runs). Default 1. */
  randomSeed?: number;
  /** Override Azure durations (in Azure minutes). */
  delays?: Partial<Delays>;
  /** Page size of the lists the emulator pages (outbound rules, provider-level role-assignment lists). Default 10. */
  pageSize?: number;
  /**
   * Whether workspace GETs carry the rule map `managedNetwork.outboundRules`: "present" (default,
   * as the official `Workspace/get.json` example) or "absent" (the spec marks it optional).
   */
  workspaceRuleMap?: "present" | "absent";
  /** Retry-After on long-running operations: "scaled" (default; whole seconds, only when ≥ 1 s) or "omit". */
  lroRetryAfter?: "scaled" | "omit";
  /** HTTP status a Location poll answers for a Failed operation. Default 400. */
  failedLroStatus?: number;
  /**
   * Shape of the private-endpoint ids a managed network creates on targets (Azure's is
   * UNCONFIRMED): "seeded" (default) draws one of `ENDPOINT_ID_SHAPES` per workspace from a PRNG
   * seeded with `randomSeed`, or one fixed shape.
   */
  managedEndpointIds?: EndpointIdShape | "seeded";
  /**
   * Long-running operations: "seeded" (default) answers each in one of the forms its spec allows,
   * drawn from a PRNG seeded with `randomSeed`; "accepted" always answers asynchronously.
   */
  lroForms?: "seeded" | "accepted";
}

export interface Emulator {
  /** e.g. https://127.0.0.1:PORT — pass as the SDK clients' `endpoint`. */
  endpoint: string;
  /** PEM of the CA that signed the server certificate — pass as `tlsOptions: { ca }`. */
  caCert: string;
  subscriptionId: string;
  tenantId: string;
  /** Milliseconds per Azure minute. */
  timeScale: number;
  /** `{ endpoint, tlsOptions: { ca } }`: spread into any Azure SDK client's options. */
  clientOptions: { endpoint: string; tlsOptions: { ca: string } };
  state: EmulatorState;
  requests: RequestLog;
  faults: Faults;
  close(): Promise<void>;
}

/** Fault kinds answered with an ARM error instead of the real answer. */
const ERROR_FAULTS = {
  throttle: {
    status: 429,
    code: "TooManyRequests",
    message: "The request is being throttled (emulator fault).",
    honoursRetryAfter: true,
  },
  serverError: {
    status: 500,
    code: "InternalServerError",
    message: "Internal server error (emulator fault).",
    honoursRetryAfter: false,
  },
  unavailable: {
    status: 503,
    code: "ServiceUnavailable",
    message: "The service is temporarily unavailable (emulator fault).",
    honoursRetryAfter: true,
  },
} as const;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const seed =
    options.seed === undefined
      ? defaultSeed()
      : typeof options.seed === "string"
        ? loadSeedFile(options.seed)
        : validateSeed(options.seed);
  const timeScale = options.timeScale ?? 100;
  if (!(timeScale > 0))
    throw new Error(
      `startEmulator: timeScale must be a positive number of ms per Azure minute (got ${timeScale})`,
    );
  const randomSeed = options.randomSeed ?? 1;
  const clock = new Clock(timeScale, { ...DEFAULT_DELAYS, ...(options.delays ?? {}) });
  const model = modelFromSeed(clock, new Prng(randomSeed), seed);
  model.endpointIds = { shape: options.managedEndpointIds ?? "seeded", prng: new Prng(randomSeed ^ 0x7e57) };
  const faults = new Faults(randomSeed, options.faults ?? []);
  const requests = new RequestLog();
  const state = new EmulatorState(model, clock);
  const settings: Settings = {
    raceMode: options.raceMode ?? "lastWriterWins",
    pageSize: options.pageSize ?? 10,
    workspaceRuleMap: options.workspaceRuleMap ?? "present",
    lroRetryAfter: options.lroRetryAfter ?? "scaled",
    failedLroStatus: options.failedLroStatus ?? 400,
    lroForms: options.lroForms ?? "seeded",
    lroPrng: new Prng(randomSeed ^ 0x5eed10),
  };
  const routes = allRoutes();
  const certs = await makeCertificates();
  let requestSeq = 0;
  let baseUrl = "";

  const server: Server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = Date.now();
    // "//subscriptions/…" (a scope passed with its leading slash) must not parse as a host.
    const url = new URL((req.url ?? "/").replace(/^\/+/, "/"), baseUrl);
    let path: string;
    try {
      path = decodeURIComponent(url.pathname).replace(/\/{2,}/g, "/");
    } catch {
      path = url.pathname;
    }
    const method = (req.method ?? "GET").toUpperCase() as Method;
    const apiVersion = url.searchParams.get("api-version");
    const raw = await readBody(req);
    let body: unknown;
    let bodyError: string | undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw);
      } catch (error) {
        bodyError = (error as Error).message;
        body = raw;
      }
    }
    let faultKind: string | undefined;
    const record = (status: number, responseBody: unknown, headers?: Record<string, string>) => {
      const lro = Object.fromEntries(
        Object.entries(headers ?? {}).filter(([name]) =>
          ["location", "azure-asyncoperation"].includes(name.toLowerCase()),
        ),
      );
      requests.add({
        at: new Date(started).toISOString(),
        method,
        path,
        query: url.search,
        apiVersion,
        status,
        requestBody: body ?? null,
        responseBody: responseBody ?? null,
        durationMs: Date.now() - started,
        ...(Object.keys(lro).length > 0 ? { responseHeaders: lro } : {}),
        ...(faultKind ? { fault: faultKind } : {}),
      });
    };
    const send = (reply: Reply) => {
      const requestId = `emu-${++requestSeq}`;
      const payload =
        reply.text ?? (reply.body === undefined || method === "HEAD" ? "" : JSON.stringify(reply.body));
      res.writeHead(reply.status, {
        "x-ms-request-id": requestId,
        "x-ms-correlation-request-id": String(req.headers["x-ms-client-request-id"] ?? requestId),
        // ARM reports the remaining quota of the per-principal token bucket (azure-facts d.1); the emulator never runs out.
        ...(method === "GET" || method === "HEAD"
          ? { "x-ms-ratelimit-remaining-subscription-reads": "249" }
          : method === "DELETE"
            ? { "x-ms-ratelimit-remaining-subscription-deletes": "199" }
            : { "x-ms-ratelimit-remaining-subscription-writes": "199" }),
        ...(payload && reply.text === undefined ? { "Content-Type": "application/json; charset=utf-8" } : {}),
        ...(reply.headers ?? {}),
      });
      res.end(payload);
      if (!isAdminPath(path)) record(reply.status, reply.body, reply.headers);
    };

    if (isAdminPath(path)) {
      send(adminReply({ method, path, url, body }, { requests, faults, clock, state }));
      return;
    }

    clock.tick();
    const fault = faults.match(method, path);
    let failLro = false;
    if (fault) {
      faultKind = fault.kind;
      const retry =
        fault.retryAfterSeconds !== undefined
          ? { "Retry-After": String(fault.retryAfterSeconds) }
          : undefined;
      switch (fault.kind) {
        case "drop":
          record(0, null); // no answer: status 0 in the log
          req.socket.destroy();
          return;
        case "throttle":
        case "serverError":
        case "unavailable": {
          const { status, code, message, honoursRetryAfter } = ERROR_FAULTS[fault.kind];
          send({
            status,
            body: { error: { code, message } },
            ...(retry && honoursRetryAfter ? { headers: retry } : {}),
          });
          return;
        }
        case "slow":
          await sleep(fault.delayMs ?? 2000);
          clock.tick();
          break;
        case "lroFailed":
          failLro = true;
          break;
      }
    }

    try {
      const auth = req.headers.authorization;
      if (!auth || !/^Bearer\s+\S+/i.test(auth)) {
        throw new ArmError(
          401,
          "AuthenticationFailed",
          "Authentication failed. The 'Authorization' header is missing or is not a bearer token.",
          {
            "WWW-Authenticate":
              'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token", error_description="The authentication failed because of missing \'Authorization\' header."',
          },
        );
      }
      if (!apiVersion) {
        throw new ArmError(
          400,
          "MissingApiVersionParameter",
          "The api-version query parameter (?api-version=) is required for all requests.",
        );
      }
      const { handler, m } = findHandler(routes, method, path, apiVersion);
      if (bodyError !== undefined && (method === "PUT" || method === "PATCH" || method === "POST")) {
        throw new ArmError(
          400,
          "InvalidRequestContent",
          `The request content was invalid and could not be deserialized: ${bodyError}`,
        );
      }
      const ctx: Ctx = {
        method,
        path,
        query: url.searchParams,
        apiVersion,
        body,
        headers: req.headers,
        m,
        baseUrl,
        failLro,
        model,
        clock,
        settings,
      };
      send(handler(ctx));
    } catch (error) {
      if (error instanceof ArmError) {
        send({ status: error.status, body: error.body(), headers: error.headers });
      } else {
        send({
          status: 500,
          body: {
            error: { code: "InternalServerError", message: `Emulator error: ${(error as Error).message}` },
          },
        });
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `https://127.0.0.1:${port}`;

  return {
    endpoint: baseUrl,
    caCert: certs.caCert,
    subscriptionId: model.subscriptionId,
    tenantId: model.tenantId,
    timeScale,
    clientOptions: { endpoint: baseUrl, tlsOptions: { ca: certs.caCert } },
    state,
    requests,
    faults,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
