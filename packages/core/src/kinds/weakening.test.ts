/** One fixture per weakening change each kind declares: marked in the plan, gated ones refused without consent. */
import { describe, expect, it } from "vitest";
import { AOAI, byoPrivate, managedPrivate, RG, SUB, seededProvider, topology } from "../../test/support.js";
import { apply } from "../apply/apply.js";
import { plan } from "../plan/plan.js";
import { parsePlan, serializePlan } from "../plan/serialize.js";
import type { Plan } from "../plan/types.js";
import { verifyPlan } from "../plan/verify.js";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import {
  type MemoryDependency,
  type MemoryProvider,
  type MemoryWorkspace,
  memoryWorkspace,
} from "../testing/index.js";
import type { MemoryTargetNetwork } from "../testing/state.js";
import { WEAKENINGS } from "./weakening.js";

const existing = (overrides: Partial<MemoryWorkspace>, name = "pf-ws") =>
  memoryWorkspace({ subscriptionId: SUB, resourceGroup: RG, name, networkStatus: "Active", ...overrides });

interface Fixture {
  change: string;
  gated: boolean;
  address: string;
  workspace: MemoryWorkspace;
  spec: WorkspaceSpec;
  key?: string;
  /** The spec's services beside the shared ones (support.ts), e.g. with `networkAccess`. */
  services?: Topology["services"];
  /** Target services' network settings as they exist. */
  targetNetworks?: MemoryTargetNetwork[];
  dependencies?: MemoryDependency[];
  /** A destroy plan (the spec applied first), restricted to these targets. */
  destroy?: { targets: string[]; prepare?: (provider: MemoryProvider) => void };
}

const approvedOnly = { publicNetworkAccess: "Disabled", isolationMode: "AllowOnlyApprovedOutbound" } as const;

const FIXTURES: Fixture[] = [
  {
    change: "ingressPublic",
    gated: true,
    address: "workspace.pf-ws",
    workspace: existing(approvedOnly),
    spec: managedPrivate({ ingress: "public", reach: { services: ["aoai"] }, endpoints: {} }),
  },
  {
    change: "serverlessPublicIp",
    gated: true,
    address: "workspace.pf-byo",
    key: "pf-byo",
    workspace: existing(
      {
        publicNetworkAccess: "Disabled",
        computes: ["aks-pf"],
        serverlessComputeSettings: {
          serverlessComputeCustomSubnet: byoPrivate().serverless!.subnetId,
          serverlessComputeNoPublicIP: true,
        },
      },
      "pf-byo",
    ),
    spec: byoPrivate({ serverless: { subnetId: byoPrivate().serverless!.subnetId, noPublicIp: false } }),
  },
  {
    change: "endpointIngressPublic",
    gated: true,
    address: "workspace.pf-ws.endpoint.pf-chat",
    workspace: existing({
      ...approvedOnly,
      onlineEndpoints: { "pf-chat": { publicNetworkAccess: "Disabled" } },
    }),
    spec: managedPrivate({ reach: { services: ["aoai"] }, endpoints: { "pf-chat": { ingress: "public" } } }),
  },
  {
    change: "privateEndpointRuleRemoved",
    gated: true,
    address: "workspace.pf-ws.rule.pe-old",
    workspace: existing({
      isolationMode: "AllowInternetOutbound",
      rules: {
        "pe-old": {
          type: "PrivateEndpoint",
          category: "UserDefined",
          destination: { serviceResourceId: "/x", subresourceTarget: "account", sparkEnabled: false },
          status: "Active",
        },
      },
    }),
    spec: managedPrivate({
      egress: "public",
      reach: { services: ["aoai"] },
      unlistedRules: "delete",
      endpoints: {},
    }),
  },
  {
    change: "privateEndpointRemoved",
    gated: true,
    address: "workspace.pf-byo.pe.aoai",
    key: "pf-byo",
    workspace: existing({ publicNetworkAccess: "Disabled", computes: ["aks-pf"] }, "pf-byo"),
    spec: byoPrivate({ reach: { services: ["aoai"] } }),
    destroy: {
      targets: ["workspace.pf-byo.pe.aoai"],
      // Its DNS zone group already gone, the endpoint is the one removal that weakens.
      prepare: (provider) =>
        provider.update((state) => {
          for (const pe of state.privateEndpoints) delete pe.dnsZoneGroup;
        }),
    },
  },
  {
    change: "privateDnsRecordsRemoved",
    gated: true,
    address: "workspace.pf-byo.pe.aoai.dns",
    key: "pf-byo",
    workspace: existing({ publicNetworkAccess: "Disabled", computes: ["aks-pf"] }, "pf-byo"),
    spec: byoPrivate({ reach: { services: ["aoai"] } }),
    destroy: { targets: ["workspace.pf-byo.pe.aoai.dns"] },
  },
  {
    change: "dependencyPublic",
    gated: true,
    address: "workspace.pf-ws.dependency.storageAccount",
    workspace: existing(approvedOnly),
    dependencies: [{ id: existing(approvedOnly).storageAccount, publicNetworkAccess: "Disabled" }],
    spec: managedPrivate({
      reach: { services: ["aoai"] },
      endpoints: {},
      dependencies: { private: false, storageAccount: existing(approvedOnly).storageAccount },
    }),
  },
  {
    change: "newOutboundDestination",
    gated: false,
    address: "workspace.pf-ws.rule.fqdn-wildcard-example-com",
    workspace: existing(approvedOnly),
    spec: managedPrivate({ reach: { hosts: ["*.example.com"] }, endpoints: {} }),
  },
  {
    change: "widerPorts",
    gated: false,
    address: "workspace.pf-ws.rule.tag-AzureMonitor",
    workspace: existing({
      ...approvedOnly,
      rules: {
        "tag-AzureMonitor": {
          type: "ServiceTag",
          category: "UserDefined",
          destination: { serviceTag: "AzureMonitor", protocol: "TCP", portRanges: "443", action: "Allow" },
          status: "Active",
        },
      },
    }),
    spec: managedPrivate({
      reach: { serviceTags: [{ serviceTag: "AzureMonitor", ports: "443, 8080-8081" }] },
      endpoints: {},
    }),
  },
  {
    change: "servicePublicAccessOn",
    gated: true,
    address: "service.aoai.network-access",
    workspace: existing(approvedOnly),
    spec: managedPrivate({ reach: { services: ["aoai"] }, endpoints: {} }),
    services: { aoai: { kind: "azureOpenAI", id: AOAI, networkAccess: { public: "enabled" } } },
    targetNetworks: [
      {
        targetId: AOAI,
        publicNetworkAccess: "Disabled",
        defaultAction: "Allow",
        ipRules: [],
        bypass: "None",
      },
    ],
  },
  {
    change: "serviceFirewallWidened",
    gated: true,
    address: "service.aoai.network-access",
    workspace: existing(approvedOnly),
    spec: managedPrivate({ reach: { services: ["aoai"] }, endpoints: {} }),
    services: {
      aoai: {
        kind: "azureOpenAI",
        id: AOAI,
        networkAccess: { public: "selected", ipRules: ["203.0.113.9", "198.51.100.7"] },
      },
    },
    targetNetworks: [
      {
        targetId: AOAI,
        publicNetworkAccess: "Enabled",
        defaultAction: "Deny",
        ipRules: ["203.0.113.9"],
        bypass: "None",
      },
    ],
  },
];

