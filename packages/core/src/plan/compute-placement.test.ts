import { describe, expect, it, vi } from "vitest";
import {
  byoPrivate,
  managedPrivate,
  RG,
  rgId,
  SUB,
  SUBNET_COMPUTE,
  topology,
  VNET,
} from "../../test/support.js";
import type { PfnetError } from "../errors.js";
import type { ComputePlacement } from "../model.js";
import { MemoryProvider } from "../testing/memory-provider.js";
import { memoryWorkspace } from "../testing/state.js";
import { plan } from "./plan.js";

const AKS_VNET = `${rgId}/providers/Microsoft.Network/virtualNetworks/vnet-aks`;
const AKS_SUBNET = `${AKS_VNET}/subnets/snet-aks`;

/** pf-ws (managed, private ingress) and pf-byo (own VNet), each with the given computes. */
function provider(
  computes: ComputePlacement[],
  options: ConstructorParameters<typeof MemoryProvider>[0] = {},
  managedComputes: ComputePlacement[] = [],
) {
  const at = { subscriptionId: SUB, resourceGroup: RG, publicNetworkAccess: "Disabled" as const };
  return new MemoryProvider({
    ...options,
    state: {
      workspaces: [
        memoryWorkspace({
          ...at,
          name: "pf-ws",
          isolationMode: "AllowOnlyApprovedOutbound",
          computes: managedComputes,
        }),
        memoryWorkspace({ ...at, name: "pf-byo", computes }),
      ],
    },
  });
}

const codes = (diagnostics: { code: string; severity: string }[]) =>
  diagnostics.filter((d) => /^PFN22\d$/.test(d.code)).map((d) => [d.code, d.severity]);

describe("compute placement at plan time", () => {
  it("reports a compute outside the stated subnets and one with a public IP (warnings; errors under strict)", async () => {
    const computes: ComputePlacement[] = [
      { name: "ci-in", type: "computeInstance", subnetId: SUBNET_COMPUTE, publicIp: false },
      { name: "ci-public", type: "computeInstance", subnetId: SUBNET_COMPUTE, publicIp: true },
      { name: "cluster-out", type: "computeCluster", subnetId: `${VNET}/subnets/snet-pe`, publicIp: false },
      { name: "aks-pf", type: "kubernetes", subnetId: `${VNET}/subnets/snet-aks` },
    ];
    const spec = topology({ "pf-byo": byoPrivate({ computes: { subnetIds: [SUBNET_COMPUTE] } }) });
    const planned = await plan(spec, provider(computes));
    expect(codes(planned.diagnostics)).toEqual([
      ["PFN220", "warning"],
      ["PFN221", "warning"],
    ]);
    expect(planned.diagnostics.find((d) => d.code === "PFN220")?.message).toContain('"cluster-out"');
    expect(planned.diagnostics.find((d) => d.code === "PFN221")?.message).toContain('"ci-public"');

    const strict = await plan(spec, provider(computes), { strict: true }).catch((error: PfnetError) => error);
    expect((strict as PfnetError).code).toBe("POSTURE_STRICT");
    expect((strict as PfnetError).message).toContain("PFN220");
    expect((strict as PfnetError).message).toContain("PFN221");
  });

  it("holds a managed workspace with private ingress to no public IPs, and never to subnets", async () => {
    const computes: ComputePlacement[] = [{ name: "ci", type: "computeInstance", publicIp: true }];
    const memory = provider([], {}, computes);
    const planned = await plan(topology({ "pf-ws": managedPrivate() }), memory);
    expect(codes(planned.diagnostics)).toEqual([["PFN221", "warning"]]);
    const allowed = await plan(
      topology({ "pf-ws": managedPrivate({ computes: { noPublicIp: false } }) }),
      memory,
    );
    expect(codes(allowed.diagnostics)).toEqual([]);
  });

  it("refuses an AKS cluster in an unpeered VNet without a workspace private endpoint, and accepts a peered one", async () => {
    const computes: ComputePlacement[] = [{ name: "aks-pf", type: "kubernetes", subnetId: AKS_SUBNET }];
    const spec = topology({ "pf-byo": byoPrivate() });
    const unlinked = provider(computes);
    const refused = await plan(spec, unlinked).catch((error: PfnetError) => error);
    expect((refused as PfnetError).code).toBe("PLAN_FORBIDDEN");
    expect((refused as PfnetError).message).toContain("vnet-aks");
    const found = ((refused as PfnetError).details?.diagnostics ?? []) as { code: string }[];
    expect(found.map((d) => d.code)).toContain("PFN222");

    for (const links of [
      { peered: [AKS_VNET], privateEndpointNetworks: [] },
      { peered: [AKS_SUBNET], privateEndpointNetworks: [] },
      { peered: [], privateEndpointNetworks: [AKS_VNET.toUpperCase()] },
    ]) {
      const planned = await plan(spec, provider(computes, { networkLinks: { "pf-byo": links } }));
      expect(codes(planned.diagnostics), JSON.stringify(links)).toEqual([]);
    }
  });

  it("judges the stated AKS subnet when the compute reports none, and asks for links only outside the VNet", async () => {
    const spec = topology({
      "pf-byo": byoPrivate({ vnet: { ...byoPrivate().vnet!, aksSubnetId: AKS_SUBNET } }),
    });
    const refused = await plan(spec, provider([{ name: "aks-pf", type: "kubernetes" }])).catch(
      (error: PfnetError) => error,
    );
    expect((refused as PfnetError).code).toBe("PLAN_FORBIDDEN");

    const inside = provider([{ name: "aks-pf", type: "kubernetes", subnetId: `${VNET}/subnets/snet-aks` }]);
    const links = vi.spyOn(inside, "networkLinks");
    const planned = await plan(
      topology({
        "pf-byo": byoPrivate({ vnet: { ...byoPrivate().vnet!, aksSubnetId: `${VNET}/subnets/snet-aks` } }),
      }),
      inside,
    );
    expect(codes(planned.diagnostics)).toEqual([]);
    // The reported subnet is judged: in the workspace's VNet, so no links are read and the
    // stated subnet elsewhere is PFN223, not PFN222.
    const mismatch = await plan(spec, inside);
    expect(codes(mismatch.diagnostics)).toEqual([["PFN223", "warning"]]);
    expect(links).not.toHaveBeenCalled();
  });
});
