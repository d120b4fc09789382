/** ARM protocol details, faults (every kind, replayable), the request log, admin routes and the CLI. */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import { NetworkManagementClient } from "@azure/arm-network";
import { type Emulator, fakeCredential, loadFaultsFile, startEmulator } from "@pfnet/arm-emulator";
import { afterEach, describe, expect, test } from "vitest";
import { RG, raw, rest, restLro, targetId, wsPath } from "./helpers.js";

let emu: Emulator;
afterEach(async () => emu?.close());
type ArmErr = { error: { code: string; message: string } };

describe("ARM protocol", () => {
  test("401 without a bearer token, in ARM's error shape", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    const res = await raw(emu, "GET", `${wsPath(emu)}?api-version=2025-12-01`, { auth: false });
    expect(res.status).toBe(401);
    expect((res.body as ArmErr).error.code).toBe("AuthenticationFailed");
    expect(res.headers["www-authenticate"]).toMatch(/^Bearer /);
  });

  test("api-version missing / unsupported → 400; unknown route → 404 { error: { code, message } }", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    const missing = await raw(emu, "GET", wsPath(emu));
    expect(missing.status).toBe(400);
    expect((missing.body as ArmErr).error.code).toBe("MissingApiVersionParameter");
    const bad = await raw(emu, "GET", `${wsPath(emu)}?api-version=2019-01-01`);
    expect(bad.status).toBe(400);
    expect((bad.body as ArmErr).error.code).toBe("InvalidApiVersionParameter");
    // Outbound rules did not exist before 2023-10-01.
    const old = await raw(emu, "GET", `${wsPath(emu)}/outboundRules?api-version=2022-10-01`);
    expect((old.body as ArmErr).error.code).toBe("InvalidApiVersionParameter");
    const unknown = await raw(emu, "GET", `${wsPath(emu)}/nonsense?api-version=2025-12-01`);
    expect(unknown.status).toBe(404);
    expect(Object.keys((unknown.body as ArmErr).error).sort()).toEqual(["code", "message"]);
    const missingWs = await raw(emu, "GET", `${wsPath(emu, "nope")}?api-version=2025-12-01`);
    expect(missingWs.status).toBe(404);
    expect((missingWs.body as ArmErr).error.code).toBe("ResourceNotFound");
    const missingRg = await raw(
      emu,
      "GET",
      `/subscriptions/${emu.subscriptionId}/resourceGroups/rg-none/providers/Microsoft.MachineLearningServices/workspaces/pf-ws?api-version=2025-12-01`,
    );
    expect((missingRg.body as ArmErr).error.code).toBe("ResourceGroupNotFound");
  });

  test("ids are case-insensitive; answers keep the stored casing; 2022-10-01 has no managedNetwork", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    const res = await raw(
      emu,
      "GET",
      `${wsPath(emu).toLowerCase().replace("pf-ws", "PF-WS")}?api-version=2025-12-01`,
    );
    expect(res.status).toBe(200);
    expect((res.body as { name: string; id: string }).name).toBe("pf-ws");
    expect((res.body as { id: string }).id).toBe(wsPath(emu));
    const old = await raw(emu, "GET", `${wsPath(emu)}?api-version=2022-10-01`);
    expect((old.body as { properties: Record<string, unknown> }).properties.managedNetwork).toBeUndefined();
  });

  test("LRO poll URLs carry api-version; Location polls answer 202 then the resource", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 1000 });
    const res = await rest(emu, "PATCH", wsPath(emu), { properties: { description: "x" } });
    expect(res.status).toBe(202);
    const location = res.headers.location!;
    expect(new URL(location).searchParams.get("api-version")).toBe("2025-12-01");
    expect((await raw(emu, "GET", location)).status).toBe(202);
    emu.state.advance(1);
    const done = await raw(emu, "GET", location);
    expect(done.status).toBe(200);
    expect((done.body as { properties: { description: string } }).properties.description).toBe("x");
  });
});

