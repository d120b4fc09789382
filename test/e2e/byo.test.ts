/**
 * Own VNet (network: byo), the seed table's rows 1–2 with your own network: private endpoints in
 * the spec's subnet with their DNS zone groups and approvals, the required NSG rules, public access
 * and serverless settings on the workspace — plan -> apply -> plan is empty.
 */
import { apply, loadSpecFile, plan, planHasChanges } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, RG, SUB, startTestEmulator, TARGETS } from "./harness.js";

const examples = new URL("../../examples/", import.meta.url);

describe("own VNet", () => {
  it("byo-private-public: private endpoints, DNS zone groups, approvals, NSG rules, workspace settings; plan is then empty", async () => {
    const em = await startTestEmulator();
    try {
      const spec = await loadSpecFile(new URL("byo-private-public.yaml", examples).pathname);
      const provider = providerFor(em);
      const first = await plan(spec, provider);
      const result = await apply(first, provider);
      expect(result.errors).toEqual([]);
      expect(result.outcomes.pendingApproval + result.outcomes.failed).toBe(0);

      const ws = em.state.workspace("pf-byo") as {
        properties: {
          publicNetworkAccess: string;
          serverlessComputeSettings?: {
            serverlessComputeCustomSubnet: string;
            serverlessComputeNoPublicIP: boolean;
          };
        };
      };
      expect(ws.properties.publicNetworkAccess).toBe("Disabled");
      expect(ws.properties.serverlessComputeSettings?.serverlessComputeNoPublicIP).toBe(true);
      expect(ws.properties.serverlessComputeSettings?.serverlessComputeCustomSubnet).toMatch(/snet-compute$/);

      const subnet = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks/vnet-pf/subnets/snet-pe`;
      for (const [service, target] of [
        ["aoai", TARGETS.aoai],
        ["search", TARGETS.search],
        ["safety", TARGETS.safety],
      ] as const) {
        const peId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe-pf-byo-${service}`;
        const pe = em.state.resource(peId) as { properties: { subnet: { id: string } } } | undefined;
        expect(pe?.properties.subnet.id.toLowerCase(), service).toBe(subnet.toLowerCase());
        const zoneGroup = em.state.resource(`${peId}/privateDnsZoneGroups/default`) as
          | { properties: { privateDnsZoneConfigs: unknown[] } }
          | undefined;
        expect(zoneGroup?.properties.privateDnsZoneConfigs.length, service).toBeGreaterThan(0);
        const connections = em.state
          .connections(target)
          .filter(
            (c) =>
              String(
                (c as { properties: { privateEndpoint: { id: string } } }).properties.privateEndpoint.id,
              ).toLowerCase() === peId.toLowerCase(),
          );
        expect(connections, service).toHaveLength(1);
        expect(
          (connections[0] as { properties: { privateLinkServiceConnectionState: { status: string } } })
            .properties.privateLinkServiceConnectionState.status,
        ).toBe("Approved");
      }
      const nsgRules = first.steps.filter((s) => s.kind === "nsgRule");
      expect(nsgRules.length).toBeGreaterThan(0);
      for (const s of nsgRules) {
        const ruleName = (s.identity as { ruleName: string }).ruleName;
        const rule = em.state.resource(
          `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/networkSecurityGroups/nsg-pf/securityRules/${ruleName}`,
        ) as { properties: { direction: string; access: string } } | undefined;
        expect(rule?.properties, ruleName).toMatchObject({ direction: "Outbound", access: "Allow" });
      }
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });

  it("two-workspace pattern: own-VNet authoring workspace plus a created managed deployment workspace, in one apply", async () => {
    const em = await startTestEmulator();
    try {
      const spec = await loadSpecFile(new URL("two-workspace.yaml", examples).pathname);
      const provider = providerFor(em);
      const result = await apply(await plan(spec, provider), provider);
      expect(result.errors).toEqual([]);
      expect(result.outcomes.pendingApproval + result.outcomes.failed).toBe(0);
      expect(em.state.networkStatus("pf-deploy")).toBe("Active");
      const deploy = em.state.workspace("pf-deploy") as {
        properties: { publicNetworkAccess: string; managedNetwork: { isolationMode: string } };
      };
      expect(deploy.properties).toMatchObject({
        publicNetworkAccess: "Disabled",
        managedNetwork: { isolationMode: "AllowOnlyApprovedOutbound" },
      });
      // Each service now has one connection from pf-byo's endpoint and one from pf-deploy's managed network, all Approved.
      for (const target of [TARGETS.aoai, TARGETS.search, TARGETS.safety]) {
        const states = em.state
          .connections(target)
          .map(
            (c) =>
              (c as { properties: { privateLinkServiceConnectionState: { status: string } } }).properties
                .privateLinkServiceConnectionState.status,
          );
        expect(states).toEqual(["Approved", "Approved"]);
      }
      expect(planHasChanges(await plan(spec, provider))).toBe(false);
    } finally {
      await em.close();
    }
  });
});
