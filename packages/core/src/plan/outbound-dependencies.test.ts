import { describe, expect, it } from "vitest";
import { byoPrivate, NSG, seededProvider, topology } from "../../test/support.js";
import type { OutboundDependency } from "../provider.js";
import { plan } from "./plan.js";

const aad: OutboundDependency = {
  category: "Azure Active Directory",
  domainName: "login.microsoftonline.com",
  ports: [443],
};
const rstudio: OutboundDependency = {
  category: "Azure Machine Learning",
  domainName: "*.instances.azureml.ms",
  ports: [443, 8787],
};

describe("an own VNet's outbound dependencies", () => {
  it("are in the plan's posture, and a port pfnet's NSG rules do not open is PFN207", async () => {
    const provider = seededProvider({ outboundDependencies: { "pf-byo": [aad, rstudio] } });
    const spec = topology({ "pf-byo": byoPrivate() });
    const planned = await plan(spec, provider);
    const posture = planned.posture?.workspaces.find((ws) => ws.key === "pf-byo");
    expect(posture?.outboundDependencies).toEqual([aad, rstudio]);
    const pfn207 = planned.diagnostics.filter((d) => d.code === "PFN207");
    expect(pfn207.map((d) => [d.severity, d.path])).toEqual([["warning", "/workspaces/pf-byo/vnet/nsgId"]]);
    expect(pfn207[0]?.message).toContain("*.instances.azureml.ms:8787 (Azure Machine Learning)");
    expect(pfn207[0]?.message).not.toContain("login.microsoftonline.com");
  });

  it("are listed without a warning when pfnet writes no NSG rules, and never read for a managed network", async () => {
    const provider = seededProvider({ outboundDependencies: { "pf-byo": [rstudio], "pf-ws": [rstudio] } });
    const withoutNsg = byoPrivate();
    expect(withoutNsg.vnet?.nsgId).toBe(NSG);
    delete withoutNsg.vnet!.nsgId;
    const planned = await plan(topology({ "pf-byo": withoutNsg }), provider);
    expect(planned.posture?.workspaces[0]?.outboundDependencies).toEqual([rstudio]);
    expect(planned.diagnostics.filter((d) => d.code === "PFN207")).toEqual([]);

    const managed = await plan(
      topology({ "pf-ws": { network: "managed", ingress: "private", egress: "private" } }),
      provider,
    );
    expect(managed.posture?.workspaces[0]?.outboundDependencies).toBeUndefined();
  });
});
