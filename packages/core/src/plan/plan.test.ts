import { describe, expect, it } from "vitest";
import {
  byoPrivate,
  createBlock,
  managedPrivate,
  RG,
  SUB,
  seededProvider,
  topology,
} from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { isPfnetError, type PfnetError } from "../errors.js";
import type { PfnetEvent } from "../events.js";
import { loadSpec } from "../spec/load.js";
import { memoryWorkspace } from "../testing/index.js";
import { canonicalJson } from "./canonical.js";
import { plan } from "./plan.js";
import { serializePlan } from "./serialize.js";
import { planHasChanges } from "./types.js";

async function rejection(promise: Promise<unknown>): Promise<PfnetError> {
  try {
    await promise;
  } catch (error) {
    if (isPfnetError(error)) return error;
    throw error;
  }
  throw new Error("expected a rejection");
}

describe("plan", () => {
  it("orders steps topologically and explains them", async () => {
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), seededProvider());
    const order = planned.steps.map((step) => step.address);
    for (const step of planned.steps) {
      for (const dependency of step.dependsOn)
        expect(order.indexOf(dependency)).toBeLessThan(order.indexOf(step.address));
      expect(step.reason.length).toBeGreaterThan(10);
    }
    expect(planned.formatVersion).toBe(2);
    expect(planned.provider).toBe("memory");
    expect(planned.summary).toEqual({
      create: 6,
      update: 1,
      delete: 0,
      replace: 0,
      provision: 1,
      approve: 3,
      noop: 0,
    });
    expect(Object.keys(planned.fingerprints).sort()).toEqual([...order].sort());
    expect(planned.specHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("estimates provisioning with the first-FQDN firewall wait, and role propagation", async () => {
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), seededProvider());
    const network = planned.steps.find((step) => step.kind === "managedNetwork")!;
    expect(network.waits?.map((wait) => [wait.kind, wait.expectedSeconds])).toEqual([
      ["provisioning", 1800],
      ["firewall", 600],
    ]);
    expect(network.estimatedSeconds?.max).toBe(2400);
    const role = planned.steps.find((step) => step.kind === "roleAssignment")!;
    expect(role.waits).toEqual([expect.objectContaining({ kind: "propagation", expectedSeconds: 600 })]);
    const noFqdn = await plan(
      topology({ "pf-ws": managedPrivate({ reach: { services: ["aoai"] } }) }),
      seededProvider(),
    );
    expect(
      noFqdn.steps.find((step) => step.kind === "managedNetwork")!.waits?.map((wait) => wait.kind),
    ).toEqual(["provisioning"]);
  });

  it("estimates no provisioning wait for an Active network, and the firewall on the first FQDN rule written", async () => {
    const active = seededProvider({
      state: {
        workspaces: [
          memoryWorkspace({
            subscriptionId: SUB,
            resourceGroup: RG,
            name: "pf-ws",
            isolationMode: "AllowOnlyApprovedOutbound",
            networkStatus: "Active",
          }),
        ],
      },
    });
    const reach = { services: ["aoai"], hosts: ["serpapi.com", "example.org"] };
    const planned = await plan(topology({ "pf-ws": managedPrivate({ reach }) }), active);
    const network = planned.steps.find((step) => step.kind === "managedNetwork")!;
    expect(network.action).toBe("provision");
    expect(network.waits?.map((wait) => [wait.kind, wait.expectedSeconds])).toEqual([["provisioning", 120]]);
    const fqdnRules = planned.steps.filter(
      (step) => step.kind === "outboundRule" && step.after?.type === "FQDN",
    );
    expect(fqdnRules.length).toBeGreaterThan(1);
    const withFirewall = fqdnRules.filter((step) => step.waits?.some((wait) => wait.kind === "firewall"));
    expect(withFirewall.map((step) => step.address)).toEqual([fqdnRules[0]!.address]);
    expect(withFirewall[0]!.estimatedSeconds).toEqual({ min: 10, max: 720 });

    // Once the firewall exists (an FQDN rule is Active), no step waits for it.
    await apply(planned, active);
    const more = await plan(
      topology({
        "pf-ws": managedPrivate({ reach: { ...reach, hosts: [...reach.hosts, "api.bing.microsoft.com"] } }),
      }),
      active,
    );
    expect(more.steps.flatMap((step) => step.waits ?? []).map((wait) => wait.kind)).not.toContain("firewall");
  });

  it("guards steps unless an earlier step changes their resource", async () => {
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), seededProvider());
    const guard = Object.fromEntries(planned.steps.map((step) => [step.address, step.guard]));
    expect(guard["workspace.pf-ws"]).toBe(true);
    expect(guard["workspace.pf-ws.rule.pe-aoai"]).toBe(true);
    expect(guard["workspace.pf-ws.storage-role"]).toBe(true);
    expect(guard["workspace.pf-ws.network"]).toBe(false);
    expect(guard["workspace.pf-ws.approval.aoai"]).toBe(false);
    expect(guard["workspace.pf-ws.endpoint.pf-chat"]).toBe(false);

    const created = await plan(
      topology({ "pf-deploy": managedPrivate({ create: createBlock }) }),
      seededProvider(),
    );
    for (const step of created.steps) expect(step.guard).toBe(step.address === "workspace.pf-deploy");
  });

  it("emits plan events with a monotonic sequence", async () => {
    const events: PfnetEvent[] = [];
    await plan(topology({ "pf-ws": managedPrivate() }), seededProvider(), {
      onEvent: (event) => events.push(event),
    });
    expect(events.map((event) => event.type)).toEqual(["plan.started", "plan.read", "plan.finished"]);
    expect(events.map((event) => event.sequence)).toEqual([1, 2, 3]);
    expect(events[2]).toMatchObject({ steps: 11, changes: 11 });
  });

  it("throws SPEC_INVALID with every diagnostic and reads nothing", async () => {
    const provider = seededProvider();
    const bad = topology({ w: byoPrivate({ inference: "managedOnlineEndpoint" }) });
    const error = await rejection(plan(bad, provider));
    expect(error.code).toBe("SPEC_INVALID");
    const diagnostics = error.details?.diagnostics as Array<{ severity: string }>;
    expect(diagnostics.some((d) => d.severity === "error")).toBe(true);
    expect(provider.calls.read).toBe(0);
  });

  it("accepts a LoadedSpec and keeps file locations on its errors", async () => {
    const text = `version: 1\nsubscriptionId: ${SUB}\nresourceGroup: rg-promptflow\nworkspaces:\n  w:\n    network: managed\n    ingress: private\n    egress: sideways\n`;
    const error = await rejection(plan(loadSpec(text, { file: "spec.yaml" }), seededProvider()));
    expect(error.code).toBe("SPEC_INVALID");
    expect(error.message).toContain("spec.yaml");
    const [first] = (error.details?.diagnostics ?? []) as Array<{
      location?: { file?: string; line: number };
    }>;
    expect(first?.location).toMatchObject({ file: "spec.yaml", line: 8 });

    const good = loadSpec(
      `version: 1\nsubscriptionId: ${SUB}\nresourceGroup: rg-promptflow\nworkspaces:\n  pf-ws:\n    network: managed\n    ingress: public\n    egress: public\n`,
    );
    const planned = await plan(good, seededProvider());
    expect(planned.steps.map((step) => step.address)).toContain("workspace.pf-ws.network");
  });

  it("throws PLAN_FORBIDDEN when isolation would loosen or computes block managed isolation", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.isolationMode = "AllowOnlyApprovedOutbound";
    });
    const loosen = await rejection(
      plan(
        topology({
          "pf-ws": managedPrivate({
            egress: "public",
            reach: { services: ["aoai"] },
            firewallSku: undefined,
          }),
        }),
        provider,
      ),
    );
    expect(loosen.code).toBe("PLAN_FORBIDDEN");
    expect(JSON.stringify(loosen.details)).toContain("PFN201");

    const computes = await rejection(plan(topology({ "pf-byo": managedPrivate() }), seededProvider()));
    expect(computes.code).toBe("PLAN_FORBIDDEN");
    expect(computes.message).toContain("aks-pf");
  });

  it("refuses a workspace that does not exist without a create block", async () => {
    const error = await rejection(plan(topology({ ghost: managedPrivate() }), seededProvider()));
    expect(error.code).toBe("PLAN_FORBIDDEN");
    expect(JSON.stringify(error.details)).toContain("PFN203");
  });

  it("keeps unlisted rules as unmanaged with one PFN205 warning", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      const ws = state.workspaces[0]!;
      ws.isolationMode = "AllowOnlyApprovedOutbound";
      ws.rules["hand-made"] = {
        type: "FQDN",
        category: "UserDefined",
        destination: "example.org",
        status: "Active",
      };
      ws.rules["aml-required"] = {
        type: "ServiceTag",
        category: "Required",
        destination: {},
        status: "Active",
      };
    });
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), provider);
    expect(planned.unmanaged.map((found) => found.address)).toEqual(["workspace.pf-ws.rule.hand-made"]);
    // Exactly one warning, from the state rules, naming the user-defined rule only.
    const warnings = planned.diagnostics.filter((d) => d.code === "PFN205");
    expect(warnings).toEqual([
      expect.objectContaining({ severity: "warning", path: "/workspaces/pf-ws/reach" }),
    ]);
    expect(warnings[0]?.message).toContain('"hand-made"');
    expect(warnings[0]?.message).not.toContain("aml-required");
    expect(planned.fingerprints["workspace.pf-ws.rule.hand-made"]).toBeDefined();
    const deleting = await plan(topology({ "pf-ws": managedPrivate({ unlistedRules: "delete" }) }), provider);
    expect(deleting.steps.filter((step) => step.action === "delete").map((step) => step.address)).toEqual([
      "workspace.pf-ws.rule.hand-made",
    ]);
    expect(deleting.diagnostics.map((d) => d.code)).not.toContain("PFN205");
  });

  it("has no changes once the state matches, and the spec hash ignores key order", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces.push(
        memoryWorkspace({ subscriptionId: SUB, resourceGroup: "rg-promptflow", name: "plain" }),
      );
    });
    const vnet = { vnetId: byoPrivate().vnet!.vnetId, subnetId: byoPrivate().vnet!.subnetId };
    const spec = topology({
      plain: { network: "byo", ingress: "public", egress: "public", storageRole: false, vnet },
    });
    const planned = await plan(spec, provider);
    expect(planHasChanges(planned)).toBe(false);
    const reordered = JSON.parse(canonicalJson(spec));
    expect((await plan(reordered, provider)).specHash).toBe(planned.specHash);
  });

  it("is deterministic: same spec and state give a byte-identical plan", async () => {
    const spec = topology({ "pf-ws": managedPrivate(), "pf-byo": byoPrivate({ inference: "none" }) });
    const first = serializePlan(await plan(spec, seededProvider()));
    const second = serializePlan(await plan(structuredClone(spec), seededProvider()));
    expect(second).toBe(first);
  });

  it("honours an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(
      plan(topology({ "pf-ws": managedPrivate() }), seededProvider(), { signal: controller.signal }),
    );
    expect(error.code).toBe("ABORTED");
  });
});