describe("poll speed", () => {
  test("long operations send Retry-After (whole scaled seconds), which core-lro honours over its own interval", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 40 }); // provisioning 30 min → 1.2 s → Retry-After: 2
    await restLro(emu, "PATCH", wsPath(emu), {
      properties: { managedNetwork: { isolationMode: "AllowInternetOutbound" } },
    });
    const started = emu.requests.length;
    const result = await restLro(emu, "POST", `${wsPath(emu)}/provisionManagedNetwork`, {});
    expect(result).toEqual({ status: "Active", sparkReady: false });
    const polls = emu.requests.entries.slice(started).filter((r) => r.path.includes("/operationResults/"));
    // With a 5 ms client interval the poller would have polled hundreds of times; Retry-After keeps it to a few.
    expect(polls.length).toBeLessThanOrEqual(3);
    expect(polls.at(-1)?.status).toBe(200);
  });
});

describe("faults", () => {
  test("429 without Retry-After is not retried by the pipeline; with Retry-After it is", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    const client = new AzureMachineLearningWorkspaces(fakeCredential, emu.subscriptionId, {
      endpoint: emu.endpoint,
      tlsOptions: { ca: emu.caCert },
    });
    emu.faults.add({ kind: "throttle", method: "GET", path: "/workspaces/pf-ws$", times: 1 });
    await expect(client.workspaces.get(RG, "pf-ws")).rejects.toMatchObject({ statusCode: 429 });
    emu.faults.add({
      kind: "throttle",
      method: "GET",
      path: "/workspaces/pf-ws$",
      times: 1,
      retryAfterSeconds: 1,
    });
    const ws = await client.workspaces.get(RG, "pf-ws");
    expect(ws.name).toBe("pf-ws");
    const statuses = emu.requests.find("GET", /workspaces\/pf-ws$/).map((r) => r.status);
    expect(statuses).toEqual([429, 429, 200]);
    expect(emu.faults.hits.map((h) => h.kind)).toEqual(["throttle", "throttle"]);
  });

  test("500, 503 and dropped connections are retried by the pipeline; slow answers still answer", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    emu.faults.add({ kind: "serverError", path: "/workspaces/pf-ws$", times: 1 });
    emu.faults.add({ kind: "unavailable", path: "/workspaces/pf-ws$", times: 1, retryAfterSeconds: 0 });
    emu.faults.add({ kind: "drop", path: "/workspaces/pf-ws$", times: 1 });
    emu.faults.add({ kind: "slow", path: "/workspaces/pf-ws$", times: 1, delayMs: 50 });
    const res = await rest(emu, "GET", wsPath(emu));
    expect(res.status).toBe(200);
    const log = emu.requests.find("GET", /workspaces\/pf-ws$/);
    expect(log.map((r) => [r.status, r.fault ?? null])).toEqual([
      [500, "serverError"],
      [503, "unavailable"],
      [0, "drop"],
      [200, "slow"],
    ]);
    // The slow answer was held back (a lower bound on a deliberate wait, not a timing assertion).
    expect(log.at(-1)!.durationMs).toBeGreaterThanOrEqual(45);
    expect((log[0]!.responseBody as ArmErr).error.code).toBe("InternalServerError");
    expect((log[1]!.responseBody as ArmErr).error.code).toBe("ServiceUnavailable");
  });

  test("503 carries Retry-After only when the rule sets it", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    emu.faults.add({ kind: "unavailable", path: "/workspaces/pf-ws$", times: 1 });
    const bare = await raw(emu, "GET", `${wsPath(emu)}?api-version=2025-12-01`);
    expect(bare.status).toBe(503);
    expect(bare.headers["retry-after"]).toBeUndefined();
    emu.faults.add({ kind: "unavailable", path: "/workspaces/pf-ws$", times: 1, retryAfterSeconds: 7 });
    const withHeader = await raw(emu, "GET", `${wsPath(emu)}?api-version=2025-12-01`);
    expect(withHeader.status).toBe(503);
    expect(withHeader.headers["retry-after"]).toBe("7");
  });

  test("an LRO that ends Failed (Location style and Azure-AsyncOperation style)", async () => {
    emu = await startEmulator({ lroForms: "accepted", timeScale: 2 });
    emu.faults.add({ kind: "lroFailed", method: "PATCH", path: "/workspaces/pf-ws$", times: 1 });
    await expect(restLro(emu, "PATCH", wsPath(emu), { properties: { description: "x" } })).rejects.toThrow();
    expect(
      (emu.state.workspace("pf-ws") as { properties: { provisioningState: string } }).properties
        .provisioningState,
    ).toBe("Failed");
    emu.faults.add({ kind: "lroFailed", method: "PUT", path: "/privateEndpoints/", times: 1 });
    const net = new NetworkManagementClient(fakeCredential, emu.subscriptionId, {
      endpoint: emu.endpoint,
      tlsOptions: { ca: emu.caCert },
    });
    await expect(
      net.privateEndpoints.beginCreateOrUpdateAndWait(
        RG,
        "pe-fail",
        {
          location: "eastus",
          subnet: { id: targetId(emu, "Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe") },
          privateLinkServiceConnections: [
            {
              name: "c",
              privateLinkServiceId: targetId(emu, "Microsoft.Search/searchServices/srch-pf"),
              groupIds: ["searchService"],
            },
          ],
        },
        { updateIntervalInMs: 5 },
      ),
    ).rejects.toThrow();
    expect(emu.state.connections("srch-pf")).toHaveLength(0);

    // An outbound-rule write whose LRO fails leaves the rule Failed with its error information.
    await restLro(emu, "PATCH", wsPath(emu), {
      properties: { managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" } },
    });
    emu.faults.add({ kind: "lroFailed", method: "PUT", path: "/outboundRules/pypi$", times: 1 });
    await expect(
      restLro(emu, "PUT", `${wsPath(emu)}/outboundRules/pypi`, {
        properties: { type: "FQDN", category: "UserDefined", destination: "pypi.org" },
      }),
    ).rejects.toThrow();
    const rule = emu.state.rules("pf-ws").pypi as { status: string; errorInformation?: string };
    expect(rule.status).toBe("Failed");
    expect(rule.errorInformation).toContain("lroFailed");
  });

  test("chances replay with the same randomSeed; faults load from a file and the admin route", async () => {
    const pattern = async (seed: number) => {
      const e = await startEmulator({
        lroForms: "accepted",
        randomSeed: seed,
        faults: [{ kind: "serverError", method: "GET", path: "/workspaces/pf-ws$", chance: 0.5 }],
      });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i++)
        statuses.push((await raw(e, "GET", `${wsPath(e)}?api-version=2025-12-01`)).status);
      await e.close();
      return statuses;
    };
    const a = await pattern(42);
    expect(await pattern(42)).toEqual(a);
    expect(a).toContain(500);
    expect(a).toContain(200);

    const dir = mkdtempSync(join(tmpdir(), "emu-faults-"));
    const file = join(dir, "faults.json");
    writeFileSync(file, JSON.stringify([{ kind: "throttle", path: "outboundRules", retryAfterSeconds: 3 }]));
    expect(loadFaultsFile(file)[0]?.kind).toBe("throttle");
    writeFileSync(file, "{ not json");
    expect(() => loadFaultsFile(file)).toThrow(/faults\.json/);

    emu = await startEmulator({ lroForms: "accepted" });
    const added = await raw(emu, "POST", "/_emulator/faults", {
      body: { kind: "serverError", path: "/workspaces/pf-byo$", times: 1 },
      auth: false,
    });
    expect(added.status).toBe(201);
    expect((await raw(emu, "GET", `${wsPath(emu, "pf-byo")}?api-version=2025-12-01`)).status).toBe(500);
    expect((await raw(emu, "GET", `${wsPath(emu, "pf-byo")}?api-version=2025-12-01`)).status).toBe(200);
    expect((await raw(emu, "DELETE", "/_emulator/faults", { auth: false })).status).toBe(204);
    expect(emu.faults.list()).toHaveLength(0);
  });
});

