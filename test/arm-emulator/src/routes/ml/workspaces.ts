/**
 * Microsoft.MachineLearningServices workspaces: get, list (resource group, subscription), put
 * (create or full replace), patch and delete, each a long-running operation in the form the spec
 * allows; and the list of the workspace's own (inbound) private-endpoint connections.
 */
import type { Ctx, Reply, Route } from "../../http.js";
import { acceptedLocation, lroForm } from "../../http.js";
import {
  createWorkspaceRecord,
  findWorkspace,
  removeWorkspace,
  touchWorkspace,
  type WorkspaceState,
} from "../../state/ml/workspaces.js";
import { ArmError, clone, isObject, type Json, type JsonObject, key, str } from "../../util.js";
import { bodyObject, ML_VERSIONS, RG, re, SUB } from "../common.js";
import { connectionJson } from "../targets.js";
import { after, EMPTY_RESULT, finishNow, mlOperation, WS, wsFromCtx } from "./common.js";
import { applyManagedNetwork, startProvisioningOp, validateManagedNetwork } from "./managed-network.js";
import { workspaceJson } from "./workspace-json.js";

/** Workspace properties a PATCH may carry (WorkspacePropertiesUpdateParameters, azure-facts a.1). */
const PATCHABLE = [
  "description",
  "friendlyName",
  "imageBuildCompute",
  "serviceManagedResourcesSettings",
  "primaryUserAssignedIdentity",
  "serverlessComputeSettings",
  "publicNetworkAccess",
  "applicationInsights",
  "containerRegistry",
  "featureStoreSettings",
  "managedNetwork",
  "enableDataIsolation",
  "systemDatastoresAuthMode",
  "v1LegacyMode",
  "encryption",
];

/** Read-only or modelled separately: never stored from a request body. */
const NOT_STORED = [
  "managedNetwork",
  "publicNetworkAccess",
  "provisioningState",
  "workspaceId",
  "privateEndpointConnections",
  "privateLinkCount",
  "notebookInfo",
  "serviceProvisionedResourceGroup",
  "storageHnsEnabled",
  "mlFlowTrackingUri",
  "tenantId",
  "provisionNetworkNow",
];

export function publicNetworkAccessOf(props: JsonObject): string | undefined {
  const pna = str(props.publicNetworkAccess);
  if (pna !== undefined && pna !== "Enabled" && pna !== "Disabled") {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "properties.publicNetworkAccess must be Enabled or Disabled.",
    );
  }
  return pna;
}

function getWorkspace(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  return { status: 200, body: workspaceJson(ctx.model, ws, ctx.apiVersion, ctx.settings.workspaceRuleMap) };
}

function workspaceLro(ctx: Ctx, ws: WorkspaceState, doneAt: number, onDone?: () => void): Reply {
  const { model } = ctx;
  ws.provisioningState = ws.provisioningState === "Creating" ? "Creating" : "Updating";
  const result = () => {
    const current = model.workspaces.get(key(ws.id));
    return current
      ? { status: 200, body: workspaceJson(model, current, ctx.apiVersion, ctx.settings.workspaceRuleMap) }
      : {
          status: 404,
          body: { error: { code: "ResourceNotFound", message: "The workspace no longer exists." } },
        };
  };
  // Workspaces_CreateOrUpdate / _Update declare 200 (done) and 202 + Location.
  const form = lroForm(ctx, ["sync", "accepted"]);
  const op = mlOperation(ctx, ws, form === "sync" ? ctx.clock.now() : doneAt, result, {
    tracked: ws,
    ...(onDone ? { onDone } : {}),
  });
  return form === "sync" ? finishNow(ctx, op) : acceptedLocation(ctx, op);
}

