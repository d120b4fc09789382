/**
 * `pfnet apply` when pfnet cannot tell which private-endpoint connection is the workspace's: it
 * exits 3 at once listing the candidates and how to choose, and `--approve-connection ID`
 * finishes it. `--trace FILE` (and PFNET_TRACE) write the redacted HTTP trace.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Emulator, MICROSOFT_MANAGED_SUBSCRIPTION } from "@pfnet/arm-emulator";
import { afterEach, describe, expect, it } from "vitest";
// Closing it checks the whole request log against the official specs (test/azure-specs).
import { startTestEmulator as startEmulator } from "../../../test/e2e/fixtures.js";
import { EXIT } from "../src/errors.js";
import { ARM, run, tempDir } from "./helpers.js";

const TIME_SCALE = 5;
const AOAI = `${ARM}/Microsoft.CognitiveServices/accounts/aoai-pf`;
const SPEC = `version: 1
subscriptionId: 11111111-2222-3333-4444-555555555555
resourceGroup: rg-promptflow
location: eastus
services:
  aoai:
    kind: azureOpenAI
    id: ${AOAI}
workspaces:
  pf-ws:
    network: managed
    ingress: public
    egress: public
    authoring: [serverless]
    reach:
      services: [aoai]
`;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setUp() {
  emulator = await startEmulator({ timeScale: TIME_SCALE, managedEndpointIds: "opaque" });
  emulator.state.setTargetFlags(AOAI, { autoApprove: false });
  const twin = emulator.state.addConnection(AOAI, {
    privateEndpointId: `/subscriptions/${MICROSOFT_MANAGED_SUBSCRIPTION}/resourceGroups/rg-managedvnet-ffff0000/providers/Microsoft.Network/privateEndpoints/pf-ws-pe-aoai-ffff`,
    groupIds: ["account"],
  });
  const dir = tempDir({ "ca.pem": emulator.caCert, "spec.yaml": SPEC });
  const target = ["--endpoint", emulator.endpoint, "--ca-cert", join(dir, "ca.pem")];
  return { dir, target, twin, em: emulator };
}
const env = { PFNET_TIME_SCALE: String(TIME_SCALE) };

describe("approval when the workspace's connection cannot be told", () => {
  it("exits 3 listing the candidates; --approve-connection ID completes it", async () => {
    const { dir, target, twin, em } = await setUp();
    const spec = join(dir, "spec.yaml");
    const first = await run(["apply", spec, "--auto-approve", ...target], { env });
    expect(first.code, first.stderr).toBe(EXIT.pendingApproval);
    expect(first.stdout).toContain("workspace.pf-ws.approval.aoai");
    expect(first.stdout.match(/candidate: {2}\S+\/privateEndpointConnections\//g)).toHaveLength(2);
    expect(first.stdout).toContain("approvalConnection");
    expect(first.stdout).toContain("--approve-connection");

    const mine = (em.state.connections(AOAI) as { id: string; name: string }[]).find((c) => c.name !== twin)!;
    const second = await run(["apply", spec, "--auto-approve", "--approve-connection", mine.id, ...target], {
      env,
    });
    expect(second.code, second.stdout + second.stderr).toBe(EXIT.ok);
    const states = (
      em.state.connections(AOAI) as {
        name: string;
        properties: { privateLinkServiceConnectionState: { status: string } };
      }[]
    ).map((c) => [c.name, c.properties.privateLinkServiceConnectionState.status]);
    expect(Object.fromEntries(states)).toEqual({ [mine.name]: "Approved", [twin]: "Pending" });
  });

  it("--approve-connection refuses a value that is not a connection id", async () => {
    const result = await run([
      "apply",
      "examples/managed-public-public.yaml",
      "--approve-connection",
      "aoai",
    ]);
    expect(result.code).toBe(EXIT.error);
    expect(result.stderr).toContain(
      "--approve-connection must be the ARM id of a private-endpoint connection",
    );
  });
});

describe("--trace and PFNET_TRACE", () => {
  it("write one redacted JSON line per exchange; the flag wins over the variable", async () => {
    const { dir, target } = await setUp();
    const spec = join(dir, "spec.yaml");
    const viaEnv = await run(["plan", spec, ...target], {
      env: { ...env, PFNET_TRACE: join(dir, "env.jsonl") },
    });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    const lines = readFileSync(join(dir, "env.jsonl"), "utf8").trim().split("\n");
    expect(lines.length).toBeGreaterThan(0);
    const records = lines.map((line) => JSON.parse(line) as { method: string; url: string; status: number });
    expect(
      records.every((r) => r.method === "GET" && r.status > 0 && r.url.startsWith(emulator!.endpoint)),
    ).toBe(true);
    const text = lines.join("\n");
    expect(text).not.toContain("pfnet-emulator-token"); // the bearer token the CLI sends the emulator

    await run(["plan", spec, "--trace", "flag.jsonl", ...target], {
      env: { ...env, PFNET_TRACE: join(dir, "ignored.jsonl") },
      cwd: dir,
    });
    expect(readFileSync(join(dir, "flag.jsonl"), "utf8").length).toBeGreaterThan(0);
    expect(() => readFileSync(join(dir, "ignored.jsonl"))).toThrow();
  });
});
