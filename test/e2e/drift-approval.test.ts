/**
 * Drift made behind pfnet's back, stale saved plans, pending approvals, creation and the
 * missing-workspace error — against the ARM emulator with the real SDK clients.
 */
import { apply, parsePlan, plan, planHasChanges, serializePlan, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import {
  providerFor,
  RG,
  ROWS,
  recorder,
  rowSpec,
  SUB,
  startTestEmulator,
  TARGETS,
  writes,
} from "./harness.js";

const PRIVATE_PRIVATE = ROWS[3]!;

describe("drift", () => {
  it("plan shows exactly the drifted rule and public access; a plan saved before the drift is refused with no write", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = rowSpec(PRIVATE_PRIVATE);
      await apply(await plan(spec, provider), provider);
      expect(planHasChanges(await plan(spec, provider))).toBe(false);

      // A plan saved now (it adds a host), applied only after the drift.
      const saved = serializePlan(await plan(rowSpec(PRIVATE_PRIVATE, { hosts: ["pypi.org"] }), provider));

      // Someone changes a rule and turns public access back on in the portal.
      em.state.setRule("pf-ws", "fqdn-serpapi-com", {
        type: "FQDN",
        category: "UserDefined",
        destination: "evil.example.com",
      });
      em.state.patchWorkspace("pf-ws", { publicNetworkAccess: "Enabled" });

      const drifted = await plan(spec, provider);
      const changed = drifted.steps
        .filter((s) => s.changedPaths.length > 0)
        .map((s) => ({ address: s.address, action: s.action, paths: s.changedPaths }));
      expect(changed).toEqual([
        { address: "workspace.pf-ws", action: "update", paths: ["/publicNetworkAccess"] },
        { address: "workspace.pf-ws.rule.fqdn-serpapi-com", action: "update", paths: ["/destination"] },
      ]);
      // Besides them only the follow-up that re-verifies the rules and waits for them to be Active.
      expect(
        drifted.steps.filter((s) => s.action !== "noop" && s.changedPaths.length === 0).map((s) => s.address),
      ).toEqual(["workspace.pf-ws.network"]);

      const writesBefore = writes(em).length;
      await expect(apply(parsePlan(saved), provider)).rejects.toMatchObject({ code: "PLAN_STALE" });
      expect(writes(em).length).toBe(writesBefore);

      // The fresh plan repairs the drift.
      const result = await apply(drifted, provider);
      expect(result.errors).toEqual([]);
      expect(
        (em.state.workspace("pf-ws") as { properties: { publicNetworkAccess: string } }).properties
          .publicNetworkAccess,
      ).toBe("Disabled");
      expect((em.state.rules("pf-ws")["fqdn-serpapi-com"] as { destination: string }).destination).toBe(
        "serpapi.com",
      );
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it("lists a user-defined rule added outside the spec as unmanaged and keeps it; never reports service-owned rules", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = rowSpec(PRIVATE_PRIVATE);
      await apply(await plan(spec, provider), provider);
      em.state.setRule("pf-ws", "extra-rule", {
        type: "FQDN",
        category: "UserDefined",
        destination: "example.org",
      });
      const next = await plan(spec, provider);
      expect(next.unmanaged.map((u) => u.address)).toEqual(["workspace.pf-ws.rule.extra-rule"]);
      expect(next.steps.some((s) => s.address.endsWith("extra-rule") && s.action === "delete")).toBe(false);
      const serviceOwned = Object.entries(em.state.rules("pf-ws")).filter(
        ([, r]) => (r as { category: string }).category !== "UserDefined",
      );
      expect(serviceOwned.length).toBeGreaterThan(0);
      for (const [name] of serviceOwned)
        expect(next.unmanaged.some((u) => u.address.endsWith(`.rule.${name}`))).toBe(false);
    } finally {
      await em.close();
    }
  });
});

