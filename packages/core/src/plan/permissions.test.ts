import { describe, expect, it } from "vitest";
import { AOAI, managedPrivate, rgId, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import type { PermissionGap } from "../provider.js";
import { plan } from "./plan.js";
import type { PlanStep } from "./types.js";

const STORAGE = `${rgId}/providers/Microsoft.Storage/storageAccounts/stpfws`;

/** The seeded in-memory provider with a permissions check that records what it was asked. */
function checkedProvider(gaps: (steps: readonly PlanStep[]) => PermissionGap[]) {
  const asked: string[][] = [];
  const provider = Object.assign(seededProvider(), {
    missingPermissions: async (steps: readonly PlanStep[]) => {
      asked.push(steps.map((step) => step.address));
      return gaps(steps);
    },
  });
  return { provider, asked };
}

describe("the permissions check before apply (PFN216)", () => {
  it("asks about the plan's writes only and warns once per workspace, naming scopes and actions", async () => {
    const { provider, asked } = checkedProvider((steps) =>
      steps.flatMap((step): PermissionGap[] => {
        if (step.kind === "roleAssignment")
          return [
            {
              step: step.address,
              scope: STORAGE,
              actions: ["Microsoft.Authorization/roleAssignments/write"],
            },
          ];
        if (step.address === "workspace.pf-ws.approval.aoai")
          return [
            {
              step: step.address,
              scope: AOAI,
              actions: ["Microsoft.CognitiveServices/accounts/privateEndpointConnections/write"],
            },
          ];
        return [];
      }),
    );
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), provider);
    const writes = planned.steps.filter((step) => step.action !== "noop").map((step) => step.address);
    expect(asked).toEqual([writes]);

    const findings = planned.diagnostics.filter((d) => d.code === "PFN216");
    expect(findings.map((d) => [d.severity, d.path])).toEqual([["warning", "/workspaces/pf-ws"]]);
    const [finding] = findings;
    expect(finding?.message).toContain('Workspace "pf-ws"');
    expect(finding?.message).toContain(
      `Microsoft.Authorization/roleAssignments/write on storageAccounts/stpfws (${STORAGE}`,
    );
    expect(finding?.message).toContain(
      "Microsoft.CognitiveServices/accounts/privateEndpointConnections/write on accounts/aoai-pf",
    );
    expect(finding?.hint).toContain("Role Based Access Control Administrator");
    expect(finding?.hint).toContain("Azure AI Enterprise Network Connection Approver");
  });

  it("asks only about the targets' writes with --target, and nothing when there is nothing to write", async () => {
    const { provider, asked } = checkedProvider(() => []);
    const spec = topology({ "pf-ws": managedPrivate() });
    const targeted = await plan(spec, provider, { targets: ["workspace.pf-ws.storage-role"] });
    expect(asked).toEqual([targeted.steps.filter((s) => s.action !== "noop").map((s) => s.address)]);
    expect(asked[0]).toContain("workspace.pf-ws.storage-role");
    expect(asked[0]).not.toContain("workspace.pf-ws.network");

    await apply(await plan(spec, provider), provider);
    asked.length = 0;
    const settled = await plan(spec, provider);
    expect(settled.steps.every((step) => step.action === "noop")).toBe(true);
    expect(asked).toEqual([]);
    expect(settled.diagnostics.filter((d) => d.code === "PFN216")).toEqual([]);
  });
});
