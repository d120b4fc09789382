/**
 * Microsoft.MachineLearningServices online endpoints and their deployments: list, get, put
 * (201 + Azure-AsyncOperation), patch (202 + Location), delete; a deployment needs an Active
 * managed network and the workspace identity's storage role.
 */
import type { Ctx, Reply, Route } from "../../http.js";
import { acceptedLocation } from "../../http.js";
import { type EndpointState, WORKSPACE_TYPE, type WorkspaceState } from "../../state/ml/workspaces.js";
import { ArmError, clone, isObject, type JsonObject, key, str } from "../../util.js";
import { bodyObject, ML_VERSIONS, re } from "../common.js";
import { after, asyncPut, EMPTY_RESULT, mlOperation, requireStorageRole, WS, wsFromCtx } from "./common.js";
import { publicNetworkAccessOf, storedProps } from "./workspaces.js";

function endpointJson(ws: WorkspaceState, e: EndpointState): JsonObject {
  return {
    id: `${ws.id}/onlineEndpoints/${e.name}`,
    name: e.name,
    type: `${WORKSPACE_TYPE}/onlineEndpoints`,
    location: e.location,
    ...(e.kind !== undefined ? { kind: e.kind } : {}),
    ...(e.identity !== undefined ? { identity: clone(e.identity) } : {}),
    ...(e.tags !== undefined ? { tags: clone(e.tags) } : {}),
    properties: {
      ...clone(e.properties),
      provisioningState: e.provisioningState,
      scoringUri: `https://${e.name}.${ws.location}.inference.ml.azure.com/score`,
    },
  };
}

function endpointOf(ctx: Ctx, ws: WorkspaceState): EndpointState {
  const e = ws.endpoints.get(key(ctx.m[3]!));
  if (!e)
    throw new ArmError(
      404,
      "ResourceNotFound",
      `Online endpoint '${ctx.m[3]}' was not found in workspace '${ws.name}'.`,
    );
  return e;
}

function putEndpoint(ctx: Ctx): Reply {
  const { clock } = ctx;
  const ws = wsFromCtx(ctx);
  const name = ctx.m[3]!;
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : {};
  const authMode = str(props.authMode);
  if (!authMode) throw new ArmError(400, "InvalidRequestContent", "properties.authMode is required.");
  const pna = publicNetworkAccessOf(props);
  if (ws.byoVnet && !str(props.compute)) {
    throw new ArmError(
      400,
      "ManagedOnlineEndpointNotSupported",
      `Workspace '${ws.name}' uses its own VNet: managed online endpoints support network isolation only with the workspace managed network. Use a Kubernetes online endpoint (properties.compute) or a workspace with a managed network.`,
    );
  }
  const existing = ws.endpoints.get(key(name));
  const endpoint: EndpointState = existing ?? {
    name,
    location: str(body.location) ?? ws.location,
    properties: {},
    provisioningState: "Creating",
    deployments: new Map(),
  };
  endpoint.properties = { ...storedProps(props), publicNetworkAccess: pna ?? "Enabled" };
  delete endpoint.properties.provisioningState;
  delete endpoint.properties.scoringUri;
  if (body.identity !== undefined) endpoint.identity = clone(body.identity);
  if (body.tags !== undefined) endpoint.tags = clone(body.tags);
  if (str(body.kind)) endpoint.kind = str(body.kind);
  endpoint.provisioningState = existing ? "Updating" : "Creating";
  ws.endpoints.set(key(name), endpoint);
  return asyncPut(
    ctx,
    ws,
    after(ctx, clock.delays.onlineEndpoint),
    endpoint,
    () => endpointJson(ws, endpoint),
    existing !== undefined,
  );
}

function patchEndpoint(ctx: Ctx): Reply {
  const { clock } = ctx;
  const ws = wsFromCtx(ctx);
  const endpoint = endpointOf(ctx, ws);
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : {};
  const pna = publicNetworkAccessOf(props);
  if (pna) endpoint.properties.publicNetworkAccess = pna;
  if (body.tags !== undefined) endpoint.tags = clone(body.tags);
  if (body.identity !== undefined) endpoint.identity = clone(body.identity);
  endpoint.provisioningState = "Updating";
  const op = mlOperation(
    ctx,
    ws,
    after(ctx, clock.delays.onlineEndpoint / 2),
    () => ({ status: 200, body: endpointJson(ws, endpoint) }),
    { tracked: endpoint },
  );
  return acceptedLocation(ctx, op);
}

