/**
 * An own VNet with strict outbound: `pfnet plan` reads the hosts the workspace reports it
 * depends on (the emulator's `Workspaces_ListOutboundNetworkDependenciesEndpoints`) and shows
 * them as what the firewall must allow, with PFN207 for a port pfnet's NSG rules leave closed.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.js";
import { ofType, streamOf } from "./stream.js";
import { env, withEmulator } from "./with-emulator.js";

const SPEC = "examples/byo-private-public.yaml";

describe("pfnet plan of an own-VNet workspace", () => {
  it("lists its outbound dependencies (text and JSON) and warns about a port its NSG rules leave closed", async () => {
    await withEmulator(async (em, target) => {
      em.state.setOutboundDependencies("pf-byo", [
        {
          properties: {
            category: "Azure Active Directory",
            endpoints: [{ domainName: "login.microsoftonline.com", endpointDetails: [{ port: 443 }] }],
          },
        },
        {
          properties: {
            category: "Azure Machine Learning",
            endpoints: [
              { domainName: "*.instances.azureml.ms", endpointDetails: [{ port: 443 }, { port: 8787 }] },
            ],
          },
        },
      ]);
      const text = await run(["plan", SPEC, ...target], { env });
      expect(text.code, text.stdout + text.stderr).toBe(0);
      expect(text.stdout).toContain(
        "pf-byo: firewall must allow outbound login.microsoftonline.com:443 (Azure Active Directory)",
      );
      expect(text.stdout).toContain("pf-byo: firewall must allow outbound *.instances.azureml.ms:443,8787");
      expect(text.stdout + text.stderr).toContain("PFN207");

      const json = await run(["plan", SPEC, "--json", ...target], { env });
      const planLine = ofType(streamOf(json), "plan")[0]!;
      const posture = (planLine.plan as { posture: { workspaces: Array<Record<string, unknown>> } }).posture;
      expect(posture.workspaces.find((ws) => ws.key === "pf-byo")?.outboundDependencies).toEqual([
        { category: "Azure Active Directory", domainName: "login.microsoftonline.com", ports: [443] },
        { category: "Azure Machine Learning", domainName: "*.instances.azureml.ms", ports: [443, 8787] },
      ]);
      const requests = em.requests.entries.filter((e) =>
        e.path.toLowerCase().endsWith("/outboundnetworkdependenciesendpoints"),
      );
      expect(requests.map((e) => e.method)).toEqual(["GET", "GET"]);
    });
  });
});
