/**
 * The HTTP trace (`trace` option, the CLI's `--trace` / PFNET_TRACE): one JSON line per exchange
 * with method, URL, status, selected headers and bodies — and with a bearer token, a client
 * secret, a storage key and a SAS signature all in play, none of them in the file. Also: every
 * client sends `userAgentPrefix` pfnet/<version>, pfnet logs through `@azure/logger` as `pfnet`,
 * and provider calls are `@azure/core-tracing` spans.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Instrumenter,
  type TracingContext,
  type TracingSpan,
  useInstrumenter,
} from "@azure/core-tracing";
import { AzureLogger, setLogLevel } from "@azure/logger";
import { AzureProvider, type TraceRecord } from "@pfnet/azure";
import type { ResourceNode } from "@pfnet/core";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import packageJson from "../package.json" with { type: "json" };
import { redactText, redactUrl, redactValue } from "../src/trace.js";
import { PFNET_VERSION } from "../src/version.js";
import { credentialWith, HOST, WS_PATH, ws } from "./nock-fixtures.js";

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJwZm5ldC10ZXN0In0.c2lnbmF0dXJlLXBhcnQ";
const CLIENT_SECRET = "Q~client-secret-value-7d1e";
const STORAGE_KEY = "c3RvcmFnZS1rZXktdmFsdWUtMDEyMzQ1Njc4OQ==";
const SAS_SIG = "sAsSiGnAtUrE%2Bvalue%3D";

const workspaceNode: ResourceNode = {
  address: "workspace.pf",
  kind: "workspace",
  identity: { workspace: ws },
  properties: { publicNetworkAccess: "Disabled", isolationMode: "AllowOnlyApprovedOutbound" },
  dependsOn: [],
} as unknown as ResourceNode;
const context = () => ({ signal: new AbortController().signal, emit: () => {} });

/** A workspace answer carrying every kind of secret a real answer might (keys, a secret, a SAS URL). */
function secretsInTheAnswer() {
  return (
    nock(HOST)
      .get(WS_PATH)
      .query(true)
      .reply(
        200,
        {
          name: "pf",
          identity: { type: "SystemAssigned", principalId: "p1" },
          properties: {
            publicNetworkAccess: "Disabled",
            storageAccount:
              "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st",
            keys: [{ keyName: "key1", value: STORAGE_KEY, permissions: "Full" }],
            connection: {
              authType: "ServicePrincipal",
              credentials: { clientId: "app", clientSecret: CLIENT_SECRET },
            },
            connectionString: `DefaultEndpointsProtocol=https;AccountName=st;AccountKey=${STORAGE_KEY};EndpointSuffix=core.windows.net`,
            notebookInfo: { sasUrl: `https://st.blob.core.windows.net/nb?sv=2022-11-02&sp=r&sig=${SAS_SIG}` },
            managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound", outboundRules: {} },
          },
        },
        { "x-ms-request-id": "req-1", Location: `https://st.blob.core.windows.net/x?sig=${SAS_SIG}` },
      )
      // The read also lists, private ingress, where its computes sit (the placement rules); no
      // online-endpoint list: the node names none.
      .get(`${WS_PATH}/computes`)
      .query(true)
      .reply(200, { value: [] })
  );
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => {
  nock.cleanAll();
  setLogLevel("warning");
});

describe("trace", () => {
  it("records every exchange, and no token, client secret, storage key or SAS signature", async () => {
    const dir = mkdtempSync(join(tmpdir(), "pfnet-trace-"));
    const file = join(dir, "trace.jsonl");
    let seenAuthorization = "";
    const scope = secretsInTheAnswer();
    scope.on("request", (req) => {
      seenAuthorization = String(req.headers.authorization);
    });
    const provider = new AzureProvider({ credential: credentialWith(TOKEN), endpoint: HOST, trace: file });
    await provider.read([workspaceNode], context());
    expect(scope.isDone()).toBe(true);
    expect(seenAuthorization).toBe(`Bearer ${TOKEN}`); // the token really was in play

    const text = readFileSync(file, "utf8");
    for (const secret of [TOKEN, CLIENT_SECRET, STORAGE_KEY, SAS_SIG, "sAsSiGnAtUrE"])
      expect(text).not.toContain(secret);
    const records = text
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as TraceRecord);
    // The workspace GET, then the compute list (part of the workspace read); discovery lists no
    // online endpoints of a workspace whose spec names none.
    expect(records.map((r) => r.url.split("?")[0])).toEqual([
      `${HOST}${WS_PATH}`,
      `${HOST}${WS_PATH}/computes`,
    ]);
    const [record] = records;
    expect(record).toMatchObject({ method: "GET", status: 200 });
    expect(record!.url).toBe(`${HOST}${WS_PATH}?api-version=2025-12-01`);
    expect(record!.requestHeaders["user-agent"]).toMatch(/^pfnet\/0\.1\.0 /);
    expect(record!.requestHeaders).not.toHaveProperty("authorization");
    expect(record!.responseHeaders["x-ms-request-id"]).toBe("req-1");
    const props = (record!.responseBody as { properties: Record<string, unknown> }).properties;
    expect(props.publicNetworkAccess).toBe("Disabled"); // what a report needs stays
    expect(props.keys).toEqual([{ keyName: "[redacted]", value: "[redacted]", permissions: "[redacted]" }]);
    expect(props.connection).toEqual({
      authType: "ServicePrincipal",
      credentials: { clientId: "[redacted]", clientSecret: "[redacted]" },
    });
  });

  it("a function sink gets the same redacted records", async () => {
    secretsInTheAnswer();
    const records: TraceRecord[] = [];
    const provider = new AzureProvider({
      credential: credentialWith(TOKEN),
      endpoint: HOST,
      trace: (r) => records.push(r),
    });
    await provider.read([workspaceNode], context());
    expect(records).toHaveLength(2);
    expect(JSON.stringify(records)).not.toContain(STORAGE_KEY);
  });

  it("redaction rules: secret-named fields, JWTs, SAS signatures, account keys, bearer tokens", () => {
    expect(
      redactValue({
        primaryKey: "k",
        password: 1,
        nested: { accessToken: "t", keyVault: "/subscriptions/x" },
      }),
    ).toEqual({
      primaryKey: "[redacted]",
      password: "[redacted]",
      nested: { accessToken: "[redacted]", keyVault: "/subscriptions/x" },
    });
    expect(redactText(`Authorization: Bearer abc.def`)).toBe("Authorization: Bearer [redacted]");
    expect(redactText(`token ${TOKEN} end`)).toBe("token [redacted] end");
    expect(redactText(`AccountKey=${STORAGE_KEY};x=1`)).toBe("AccountKey=[redacted];x=1");
    const url = redactUrl(`https://h/p?sv=1&sig=${SAS_SIG}&code=abc`);
    expect(url).toMatch(
      /^https:\/\/h\/p\?sv=1&sig=(\[redacted\]|%5Bredacted%5D)&code=(\[redacted\]|%5Bredacted%5D)$/,
    );
  });
});

