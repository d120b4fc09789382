/**
 * Private-endpoint targets: storage accounts, Cognitive Services accounts (Azure OpenAI, Content
 * Safety), AI Search, key vaults, container registries, app insights — get, patch of the network
 * properties, and their privateEndpointConnections (list, get, put = approve/reject, delete).
 * The connection routes also serve an ML workspace's own (inbound) connections.
 */
import type { Ctx, Reply, Route } from "../http.js";
import { acceptedAsync, lroForm } from "../http.js";
import type { ArmResource, ConnectionStatus, PeConnection } from "../state/model.js";
import { ArmError, clone, isObject, type JsonObject, key, notFound, str } from "../util.js";
import {
  bodyObject,
  COGNITIVE_VERSIONS,
  COSMOS_VERSIONS,
  INSIGHTS_VERSIONS,
  KEYVAULT_VERSIONS,
  ML_VERSIONS,
  REDIS_VERSIONS,
  REGISTRY_VERSIONS,
  RG,
  re,
  SEARCH_VERSIONS,
  SQL_VERSIONS,
  STORAGE_VERSIONS,
} from "./common.js";
import { connectionJson, connectionSpec } from "./connection-specs.js";
import { patchKeyVault, patchRegistry } from "./dependency-network.js";
import { patchCognitiveAccount, patchSearchService } from "./target-network.js";

export { connectionJson };

const NO_ETAG = new Set([
  "microsoft.storage/storageaccounts",
  "microsoft.search/searchservices",
  "microsoft.keyvault/vaults",
]);

export function resourceJson(r: ArmResource): JsonObject {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    location: r.location,
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.sku !== undefined ? { sku: clone(r.sku) } : {}),
    ...(r.tags !== undefined ? { tags: clone(r.tags) } : {}),
    // storage.json 2025-08-01 `StorageAccount` and search.json 2023-11-01 `SearchService`
    // (TrackedResource) and keyvault.json 2023-07-01 `Vault` declare no etag.
    ...(NO_ETAG.has(key(r.type)) ? {} : { etag: r.etag }),
    properties: {
      ...clone(r.properties),
      privateEndpointConnections: [...r.connections.values()].map((c) => connectionJson(r, c)),
    },
  };
}

