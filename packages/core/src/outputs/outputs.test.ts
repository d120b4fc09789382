import { describe, expect, it } from "vitest";
import { managedPrivate, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { plan } from "../plan/plan.js";
import { readOutputs } from "./outputs.js";

describe("readOutputs", () => {
  it("before apply: the workspace as it is, rules missing, no connections, no firewall", async () => {
    const provider = seededProvider();
    const spec = topology({ "pf-ws": managedPrivate() });
    const { workspaces } = await readOutputs(spec, provider);
    expect(workspaces).toHaveLength(1);
    const ws = workspaces[0]!;
    expect(ws).toMatchObject({ exists: true, publicNetworkAccess: "Enabled", isolationMode: "Disabled" });
    expect(ws.firewallPublicIpAddress).toBeUndefined();
    expect(ws.privateEndpoints.map((pe) => [pe.service, pe.outboundRule?.exists, pe.connection])).toEqual([
      ["aoai", false, undefined],
      ["search", false, undefined],
      ["safety", false, undefined],
    ]);
  });

  it("after apply: rule statuses, approved connections, the firewall IP the provider reports", async () => {
    const provider = seededProvider();
    provider.update((state) => {
      state.workspaces[0]!.firewallPublicIpAddress = "203.0.113.7";
    });
    const spec = topology({ "pf-ws": managedPrivate() });
    const result = await apply(await plan(spec, provider), provider);
    expect(result.errors).toEqual([]);
    const ws = (await readOutputs(spec, provider)).workspaces[0]!;
    expect(ws.firewallPublicIpAddress).toBe("203.0.113.7");
    expect(ws.networkStatus).toBe("Active");
    expect(ws.outsideHosts).toEqual(["serpapi.com"]);
    for (const pe of ws.privateEndpoints) {
      expect(pe.outboundRule).toEqual({ name: `pe-${pe.service}`, exists: true, status: "Active" });
      expect(pe.connection?.status).toBe("Approved");
    }
    expect(ws.inbound).toMatchObject({ ingress: "private", privateEndpointRequired: true, connections: [] });
    expect(ws.inbound.privateDnsZones).toEqual([
      "privatelink.api.azureml.ms",
      "privatelink.notebooks.azure.net",
    ]);
    expect(ws.onlineEndpoints).toEqual([{ name: "pf-chat", exists: true, publicNetworkAccess: "Disabled" }]);
  });

  it("a workspace that does not exist is reported as such; an aborted signal stops before reading", async () => {
    const provider = seededProvider();
    const spec = topology({ ghost: managedPrivate() });
    const ws = (await readOutputs(spec, provider)).workspaces[0]!;
    expect(ws.exists).toBe(false);
    const controller = new AbortController();
    controller.abort();
    await expect(readOutputs(spec, provider, { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
  });
});
