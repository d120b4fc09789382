/**
 * Forged plans against the ARM emulator with the real SDK clients: each edit an attacker with
 * write access to a saved plan would make, re-checksummed with `serializePlan`, is refused before
 * any request (the emulator's request log stays empty); the provider's own role check; posture.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  apply,
  hashJson,
  type Plan,
  type PlanStep,
  parsePlan,
  plan,
  serializePlan,
  type Topology,
} from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "../../packages/cli-lite/test/helpers.js";
import { providerFor, ROWS, rowSpec, SUB, startTestEmulator } from "./harness.js";

const PRIVATE_PRIVATE = ROWS[3]!;
const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const ownerRole = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`;
const KEY = "e2e-plan-key-4f1c9a0b2d3e";

const at = (p: Plan, address: string) => p.steps.find((s) => s.address === address)!;

/** Edit the saved plan's JSON and re-checksum it, as a forger would. */
function forge(text: string, edit: (p: Plan) => void): Plan {
  const p = JSON.parse(text) as Plan;
  edit(p);
  return parsePlan(serializePlan(p));
}

const FORGERIES: Array<[string, (p: Plan) => void, string]> = [
  [
    "the storage role swapped to Owner",
    (p) => {
      at(p, "workspace.pf-ws.storage-role").after!.roleDefinitionId = ownerRole;
    },
    "PLAN_TAMPERED",
  ],
  [
    "the FQDN rule pointed at an attacker's host",
    (p) => {
      at(p, "workspace.pf-ws.rule.fqdn-serpapi-com").after!.destination = "attacker.example.net";
    },
    "PLAN_TAMPERED",
  ],
  [
    "the online endpoint made public",
    (p) => {
      at(p, "workspace.pf-ws.endpoint.pf-chat").after!.publicNetworkAccess = "Enabled";
    },
    "PLAN_TAMPERED",
  ],
  [
    "the workspace set to public ingress and internet outbound",
    (p) =>
      Object.assign(at(p, "workspace.pf-ws").after!, {
        publicNetworkAccess: "Enabled",
        isolationMode: "AllowInternetOutbound",
      }),
    "PLAN_TAMPERED",
  ],
  [
    "another subscription in one step's identity",
    (p) => {
      const ref = at(p, "workspace.pf-ws.rule.pe-aoai").identity.workspace as { subscriptionId: string };
      ref.subscriptionId = "99999999-9999-9999-9999-999999999999";
    },
    "PLAN_TAMPERED",
  ],
  [
    "an added step",
    (p) => {
      const extra = JSON.parse(JSON.stringify(at(p, "workspace.pf-ws.rule.fqdn-serpapi-com"))) as PlanStep;
      extra.address = "workspace.pf-ws.rule.exfil";
      extra.identity.ruleName = "exfil";
      extra.after!.destination = "exfil.example.net";
      p.steps.push(extra);
    },
    "PLAN_TAMPERED",
  ],
  [
    "a removed dependency",
    (p) => {
      at(p, "workspace.pf-ws.network").dependsOn = ["workspace.pf-ws"];
    },
    "PLAN_TAMPERED",
  ],
  [
    "an edited lane",
    (p) => {
      at(p, "workspace.pf-ws.rule.pe-aoai").lane = "parallel";
    },
    "PLAN_TAMPERED",
  ],
  [
    "a delete of a rule that is not unmanaged",
    (p) => {
      const rule = at(p, "workspace.pf-ws.rule.pe-search");
      rule.action = "delete";
      rule.after = null;
    },
    "PLAN_TAMPERED",
  ],
  [
    "an embedded topology edited to break a spec rule",
    (p) => {
      // Private egress does not allow a Kubernetes online endpoint.
      (p.origin.topology as Topology).workspaces["pf-ws"]!.inference = "kubernetesOnlineEndpoint";
      p.specHash = hashJson(p.origin.topology);
    },
    "SPEC_INVALID",
  ],
  [
    "a specHash that is not the embedded topology's",
    (p) => {
      p.specHash = hashJson("another spec");
    },
    "PLAN_TAMPERED",
  ],
];

