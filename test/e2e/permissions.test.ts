/**
 * The permissions check before apply (issue 13 item 4, PFN216), end to end against the emulator:
 * the caller's permissions are the emulator's `callerPermissions` (the permissions lists answer
 * them), the request log is the witness of what was asked and when.
 */
import { join } from "node:path";
import type { Emulator } from "@pfnet/arm-emulator";
import { plan } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { run, tempDir } from "../../packages/cli-lite/test/helpers.js";
import { providerFor, RG, ROWS, rowSpec, SUB, startTestEmulator, TARGETS } from "./harness.js";

const GROUP = `/subscriptions/${SUB}/resourceGroups/${RG}`;
const STORAGE = `${GROUP}/providers/Microsoft.Storage/storageAccounts/stpfws`;
const ROLE_WRITE = "Microsoft.Authorization/roleAssignments/write";
const APPROVE_AOAI = "Microsoft.CognitiveServices/accounts/privateEndpointConnections/write";

/** Permissions lists of the log: the resource group's and each resource's, by path. */
function permissionLists(em: Emulator, from = 0) {
  const lists = em.requests.entries
    .slice(from)
    .filter((r) => r.method === "GET" && /\/providers\/Microsoft\.Authorization\/permissions$/i.test(r.path));
  return {
    group: lists.filter(
      (r) => r.path.toLowerCase() === `${GROUP}/providers/Microsoft.Authorization/permissions`.toLowerCase(),
    ),
    resources: lists
      .filter(
        (r) =>
          r.path.toLowerCase() !== `${GROUP}/providers/Microsoft.Authorization/permissions`.toLowerCase(),
      )
      .map((r) => r.path.replace(/\/providers\/Microsoft\.Authorization\/permissions$/i, "")),
  };
}

const spec = () => rowSpec(ROWS[3]!, { services: ["aoai"], endpoints: false });

describe("permissions check before apply (emulator)", () => {
  it("an Owner caller: one permissions list for the resource group, nothing more, no finding", async () => {
    const em = await startTestEmulator();
    try {
      const planned = await plan(spec(), providerFor(em));
      expect(planned.steps.some((step) => step.action !== "noop")).toBe(true);
      const lists = permissionLists(em);
      expect(lists.group).toHaveLength(1);
      expect(lists.resources).toEqual([]);
      expect(planned.diagnostics.filter((d) => d.code === "PFN216")).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it("a caller who may neither grant roles nor approve connections: one PFN216 naming both, shown by apply before any write", async () => {
    const em = await startTestEmulator();
    try {
      // A custom role at the resource group: the workspace, the network, reads — no role
      // assignments, no connection approval on the Azure OpenAI account.
      em.state.setCallerPermissions([
        { scope: GROUP, actions: ["Microsoft.MachineLearningServices/*", "Microsoft.Network/*", "*/read"] },
      ]);
      const dir = tempDir({ "ca.pem": em.caCert, "spec.json": JSON.stringify(spec(), null, 2) });
      const cli = (...args: string[]) =>
        run([...args, "--endpoint", em.endpoint, "--ca-cert", join(dir, "ca.pem")], {
          cwd: dir,
          env: { PFNET_TIME_SCALE: String(em.timeScale) },
        });

      const text = await cli("plan", "spec.json");
      expect(text.code, text.stderr).toBe(0);
      const warnings = text.stdout.split("\n").filter((line) => line.includes("PFN216"));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/spec\.json:\d+:\d+: warning PFN216: Workspace "pf-ws"/);
      expect(warnings[0]).toContain(`${ROLE_WRITE} on storageAccounts/stpfws (${STORAGE}`);
      expect(warnings[0]).toContain(`${APPROVE_AOAI} on accounts/aoai-pf (${TARGETS.aoai}`);
      // The resource group's list lacked them; each resource's own list was asked once, for those only.
      const lists = permissionLists(em);
      expect(lists.group).toHaveLength(1);
      expect(lists.resources.map((path) => path.toLowerCase()).sort()).toEqual(
        [STORAGE, TARGETS.aoai].map((id) => id.toLowerCase()).sort(),
      );

      em.requests.clear();
      const applied = await cli("apply", "spec.json", "--auto-approve", "--skip-verify");
      expect(applied.stdout).toMatch(/warning PFN216: Workspace "pf-ws"/);
      const log = em.requests.entries;
      const lastList = log.findLastIndex((r) => /\/Microsoft\.Authorization\/permissions$/i.test(r.path));
      const firstWrite = log.findIndex((r) => r.method !== "GET" && r.method !== "HEAD");
      expect(lastList).toBeGreaterThanOrEqual(0);
      expect(firstWrite).toBeGreaterThan(lastList);
    } finally {
      await em.close();
    }
  });

  it("a not-action at the group is made up by a grant at the resource; a grant elsewhere is not, and a resource that cannot be read is unknown", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      // Owner everywhere except role assignments; role assignments granted at the storage account.
      em.state.setCallerPermissions([
        { scope: "/", actions: ["*"], notActions: [ROLE_WRITE] },
        { scope: STORAGE, actions: [ROLE_WRITE] },
      ]);
      const granted = await plan(spec(), provider);
      expect(granted.diagnostics.filter((d) => d.code === "PFN216")).toEqual([]);
      expect(permissionLists(em).resources.map((p) => p.toLowerCase())).toEqual([STORAGE.toLowerCase()]);

      // The grant made at another storage account does not count here.
      em.state.setCallerPermissions([
        { scope: "/", actions: ["*"], notActions: [ROLE_WRITE] },
        { scope: `${GROUP}/providers/Microsoft.Storage/storageAccounts/stpfdeploy`, actions: [ROLE_WRITE] },
      ]);
      const elsewhere = await plan(spec(), provider);
      const findings = elsewhere.diagnostics.filter((d) => d.code === "PFN216");
      expect(findings).toHaveLength(1);
      expect(findings[0]?.message).toContain(`${ROLE_WRITE} on storageAccounts/stpfws`);
      expect(findings[0]?.message).not.toContain(APPROVE_AOAI);

      // The workspace names a storage account that does not exist: its list answers 404, unknown.
      em.state.patchWorkspace("pf-ws", {
        properties: { storageAccount: `${GROUP}/providers/Microsoft.Storage/storageAccounts/stgone` },
      });
      const from = em.requests.length;
      const unknown = await plan(spec(), provider);
      expect(unknown.diagnostics.filter((d) => d.code === "PFN216")).toEqual([]);
      const gone = em.requests.entries
        .slice(from)
        .filter((r) =>
          /storageAccounts\/stgone\/providers\/Microsoft\.Authorization\/permissions$/i.test(r.path),
        );
      expect(gone.map((r) => r.status)).toEqual([404]);
    } finally {
      await em.close();
    }
  });
});