describe("plan: the posture report", () => {
  const OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
  const ownerRole = `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${OWNER}`;
  /** A provider with what someone did behind pfnet's back: a rule, a direct Owner, a subscription Owner. */
  function drifted() {
    const provider = seededProvider();
    provider.update((state) => {
      const ws = state.workspaces[0]!;
      ws.isolationMode = "AllowOnlyApprovedOutbound";
      ws.rules["hand-made"] = {
        type: "FQDN",
        category: "UserDefined",
        destination: "exfil.example.org",
        status: "Active",
      };
      state.roleAssignments.push(
        {
          scope: ws.storageAccount,
          principalId: "user-1",
          roleDefinitionId: ownerRole,
          principalType: "User",
        },
        {
          scope: `/subscriptions/${SUB}`,
          principalId: "user-2",
          roleDefinitionId: ownerRole,
          principalType: "User",
        },
      );
    });
    return provider;
  }

  it("lists unmanaged rules with destinations and direct and inherited assignments apart; warns about the direct ones", async () => {
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), drifted());
    const ws = planned.posture!.workspaces[0]!;
    expect(ws.key).toBe("pf-ws");
    expect(ws.outboundRules).toEqual([
      {
        name: "hand-made",
        address: "workspace.pf-ws.rule.hand-made",
        type: "FQDN",
        destination: "exfil.example.org",
      },
    ]);
    expect(ws.storageAccount).toMatch(/storageAccounts\/stpfws$/);
    expect(ws.roleAssignments!.direct).toEqual([
      expect.objectContaining({ role: "Owner", principalId: "user-1", why: ["privilegedRole"] }),
    ]);
    expect(ws.roleAssignments!.inherited).toEqual([
      expect.objectContaining({ role: "Owner", principalId: "user-2", scope: `/subscriptions/${SUB}` }),
    ]);
    expect(planned.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ["PFN205", "warning"],
      ["PFN206", "warning"],
    ]);
    expect(planned.diagnostics[0]!.message).toContain('"hand-made" (FQDN to exfil.example.org)');
  });

  it("strict: throws POSTURE_STRICT with the direct findings as errors; inherited ones alone pass", async () => {
    const error = await rejection(plan(topology({ "pf-ws": managedPrivate() }), drifted(), { strict: true }));
    expect(error.code).toBe("POSTURE_STRICT");
    const diagnostics = error.details?.diagnostics as Array<{ code: string; severity: string }>;
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.code)).toEqual([
      "PFN205",
      "PFN206",
    ]);
    expect(error.details?.posture).toMatchObject({ workspaces: [{ key: "pf-ws" }] });

    const inheritedOnly = seededProvider();
    inheritedOnly.update((state) => {
      state.roleAssignments.push({
        scope: `/subscriptions/${SUB}`,
        principalId: "user-2",
        roleDefinitionId: ownerRole,
        principalType: "User",
      });
    });
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), inheritedOnly, { strict: true });
    expect(planned.posture!.workspaces[0]!.roleAssignments!.inherited).toHaveLength(1);
    expect(planned.diagnostics).toEqual([]);
  });

  it("a provider that cannot list role assignments: the report says nothing was read", async () => {
    const provider = drifted();
    // The port's required members only (no listRoleAssignments).
    const limited = {
      name: provider.name,
      read: provider.read.bind(provider),
      apply: provider.apply.bind(provider),
    };
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), limited);
    expect(planned.posture!.workspaces[0]!.roleAssignments).toBeUndefined();
    expect(planned.posture!.workspaces[0]!.outboundRules).toHaveLength(1);
  });
});
