/**
 * The posture report and consent to weakening, end to end: the CLI against the ARM emulator,
 * with changes made in the emulator behind pfnet's back and the emulator's request log as the
 * witness of what was read and written.
 */
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Emulator } from "@pfnet/arm-emulator";
import { type Plan, parsePlan, serializePlan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { EXAMPLES, type RunOutput, run, tempDir } from "../../packages/cli-lite/test/helpers.js";
import { ofType, streamOf } from "../../packages/cli-lite/test/stream.js";
import { RG, SUB, startTestEmulator, writes } from "./harness.js";

const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
const STORAGE = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stpfws`;
const INTRUDER = "0badc0de-0000-4000-8000-000000000001";
const SUB_OWNER = "5ab0c0de-0000-4000-8000-000000000002";

/** The demo spec in a temp dir, the emulator's CA next to it, and the CLI pointed at the emulator. */
function cliFor(em: Emulator) {
  const dir = tempDir({ "ca.pem": em.caCert });
  copyFileSync(join(EXAMPLES, "managed-private-private.yaml"), join(dir, "spec.yaml"));
  const cli = (...args: string[]) =>
    run([...args, "--endpoint", em.endpoint, "--ca-cert", join(dir, "ca.pem")], {
      cwd: dir,
      env: { PFNET_TIME_SCALE: String(em.timeScale) },
    });
  return { dir, cli };
}

/** The plan of a `--json` run (its `plan` line of the JSON Lines stream). */
const planOf = (output: RunOutput): Plan =>
  parsePlan(JSON.stringify(ofType(streamOf(output), "plan")[0]?.plan));

/** Role-assignment lists of the storage account's scope (the posture read: `$filter=atScope()`). */
const postureLists = (em: Emulator) =>
  em.requests
    .find("GET", /\/storageAccounts\/stpfws\/providers\/Microsoft\.Authorization\/roleAssignments$/)
    .filter((r) => decodeURIComponent(r.query).includes("atScope()"));

describe("posture report (emulator)", () => {
  it("an extra outbound rule and a direct Owner placed behind pfnet's back are warnings in plan text and JSON; --strict exits 1; a subscription-level Owner is listed as inherited and never fails --strict; nothing is deleted", async () => {
    const em = await startTestEmulator();
    try {
      const { dir, cli } = cliFor(em);
      const first = await cli("apply", "spec.yaml", "--auto-approve");
      expect(first.code, first.stderr).toBe(0);

      // Behind pfnet's back: a hand-made FQDN rule, an Owner at the storage account, an Owner of the subscription.
      em.state.setRule("pf-ws", "hand-made-exfil", {
        type: "FQDN",
        category: "UserDefined",
        destination: "exfil.example.net",
      });
      const direct = em.state.addRoleAssignment({ scope: STORAGE, role: OWNER, principalId: INTRUDER });
      const inherited = em.state.addRoleAssignment({
        scope: `/subscriptions/${SUB}`,
        role: OWNER,
        principalId: SUB_OWNER,
      });
      em.requests.clear();

      const text = await cli("plan", "spec.yaml");
      expect(text.code, text.stderr).toBe(0);
      expect(text.stdout).toMatch(
        /spec\.yaml:\d+:\d+: warning PFN205: .*"hand-made-exfil" \(FQDN to exfil\.example\.net\)/,
      );
      expect(text.stdout).toMatch(
        new RegExp(`spec\\.yaml:\\d+:\\d+: warning PFN206: .*Owner for User ${INTRUDER}`),
      );
      expect(text.stdout).toContain("Posture report");
      expect(text.stdout).toContain(
        "pf-ws: outbound rule hand-made-exfil (FQDN to exfil.example.net) PFN205",
      );
      expect(text.stdout).toContain(`pf-ws: at storage account stpfws: Owner for User ${INTRUDER} PFN206`);
      expect(text.stdout).toContain(
        `pf-ws: at storage account stpfws: Owner for User ${SUB_OWNER}, inherited from subscription ${SUB} (information)`,
      );
      expect(text.stdout).not.toMatch(new RegExp(`PFN206: .*${SUB_OWNER}`));
      // One paged list per storage account per plan.
      expect(postureLists(em)).toHaveLength(1);
      const markdown = await cli("plan", "spec.yaml", "--format", "markdown");
      expect(markdown.code, markdown.stderr).toBe(0);
      expect(markdown.stdout).toContain("Posture report");
      expect(markdown.stdout).toMatch(/\*\*warning\*\* `PFN206`/);
      expect(markdown.stdout).toContain(`inherited from subscription ${SUB} (information)`);

      const json = await cli("plan", "spec.yaml", "--json");
      expect(json.code, json.stderr).toBe(0);
      const planned = planOf(json);
      expect(planned.diagnostics.map((d) => [d.code, d.severity])).toEqual([
        ["PFN205", "warning"],
        ["PFN206", "warning"],
      ]);
      const posture = planned.posture!.workspaces.find((w) => w.key === "pf-ws")!;
      expect(posture.outboundRules).toEqual([
        {
          name: "hand-made-exfil",
          address: "workspace.pf-ws.rule.hand-made-exfil",
          type: "FQDN",
          destination: "exfil.example.net",
        },
      ]);
      expect(posture.storageAccount?.toLowerCase()).toBe(STORAGE.toLowerCase());
      expect(posture.roleAssignments!.direct).toEqual([
        expect.objectContaining({
          id: direct.id,
          role: "Owner",
          principalId: INTRUDER,
          principalType: "User",
          why: ["privilegedRole"],
        }),
      ]);
      expect(posture.roleAssignments!.inherited).toEqual([
        expect.objectContaining({ id: inherited.id, scope: `/subscriptions/${SUB}`, principalId: SUB_OWNER }),
      ]);

      // --strict: the direct findings are errors; no plan is saved.
      const strict = await cli("plan", "spec.yaml", "--strict", "--out", "plan.json");
      expect(strict.code).toBe(1);
      expect(strict.stderr).toMatch(/error PFN205: .*hand-made-exfil/);
      expect(strict.stderr).toMatch(new RegExp(`error PFN206: .*${INTRUDER}`));
      expect(strict.stderr).not.toContain(SUB_OWNER);
      expect(strict.stderr).toContain("--strict: the posture report has 2 findings");
      expect(existsSync(join(dir, "plan.json"))).toBe(false);
      // apply --strict refuses before writing.
      em.requests.clear();
      const strictApply = await cli("apply", "spec.yaml", "--auto-approve", "--strict");
      expect(strictApply.code).toBe(1);
      expect(strictApply.stderr).toContain("--strict: the posture report has 2 findings");
      expect(writes(em)).toEqual([]);

      // Without --strict, apply goes ahead and deletes nothing it does not manage.
      const applied = await cli("apply", "spec.yaml", "--auto-approve");
      expect(applied.code, applied.stderr).toBe(0);
      expect(writes(em).filter((w) => w.method === "DELETE")).toEqual([]);
      expect(em.state.rules("pf-ws")).toHaveProperty("hand-made-exfil");
      const ids = em.state.roleAssignments().map((a) => String(a.id).toLowerCase());
      expect(ids).toContain(String(direct.id).toLowerCase());
      expect(ids).toContain(String(inherited.id).toLowerCase());

      // Only the inherited Owner left (the others removed by hand): --strict passes and lists it.
      em.state.setRule("pf-ws", "hand-made-exfil", undefined);
      expect(em.state.removeRoleAssignment(String(direct.id))).toBe(true);
      const passing = await cli("plan", "spec.yaml", "--strict", "--json");
      expect(passing.code, passing.stderr).toBe(0);
      const clean = planOf(passing);
      expect(clean.diagnostics).toEqual([]);
      const remaining = clean.posture!.workspaces.find((w) => w.key === "pf-ws")!.roleAssignments!;
      expect(remaining.direct).toEqual([]);
      expect(remaining.inherited.map((a) => a.principalId)).toEqual([SUB_OWNER]);
      const passingText = await cli("plan", "spec.yaml", "--strict");
      expect(passingText.code, passingText.stderr).toBe(0);
      expect(passingText.stdout).toContain(`inherited from subscription ${SUB} (information)`);
    } finally {
      await em.close();
    }
  });

  it("a forged posture in a saved plan changes nothing apply does: apply never reads it", async () => {
    const em = await startTestEmulator();
    try {
      const { dir, cli } = cliFor(em);
      em.state.setRule("pf-ws", "hand-made-exfil", {
        type: "FQDN",
        category: "UserDefined",
        destination: "exfil.example.net",
      });
      const made = await cli("plan", "spec.yaml", "--out", "plan.json");
      expect(made.code, made.stderr).toBe(0);
      const genuine = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as Plan;
      // The forger hides the hand-made rule from the report and claims a direct Owner to remove.
      const forged = structuredClone(genuine);
      const ws = forged.posture!.workspaces[0]!;
      ws.outboundRules = [];
      ws.roleAssignments!.direct.push({
        id: `${STORAGE}/providers/Microsoft.Authorization/roleAssignments/11111111-0000-4000-8000-00000000dead`,
        scope: STORAGE,
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`,
        role: "Owner",
        principalId: INTRUDER,
        principalType: "User",
        why: ["privilegedRole"],
      });
      writeFileSync(join(dir, "forged.json"), serializePlan(parsePlan(serializePlan(forged))));
      em.requests.clear();
      // --strict is the plan job's gate: a saved plan's posture is not something apply judges.
      const strictSaved = await cli("apply", "forged.json", "--auto-approve", "--strict");
      expect(strictSaved.code).toBe(1);
      expect(strictSaved.stderr).toContain("--strict applies when planning");
      expect(em.requests.entries).toEqual([]);
      const applied = await cli("apply", "forged.json", "--auto-approve");
      expect(applied.code, applied.stderr).toBe(0);
      // The same writes the genuine plan makes, none of them a delete; the rule is still there.
      expect(writes(em).filter((w) => w.method === "DELETE")).toEqual([]);
      expect(
        writes(em).some((w) => /roleAssignments\/11111111-0000-4000-8000-00000000dead/i.test(w.path)),
      ).toBe(false);
      expect(em.state.rules("pf-ws")).toHaveProperty("hand-made-exfil");
      expect(em.state.workspace("pf-ws")).toMatchObject({ properties: { publicNetworkAccess: "Disabled" } });
    } finally {
      await em.close();
    }
  });
});

