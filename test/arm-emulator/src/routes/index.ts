/**
 * The route table of every resource provider the emulator serves, and the lookup ARM does before
 * a provider sees a request (unknown type, api-version, method).
 */
import type { Handler, Method, Route } from "../http.js";
import { ArmError } from "../util.js";
import { authorizationRoutes } from "./authorization.js";
import { mlRoutes } from "./ml/index.js";
import { networkRoutes } from "./network.js";
import { operationRoutes } from "./operations.js";
import { permissionRoutes } from "./permissions.js";
import { resourceGroupRoutes } from "./resource-groups.js";
import { targetRoutes } from "./targets.js";

export function allRoutes(): Route[] {
  return [
    ...authorizationRoutes(),
    ...permissionRoutes(),
    ...operationRoutes(),
    ...resourceGroupRoutes(),
    ...mlRoutes(),
    ...targetRoutes(),
    ...networkRoutes(),
  ];
}

/** The handler of the first route matching `path` (with its captures), or the ARM error for why none serves it. */
export function findHandler(
  routes: readonly Route[],
  method: Method,
  path: string,
  apiVersion: string,
): { handler: Handler; m: string[] } {
  let matched: { route: Route; m: string[] } | undefined;
  for (const route of routes) {
    const m = route.pattern.exec(path);
    if (m) {
      matched = { route, m: m.slice(1) };
      break;
    }
  }
  if (!matched) {
    const ns = /\/providers\/([^/]+)\/([^/]+)/i.exec(path);
    throw ns
      ? new ArmError(
          404,
          "InvalidResourceType",
          `The resource type '${ns[2]}' could not be found in the namespace '${ns[1]}' for api version '${apiVersion}'.`,
        )
      : new ArmError(404, "NotFound", `No route for ${method} ${path}.`);
  }
  const { route, m } = matched;
  if (!route.versions.includes(apiVersion)) {
    throw new ArmError(
      400,
      "InvalidApiVersionParameter",
      `The api-version '${apiVersion}' is invalid. The supported versions are '${route.versions.join(",")}'.`,
    );
  }
  const handler = route.handlers[method] ?? (method === "HEAD" ? route.handlers.GET : undefined);
  if (!handler) {
    throw new ArmError(
      405,
      "MethodNotAllowed",
      `The requested resource does not support http method '${method}'.`,
    );
  }
  return { handler, m };
}