describe("request log", () => {
  test("records method, path, api-version, status, bodies and timing; JSONL from the API and the admin route", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    await rest(emu, "PATCH", wsPath(emu), { properties: { description: "logged" } });
    const entry = emu.requests.entries.at(-1)!;
    expect(entry).toMatchObject({
      method: "PATCH",
      path: wsPath(emu),
      apiVersion: "2025-12-01",
      status: 202,
    });
    expect(entry.requestBody).toEqual({ properties: { description: "logged" } });
    expect(entry.query).toContain("api-version=2025-12-01");
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    await rest(emu, "GET", `${wsPath(emu)}/outboundRules/missing`);
    const refused = emu.requests.entries.at(-1)!;
    expect(refused).toMatchObject({ method: "GET", status: 404, requestBody: null });
    expect((refused.responseBody as ArmErr).error.code).toBe("ResourceNotFound");
    await rest(emu, "GET", wsPath(emu));
    const got = emu.requests.entries.at(-1)!;
    expect((got.responseBody as { properties: { description: string } }).properties.description).toBe(
      "logged",
    );

    const lines = emu.requests.toJSONL().trim().split("\n");
    expect(lines).toHaveLength(emu.requests.length);
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const field of [
      "method",
      "path",
      "apiVersion",
      "status",
      "requestBody",
      "responseBody",
      "durationMs",
    ])
      expect(parsed[0], field).toHaveProperty(field);
    expect(parsed.map((p) => p.method)).toEqual(emu.requests.entries.map((e) => e.method));
    const admin = await raw(emu, "GET", "/_emulator/requests?format=jsonl", { auth: false });
    expect(admin.headers["content-type"]).toContain("ndjson");
    expect(typeof admin.body === "string" ? admin.body.trim().split("\n") : []).toEqual(lines);
    const state = await raw(emu, "GET", "/_emulator/state", { auth: false });
    expect((state.body as { workspaces: unknown[] }).workspaces).toHaveLength(4);
    await raw(emu, "POST", "/_emulator/advance", { body: { minutes: 1 }, auth: false });
    expect(
      (emu.state.workspace("pf-ws") as { properties: { provisioningState: string } }).properties
        .provisioningState,
    ).toBe("Succeeded");
  });
});