function deleteEndpoint(ctx: Ctx): Reply {
  const { clock } = ctx;
  const ws = wsFromCtx(ctx);
  const e = ws.endpoints.get(key(ctx.m[3]!));
  if (!e) return { status: 204 };
  e.provisioningState = "Deleting";
  const op = mlOperation(ctx, ws, after(ctx, clock.delays.onlineEndpoint), EMPTY_RESULT, {
    tracked: e,
    onDone: () => ws.endpoints.delete(key(e.name)),
  });
  return acceptedLocation(ctx, op);
}

function deploymentJson(
  ws: WorkspaceState,
  e: EndpointState,
  d: { name: string; location: string; body: JsonObject; provisioningState: string },
) {
  return {
    id: `${ws.id}/onlineEndpoints/${e.name}/deployments/${d.name}`,
    name: d.name,
    type: `${WORKSPACE_TYPE}/onlineEndpoints/deployments`,
    location: d.location,
    properties: { ...clone(d.body), provisioningState: d.provisioningState },
  };
}

function putDeployment(ctx: Ctx): Reply {
  const { clock } = ctx;
  const ws = wsFromCtx(ctx);
  const endpoint = endpointOf(ctx, ws);
  const name = ctx.m[4]!;
  const body = bodyObject(ctx);
  if (ws.managedNetwork.isolationMode !== "Disabled" && ws.managedNetwork.status !== "Active") {
    throw new ArmError(
      400,
      "ManagedNetworkNotProvisioned",
      `Workspace '${ws.name}': online deployments cannot be created until the managed network is provisioned (status ${ws.managedNetwork.status}). Call provisionManagedNetwork and wait for status Active.`,
    );
  }
  requireStorageRole(ctx, ws, "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read");
  const deployment = {
    name,
    location: str(body.location) ?? ws.location,
    body: isObject(body.properties) ? storedProps(body.properties) : {},
    provisioningState: "Creating",
  };
  delete deployment.body.provisioningState;
  const existed = endpoint.deployments.has(key(name));
  endpoint.deployments.set(key(name), deployment);
  return asyncPut(
    ctx,
    ws,
    after(ctx, clock.delays.onlineDeployment),
    deployment,
    () => deploymentJson(ws, endpoint, deployment),
    existed,
  );
}

export function onlineEndpointRoutes(): Route[] {
  const v = ML_VERSIONS;
  return [
    {
      name: "ml.onlineEndpoints",
      pattern: re(`${WS}/onlineEndpoints`),
      versions: v,
      handlers: {
        GET: (ctx) => {
          const ws = wsFromCtx(ctx);
          return { status: 200, body: { value: [...ws.endpoints.values()].map((e) => endpointJson(ws, e)) } };
        },
      },
    },
    {
      name: "ml.onlineEndpoint",
      pattern: re(`${WS}/onlineEndpoints/([^/]+)`),
      versions: v,
      handlers: {
        GET: (ctx) => {
          const ws = wsFromCtx(ctx);
          return { status: 200, body: endpointJson(ws, endpointOf(ctx, ws)) };
        },
        PUT: putEndpoint,
        PATCH: patchEndpoint,
        DELETE: deleteEndpoint,
      },
    },
    {
      name: "ml.onlineDeployments",
      pattern: re(`${WS}/onlineEndpoints/([^/]+)/deployments`),
      versions: v,
      handlers: {
        GET: (ctx) => {
          const ws = wsFromCtx(ctx);
          const e = endpointOf(ctx, ws);
          return {
            status: 200,
            body: { value: [...e.deployments.values()].map((d) => deploymentJson(ws, e, d)) },
          };
        },
      },
    },
    {
      name: "ml.onlineDeployment",
      pattern: re(`${WS}/onlineEndpoints/([^/]+)/deployments/([^/]+)`),
      versions: v,
      handlers: {
        GET: (ctx) => {
          const ws = wsFromCtx(ctx);
          const e = endpointOf(ctx, ws);
          const d = e.deployments.get(key(ctx.m[4]!));
          if (!d) throw new ArmError(404, "ResourceNotFound", `Deployment '${ctx.m[4]}' was not found.`);
          return { status: 200, body: deploymentJson(ws, e, d) };
        },
        PUT: putDeployment,
      },
    },
  ];
}
