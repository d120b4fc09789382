/**
 * The operation-status URLs every long-running operation points to: Location polls
 * (`operationResults`) and Azure-AsyncOperation polls (`operationStatuses`), for every provider.
 */
import type { Route } from "../http.js";
import { pollReply } from "../http.js";
import { ArmError, key } from "../util.js";
import {
  AUTHORIZATION_VERSIONS,
  COGNITIVE_VERSIONS,
  COSMOS_VERSIONS,
  KEYVAULT_VERSIONS,
  ML_VERSIONS,
  NETWORK_VERSIONS,
  PRIVATE_DNS_VERSIONS,
  REDIS_VERSIONS,
  REGISTRY_VERSIONS,
  re,
  SEARCH_VERSIONS,
  SQL_VERSIONS,
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
    ...COSMOS_VERSIONS,
    ...SQL_VERSIONS,
    ...REDIS_VERSIONS,
  ]),
];

export function operationRoutes(): Route[] {
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
  ];
}
