/**
 * The lifecycle commands end to end: the real AzureProvider against the ARM emulator, through
 * `runCli` — apply an example, then `output`, `import`, `destroy`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "@pfnet/arm-emulator";
import type { Outputs } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { REPO_ROOT, run, tempDir } from "./helpers.js";
import { ofType, streamOf } from "./stream.js";
import { env, withEmulator } from "./with-emulator.js";

async function applied(spec: string, target: string[], cwd?: string): Promise<void> {
  // Some examples turn the emulator's seeded private workspaces public: consent is part of the setup.
  const result = await run(["apply", spec, "--auto-approve", "--allow-weaken", ...target], {
    env,
    ...(cwd ? { cwd } : {}),
  });
  expect(result.code, result.stdout + result.stderr).toBe(0);
}

describe("pfnet output", () => {
  it("after apply lists the firewall IP, each private endpoint with its connection, and the inbound requirement", async () => {
    await withEmulator(async (em, target) => {
      const spec = "examples/managed-private-private.yaml";
      // Before apply: no firewall, rules missing, no connections.
      const before = await run(["output", spec, "--json", ...target], { env });
      expect(before.code, before.stderr).toBe(0);
      const empty = ofType(streamOf(before), "outputs")[0]!.outputs as Outputs;
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
      const outputs = ofType(streamOf(json), "outputs")[0]!.outputs as Outputs;
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
      const out = (ofType(streamOf(json), "outputs")[0]!.outputs as Outputs).workspaces[0]!;
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

const EXAMPLES = readdirSync(join(REPO_ROOT, "examples")).filter((file) => file.endsWith(".yaml"));

/** Workspace ARM ids of a spec file (its workspaces' names in its resource group). */
function workspaceIds(specText: string): string[] {
  const subscription = /^subscriptionId: (\S+)/m.exec(specText)![1]!;
  const group = /^resourceGroup: (\S+)/m.exec(specText)![1]!;
  const names = [...specText.matchAll(/^ {2}([a-z0-9-]+):\s*$/gm)]
    .map((m) => m[1]!)
    .filter((name) => name.startsWith("pf-"));
  return names.map(
    (name) =>
      `/subscriptions/${subscription}/resourceGroups/${group}/providers/Microsoft.MachineLearningServices/workspaces/${name}`,
  );
}

async function expectImportRoundTrip(ids: string[], target: string[]): Promise<string> {
  const dir = tempDir();
  const imported = await run(["import", ...ids, "--out", "imported.yaml", ...target], { cwd: dir, env });
  expect(imported.code, imported.stdout + imported.stderr).toBe(0);
  expect(imported.stdout).toContain("Wrote imported.yaml");
  const validated = await run(["validate", "imported.yaml"], { cwd: dir });
  expect(validated.code, validated.stdout).toBe(0);
  const planned = await run(["plan", "imported.yaml", "--detailed-exitcode", ...target], { cwd: dir, env });
  expect(planned.code, planned.stdout + planned.stderr).toBe(0);
  expect(planned.stdout).toContain("No changes.");
  return readFileSync(join(dir, "imported.yaml"), "utf8");
}