function targetOf(ctx: Ctx, type: string): ArmResource {
  const [sub, rg, name] = ctx.m as [string, string, string];
  ctx.model.checkScope(sub, rg);
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${type}/${name}`;
  const r = ctx.model.resource(id);
  if (!r || key(r.type) !== key(type)) throw notFound(type, name, rg);
  return r;
}

/**
 * PATCH of the network-related properties (publicNetworkAccess, networkAcls), synchronous; a
 * CognitiveServices account and a Search service (target-network.ts), a key vault and a
 * container registry (dependency-network.ts) answer as their specs declare.
 */
function patchTarget(ctx: Ctx, type: string): Reply {
  const r = targetOf(ctx, type);
  if (key(type) === "microsoft.cognitiveservices/accounts")
    return patchCognitiveAccount(ctx, r, resourceJson);
  if (key(type) === "microsoft.search/searchservices") return patchSearchService(ctx, r, resourceJson);
  if (key(type) === "microsoft.keyvault/vaults") return patchKeyVault(ctx, r, resourceJson);
  if (key(type) === "microsoft.containerregistry/registries") return patchRegistry(ctx, r, resourceJson);
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : {};
  const pna = props.publicNetworkAccess;
  if (pna !== undefined && pna !== "Enabled" && pna !== "Disabled" && pna !== "SecuredByPerimeter") {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "properties.publicNetworkAccess must be Enabled or Disabled.",
    );
  }
  if (pna !== undefined) r.properties.publicNetworkAccess = pna;
  if (props.networkAcls !== undefined) {
    if (!isObject(props.networkAcls))
      throw new ArmError(400, "InvalidRequestContent", "properties.networkAcls must be an object.");
    const current = isObject(r.properties.networkAcls) ? r.properties.networkAcls : {};
    r.properties.networkAcls = { ...current, ...clone(props.networkAcls) };
  }
  for (const k of [
    "allowBlobPublicAccess",
    "minimumTlsVersion",
    "disableLocalAuth",
    "publicNetworkAccessForIngestion",
  ]) {
    if (props[k] !== undefined) r.properties[k] = clone(props[k]);
  }
  if (body.tags !== undefined) r.tags = clone(body.tags);
  r.etag = ctx.model.newEtag();
  return { status: 200, body: resourceJson(r) };
}

function connectionTarget(ctx: Ctx): ArmResource {
  const [sub, rg, provider, name] = ctx.m as [string, string, string, string];
  ctx.model.checkScope(sub, rg);
  const r = ctx.model.resource(`/subscriptions/${sub}/resourceGroups/${rg}/providers/${provider}/${name}`);
  if (!r) {
    throw new ArmError(
      404,
      "ResourceNotFound",
      `The Resource '${provider}/${name}' under resource group '${rg}' was not found.`,
    );
  }
  return r;
}

function connectionOf(ctx: Ctx, r: ArmResource): PeConnection {
  const name = ctx.m[4]!;
  const c = r.connections.get(key(name));
  if (!c) {
    throw new ArmError(
      404,
      "PrivateEndpointConnectionNotFound",
      `Private endpoint connection '${name}' was not found on '${r.name}'.`,
    );
  }
  return c;
}

function putConnection(ctx: Ctx): Reply {
  const r = connectionTarget(ctx);
  const c = connectionOf(ctx, r);
  const body = bodyObject(ctx);
  const state = isObject(body.properties) ? body.properties.privateLinkServiceConnectionState : undefined;
  const status = isObject(state) ? str(state.status) : undefined;
  const spec = connectionSpec(r);
  if (!status || !spec.statuses.includes(status as ConnectionStatus)) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      `properties.privateLinkServiceConnectionState.status must be one of ${spec.statuses.join(", ")}.`,
    );
  }
  if (!r.callerMayApprove) {
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client does not have authorization to perform action '${r.type}/privateEndpointConnections/write' over scope '${r.id}/privateEndpointConnections/${c.name}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
  if (c.status === "Rejected" && status === "Approved") {
    throw new ArmError(
      400,
      "CannotApproveRejectedConnection",
      `Private endpoint connection '${c.name}' was rejected; a rejected connection cannot be approved again.`,
    );
  }
  const description = (isObject(state) ? str(state.description) : undefined) ?? c.description;
  const settle = () => {
    c.status = status as ConnectionStatus;
    c.description = description;
    c.provisioningState = "Succeeded";
  };
  // Each spec's long-running form (connection-specs.ts); a PUT declaring 200 only is answered synchronously.
  const form = spec.putAccepted;
  if (form && lroForm(ctx, ["sync", "accepted"]) === "accepted") {
    c.provisioningState = "Creating";
    const op = connectionOperation(ctx, r, c, form.namespace, settle, () => ({
      status: 200,
      body: connectionJson(r, c),
    }));
    return acceptedAsync(ctx, op, form.status, form.body ? connectionJson(r, c) : undefined);
  }
  settle();
  return { status: 200, body: connectionJson(r, c) };
}

/** The operation of an accepted connection update or delete: `done` at its end, Failed on a fault. */
function connectionOperation(
  ctx: Ctx,
  r: ArmResource,
  c: PeConnection,
  namespace: string,
  done: () => void,
  result: () => { status: number; body?: unknown },
) {
  return ctx.model.createOperation({
    namespace,
    location: r.location,
    apiVersion: ctx.apiVersion,
    doneAt: ctx.clock.now() + ctx.clock.ms(CONNECTION_UPDATE_MINUTES),
    failAtEnd: ctx.failLro,
    result,
    onDone: done,
    onFail: () => {
      c.provisioningState = "Failed";
    },
  });
}

/** Azure minutes an accepted connection update takes (assumed; no source gives a figure). */
const CONNECTION_UPDATE_MINUTES = 0.5;

export function targetRoutes(): Route[] {
  // [route name, type, api-versions, connection routes, resource GET/PATCH/list routes]. Cosmos
  // DB, SQL and Redis: only the connection routes, the one part of their specs vendored (a
  // `kind: other` service is reached through them alone).
  const types: [string, string, readonly string[], boolean, boolean][] = [
    ["storage", "Microsoft.Storage/storageAccounts", STORAGE_VERSIONS, true, true],
    ["cognitive", "Microsoft.CognitiveServices/accounts", COGNITIVE_VERSIONS, true, true],
    ["search", "Microsoft.Search/searchServices", SEARCH_VERSIONS, true, true],
    ["keyVault", "Microsoft.KeyVault/vaults", KEYVAULT_VERSIONS, true, true],
    ["registry", "Microsoft.ContainerRegistry/registries", REGISTRY_VERSIONS, true, true],
    ["insights", "Microsoft.Insights/components", INSIGHTS_VERSIONS, false, true],
    ["cosmos", "Microsoft.DocumentDB/databaseAccounts", COSMOS_VERSIONS, true, false],
    ["sql", "Microsoft.Sql/servers", SQL_VERSIONS, true, false],
    ["redis", "Microsoft.Cache/redis", REDIS_VERSIONS, true, false],
  ];
  const routes: Route[] = [];
  for (const [short, type, versions, connections, resource] of types) {
    const escaped = type.replace(".", "\\.");
    if (resource) routes.push(...resourceRoutes(short, type, escaped, versions));
    if (!connections) continue;
    const conn = `${RG}/providers/(${escaped})/([^/]+)/privateEndpointConnections`;
    routes.push({
      name: `${short}.privateEndpointConnections`,
      pattern: re(conn),
      versions,
      handlers: {
        GET: (ctx) => {
          const r = connectionTarget(ctx);
          return {
            status: 200,
            body: { value: [...r.connections.values()].map((c) => connectionJson(r, c)) },
          };
        },
      },
    });
    routes.push(connectionRoute(`${short}.privateEndpointConnection`, `${conn}/([^/]+)`, versions));
  }
  routes.push(
    connectionRoute(
      "ml.privateEndpointConnection",
      `${RG}/providers/(Microsoft\\.MachineLearningServices/workspaces)/([^/]+)/privateEndpointConnections/([^/]+)`,
      ML_VERSIONS,
    ),
  );
  return routes;
}

/** GET / PATCH of a target and the list of its type in a resource group. */
function resourceRoutes(short: string, type: string, escaped: string, versions: readonly string[]): Route[] {
  return [
    {
      name: `${short}.resource`,
      pattern: re(`${RG}/providers/${escaped}/([^/]+)`),
      versions,
      handlers: {
        GET: (ctx) => ({ status: 200, body: resourceJson(targetOf(ctx, type)) }),
        PATCH: (ctx) => patchTarget(ctx, type),
      },
    },
    {
      name: `${short}.list`,
      pattern: re(`${RG}/providers/${escaped}`),
      versions,
      handlers: {
        GET: (ctx) => {
          const [sub, rg] = ctx.m as [string, string];
          ctx.model.checkScope(sub, rg);
          const value = [...ctx.model.resources.values()]
            .filter((r) => key(r.type) === key(type) && key(r.resourceGroup) === key(rg))
            .map(resourceJson);
          return { status: 200, body: { value } };
        },
      },
    },
  ];
}

function connectionRoute(name: string, source: string, versions: readonly string[]): Route {
  return {
    name,
    pattern: re(source),
    versions,
    handlers: {
      GET: (ctx) => {
        const r = connectionTarget(ctx);
        // keyvault.json 2023-07-01 `_Get`: 204 "The private endpoint connection does not exist";
        // the other specs answer a missing one with an error.
        if (connectionSpec(r).getMissing204 && !r.connections.has(key(ctx.m[4]!))) return { status: 204 };
        return { status: 200, body: connectionJson(r, connectionOf(ctx, r)) };
      },
      PUT: putConnection,
      DELETE: (ctx) => {
        const r = connectionTarget(ctx);
        const c = r.connections.get(key(ctx.m[4]!));
        if (!c) return { status: 204 };
        if (!r.callerMayApprove) {
          throw new ArmError(
            403,
            "AuthorizationFailed",
            `The client does not have authorization to delete connections on '${r.id}'.`,
          );
        }
        const accepted = connectionSpec(r).deleteAccepted;
        if (!accepted) {
          r.connections.delete(key(c.name));
          return { status: 200 };
        }
        c.provisioningState = "Deleting";
        const op = connectionOperation(
          ctx,
          r,
          c,
          accepted.namespace,
          () => r.connections.delete(key(c.name)),
          () => ({ status: 200 }),
        );
        return acceptedAsync(ctx, op, 202);
      },
    },
  };
}
