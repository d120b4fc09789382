/**
 * ARM ids of the right resource type (PFN123) and services whose `kind` matches their id (PFN124).
 * The schema only checks an id's shape; a VNet id where a subnet id belongs, or an AI Search id
 * under `kind: azureOpenAI`, passes it and fails much later in Azure — after pfnet has already
 * replaced working outbound rules — so both are refused before anything is read.
 */
import type { Diagnostic } from "../diagnostics.js";
import { pointer } from "../spec/pointer.js";
import type { ServiceKind, Topology } from "../spec/schema.js";
import { diagnostic } from "./workspace-rules/context.js";

/**
 * The resource type of an ARM id, e.g. `Microsoft.Network/virtualNetworks/subnets`, or
 * undefined when the part after `providers/<namespace>` is not type/name pairs.
 */
export function armResourceType(id: string): string | undefined {
  const segments = id.split("/");
  const at = segments.findIndex((segment) => segment.toLowerCase() === "providers");
  if (at < 0) return undefined;
  const [namespace, ...rest] = segments.slice(at + 1);
  if (namespace === undefined || rest.length === 0 || rest.length % 2 !== 0) return undefined;
  return [namespace, ...rest.filter((_, index) => index % 2 === 0)].join("/");
}

const sameType = (actual: string | undefined, expected: string) =>
  actual !== undefined && actual.toLowerCase() === expected.toLowerCase();

const SUBNET = "Microsoft.Network/virtualNetworks/subnets";

/** The resource type each ARM-id field of a workspace takes. */
const WORKSPACE_ID_FIELDS: ReadonlyArray<{ at: readonly string[]; type: string }> = [
  { at: ["vnet", "vnetId"], type: "Microsoft.Network/virtualNetworks" },
  { at: ["vnet", "subnetId"], type: SUBNET },
  { at: ["vnet", "nsgId"], type: "Microsoft.Network/networkSecurityGroups" },
  { at: ["vnet", "aksSubnetId"], type: SUBNET },
  { at: ["serverless", "subnetId"], type: SUBNET },
  { at: ["create", "storageAccount"], type: "Microsoft.Storage/storageAccounts" },
  { at: ["create", "keyVault"], type: "Microsoft.KeyVault/vaults" },
  { at: ["create", "containerRegistry"], type: "Microsoft.ContainerRegistry/registries" },
  { at: ["create", "applicationInsights"], type: "Microsoft.Insights/components" },
];

/** The resource type behind each service kind; `other` takes any. */
export const SERVICE_RESOURCE_TYPES: Record<ServiceKind, string | undefined> = {
  azureOpenAI: "Microsoft.CognitiveServices/accounts",
  aiServices: "Microsoft.CognitiveServices/accounts",
  contentSafety: "Microsoft.CognitiveServices/accounts",
  aiSearch: "Microsoft.Search/searchServices",
  storage: "Microsoft.Storage/storageAccounts",
  keyVault: "Microsoft.KeyVault/vaults",
  containerRegistry: "Microsoft.ContainerRegistry/registries",
  other: undefined,
};

/** Every kind whose resource type is `type`, for the hint. */
const kindsOf = (type: string) =>
  Object.entries(SERVICE_RESOURCE_TYPES)
    .filter(([, expected]) => expected !== undefined && sameType(type, expected))
    .map(([kind]) => `\`${kind}\``);

function valueAt(root: unknown, segments: readonly string[]): unknown {
  let value = root;
  for (const segment of segments) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

/** PFN123 and PFN124 over the whole topology. */
export function checkArmIds(topology: Topology): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(topology.services ?? {})) {
    const actual = armResourceType(service.id);
    const expected = SERVICE_RESOURCE_TYPES[service.kind];
    if (expected !== undefined && !sameType(actual, expected)) {
      const fitting = actual === undefined ? [] : kindsOf(actual);
      out.push(
        diagnostic(
          "PFN124",
          pointer("services", name, "kind"),
          `Service "${name}" has \`kind: ${service.kind}\`, which is a ${expected} resource, but its id is ${actual === undefined ? "not a resource id of type/name pairs" : `a ${actual} resource`}.`,
          fitting.length > 0
            ? `Set \`kind\` to ${fitting.join(" or ")} for this id, or correct the id.`
            : "Correct the id, or use `kind: other` with its `subresource` for a service pfnet has no kind for.",
        ),
      );
    }
    if (service.approvalConnection !== undefined) {
      const connections = `${service.id}/privateEndpointConnections/`.toLowerCase();
      const id = service.approvalConnection.toLowerCase();
      if (!id.startsWith(connections) || id.slice(connections.length).includes("/")) {
        out.push(
          diagnostic(
            "PFN123",
            pointer("services", name, "approvalConnection"),
            `Service "${name}": \`approvalConnection\` must be a private-endpoint connection of the service itself (${service.id}/privateEndpointConnections/<name>).`,
            "Copy the connection id from the pending-approval candidates pfnet lists, or from `az network private-endpoint-connection list --id <service id>`.",
          ),
        );
      }
    }
  }
  for (const [key, workspace] of Object.entries(topology.workspaces)) {
    const fields = [
      ...WORKSPACE_ID_FIELDS,
      ...(workspace.computes?.subnetIds ?? []).map((_, index) => ({
        at: ["computes", "subnetIds", String(index)],
        type: SUBNET,
      })),
    ];
    for (const field of fields) {
      const id = valueAt(workspace, field.at);
      if (typeof id !== "string") continue;
      const actual = armResourceType(id);
      if (sameType(actual, field.type)) continue;
      out.push(
        diagnostic(
          "PFN123",
          pointer("workspaces", key, ...field.at),
          `Workspace "${key}": \`${field.at.join(".")}\` must be the id of a ${field.type} resource, but it is ${actual === undefined ? "not a resource id of type/name pairs" : `the id of a ${actual} resource`}.`,
          field.type === SUBNET
            ? "Use the subnet's id: the virtual network's id followed by `/subnets/<subnet name>`."
            : `Use the id of the ${field.type} resource (\`az resource show --ids <id> --query type\` tells an id's type).`,
        ),
      );
    }
    const vnet = workspace.vnet;
    if (
      vnet !== undefined &&
      sameType(armResourceType(vnet.vnetId), "Microsoft.Network/virtualNetworks") &&
      sameType(armResourceType(vnet.subnetId), SUBNET) &&
      !vnet.subnetId.toLowerCase().startsWith(`${vnet.vnetId.toLowerCase()}/subnets/`)
    ) {
      out.push(
        diagnostic(
          "PFN123",
          pointer("workspaces", key, "vnet", "subnetId"),
          `Workspace "${key}": \`vnet.subnetId\` is a subnet of another virtual network than \`vnet.vnetId\`; the private endpoints pfnet creates must sit in the workspace's own VNet.`,
          "Use a subnet of the VNet named by `vnet.vnetId` (its id followed by `/subnets/<subnet name>`), or correct `vnet.vnetId`.",
        ),
      );
    }
  }
  return out;
}