describe("pfnet import", () => {
  it.each(EXAMPLES)(
    "round-trips the applied state of %s: the written spec validates and plans empty",
    async (example) => {
      await withEmulator(async (em, target) => {
        const spec = `examples/${example}`;
        await applied(spec, target);
        const writesBefore = em.requests.entries.filter((r) => r.method !== "GET").length;
        const written = await expectImportRoundTrip(
          workspaceIds(readFileSync(join(REPO_ROOT, spec), "utf8")),
          target,
        );
        expect(written).toContain("# Written by `pfnet import`");
        // Import and the plans after it read only.
        expect(em.requests.entries.filter((r) => r.method !== "GET").length).toBe(writesBefore);
      });
    },
  );

  it("describes a workspace configured behind pfnet's back, and marks what it cannot say", async () => {
    await withEmulator(async (em, target) => {
      const aoai = `/subscriptions/${em.subscriptionId}/resourceGroups/rg-promptflow/providers/Microsoft.CognitiveServices/accounts/aoai-pf`;
      em.state.patchWorkspace("pf-ws", {
        publicNetworkAccess: "Disabled",
        isolationMode: "AllowOnlyApprovedOutbound",
        networkStatus: "Active",
      });
      em.state.setRule("pf-ws", "pe-aoai", {
        type: "PrivateEndpoint",
        category: "UserDefined",
        destination: { serviceResourceId: aoai, subresourceTarget: "account", sparkEnabled: false },
      });
      em.state.setRule("pf-ws", "fqdn-pypi-org", {
        type: "FQDN",
        category: "UserDefined",
        destination: "pypi.org",
      });
      em.state.setRule("pf-ws", "monitor", {
        type: "ServiceTag",
        category: "UserDefined",
        destination: { serviceTag: "AzureMonitor", protocol: "TCP", portRanges: "443", action: "Allow" },
      });
      em.state.setRule("pf-ws", "hand-made", {
        type: "FQDN",
        category: "UserDefined",
        destination: "example.org",
      });
      em.state.provisionNow("pf-ws");
      em.state.addOnlineEndpoint("pf-ws", "pf-score", "Disabled");

      const group = `/subscriptions/${em.subscriptionId}/resourceGroups/rg-promptflow`;
      const written = await expectImportRoundTrip([group], target);
      expect(written).toMatch(/services:\n\s+aoai:\n\s+kind: aiServices/);
      expect(written).toMatch(/pf-ws:[\s\S]*network: managed[\s\S]*ingress: private[\s\S]*egress: private/);
      expect(written).toContain("- pypi.org");
      expect(written).toContain("serviceTag: AzureMonitor");
      expect(written).toContain("name: monitor");
      expect(written).toContain("pf-score:");
      expect(written).toContain("storageRole: false");
      expect(written).toMatch(/# pfnet import: Outbound rule hand-made is left out/);

      const json = await run(["import", group, "--json", ...target], { env });
      const result = ofType(streamOf(json), "import")[0]! as unknown as {
        topology: { workspaces: Record<string, unknown> };
        notes: unknown[];
      };
      expect(Object.keys(result.topology.workspaces).sort()).toEqual(["pf-byo", "pf-ws"]);
    });
  });

  it("refuses a bad id, and an --out file that exists", async () => {
    await withEmulator(async (_em, target) => {
      const bad = await run(["import", "pf-ws", ...target], { env });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain("is neither a workspace nor a resource group ARM id");
      const dir = tempDir({ "taken.yaml": "keep me" });
      const taken = await run(
        [
          "import",
          "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-promptflow",
          "--out",
          "taken.yaml",
          ...target,
        ],
        { cwd: dir, env },
      );
      expect(taken.code).toBe(1);
      expect(taken.stderr).toContain("the file exists");
      expect(readFileSync(join(dir, "taken.yaml"), "utf8")).toBe("keep me");
    });
  });
});

type Json = Record<string, unknown>;

/** What pfnet creates for a spec, as the emulator holds it. */
function pfnetCreated(em: Emulator, workspace: string) {
  const ws = em.state.workspace(workspace) as { identity: Json; properties: Json & { managedNetwork: Json } };
  const principal = String(ws.identity.principalId ?? "").toLowerCase();
  const userRules = Object.entries(em.state.rules(workspace)).filter(([, r]) => r.category === "UserDefined");
  const grants = em.state
    .roleAssignments()
    .filter((a) => String((a.properties as Json).principalId).toLowerCase() === principal);
  const snapshot = em.state.snapshot() as { resources: Array<{ type?: string; name?: string }> };
  const pes = snapshot.resources.filter(
    (r) => r.type === "Microsoft.Network/privateEndpoints" && r.name?.startsWith(`pe-${workspace}-`),
  );
  const nsg = em.state.resource("nsg-pf") as { properties?: { securityRules?: Array<{ name?: string }> } };
  const nsgRules = (nsg?.properties?.securityRules ?? []).filter((r) => r.name?.startsWith("pfnet-"));
  return { ws, userRules, grants, pes, nsgRules };
}

/** The requests that changed something (anything but a read). */
const writes = (em: Emulator) => em.requests.entries.filter((r) => r.method !== "GET").length;

describe("pfnet destroy", () => {
  it("removes what pfnet created for an applied example; the workspace and its isolation mode remain", async () => {
    await withEmulator(async (em, target) => {
      const spec = "examples/managed-private-private.yaml";
      await applied(spec, target);
      const before = pfnetCreated(em, "pf-ws");
      expect(before.userRules.length).toBeGreaterThan(0);
      expect(before.grants).toHaveLength(1);

      // Approved-only outbound: removing the private-endpoint rules opens no public path, no consent.
      const destroyed = await run(["destroy", spec, "--auto-approve", ...target], { env });
      expect(destroyed.code, destroyed.stdout + destroyed.stderr).toBe(0);
      expect(destroyed.stdout).toContain("Destroy plan: removes what pfnet created for the spec.");
      expect(destroyed.stdout).toContain("- outbound rule pe-aoai on pf-ws");
      expect(destroyed.stdout).not.toContain("weakens isolation");
      expect(destroyed.stdout).toContain("pfnet destroy leaves these as they are:");
      expect(destroyed.stdout).toContain("pfnet never deletes a workspace");

      const after = pfnetCreated(em, "pf-ws");
      expect(after.userRules).toEqual([]);
      expect(after.grants).toEqual([]);
      expect(after.ws.properties.publicNetworkAccess).toBe("Disabled");
      expect(after.ws.properties.managedNetwork.isolationMode).toBe("AllowOnlyApprovedOutbound");
      expect(em.state.workspaceNames()).toContain("pf-ws");
      expect(Object.keys(em.state.rules("pf-ws")).length).toBeGreaterThan(0); // Azure's own rules stay

      // Nothing left to remove.
      const again = await run(["plan", spec, "--destroy", "--detailed-exitcode", ...target], { env });
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toContain("No changes. Nothing pfnet creates for this spec exists.");
    });
  });

  it("internet outbound: removing the private-endpoint rules needs consent; refused without it, nothing written", async () => {
    await withEmulator(async (em, target) => {
      const spec = "examples/managed-private-public.yaml";
      await applied(spec, target);
      expect(pfnetCreated(em, "pf-ws").ws.properties.managedNetwork.isolationMode).toBe(
        "AllowInternetOutbound",
      );
      const planned = await run(["plan", spec, "--destroy", ...target], { env });
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toMatch(/! weakens isolation: \d+ steps? \(apply needs --allow-weaken\)/);
      expect(planned.stdout).toContain(
        "weakens: private-endpoint rule removed while internet outbound is allowed: traffic to the service takes its public endpoint",
      );

      const before = writes(em);
      const refused = await run(["destroy", spec, "--auto-approve", ...target], { env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("[WEAKENING_NOT_ALLOWED]");
      expect(writes(em)).toBe(before);
      expect(pfnetCreated(em, "pf-ws").userRules.length).toBeGreaterThan(0);

      // --json: the refusal is the stream's error line, before any apply event.
      const json = await run(["destroy", spec, "--auto-approve", "--json", ...target], { env });
      const lines = streamOf(json);
      expect(lines[0]).toMatchObject({ type: "version", command: "destroy" });
      expect(ofType(lines, "plan")[0]!.plan.origin.mode).toBe("destroy");
      expect(lines.at(-2)!.error.code).toBe("WEAKENING_NOT_ALLOWED");
      expect(ofType(lines, "apply.started")).toEqual([]);

      const consented = await run(
        ["destroy", spec, "--auto-approve", "--allow-weaken", "--json", ...target],
        {
          env,
        },
      );
      expect(consented.code, consented.stderr).toBe(0);
      const done = streamOf(consented);
      expect(done.at(-1)).toMatchObject({ command: "destroy", status: "ok", outcomes: { failed: 0 } });
      expect(ofType(done, "step.finished").length).toBeGreaterThan(0);
      const after = pfnetCreated(em, "pf-ws");
      expect(after.userRules).toEqual([]);
      expect(after.grants).toEqual([]);
      expect(after.ws.properties.managedNetwork.isolationMode).toBe("AllowInternetOutbound");
    });
  });

  it("own VNet: a saved destroy plan re-derives, shows as planned, needs consent, and removes private endpoints, DNS zone groups and NSG rules", async () => {
    await withEmulator(async (em, target) => {
      const spec = join(REPO_ROOT, "examples/byo-private-public.yaml");
      await applied(spec, target);
      expect(pfnetCreated(em, "pf-byo").pes).toHaveLength(3);
      const dir = tempDir();
      const planned = await run(["plan", spec, "--destroy", "--out", "destroy.json", ...target], {
        cwd: dir,
        env,
      });
      expect(planned.code, planned.stderr).toBe(0);
      const saved = JSON.parse(readFileSync(join(dir, "destroy.json"), "utf8")) as { origin: Json };
      expect(saved.origin.mode).toBe("destroy");
      const shown = await run(["show", "destroy.json"], { cwd: dir });
      expect(shown.code, shown.stderr).toBe(0);
      expect(planned.stdout.startsWith(shown.stdout.trimEnd())).toBe(true);
      expect(shown.stdout).toContain("Destroy plan");
      expect(shown.stdout).toContain("weakens: private endpoint removed");

      const before = writes(em);
      const refused = await run(["apply", "destroy.json", "--auto-approve", "--spec", spec, ...target], {
        cwd: dir,
        env,
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("[WEAKENING_NOT_ALLOWED]");
      expect(writes(em)).toBe(before);

      const appliedPlan = await run(
        ["apply", "destroy.json", "--auto-approve", "--allow-weaken", "--spec", spec, ...target],
        { cwd: dir, env },
      );
      expect(appliedPlan.code, appliedPlan.stdout + appliedPlan.stderr).toBe(0);
      const after = pfnetCreated(em, "pf-byo");
      expect(after.pes).toEqual([]);
      expect(after.nsgRules).toEqual([]);
      expect(after.grants).toEqual([]);
      expect(em.state.workspaceNames()).toContain("pf-byo");
    });
  });

  it("a spec never applied plans nothing and writes nothing", async () => {
    await withEmulator(async (em, target) => {
      const destroyed = await run(
        ["destroy", "examples/managed-private-private.yaml", "--auto-approve", ...target],
        {
          env,
        },
      );
      expect(destroyed.code, destroyed.stderr).toBe(0);
      expect(destroyed.stdout).toContain("No changes. Nothing pfnet creates for this spec exists.");
      expect(writes(em)).toBe(0);
    });
  });
});

describe("--target", () => {
  it("plans only the target and what it depends on, warns, records the targets, and the saved plan applies", async () => {
    await withEmulator(async (em, target) => {
      const spec = join(REPO_ROOT, "examples/managed-private-private.yaml");
      const dir = tempDir();
      const planned = await run(
        ["plan", spec, "--target", "workspace.pf-ws.rule.pe-aoai", "--out", "t.json", ...target],
        { cwd: dir, env },
      );
      expect(planned.code, planned.stderr).toBe(0);
      expect(planned.stdout).toContain("Warning: this plan is partial");
      expect(planned.stdout).toContain("workspace.pf-ws.rule.pe-aoai");
      expect(planned.stdout).not.toContain("workspace.pf-ws.rule.pe-search");
      const saved = JSON.parse(readFileSync(join(dir, "t.json"), "utf8")) as {
        origin: { mode: string; targets: string[] };
        steps: Json[];
      };
      expect(saved.origin).toMatchObject({ mode: "apply", targets: ["workspace.pf-ws.rule.pe-aoai"] });
      expect(saved.steps.map((s) => s.address)).toEqual(["workspace.pf-ws", "workspace.pf-ws.rule.pe-aoai"]);

      const appliedPlan = await run(["apply", "t.json", "--auto-approve", "--spec", spec, ...target], {
        cwd: dir,
        env,
      });
      expect(appliedPlan.code, appliedPlan.stdout + appliedPlan.stderr).toBe(0);
      const rules = Object.keys(em.state.rules("pf-ws"));
      expect(rules).toContain("pe-aoai");
      expect(rules).not.toContain("pe-search");

      // A saved targeted plan keeps its targets: --target with it is a usage error.
      const again = await run(["apply", "t.json", "--target", "workspace.pf-ws", ...target], {
        cwd: dir,
        env,
      });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain("--target applies to specs only");

      const unknown = await run(["plan", spec, "--target", "workspace.pf-ws.rule.nope", ...target], {
        cwd: dir,
        env,
      });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain("No step of the plan has the address 'workspace.pf-ws.rule.nope'");
    });
  });
});