describe("forged saved plans (emulator request log)", () => {
  it("each forgery is refused before any request", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const text = serializePlan(await plan(rowSpec(PRIVATE_PRIVATE), provider));
      for (const [name, edit, code] of FORGERIES) {
        const forged = forge(text, edit);
        em.requests.clear();
        await expect(apply(forged, provider), name).rejects.toMatchObject({ code });
        expect(em.requests.entries, name).toEqual([]);
      }
      // The genuine plan applies (the forgeries left nothing behind).
      const result = await apply(parsePlan(text), provider);
      expect(result.outcomes.failed).toBe(0);
      expect(em.state.workspace("pf-ws")).toMatchObject({ properties: { publicNetworkAccess: "Disabled" } });
    } finally {
      await em.close();
    }
  });

  it("a coherent forgery (topology, steps and hash edited together) is refused by the spec or a key, and without either unless --trust-plan-file", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = rowSpec(PRIVATE_PRIVATE);
      const dir = tempDir({ "spec.json": JSON.stringify(spec) });
      const genuine = await plan(spec, provider, { specPath: "spec.json" });
      const forged = forge(serializePlan(genuine), (p) => {
        const topology = p.origin.topology as Topology;
        topology.workspaces["pf-ws"]!.reach!.hosts = ["serpapi.com", "attacker.example.net"];
        p.specHash = hashJson(topology);
        const serp = at(p, "workspace.pf-ws.rule.fqdn-serpapi-com");
        const evil = JSON.parse(JSON.stringify(serp)) as PlanStep;
        evil.address = "workspace.pf-ws.rule.fqdn-attacker-example-net";
        evil.identity.ruleName = "fqdn-attacker-example-net";
        evil.after!.destination = "attacker.example.net";
        for (const w of evil.weakens ?? [])
          w.description = w.description.replace("serpapi.com", "attacker.example.net");
        p.steps.splice(p.steps.indexOf(serp) + 1, 0, evil);
        at(p, "workspace.pf-ws.network").dependsOn.push(evil.address);
      });
      em.requests.clear();
      // Library: with the spec as witness, or with a key (the forger cannot sign).
      await expect(apply(forged, provider, { spec })).rejects.toMatchObject({ code: "PLAN_TAMPERED" });
      await expect(apply(forged, provider, { planKey: KEY })).rejects.toMatchObject({
        code: "PLAN_SIGNATURE",
      });
      expect(em.requests.entries).toEqual([]);

      // CLI against the emulator: the recorded spec path, a key, and no witness at all.
      writeFileSync(join(dir, "forged.json"), serializePlan(forged));
      writeFileSync(join(dir, "ca.pem"), em.caCert);
      const cli = (args: string[], cwd: string, env: Record<string, string> = {}) =>
        run(
          [
            "apply",
            "forged.json",
            "--auto-approve",
            "--endpoint",
            em.endpoint,
            "--ca-cert",
            join(dir, "ca.pem"),
            ...args,
          ],
          {
            cwd,
            env: { PFNET_TIME_SCALE: String(em.timeScale), ...env },
          },
        );
      const bySpec = await cli([], dir);
      expect(bySpec.code).toBe(1);
      expect(bySpec.stderr).toContain("The plan was not made from spec.json");
      const byKey = await cli([], dir, { PFNET_PLAN_KEY: KEY });
      expect(byKey.code).toBe(1);
      expect(byKey.stderr).toContain("[PLAN_SIGNATURE]");
      const elsewhere = tempDir();
      writeFileSync(join(elsewhere, "forged.json"), serializePlan(forged));
      const none = await cli([], elsewhere);
      expect(none.code).toBe(1);
      expect(none.stderr).toContain("[PLAN_UNVERIFIED]");
      expect(em.requests.entries).toEqual([]);
      for (const output of [bySpec, byKey, none]) expect(output.stdout + output.stderr).not.toContain(KEY);

      const trusted = await cli(["--trust-plan-file"], elsewhere);
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(em.state.rules("pf-ws")).toHaveProperty("fqdn-attacker-example-net");
    } finally {
      await em.close();
    }
  });

  it("the provider itself refuses a crafted Owner role step and a foreign scope (no core checks)", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const planned = await plan(rowSpec(PRIVATE_PRIVATE), provider);
      const role = at(planned, "workspace.pf-ws.storage-role");
      const context = { signal: new AbortController().signal, emit: () => {} };
      em.requests.clear();
      const owner: PlanStep = { ...role, after: { ...role.after, roleDefinitionId: ownerRole } };
      await expect(provider.apply(owner, context)).rejects.toMatchObject({ code: "ROLE_ASSIGNMENT_REFUSED" });
      const foreign: PlanStep = {
        ...role,
        identity: {
          ...role.identity,
          scope: `/subscriptions/${SUB}/resourceGroups/rg-other/providers/Microsoft.Storage/storageAccounts/stattacker`,
        },
      };
      await expect(provider.apply(foreign, context)).rejects.toMatchObject({
        code: "ROLE_ASSIGNMENT_REFUSED",
      });
      expect(em.requests.find("PUT", /roleAssignments/)).toEqual([]);
      expect(em.requests.entries.filter((r) => r.method !== "GET")).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
