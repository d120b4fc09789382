/**
 * Compute and AKS placement (issue 13 item 1) against the emulator: plan reads the workspace's
 * computes (`Compute_List`) and, for an AKS cluster outside the workspace's VNet, the VNet's
 * peerings (`VirtualNetworkPeerings_List`) and the workspace's private endpoints. A compute
 * instance with a public IP is a warning (an error with `strict`), a compute outside the VNet is
 * reported, an AKS subnet in an unpeered VNet without a workspace private endpoint is refused,
 * and a peered one passes.
 */

import { defaultSeed } from "@pfnet/arm-emulator";
import { type Diagnostic, loadSpecFile, type PfnetError, plan, type Topology } from "@pfnet/core";
import { describe, expect, it } from "vitest";
import { providerFor, RG, SUB, startTestEmulator } from "./harness.js";

const examples = new URL("../../examples/", import.meta.url);
const NET = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/virtualNetworks`;

const byoSpec = async (): Promise<Topology> =>
  (await loadSpecFile(new URL("byo-private-public.yaml", examples).pathname)).topology!;

const codes = (diagnostics: Diagnostic[]) =>
  diagnostics.filter((d) => /^PFN22\d$/.test(d.code)).map((d) => [d.code, d.severity, d.path]);

/** The default environment plus vnet-aks (not peered with vnet-pf), where an AKS cluster sits. */
function seedWithAksVnet() {
  const seed = defaultSeed();
  seed.virtualNetworks!.push({
    name: "vnet-aks",
    addressPrefixes: ["10.1.0.0/16"],
    subnets: [{ name: "snet-aks", addressPrefix: "10.1.0.0/24" }],
  });
  return seed;
}

describe("compute and AKS placement", () => {
  it("reports a compute instance with a public IP and one outside the VNet: warnings, errors with strict", async () => {
    const em = await startTestEmulator();
    try {
      em.state.addCompute("pf-byo", "ci-public", "ComputeInstance", {
        properties: { subnet: { id: `${NET}/vnet-pf/subnets/snet-compute` }, enableNodePublicIp: true },
      });
      em.state.addCompute("pf-byo", "cluster-outside", "AmlCompute", {
        properties: { subnet: { id: `${NET}/vnet-other/subnets/default` }, enableNodePublicIp: false },
      });
      em.state.addCompute("pf-byo", "ci-private", "ComputeInstance", {
        properties: { subnet: { id: `${NET}/vnet-pf/subnets/snet-compute` }, enableNodePublicIp: false },
      });
      const provider = providerFor(em);
      const spec = await byoSpec();
      const from = em.requests.length;
      const planned = await plan(spec, provider);
      expect(codes(planned.diagnostics)).toEqual([
        ["PFN220", "warning", "/workspaces/pf-byo/computes/subnetIds"],
        ["PFN221", "warning", "/workspaces/pf-byo/computes/noPublicIp"],
      ]);
      const [outside, publicIp] = planned.diagnostics.filter((d) => /^PFN22/.test(d.code));
      expect(outside?.message).toContain('compute cluster "cluster-outside"');
      expect(publicIp?.message).toContain('compute instance "ci-public"');
      // One compute list; the AKS cluster is in vnet-pf, so no peering list.
      const log = em.requests.entries.slice(from);
      expect(log.filter((r) => /\/computes$/i.test(r.path))).toHaveLength(1);
      expect(log.filter((r) => /virtualNetworkPeerings/i.test(r.path))).toHaveLength(0);

      const strict = await plan(spec, provider, { strict: true }).catch((error: PfnetError) => error);
      expect((strict as PfnetError).code).toBe("POSTURE_STRICT");
      expect((strict as PfnetError).message).toContain('"ci-public"');
      expect((strict as PfnetError).message).toContain('"cluster-outside"');
    } finally {
      await em.close();
    }
  });

  it("refuses an AKS cluster in an unpeered VNet without a workspace private endpoint, and passes once the VNets are peered", async () => {
    const em = await startTestEmulator({ seed: seedWithAksVnet() });
    try {
      em.state.addCompute("pf-byo", "aks-far", "AKS", {
        properties: { aksNetworkingConfiguration: { subnetId: `${NET}/vnet-aks/subnets/snet-aks` } },
      });
      const spec = await byoSpec();
      spec.workspaces["pf-byo"]!.vnet!.aksComputeName = "aks-far";
      spec.workspaces["pf-byo"]!.vnet!.aksSubnetId = `${NET}/vnet-aks/subnets/snet-aks`;
      const provider = providerFor(em);
      const refused = await plan(spec, provider).catch((error: PfnetError) => error);
      expect((refused as PfnetError).code).toBe("PLAN_FORBIDDEN");
      expect((refused as PfnetError).message).toContain("vnet-aks is not the workspace's VNet vnet-pf");
      const writes = em.requests.entries.filter((r) => r.method !== "GET");
      expect(writes).toEqual([]);

      // A peering that is not connected yet does not count.
      em.state.addPeering("vnet-pf", {
        name: "to-aks",
        remoteVirtualNetwork: "vnet-aks",
        peeringState: "Initiated",
      });
      expect(((await plan(spec, provider).catch((e: PfnetError) => e)) as PfnetError).code).toBe(
        "PLAN_FORBIDDEN",
      );

      em.state.addPeering("vnet-pf", { name: "to-aks", remoteVirtualNetwork: "vnet-aks" });
      const from = em.requests.length;
      const planned = await plan(spec, provider);
      expect(codes(planned.diagnostics)).toEqual([]);
      const peeringLists = em.requests.entries
        .slice(from)
        .filter((r) => /\/virtualNetworks\/vnet-pf\/virtualNetworkPeerings$/i.test(r.path));
      expect(peeringLists).toHaveLength(1);
    } finally {
      await em.close();
    }
  });

  it("accepts an AKS cluster in a VNet holding an approved private endpoint of the workspace", async () => {
    const em = await startTestEmulator({ seed: seedWithAksVnet() });
    try {
      em.state.addCompute("pf-byo", "aks-far", "AKS", {
        properties: { aksNetworkingConfiguration: { subnetId: `${NET}/vnet-aks/subnets/snet-aks` } },
      });
      const workspaceId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.MachineLearningServices/workspaces/pf-byo`;
      const peId = `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.Network/privateEndpoints/pe-ws-aks`;
      em.state.addPrivateEndpoint(peId, `${NET}/vnet-aks/subnets/snet-aks`, workspaceId, "amlworkspace");
      const spec = await byoSpec();
      spec.workspaces["pf-byo"]!.vnet!.aksComputeName = "aks-far";
      spec.workspaces["pf-byo"]!.vnet!.aksSubnetId = `${NET}/vnet-aks/subnets/snet-aks`;
      const planned = await plan(spec, providerFor(em));
      expect(codes(planned.diagnostics)).toEqual([]);
    } finally {
      await em.close();
    }
  });
});