function putWorkspace(ctx: Ctx): Reply {
  const { model, clock } = ctx;
  const [sub, rg, name] = ctx.m as [string, string, string];
  model.checkScope(sub, rg);
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : {};
  const existing = findWorkspace(model, sub, rg, name);
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$/.test(name)) {
    throw new ArmError(
      400,
      "InvalidResourceName",
      `Workspace name '${name}' must match ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$.`,
    );
  }
  const mnBody =
    ctx.apiVersion >= "2023-10-01" && isObject(props.managedNetwork) ? props.managedNetwork : undefined;
  const pna = publicNetworkAccessOf(props);

  if (existing) {
    if (existing.provisioningState === "Deleting") {
      throw new ArmError(409, "Conflict", `Workspace '${name}' is being deleted.`);
    }
    for (const immutable of ["storageAccount", "keyVault"] as const) {
      const given = str(props[immutable]);
      const current = str(existing.properties[immutable]);
      if (given !== undefined && current !== undefined && key(given) !== key(current)) {
        throw new ArmError(
          400,
          "CannotChangeImmutableProperty",
          `properties.${immutable} of workspace '${name}' cannot be changed after creation.`,
        );
      }
    }
    const validated = validateManagedNetwork(
      model,
      existing,
      mnBody ?? { isolationMode: existing.managedNetwork.isolationMode },
    );
    // Full replace of the stored properties, keeping what a PUT cannot change.
    const kept: JsonObject = {
      storageAccount: existing.properties.storageAccount ?? null,
      keyVault: existing.properties.keyVault ?? null,
    };
    existing.properties = { ...storedProps(props), ...kept };
    existing.publicNetworkAccess = pna ?? "Enabled";
    if (body.tags !== undefined) existing.tags = clone(body.tags);
    if (body.sku !== undefined) existing.sku = clone(body.sku);
    applyIdentity(ctx, existing, body.identity);
    if (mnBody) applyManagedNetwork(ctx, existing, mnBody, validated, true);
    touchWorkspace(model, existing);
    return workspaceLro(ctx, existing, after(ctx, clock.delays.workspaceUpdate));
  }

  const location = str(body.location);
  if (!location)
    throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
  // A project (kind Project) names its hub and takes the hub's resources (assumed, README).
  const hub = str(body.kind)?.toLowerCase() === "project" ? projectHub(model, props, mnBody) : undefined;
  if (hub) {
    for (const inherited of ["storageAccount", "keyVault", "containerRegistry", "applicationInsights"]) {
      if (hub.properties[inherited] !== undefined) props[inherited] = clone(hub.properties[inherited]);
    }
  }
  for (const required of ["storageAccount", "keyVault"] as const) {
    const id = str(props[required]);
    if (!id)
      throw new ArmError(
        400,
        "InvalidRequestContent",
        `properties.${required} is required to create a workspace.`,
      );
    if (!model.resource(id)) {
      throw new ArmError(
        400,
        "LinkedResourceNotFound",
        `properties.${required}: resource '${id}' was not found.`,
      );
    }
  }
  const customSubnet = isObject(props.serverlessComputeSettings)
    ? str(props.serverlessComputeSettings.serverlessComputeCustomSubnet)
    : undefined;
  const identity = isObject(body.identity) ? body.identity : undefined;
  const ws = createWorkspaceRecord(model, {
    resourceGroup: model.resourceGroups.get(key(rg)) ?? rg,
    name,
    location,
    identityType: str(identity?.type) ?? "None",
    principalAgeMs: 0,
    publicNetworkAccess: pna ?? "Enabled",
    isolationMode: "Disabled",
    byoVnet: customSubnet !== undefined,
    properties: storedProps(props),
    ...(str(body.kind) !== undefined ? { kind: str(body.kind) } : {}),
    ...(body.sku !== undefined ? { sku: clone(body.sku) } : {}),
    ...(body.tags !== undefined ? { tags: clone(body.tags) } : {}),
    ...(identity?.userAssignedIdentities !== undefined
      ? { userAssignedIdentities: clone(identity.userAssignedIdentities) }
      : {}),
  });
  try {
    const validated = validateManagedNetwork(model, ws, mnBody ?? {});
    if (validated.mode !== "Disabled" && customSubnet !== undefined) {
      throw new ArmError(
        400,
        "ManagedNetworkWithCustomVnet",
        "A workspace cannot use both a managed network and its own VNet (serverlessComputeCustomSubnet).",
      );
    }
    if (mnBody) applyManagedNetwork(ctx, ws, mnBody, validated, true);
  } catch (error) {
    removeWorkspace(model, ws);
    throw error;
  }
  const provisionNow = props.provisionNetworkNow === true;
  return workspaceLro(ctx, ws, after(ctx, clock.delays.workspaceCreate), () => {
    if (provisionNow && ws.managedNetwork.isolationMode !== "Disabled") startProvisioningOp(ctx, ws, false);
  });
}

/**
 * The hub of a project's create body: `hubResourceId` must name an existing workspace of kind
 * Hub, and the body carries no managed network (the project has none of its own). Assumed: the
 * 2025-12-01 spec declares `hubResourceId` and a free-form `kind` and says nothing more.
 */
function projectHub(model: Ctx["model"], props: JsonObject, mnBody: JsonObject | undefined): WorkspaceState {
  const hubId = str(props.hubResourceId);
  if (!hubId)
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "properties.hubResourceId is required to create a project.",
    );
  const hub = model.workspaces.get(key(hubId));
  const kind = hub?.kind?.toLowerCase();
  if (!hub || kind !== "hub")
    throw new ArmError(
      400,
      "LinkedResourceNotFound",
      `properties.hubResourceId: '${hubId}' is not a workspace of kind Hub.`,
    );
  if (mnBody)
    throw new ArmError(
      400,
      "ProjectHasNoManagedNetwork",
      "properties.managedNetwork: a project uses its hub's managed network and cannot have its own.",
    );
  return hub;
}