describe("Azure SDK conventions", () => {
  it("the version in the user agent is the package's", () => {
    expect(PFNET_VERSION).toBe(packageJson.version);
  });

  it("every client (REST and SDK) sends userAgentPrefix pfnet/<version>", async () => {
    const agents: string[] = [];
    nock(HOST)
      .get(/.*/)
      .query(true)
      .times(2)
      .reply(function () {
        agents.push(String(this.req.headers["user-agent"]));
        return [200, { value: [] }];
      });
    const provider = new AzureProvider({
      credential: credentialWith(TOKEN),
      endpoint: HOST,
      subscriptionId: "sub",
    });
    await provider.clients.ml.getWorkspace(ws, new AbortController().signal);
    const auth = await provider.clients.authorization("sub");
    for await (const _ of auth.roleAssignments.listForScope("subscriptions/sub")) break;
    expect(agents).toHaveLength(2);
    for (const agent of agents)
      expect(agent).toMatch(new RegExp(`^pfnet/${PFNET_VERSION.replace(/\./g, "\\.")} `));
  });

  it("logs through @azure/logger as the `pfnet` client logger (AZURE_LOG_LEVEL), with redacted URLs", async () => {
    secretsInTheAnswer();
    const lines: string[] = [];
    const original = AzureLogger.log;
    AzureLogger.log = (...args: unknown[]) => lines.push(args.map(String).join(" "));
    try {
      setLogLevel("verbose");
      const provider = new AzureProvider({ credential: credentialWith(TOKEN), endpoint: HOST });
      await provider.read([workspaceNode], context());
    } finally {
      AzureLogger.log = original;
    }
    const mine = lines.filter((line) => line.includes("pfnet:verbose"));
    expect(mine.some((line) => line.includes(`GET ${HOST}${WS_PATH}`) && line.includes("-> 200"))).toBe(true);
    expect(lines.join("\n")).not.toContain(TOKEN);
  });
});

/** A minimal immutable tracing context (core-tracing's own is not exported). */
function contextOf(values: Map<symbol, unknown>): TracingContext {
  return {
    getValue: (key) => values.get(key),
    setValue: (key, value) => contextOf(new Map(values).set(key, value)),
    deleteValue: (key) => {
      const next = new Map(values);
      next.delete(key);
      return contextOf(next);
    },
  };
}

describe("spans through @azure/core-tracing", () => {
  it("a provider read is a span named AzureProvider.read", async () => {
    const started: { name: string; attributes: Record<string, unknown> }[] = [];
    const span = (name: string, attributes: Record<string, unknown>): TracingSpan => {
      started.push({ name, attributes });
      return {
        setStatus: () => {},
        setAttribute: (key, value) => {
          attributes[key] = value;
        },
        end: () => {},
        recordException: () => {},
        isRecording: () => true,
      };
    };
    const instrumenter: Instrumenter = {
      startSpan: (name, options) => ({
        span: span(name, { ...(options?.spanAttributes ?? {}) }),
        tracingContext: contextOf(new Map()),
      }),
      withContext: (_context, callback, ...args) => callback(...args),
      parseTraceparentHeader: () => undefined,
      createRequestHeaders: () => ({}),
    };
    useInstrumenter(instrumenter);
    try {
      secretsInTheAnswer();
      const provider = new AzureProvider({ credential: credentialWith(TOKEN), endpoint: HOST });
      await provider.read([workspaceNode], context());
    } finally {
      useInstrumenter(undefined as unknown as Instrumenter);
    }
    expect(started.find((s) => s.name === "AzureProvider.read")?.attributes).toMatchObject({
      "pfnet.nodes": 1,
    });
  });
});