describe("seed", () => {
  test("a seed object replaces the default environment; bad seeds name the field", async () => {
    emu = await startEmulator({
      lroForms: "accepted",
      seed: {
        subscriptionId: "99999999-2222-3333-4444-555555555555",
        resourceGroup: "rg-x",
        location: "westeurope",
        workspaces: [
          {
            name: "ws-x",
            storageAccount: "stx",
            keyVault: "kvx",
            isolationMode: "AllowOnlyApprovedOutbound",
            networkProvisioned: true,
          },
        ],
        targets: [
          { type: "storage", name: "stx" },
          { type: "keyVault", name: "kvx" },
        ],
      },
    });
    expect(emu.subscriptionId).toBe("99999999-2222-3333-4444-555555555555");
    expect(emu.state.networkStatus("ws-x")).toBe("Active");
    expect(emu.state.workspaceNames()).toEqual(["ws-x"]);
    await expect(
      startEmulator({ lroForms: "accepted", seed: { subscriptionId: "x" } as never }),
    ).rejects.toThrow(/resourceGroup/);
  });

  test("the default environment has the documented names", async () => {
    emu = await startEmulator({ lroForms: "accepted" });
    expect(emu.subscriptionId).toBe("11111111-2222-3333-4444-555555555555");
    expect(emu.state.workspaceNames().sort()).toEqual(["pf-byo", "pf-hub", "pf-project", "pf-ws"]);
    for (const name of [
      "stpfws",
      "kv-pf-ws",
      "crpfws",
      "appi-pf-ws",
      "stpfbyo",
      "kv-pf-byo",
      "crpfbyo",
      "stpfdeploy",
      "kv-pf-deploy",
      "stpfhub",
      "kv-pf-hub",
      "aoai-pf",
      "cs-pf",
      "srch-pf",
      "srch-locked",
      "vnet-pf",
      "snet-pe",
      "snet-compute",
      "nsg-pf",
      "privatelink.openai.azure.com",
      "privatelink.cognitiveservices.azure.com",
      "privatelink.search.windows.net",
      "privatelink.blob.core.windows.net",
      "privatelink.file.core.windows.net",
    ]) {
      expect(emu.state.resource(name), name).toBeDefined();
    }
    expect(emu.state.workspace("pf-deploy")).toBeUndefined();
    const ws = emu.state.workspace("pf-ws") as {
      identity: { type: string };
      properties: { publicNetworkAccess: string; managedNetwork: { isolationMode: string } };
    };
    expect(ws.identity.type).toBe("SystemAssigned");
    expect(ws.properties.publicNetworkAccess).toBe("Enabled");
    const byo = await rest(emu, "GET", `${wsPath(emu, "pf-byo")}/computes/aks-pf`);
    expect((byo.body as { properties: { computeType: string } }).properties.computeType).toBe("AKS");
  });
});

