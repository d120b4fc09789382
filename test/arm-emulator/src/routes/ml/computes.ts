/**
 * Microsoft.MachineLearningServices computes: list, get, put (201 + Azure-AsyncOperation; the first
 * compute of a managed workspace starts its network provisioning), delete, start.
 */
import type { Ctx, Reply, Route } from "../../http.js";
import { acceptedAsync, acceptedLocation } from "../../http.js";
import { WORKSPACE_TYPE, type WorkspaceState } from "../../state/ml/workspaces.js";
import { ArmError, clone, isObject, type JsonObject, key, str } from "../../util.js";
import { bodyObject, ML_VERSIONS, re } from "../common.js";
import { after, asyncPut, EMPTY_RESULT, mlOperation, requireStorageRole, WS, wsFromCtx } from "./common.js";
import { startProvisioningOp } from "./managed-network.js";

function computeJson(
  ws: WorkspaceState,
  c: { name: string; location: string; body: JsonObject; provisioningState: string },
) {
  return {
    id: `${ws.id}/computes/${c.name}`,
    name: c.name,
    type: `${WORKSPACE_TYPE}/computes`,
    location: c.location,
    properties: { ...clone(c.body), provisioningState: c.provisioningState },
  };
}

function computeOf(ctx: Ctx, ws: WorkspaceState) {
  const c = ws.computes.get(key(ctx.m[3]!));
  if (!c)
    throw new ArmError(
      404,
      "ResourceNotFound",
      `Compute '${ctx.m[3]}' was not found in workspace '${ws.name}'.`,
    );
  return c;
}

function getCompute(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  const c = computeOf(ctx, ws);
  return { status: 200, body: computeJson(ws, c) };
}

function listComputes(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  return { status: 200, body: { value: [...ws.computes.values()].map((c) => computeJson(ws, c)) } };
}

function putCompute(ctx: Ctx): Reply {
  const { clock } = ctx;
  const ws = wsFromCtx(ctx);
  const name = ctx.m[3]!;
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : undefined;
  const computeType = str(props?.computeType);
  if (!props || !computeType)
    throw new ArmError(400, "InvalidRequestContent", "properties.computeType is required.");
  const managed = ws.managedNetwork.isolationMode !== "Disabled";
  if (managed && ["AKS", "Kubernetes", "VirtualMachine"].includes(computeType)) {
    throw new ArmError(
      400,
      "ComputeTypeNotSupportedInManagedNetwork",
      `Compute type ${computeType} cannot be used in workspace '${ws.name}' with a managed network.`,
    );
  }
  const existing = ws.computes.get(key(name));
  const compute = {
    name,
    location: str(body.location) ?? ws.location,
    body: clone(props),
    provisioningState: "Creating",
  };
  compute.body.provisioningState = null;
  delete compute.body.provisioningState;
  ws.computes.set(key(name), compute);
  let readyAt = clock.now();
  if (managed && ws.managedNetwork.status !== "Active") {
    // The first compute triggers the deferred managed-network provisioning (azure-facts c.4).
    const prov = startProvisioningOp(ctx, ws, false);
    readyAt = prov.doneAt;
  }
  return asyncPut(
    ctx,
    ws,
    readyAt + clock.ms(clock.delays.computeCreate),
    compute,
    () => computeJson(ws, compute),
    existing !== undefined,
  );
}

function deleteCompute(ctx: Ctx): Reply {
  const { clock } = ctx;
  const ws = wsFromCtx(ctx);
  const c = ws.computes.get(key(ctx.m[3]!));
  if (!c) return { status: 204 };
  c.provisioningState = "Deleting";
  const op = mlOperation(ctx, ws, after(ctx, clock.delays.computeCreate / 5), EMPTY_RESULT, {
    tracked: c,
    onDone: () => ws.computes.delete(key(c.name)),
  });
  return acceptedAsync(ctx, op, 202, undefined, true);
}

function startCompute(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  computeOf(ctx, ws); // 404 for an unknown compute
  requireStorageRole(ctx, ws, "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read");
  return acceptedLocation(ctx, mlOperation(ctx, ws, after(ctx, 1), EMPTY_RESULT));
}

export function computeRoutes(): Route[] {
  const v = ML_VERSIONS;
  return [
    { name: "ml.computes", pattern: re(`${WS}/computes`), versions: v, handlers: { GET: listComputes } },
    {
      name: "ml.compute",
      pattern: re(`${WS}/computes/([^/]+)`),
      versions: v,
      handlers: { GET: getCompute, PUT: putCompute, DELETE: deleteCompute },
    },
    {
      name: "ml.compute.start",
      pattern: re(`${WS}/computes/([^/]+)/start`),
      versions: v,
      handlers: { POST: startCompute },
    },
  ];
}