describe("private-endpoint approval", () => {
  it("ends pendingApproval naming the connection when the caller may not approve; approving in Azure lets a re-apply complete", async () => {
    const em = await startTestEmulator();
    try {
      const provider = providerFor(em);
      const spec = rowSpec(PRIVATE_PRIVATE, { services: ["aoai", "locked"] });
      const { events, onEvent } = recorder();
      const result = await apply(await plan(spec, provider), provider, { onEvent });
      const pending = result.steps.find((s) => s.address === "workspace.pf-ws.approval.locked");
      expect(pending?.outcome).toBe("pendingApproval");
      expect(result.outcomes.failed).toBe(0);
      const connectionId = pending?.pending?.connectionId ?? "";
      expect(connectionId.toLowerCase()).toContain(
        "/microsoft.search/searchservices/srch-locked/privateendpointconnections/",
      );
      expect(pending?.pending?.action).toBe(
        `az network private-endpoint-connection approve --id ${connectionId} --description "Approved for pfnet"`,
      );
      expect(pending?.pending?.permission).toContain(
        "Microsoft.Search/searchServices/privateEndpointConnections/write",
      );
      expect(
        events.some(
          (e) =>
            e.type === "step.finished" &&
            e.address === "workspace.pf-ws.approval.locked" &&
            e.pending?.connectionId === connectionId,
        ),
      ).toBe(true);
      // The one on the open target was approved.
      expect(result.steps.find((s) => s.address === "workspace.pf-ws.approval.aoai")?.outcome).toBe(
        "succeeded",
      );

      const connection = em.state
        .connections(TARGETS.locked)
        .find((c) => String(c.id).toLowerCase() === connectionId.toLowerCase()) as
        | { name: string; properties: { privateLinkServiceConnectionState: { status: string } } }
        | undefined;
      expect(connection?.properties.privateLinkServiceConnectionState.status).toBe("Pending");

      // The search owner approves it; re-applying completes.
      em.state.approveConnection(TARGETS.locked, connection!.name);
      const again = await apply(await plan(spec, provider), provider);
      expect(again.errors).toEqual([]);
      expect(again.outcomes.pendingApproval).toBe(0);
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it("with approve: false, leaves an approvable connection pending and says so", async () => {
    const em = await startTestEmulator();
    try {
      em.state.setTargetFlags(TARGETS.aoai, { autoApprove: false });
      const provider = providerFor(em);
      const spec = rowSpec(ROWS[0]!, { services: ["aoai"] });
      (spec.services!.aoai as { approve?: boolean }).approve = false;
      const result = await apply(await plan(spec, provider), provider);
      const step = result.steps.find((s) => s.address === "workspace.pf-ws.approval.aoai");
      expect(step?.outcome).toBe("pendingApproval");
      expect(step?.pending?.permission).toContain(
        "Microsoft.CognitiveServices/accounts/privateEndpointConnections/write",
      );
      const states = em.state
        .connections(TARGETS.aoai)
        .map(
          (c) =>
            (c as { properties: { privateLinkServiceConnectionState: { status: string } } }).properties
              .privateLinkServiceConnectionState.status,
        );
      expect(states).toEqual(["Pending"]);
    } finally {
      await em.close();
    }
  });
});

describe("workspace existence", () => {
  it("refuses to plan (PFN203) when the workspace is absent and there is no create block", async () => {
    const em = await startTestEmulator();
    try {
      const spec = rowSpec(ROWS[0]!);
      spec.workspaces["pf-deploy"] = spec.workspaces["pf-ws"]!;
      delete spec.workspaces["pf-ws"];
      await expect(plan(spec, providerFor(em))).rejects.toMatchObject({
        code: "PLAN_FORBIDDEN",
        details: {
          diagnostics: [
            expect.objectContaining({
              code: "PFN203",
              path: "/workspaces/pf-deploy",
              hint: expect.stringContaining("create"),
            }),
          ],
        },
      });
      expect(writes(em)).toEqual([]);
    } finally {
      await em.close();
    }
  });

  it("creates a missing workspace from its create block with its network settings and provisions it", async () => {
    const em = await startTestEmulator();
    try {
      const base = rowSpec(ROWS[3]!);
      const ws = { ...base.workspaces["pf-ws"]!, endpoints: {} };
      const spec: Topology = {
        ...base,
        workspaces: {
          "pf-deploy": {
            ...ws,
            create: {
              storageAccount: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/stpfdeploy`,
              keyVault: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.KeyVault/vaults/kv-pf-deploy`,
            },
          },
        },
      };
      const provider = providerFor(em);
      const first = await plan(spec, provider);
      expect(first.steps.find((s) => s.address === "workspace.pf-deploy")?.action).toBe("create");
      const result = await apply(first, provider);
      expect(result.errors).toEqual([]);
      const created = em.state.workspace("pf-deploy") as {
        properties: { publicNetworkAccess: string; managedNetwork: { isolationMode: string } };
      };
      expect(created.properties.publicNetworkAccess).toBe("Disabled");
      expect(created.properties.managedNetwork.isolationMode).toBe("AllowOnlyApprovedOutbound");
      expect(em.state.networkStatus("pf-deploy")).toBe("Active");
      const put = em.requests.find("PUT", "/workspaces/pf-deploy$")[0];
      expect(
        (put?.requestBody as { properties?: { provisionNetworkNow?: boolean } } | undefined)?.properties
          ?.provisionNetworkNow,
      ).toBe(true);
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });
});