describe("CLI", () => {
  test.each(["SIGINT", "SIGTERM"] as const)(
    "--seed FILE --faults FILE --time-scale F --port 0: one JSON line, HTTPS with the written CA, exit 0 on %s",
    async (signal) => {
      const root = resolve(import.meta.dirname, "../../..");
      const dir = mkdtempSync(join(tmpdir(), "emu-cli-"));
      const seedFile = join(dir, "seed.json");
      const faultsFile = join(dir, "faults.json");
      writeFileSync(
        seedFile,
        JSON.stringify({
          subscriptionId: "99999999-2222-3333-4444-555555555555",
          resourceGroup: "rg-promptflow",
          location: "westeurope",
          workspaces: [{ name: "ws-cli", storageAccount: "stcli", keyVault: "kvcli" }],
          targets: [
            { type: "storage", name: "stcli" },
            { type: "keyVault", name: "kvcli" },
          ],
        }),
      );
      writeFileSync(
        faultsFile,
        JSON.stringify([{ kind: "serverError", path: "/workspaces/ws-cli$", times: 1 }]),
      );
      // What `pnpm emulator` runs (root package.json), without pnpm's own start-up cost.
      const args = [
        "--import",
        "tsx",
        "test/arm-emulator/src/cli.ts",
        "--port",
        "0",
        "--time-scale",
        "60000",
      ];
      const child = spawn(
        process.execPath,
        [...args, "--seed", seedFile, "--faults", faultsFile, "--lro-forms", "accepted"],
        {
          cwd: root,
          stdio: ["ignore", "pipe", "pipe"],
        },
      );
      const firstLine = await new Promise<string>((resolveLine, reject) => {
        let buf = "";
        child.stdout.on("data", (d: Buffer) => {
          buf += d.toString();
          const i = buf.indexOf("\n");
          if (i >= 0) resolveLine(buf.slice(0, i));
        });
        child.once("exit", (code) => reject(new Error(`cli exited ${code}`)));
      });
      const info = JSON.parse(firstLine) as { endpoint: string; caCertPath: string; subscriptionId: string };
      expect(Object.keys(info).sort()).toEqual(["caCertPath", "endpoint", "subscriptionId"]);
      expect(info.endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(info.subscriptionId).toBe("99999999-2222-3333-4444-555555555555");
      const fake = {
        endpoint: info.endpoint,
        caCert: readFileSync(info.caCertPath, "utf8"),
        subscriptionId: info.subscriptionId,
      } as Emulator;
      const url = `${wsPath(fake, "ws-cli")}?api-version=2025-12-01`;
      expect((await raw(fake, "GET", url)).status).toBe(500); // the fault from the file
      expect((await raw(fake, "GET", url)).status).toBe(200); // the workspace from the seed
      expect((await raw(fake, "GET", `${wsPath(fake, "pf-ws")}?api-version=2025-12-01`)).status).toBe(404);
      // --time-scale 60000 ms per Azure minute = real time: a 0.3-minute workspace update asks for ~18 s.
      const patch = await raw(fake, "PATCH", url, { body: { properties: { description: "cli" } } });
      expect(patch.status).toBe(202);
      expect(Number(patch.headers["retry-after"])).toBeGreaterThanOrEqual(10);
      const exit = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
      child.kill(signal);
      expect(await exit).toBe(0);
      // Its temporary CA folder goes with it.
      expect(existsSync(dirname(info.caCertPath))).toBe(false);
    },
  );

  test("a bad option or seed file exits 2 with a message naming it", async () => {
    const root = resolve(import.meta.dirname, "../../..");
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((done) => {
        const child = spawn(process.execPath, ["--import", "tsx", "test/arm-emulator/src/cli.ts", ...args], {
          cwd: root,
          stdio: ["ignore", "ignore", "pipe"],
        });
        let stderr = "";
        child.stderr.on("data", (d: Buffer) => {
          stderr += d.toString();
        });
        child.once("exit", (code) => done({ code, stderr }));
      });
    const dir = mkdtempSync(join(tmpdir(), "emu-cli-bad-"));
    const seedFile = join(dir, "bad-seed.json");
    writeFileSync(seedFile, JSON.stringify({ subscriptionId: "x" }));
    const [badSeed, badOption] = await Promise.all([run(["--seed", seedFile]), run(["--colour", "red"])]);
    expect(badSeed.code).toBe(2);
    expect(badSeed.stderr).toContain("bad-seed.json");
    expect(badSeed.stderr).not.toMatch(/\n\s+at /); // no stack trace for a user mistake
    expect(badOption.code).toBe(2);
    expect(badOption.stderr).toContain("--colour");
  });
});