export function storedProps(props: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(props)) if (!NOT_STORED.includes(k)) out[k] = clone(v);
  return out;
}

function applyIdentity(ctx: Ctx, ws: WorkspaceState, identity: Json | undefined): void {
  if (!isObject(identity)) return;
  const type = str(identity.type) ?? ws.identityType;
  if (type.includes("SystemAssigned") && !ws.principalId) {
    ws.principalId = ctx.model.newPrincipal();
  }
  ws.identityType = type;
  if (identity.userAssignedIdentities !== undefined)
    ws.userAssignedIdentities = clone(identity.userAssignedIdentities);
}

function patchWorkspace(ctx: Ctx): Reply {
  const { model, clock } = ctx;
  const ws = wsFromCtx(ctx);
  const body = bodyObject(ctx);
  const props = isObject(body.properties) ? body.properties : {};
  const mnBody =
    ctx.apiVersion >= "2023-10-01" && isObject(props.managedNetwork) ? props.managedNetwork : undefined;
  const validated = mnBody ? validateManagedNetwork(model, ws, mnBody) : undefined;
  const pna = publicNetworkAccessOf(props);
  for (const [k, v] of Object.entries(props)) {
    if (!PATCHABLE.includes(k) || k === "managedNetwork" || k === "publicNetworkAccess") continue;
    ws.properties[k] = clone(v);
  }
  if (pna) ws.publicNetworkAccess = pna;
  if (body.tags !== undefined) ws.tags = clone(body.tags);
  if (body.sku !== undefined) ws.sku = clone(body.sku);
  applyIdentity(ctx, ws, body.identity);
  if (mnBody && validated) applyManagedNetwork(ctx, ws, mnBody, validated, false);
  touchWorkspace(model, ws);
  return workspaceLro(ctx, ws, after(ctx, clock.delays.workspaceUpdate));
}

function deleteWorkspace(ctx: Ctx): Reply {
  const { model, clock } = ctx;
  const [sub, rg, name] = ctx.m as [string, string, string];
  model.checkScope(sub, rg);
  const ws = findWorkspace(model, sub, rg, name);
  if (!ws) return { status: 204 };
  ws.provisioningState = "Deleting";
  const op = mlOperation(ctx, ws, after(ctx, clock.delays.workspaceDelete), EMPTY_RESULT, {
    tracked: ws,
    onDone: () => removeWorkspace(model, ws),
  });
  return acceptedLocation(ctx, op);
}

function listWorkspaces(ctx: Ctx, rg?: string): Reply {
  const [sub] = ctx.m as [string];
  ctx.model.checkScope(sub, rg);
  const value = [...ctx.model.workspaces.values()]
    .filter((w) => rg === undefined || key(w.resourceGroup) === key(rg))
    .map((w) => workspaceJson(ctx.model, w, ctx.apiVersion, ctx.settings.workspaceRuleMap));
  return { status: 200, body: { value } };
}

function wsConnections(ctx: Ctx) {
  const ws = wsFromCtx(ctx);
  const resource = ctx.model.resource(ws.id)!;
  return { ws, resource };
}

export function workspaceRoutes(): Route[] {
  const v = ML_VERSIONS;
  return [
    {
      name: "ml.workspace",
      pattern: re(WS),
      versions: v,
      handlers: { GET: getWorkspace, PUT: putWorkspace, PATCH: patchWorkspace, DELETE: deleteWorkspace },
    },
    {
      name: "ml.workspaces.rg",
      pattern: re(`${RG}/providers/Microsoft\\.MachineLearningServices/workspaces`),
      versions: v,
      handlers: { GET: (ctx) => listWorkspaces(ctx, ctx.m[1]) },
    },
    {
      name: "ml.workspaces.sub",
      pattern: re(`${SUB}/providers/Microsoft\\.MachineLearningServices/workspaces`),
      versions: v,
      handlers: { GET: (ctx) => listWorkspaces(ctx) },
    },
  ];
}

/** The workspace's own (inbound) connections; one connection is served with the targets' (targets.ts). */
export function workspaceConnectionRoutes(): Route[] {
  return [
    {
      name: "ml.privateEndpointConnections",
      pattern: re(`${WS}/privateEndpointConnections`),
      versions: ML_VERSIONS,
      handlers: {
        GET: (ctx) => {
          const { resource } = wsConnections(ctx);
          return {
            status: 200,
            body: { value: [...resource.connections.values()].map((c) => connectionJson(resource, c)) },
          };
        },
      },
    },
  ];
}
