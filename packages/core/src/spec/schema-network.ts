/** The spec's network vocabulary: ingress, egress, outbound reach, endpoints, own VNet, serverless, computes, private dependencies. */
import { type Static, Type } from "@sinclair/typebox";
import { ArmId } from "./schema-common.js";

export const Ingress = Type.Union([Type.Literal("public"), Type.Literal("private")], {
  description: "public: reachable from the internet; private: only through private endpoints.",
});
export const Egress = Type.Union([Type.Literal("public"), Type.Literal("private")], {
  description:
    "public: outbound to the internet allowed (managed: AllowInternetOutbound); private: only approved outbound (managed: AllowOnlyApprovedOutbound).",
});

export const ServiceTagRule = Type.Object(
  {
    name: Type.Optional(Type.String({ description: "Outbound rule name; default `tag-<serviceTag>`." })),
    serviceTag: Type.String({
      minLength: 1,
      description: "Azure service tag, e.g. AzureMonitor or Storage.eastus.",
    }),
    protocol: Type.Optional(
      Type.Union([Type.Literal("TCP"), Type.Literal("UDP"), Type.Literal("ICMP"), Type.Literal("*")], {
        default: "TCP",
        description: "Protocol of the service-tag rule. Default TCP.",
      }),
    ),
    ports: Type.Optional(
      Type.String({ default: "443", description: "Port ranges, e.g. `443` or `80, 8080-8089`." }),
    ),
  },
  { additionalProperties: false },
);

export const Reach = Type.Object(
  {
    services: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description: "Names of `services` entries reached through private-endpoint outbound rules.",
      }),
    ),
    hosts: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          "Outside hosts (FQDN, optional `:port`, wildcard `*.example.com`) reached through FQDN outbound rules.",
      }),
    ),
    serviceTags: Type.Optional(Type.Array(ServiceTagRule, { description: "Service-tag outbound rules." })),
  },
  { additionalProperties: false },
);

export const Endpoint = Type.Object(
  {
    kind: Type.Optional(
      Type.Union([Type.Literal("managed"), Type.Literal("kubernetes")], {
        default: "managed",
        description: "Online endpoint type.",
      }),
    ),
    ingress: Ingress,
    ipRules: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        description:
          "Not offered by Azure for online endpoints: always refused (PFN125), with what to use instead (private ingress with a private endpoint; IP rules on the target services).",
      }),
    ),
  },
  { additionalProperties: false, description: "An online endpoint that serves the flow." },
);

export const OwnNetwork = Type.Object(
  {
    vnetId: ArmId("The virtual network the workspace resources live in."),
    subnetId: ArmId("Subnet for the private endpoints pfnet creates to the services."),
    nsgId: Type.Optional(ArmId("Network security group whose required outbound rules pfnet keeps.")),
    privateDnsZoneResourceGroup: Type.Optional(
      Type.String({
        description: "Resource group of the private DNS zones; default the spec's resource group.",
      }),
    ),
    aksComputeName: Type.Optional(
      Type.String({ description: "Attached AKS compute used as the Kubernetes online endpoint target." }),
    ),
    aksSubnetId: Type.Optional(
      ArmId(
        "Subnet of the AKS cluster the Kubernetes online endpoints run on: in `vnetId`, in a VNet peered with it, or in a VNet holding a private endpoint of the workspace (checked at plan time, PFN222; compared with what the attached compute reports, PFN223).",
      ),
    ),
  },
  { additionalProperties: false, description: "Own virtual network (network: byo)." },
);

export const Serverless = Type.Object(
  {
    subnetId: ArmId("Custom subnet for serverless compute (own VNet only)."),
    noPublicIp: Type.Optional(
      Type.Boolean({
        default: false,
        description: "Serverless compute gets no public IP (no_public_ip). Default false.",
      }),
    ),
  },
  { additionalProperties: false },
);

export const Computes = Type.Object(
  {
    subnetIds: Type.Optional(
      Type.Array(ArmId("A subnet of `vnet.vnetId`."), {
        minItems: 1,
        description:
          "Own VNet: the subnets the workspace's compute instances and clusters may sit in. Default: any subnet of `vnet.vnetId`.",
      }),
    ),
    noPublicIp: Type.Optional(
      Type.Boolean({
        description:
          "Compute instances and clusters have no public IP address. Default true with an own VNet or `ingress: private`, else false.",
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "Where the workspace's compute instances and clusters may sit and whether they may have public IP addresses. pfnet creates no computes: plan reads them and reports the ones that differ (PFN220, PFN221).",
  },
);

export const Dependencies = Type.Object(
  {
    private: Type.Boolean({
      description:
        "true: pfnet turns public network access off on each dependency named here (or in the `create` block), in the order that leaves the shortest time without a path; false: on again (a weakening: needs --allow-weaken).",
    }),
    storageAccount: Type.Optional(
      ArmId("The workspace's storage account; default the `create` block's. Checked against the workspace."),
    ),
    keyVault: Type.Optional(
      ArmId("The workspace's key vault; default the `create` block's. Checked against the workspace."),
    ),
    containerRegistry: Type.Optional(
      ArmId(
        "The workspace's container registry (Premium, and `imageBuildCompute` set, to be private); default the `create` block's. Checked against the workspace.",
      ),
    ),
  },
  {
    additionalProperties: false,
    description:
      "The workspace's storage account, key vault and container registry: made private (publicNetworkAccess Disabled) when `private` is true. pfnet changes only the ones named here or in the `create` block.",
  },
);
export type DependenciesSpec = Static<typeof Dependencies>;

export type ServiceTagRuleSpec = Static<typeof ServiceTagRule>;
export type ReachSpec = Static<typeof Reach>;
export type EndpointSpec = Static<typeof Endpoint>;
export type OwnNetworkSpec = Static<typeof OwnNetwork>;
export type ServerlessSpec = Static<typeof Serverless>;
export type ComputesSpec = Static<typeof Computes>;