describe("weakening needs consent (emulator)", () => {
  it("private workspace -> ingress: public: apply --auto-approve exits 1 with WEAKENING_NOT_ALLOWED and zero writes; with --allow-weaken it applies", async () => {
    const em = await startTestEmulator();
    try {
      const { dir, cli } = cliFor(em);
      const first = await cli("apply", "spec.yaml", "--auto-approve");
      expect(first.code, first.stderr).toBe(0);
      expect(em.state.workspace("pf-ws")).toMatchObject({ properties: { publicNetworkAccess: "Disabled" } });

      const spec = readFileSync(join(dir, "spec.yaml"), "utf8");
      writeFileSync(
        join(dir, "spec.yaml"),
        spec.replace("    ingress: private\n    egress", "    ingress: public\n    egress"),
      );
      em.requests.clear();
      const refused = await cli("apply", "spec.yaml", "--auto-approve");
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain("[WEAKENING_NOT_ALLOWED]");
      expect(refused.stderr).toContain("workspace.pf-ws (ingress private -> public");
      expect(em.requests.length).toBeGreaterThan(0); // it planned (read) ...
      expect(writes(em)).toEqual([]); // ... and wrote nothing
      expect(em.state.workspace("pf-ws")).toMatchObject({ properties: { publicNetworkAccess: "Disabled" } });

      const allowed = await cli("apply", "spec.yaml", "--auto-approve", "--allow-weaken");
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(
        writes(em).some((w) => w.method === "PATCH" || w.method === "PUT"),
        JSON.stringify(writes(em)),
      ).toBe(true);
      expect(em.state.workspace("pf-ws")).toMatchObject({ properties: { publicNetworkAccess: "Enabled" } });
    } finally {
      await em.close();
    }
  });
});
