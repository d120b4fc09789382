/**
 * The lifecycle commands end to end: the real AzureProvider against the ARM emulator, through
 * `runCli` — apply an example, then `output`, `import`, `destroy`.
 */
import { join } from "node:path";
import { type Emulator, startEmulator } from "@pfnet/arm-emulator";
import type { Outputs } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "./helpers.js";

/** Milliseconds per Azure minute: provisioning (30 min) takes 150 ms. */
const TIME_SCALE = 5;
const env = { PFNET_TIME_SCALE: String(TIME_SCALE) };

async function withEmulator(test: (em: Emulator, target: string[]) => Promise<void>): Promise<void> {
  const emulator = await startEmulator({ timeScale: TIME_SCALE });
  try {
    const dir = tempDir({ "ca.pem": emulator.caCert });
    await test(emulator, ["--endpoint", emulator.endpoint, "--ca-cert", join(dir, "ca.pem")]);
  } finally {
    await emulator.close();
  }
}

async function applied(spec: string, target: string[], cwd?: string): Promise<void> {
  const result = await run(["apply", spec, "--auto-approve", ...target], { env, ...(cwd ? { cwd } : {}) });
  expect(result.code, result.stdout + result.stderr).toBe(0);
}

describe("pfnet output", () => {
  it("after apply lists the firewall IP, each private endpoint with its connection, and the inbound requirement", async () => {
    await withEmulator(async (em, target) => {
      const spec = "examples/managed-private-private.yaml";
      // Before apply: no firewall, rules missing, no connections.
      const before = await run(["output", spec, "--json", ...target], { env });
      expect(before.code, before.stderr).toBe(0);
      const empty = JSON.parse(before.stdout) as Outputs;
      expect(empty.workspaces[0]!.firewallPublicIpAddress).toBeUndefined();
      expect(empty.workspaces[0]!.privateEndpoints.every((pe) => pe.outboundRule?.exists === false)).toBe(
        true,
      );

      await applied(spec, target);
      const ws = em.state.workspace("pf-ws") as { properties: { managedNetwork: Record<string, unknown> } };
      const ip = ws.properties.managedNetwork.firewallPublicIpAddress;
      expect(typeof ip).toBe("string");

      const requestsBefore = em.requests.length;
      const json = await run(["output", spec, "--json", ...target], { env });
      expect(json.code, json.stderr).toBe(0);
      const outputs = JSON.parse(json.stdout) as Outputs;
      const out = outputs.workspaces[0]!;
      expect(out).toMatchObject({
        key: "pf-ws",
        exists: true,
        network: "managed",
        publicNetworkAccess: "Disabled",
        isolationMode: "AllowOnlyApprovedOutbound",
        networkStatus: "Active",
        firewallPublicIpAddress: ip,
        outsideHosts: ["serpapi.com"],
        inbound: { ingress: "private", privateEndpointRequired: true, groupId: "amlworkspace" },
        onlineEndpoints: [{ name: "pf-chat", exists: true, publicNetworkAccess: "Disabled" }],
      });
      expect(out.privateEndpoints.map((pe) => pe.service)).toEqual(["aoai", "search", "safety"]);
      for (const pe of out.privateEndpoints) {
        expect(pe.via).toBe("managed");
        expect(pe.outboundRule).toEqual({ name: `pe-${pe.service}`, exists: true, status: "Active" });
        expect(pe.connection?.status).toBe("Approved");
        // The connection is the one the emulator holds on the target.
        const onTarget = em.state.connections(pe.targetId).map((c) => String(c.id).toLowerCase());
        expect(onTarget).toContain(pe.connection!.id.toLowerCase());
      }

      const text = await run(["output", spec, ...target], { env });
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`Firewall public IP: ${ip} (allow-list it at serpapi.com)`);
      expect(text.stdout).toContain("aoai -> aoai-pf (account): rule pe-aoai Active, connection Approved");
      expect(text.stdout).toContain("Ingress is private");
      expect(text.stdout).toContain("groupId amlworkspace");
      expect(text.stdout).toContain("pf-chat (public network access Disabled)");
      // Reads only.
      expect(em.requests.entries.slice(requestsBefore).every((r) => r.method === "GET")).toBe(true);
    });
  });

  it("lists the own-VNet private endpoints pfnet created", async () => {
    await withEmulator(async (_em, target) => {
      const spec = "examples/byo-private-public.yaml";
      await applied(spec, target);
      const json = await run(["output", spec, "--json", ...target], { env });
      const out = (JSON.parse(json.stdout) as Outputs).workspaces[0]!;
      expect(out.network).toBe("byo");
      expect(out.firewallPublicIpAddress).toBeUndefined();
      for (const pe of out.privateEndpoints) {
        expect(pe.via).toBe("byo");
        expect(pe.privateEndpoint).toMatchObject({ name: `pe-pf-byo-${pe.service}`, exists: true });
        expect(pe.privateEndpoint?.id).toMatch(/\/privateEndpoints\/pe-pf-byo-/);
        expect(pe.connection?.status).toBe("Approved");
      }
      const text = await run(["output", spec, ...target], { env });
      expect(text.stdout).toContain("private endpoint pe-pf-byo-aoai, connection Approved");
      expect(text.stdout).not.toContain("Firewall");
    });
  });
});
