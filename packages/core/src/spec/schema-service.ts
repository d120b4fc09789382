/** The spec's `services`: Azure services prompt flow reaches, and how pfnet treats them. */
import { type Static, Type } from "@sinclair/typebox";
import { ArmId } from "./schema-common.js";

export const ServiceKind = Type.Union(
  [
    Type.Literal("azureOpenAI"),
    Type.Literal("aiServices"),
    Type.Literal("contentSafety"),
    Type.Literal("aiSearch"),
    Type.Literal("storage"),
    Type.Literal("keyVault"),
    Type.Literal("containerRegistry"),
    Type.Literal("other"),
  ],
  {
    description:
      "What the service is; decides the private-endpoint subresource (account, searchService, blob, vault, registry).",
  },
);

export const NetworkAccess = Type.Object(
  {
    public: Type.Union([Type.Literal("disabled"), Type.Literal("selected"), Type.Literal("enabled")], {
      description:
        "disabled: public network access off, reached only through private endpoints; selected: public access only from `ipRules` (and, for Azure AI services, trusted Azure services); enabled: open to all networks again (a gated weakening).",
    }),
    ipRules: Type.Optional(
      Type.Array(
        Type.String({
          pattern:
            "^(?:(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(?:/(?:3[0-2]|[12]?[0-9]))?$",
          description: "An IPv4 address or CIDR range.",
        }),
        { description: "With `public: selected`: the public addresses let through." },
      ),
    ),
    trustedServices: Type.Optional(
      Type.Boolean({
        description:
          "With `public: selected` on Azure OpenAI / AI services / Content Safety: trusted Azure services pass the firewall (`networkAcls.bypass: AzureServices`). Not offered by AI Search 2023-11-01.",
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      "The service's own network settings. pfnet writes them only after every workspace's private path to the service is approved and Active (own VNet: private endpoint, DNS zone group, a private DNS zone linked to the VNet). Azure OpenAI, AI services, Content Safety and AI Search only.",
  },
);

export const Service = Type.Object(
  {
    kind: ServiceKind,
    id: ArmId("ARM resource id of the service."),
    subresource: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "Private-endpoint subresource (groupId). Needed for kind `other`; overrides the default of the kind.",
      }),
    ),
    approve: Type.Optional(
      Type.Boolean({
        default: true,
        description:
          "Approve the private-endpoint connection on this service when it stays Pending. Default true.",
      }),
    ),
    networkAccess: Type.Optional(NetworkAccess),
    approvalConnection: Type.Optional(
      ArmId(
        "ARM id of the private-endpoint connection on this service that is the workspace's, when pfnet cannot tell it from the connection's fields (a pending approval lists the candidates).",
      ),
    ),
  },
  {
    additionalProperties: false,
    description: "An Azure service prompt flow reaches through a private endpoint.",
  },
);

export type ServiceKind = Static<typeof ServiceKind>;
export type ServiceSpec = Static<typeof Service>;
export type NetworkAccessSpec = Static<typeof NetworkAccess>;
