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
