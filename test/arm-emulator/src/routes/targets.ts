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
  INSIGHTS_VERSIONS,
  KEYVAULT_VERSIONS,
  ML_VERSIONS,
  REGISTRY_VERSIONS,
  RG,
  re,
  SEARCH_VERSIONS,
  STORAGE_VERSIONS,
} from "./common.js";

/**
 * How a connection names its group(s): `groupIds` (cognitiveservices.json, common-types v2
 * privatelinks), one `groupId` (search.json 2023-11-01), or not at all (workspaceRP.json
 * 2025-12-01, the workspace's own connections; keyvault.json 2023-07-01,
 * containerregistry.json 2023-07-01 and Storage's privatelinks.json 2023-05-01, whose
 * `PrivateEndpointConnectionProperties` declare only `privateEndpoint`,
 * `privateLinkServiceConnectionState` and `provisioningState`).
 */
function groupFields(target: ArmResource, c: PeConnection): JsonObject {
  switch (key(target.type)) {
    case "microsoft.search/searchservices":
      return { groupId: c.groupIds[0] ?? "" };
    case "microsoft.machinelearningservices/workspaces":
    case "microsoft.keyvault/vaults":
    case "microsoft.containerregistry/registries":
    case "microsoft.storage/storageaccounts":
      return {};
    default:
      return { groupIds: [...c.groupIds] };
  }
}

export function connectionJson(target: ArmResource, c: PeConnection): JsonObject {
  return {
    id: `${target.id}/privateEndpointConnections/${c.name}`,
    name: c.name,
    type: `${target.type}/privateEndpointConnections`,
    properties: {
      privateEndpoint: { id: c.privateEndpointId },
      ...groupFields(target, c),
      privateLinkServiceConnectionState: {
        status: c.status,
        description: c.description,
        // Storage's privatelinks.json 2023-05-01 spells it `actionRequired`; every other spec here `actionsRequired`.
        [key(target.type) === "microsoft.storage/storageaccounts" ? "actionRequired" : "actionsRequired"]:
          "None",
      },
      provisioningState: c.provisioningState,
    },
  };
}

export function resourceJson(r: ArmResource): JsonObject {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    location: r.location,
    ...(r.kind !== undefined ? { kind: r.kind } : {}),
    ...(r.sku !== undefined ? { sku: clone(r.sku) } : {}),
    ...(r.tags !== undefined ? { tags: clone(r.tags) } : {}),
    // storage.json 2025-08-01 `StorageAccount` (TrackedResource) declares no etag.
    ...(key(r.type) === "microsoft.storage/storageaccounts" ? {} : { etag: r.etag }),
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

/** PATCH of the network-related properties (publicNetworkAccess, networkAcls), synchronous. */
function patchTarget(ctx: Ctx, type: string): Reply {
  const r = targetOf(ctx, type);
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
  const allowed: ConnectionStatus[] = ["Approved", "Rejected", "Pending", "Disconnected"];
  if (!status || !allowed.includes(status as ConnectionStatus)) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "properties.privateLinkServiceConnectionState.status must be Approved, Rejected, Pending or Disconnected.",
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
  // cognitiveservices.json 2024-10-01 PrivateEndpointConnections_CreateOrUpdate is long-running
  // and declares 200 and 202 (both with the connection); containerregistry.json 2023-07-01's is
  // long-running with 200, or 201 + Azure-AsyncOperation. search.json's _Update and
  // keyvault.json 2023-07-01's _Put declare 200 only. Storage's spec is not vendored: answered
  // synchronously (assumed).
  const accepted: Record<string, { namespace: string; status: number }> = {
    "microsoft.cognitiveservices/accounts": { namespace: "Microsoft.CognitiveServices", status: 202 },
    "microsoft.containerregistry/registries": { namespace: "Microsoft.ContainerRegistry", status: 201 },
  };
  const form = accepted[key(r.type)];
  if (form && lroForm(ctx, ["sync", "accepted"]) === "accepted") {
    c.provisioningState = "Creating";
    const op = ctx.model.createOperation({
      namespace: form.namespace,
      location: r.location,
      apiVersion: ctx.apiVersion,
      doneAt: ctx.clock.now() + ctx.clock.ms(CONNECTION_UPDATE_MINUTES),
      failAtEnd: ctx.failLro,
      result: () => ({ status: 200, body: connectionJson(r, c) }),
      onDone: settle,
      onFail: () => {
        c.provisioningState = "Failed";
      },
    });
    return acceptedAsync(ctx, op, form.status, connectionJson(r, c));
  }
  settle();
  return { status: 200, body: connectionJson(r, c) };
}

/** Azure minutes an accepted connection update takes (assumed; no source gives a figure). */
const CONNECTION_UPDATE_MINUTES = 0.5;

export function targetRoutes(): Route[] {
  const types: [string, string, readonly string[], boolean][] = [
    ["storage", "Microsoft.Storage/storageAccounts", STORAGE_VERSIONS, true],
    ["cognitive", "Microsoft.CognitiveServices/accounts", COGNITIVE_VERSIONS, true],
    ["search", "Microsoft.Search/searchServices", SEARCH_VERSIONS, true],
    ["keyVault", "Microsoft.KeyVault/vaults", KEYVAULT_VERSIONS, true],
    ["registry", "Microsoft.ContainerRegistry/registries", REGISTRY_VERSIONS, true],
    ["insights", "Microsoft.Insights/components", INSIGHTS_VERSIONS, false],
  ];
  const routes: Route[] = [];
  for (const [short, type, versions, connections] of types) {
    const escaped = type.replace(".", "\\.");
    routes.push({
      name: `${short}.resource`,
      pattern: re(`${RG}/providers/${escaped}/([^/]+)`),
      versions,
      handlers: {
        GET: (ctx) => ({ status: 200, body: resourceJson(targetOf(ctx, type)) }),
        PATCH: (ctx) => patchTarget(ctx, type),
      },
    });
    routes.push({
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
    });
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

function connectionRoute(name: string, source: string, versions: readonly string[]): Route {
  return {
    name,
    pattern: re(source),
    versions,
    handlers: {
      GET: (ctx) => {
        const r = connectionTarget(ctx);
        // keyvault.json 2023-07-01 PrivateEndpointConnections_Get: 204 "The private endpoint
        // connection does not exist"; the other specs answer a missing one with an error.
        if (key(r.type) === "microsoft.keyvault/vaults" && !r.connections.has(key(ctx.m[4]!)))
          return { status: 204 };
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
        r.connections.delete(key(c.name));
        return { status: 200 };
      },
    },
  };
}