describe("weakening: each kind's declared changes", () => {
  it("has a fixture for every declared change", () => {
    const declared = Object.values(WEAKENINGS).flatMap((list) => list!.map((d) => d.change));
    expect(FIXTURES.map((f) => f.change).sort()).toEqual(declared.sort());
  });

  for (const fixture of FIXTURES) {
    it(`${fixture.change}: marked on ${fixture.address}${fixture.gated ? ", refused without consent, applied with it" : ", not gated"}`, async () => {
      const key = fixture.key ?? "pf-ws";
      const spec = topology({ [key]: fixture.spec });
      spec.services = { ...spec.services, ...fixture.services };
      const provider = seededProvider({
        state: {
          workspaces: [structuredClone(fixture.workspace)],
          ...(fixture.targetNetworks ? { targetNetworks: structuredClone(fixture.targetNetworks) } : {}),
          ...(fixture.dependencies ? { dependencies: structuredClone(fixture.dependencies) } : {}),
        },
      });
      if (fixture.destroy) {
        expect((await apply(await plan(spec, provider), provider, { allowWeaken: true })).errors).toEqual([]);
        fixture.destroy.prepare?.(provider);
      }
      const planned = await plan(
        spec,
        provider,
        fixture.destroy ? { mode: "destroy", targets: fixture.destroy.targets } : {},
      );
      const step = planned.steps.find((s) => s.address === fixture.address)!;
      expect(step.weakens).toEqual([
        expect.objectContaining({ change: fixture.change, gated: fixture.gated }),
      ]);
      // Every other step widens nothing.
      expect(planned.steps.filter((s) => s.weakens).map((s) => s.address)).toEqual([fixture.address]);
      expect(() => verifyPlan(parsePlan(serializePlan(planned)))).not.toThrow();

      const applies = provider.calls.apply;
      if (fixture.gated) {
        await expect(apply(planned, provider)).rejects.toMatchObject({
          code: "WEAKENING_NOT_ALLOWED",
          details: { steps: [expect.objectContaining({ address: fixture.address, change: fixture.change })] },
        });
        expect(provider.calls.apply).toBe(applies);
      }
      const result = await apply(planned, provider, { allowWeaken: fixture.gated });
      expect(result.outcomes.failed, JSON.stringify(result.errors)).toBe(0);
      expect(provider.calls.apply).toBeGreaterThan(applies);
    });
  }

  it("a plan whose weakens mark was removed is refused as tampered, so consent cannot be dodged", async () => {
    const fixture = FIXTURES[0]!;
    const provider = seededProvider({ state: { workspaces: [structuredClone(fixture.workspace)] } });
    const planned = await plan(topology({ "pf-ws": fixture.spec }), provider);
    const forged = JSON.parse(JSON.stringify(planned)) as Plan;
    delete forged.steps.find((s) => s.address === fixture.address)!.weakens;
    await expect(apply(parsePlan(serializePlan(forged)), provider)).rejects.toMatchObject({
      code: "PLAN_TAMPERED",
      details: { field: "weakens" },
    });
    expect(provider.calls.apply).toBe(0);
  });

  it("consent is judged on the fresh read too: a forged before (re-marked) does not dodge it", async () => {
    const fixture = FIXTURES[0]!;
    const provider = seededProvider({ state: { workspaces: [structuredClone(fixture.workspace)] } });
    const planned = await plan(topology({ "pf-ws": fixture.spec }), provider);
    const forged = JSON.parse(JSON.stringify(planned)) as Plan;
    const step = forged.steps.find((s) => s.address === fixture.address)!;
    step.before = { ...step.before, publicNetworkAccess: "Enabled" };
    delete step.weakens;
    await expect(apply(parsePlan(serializePlan(forged)), provider)).rejects.toMatchObject({
      code: "WEAKENING_NOT_ALLOWED",
    });
    expect(provider.calls.apply).toBe(0);
  });
});
