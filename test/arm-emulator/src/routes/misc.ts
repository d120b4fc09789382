/** Resource groups and the operation-status URLs every long-running operation points to. */
import type { Route } from "../http.js";
import { pollReply } from "../http.js";
import type { Model } from "../state/model.js";
import { ArmError, key } from "../util.js";
import {
  AUTHORIZATION_VERSIONS,
  COGNITIVE_VERSIONS,
  KEYVAULT_VERSIONS,
  ML_VERSIONS,
  NETWORK_VERSIONS,
  PRIVATE_DNS_VERSIONS,
  REGISTRY_VERSIONS,
  RESOURCES_VERSIONS,
  re,
  SEARCH_VERSIONS,
  STORAGE_VERSIONS,
  SUB,
} from "./common.js";

const ALL_VERSIONS = [
  ...new Set([
    ...ML_VERSIONS,
    ...NETWORK_VERSIONS,
    ...PRIVATE_DNS_VERSIONS,
    ...AUTHORIZATION_VERSIONS,
    ...STORAGE_VERSIONS,
    ...COGNITIVE_VERSIONS,
    ...SEARCH_VERSIONS,
    ...KEYVAULT_VERSIONS,
    ...REGISTRY_VERSIONS,
  ]),
];

function resourceGroupJson(model: Model, rg: string) {
  const name = model.resourceGroups.get(key(rg))!;
  return {
    id: model.rgId(name),
    name,
    type: "Microsoft.Resources/resourceGroups",
    location: model.location,
    properties: { provisioningState: "Succeeded" },
  };
}

export function miscRoutes(): Route[] {
  return [
    {
      name: "operations.poll",
      pattern: re(`${SUB}/providers/([^/]+)/locations/([^/]+)/(operationResults|operationStatuses)/([^/]+)`),
      versions: ALL_VERSIONS,
      handlers: {
        GET: (ctx) => {
          const [sub, , , kind, id] = ctx.m as [string, string, string, string, string];
          ctx.model.checkScope(sub);
          const op = ctx.model.operations.get(key(id));
          if (!op || op.forgotten)
            throw new ArmError(404, "OperationNotFound", `The operation '${id}' was not found.`);
          return pollReply(ctx, op, kind.toLowerCase() === "operationstatuses" ? "status" : "location");
        },
      },
    },
    {
      name: "resources.resourceGroup",
      pattern: re(`${SUB}/resourcegroups/([^/]+)`),
      versions: RESOURCES_VERSIONS,
      handlers: {
        GET: (ctx) => {
          const [sub, rg] = ctx.m as [string, string];
          ctx.model.checkScope(sub, rg);
          return { status: 200, body: resourceGroupJson(ctx.model, rg) };
        },
        PUT: (ctx) => {
          const [sub, rg] = ctx.m as [string, string];
          ctx.model.checkScope(sub);
          const existed = ctx.model.resourceGroups.has(key(rg));
          if (!existed) ctx.model.resourceGroups.set(key(rg), rg);
          return { status: existed ? 200 : 201, body: resourceGroupJson(ctx.model, rg) };
        },
      },
    },
  ];
}
