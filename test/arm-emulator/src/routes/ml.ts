/**
 * Microsoft.MachineLearningServices: workspaces (with the managed network), outbound rules,
 * provisionManagedNetwork, computes, online endpoints/deployments and the workspace's own
 * private-endpoint connections.
 */
import { createHash } from "node:crypto";
import type { Ctx, Reply, Route } from "../http.js";
import { acceptedAsync, acceptedLocation, lroForm } from "../http.js";
import type { IsolationMode } from "../seed.js";
import { hasEffectiveRole, STORAGE_FILE_PRIVILEGED_CONTRIBUTOR } from "../state/authorization.js";
import {
  connectRule,
  disconnectRule,
  provisioningMinutes,
  provisioningUnderWay,
  startProvisioning,
} from "../state/ml/managed-network.js";
import {
  allRules,
  findRule,
  type RuleState,
  requiredRules,
  ruleFromBody,
  validateRule,
} from "../state/ml/outbound-rules.js";
import {
  createWorkspaceRecord,
  type EndpointState,
  findWorkspace,
  ML,
  removeWorkspace,
  touchWorkspace,
  WORKSPACE_TYPE,
  type WorkspaceState,
  workspaceAt,
} from "../state/ml/workspaces.js";
import type { Model, Operation } from "../state/model.js";
import { ArmError, clone, isObject, type Json, type JsonObject, key, str } from "../util.js";
import { bodyObject, ML_MANAGED_NETWORK_VERSIONS, ML_VERSIONS, RG, re, SUB } from "./common.js";
import { connectionJson } from "./targets.js";

const WS = `${RG}/providers/Microsoft\\.MachineLearningServices/workspaces/([^/]+)`;
const ISOLATION_MODES: IsolationMode[] = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"];

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

// ------------------------------------------------------------------------------------ serialisers

export function ruleBody(rule: RuleState): JsonObject {
  return {
    type: rule.type,
    category: rule.category,
    destination: clone(rule.destination),
    status: rule.status,
    ...(rule.errorInformation ? { errorInformation: rule.errorInformation } : {}),
  };
}

function ruleJson(ws: WorkspaceState, rule: RuleState): JsonObject {
  return {
    id: `${ws.id}/outboundRules/${rule.name}`,
    name: rule.name,
    // The examples (and the service) answer this short type, not a full ARM type (azure-facts a.2).
    type: "workspace/outboundRules",
    properties: ruleBody(rule),
  };
}

/**
 * `managedNetwork.firewallPublicIpAddress` ("Public IP address assigned to the Azure Firewall",
 * ManagedNetworkSettings in the 2025-12-01 spec). Azure assigns a real public address; the emulator
 * assumes one from the documentation range 203.0.113.0/24 (RFC 5737), derived from the network id
 * so it is stable for the workspace's life and uses no random draw (see README "Assumptions").
 */
export function firewallPublicIpAddress(networkId: string): string {
  const octet = 1 + (createHash("sha256").update(networkId).digest()[0]! % 254);
  return `203.0.113.${octet}`;
}

export function workspaceJson(
  model: Model,
  ws: WorkspaceState,
  apiVersion = "2025-12-01",
  ruleMap: "present" | "absent" = "present",
): JsonObject {
  const mn = ws.managedNetwork;
  const rules: JsonObject = {};
  for (const r of allRules(model, ws)) rules[r.name] = ruleBody(r);
  const inbound = model.resource(ws.id);
  const connections = inbound ? [...inbound.connections.values()].map((c) => connectionJson(inbound, c)) : [];
  const identity: JsonObject =
    ws.identityType === "None"
      ? { type: "None" }
      : {
          type: ws.identityType,
          ...(ws.principalId ? { principalId: ws.principalId, tenantId: model.tenantId } : {}),
          ...(ws.userAssignedIdentities ? { userAssignedIdentities: clone(ws.userAssignedIdentities) } : {}),
        };
  const properties: JsonObject = {
    ...clone(ws.properties),
    workspaceId: ws.workspaceId,
    provisioningState: ws.provisioningState,
    publicNetworkAccess: ws.publicNetworkAccess,
    discoveryUrl: `https://${ws.location}.api.azureml.ms/discovery`,
    mlFlowTrackingUri: `azureml://${ws.location}.api.azureml.ms/mlflow/v1.0${ws.id}`,
    hbiWorkspace: ws.properties.hbiWorkspace ?? false,
    v1LegacyMode: ws.properties.v1LegacyMode ?? false,
    privateEndpointConnections: connections,
    privateLinkCount: connections.length,
    serviceProvisionedResourceGroup: `${ws.name}_${ws.workspaceId.replace(/-/g, "").slice(0, 16)}`,
  };
  if (apiVersion >= "2023-10-01") {
    properties.managedNetwork = {
      isolationMode: mn.isolationMode,
      networkId: mn.networkId,
      // Optional in ManagedNetworkSettings; the official get example carries it.
      ...(ruleMap === "present" ? { outboundRules: rules } : {}),
      status: { status: mn.status, sparkReady: mn.sparkReady },
      ...(mn.firewallSku ? { firewallSku: mn.firewallSku } : {}),
      ...(mn.firewall ? { firewallPublicIpAddress: firewallPublicIpAddress(mn.networkId) } : {}),
      ...(mn.managedNetworkKind ? { managedNetworkKind: mn.managedNetworkKind } : {}),
      enableFirewallLog: mn.enableFirewallLog ?? false,
      enableNetworkMonitor: mn.enableNetworkMonitor ?? false,
    };
  }
  return {
    id: ws.id,
    name: ws.name,
    type: WORKSPACE_TYPE,
    location: ws.location,
    ...(ws.kind !== undefined ? { kind: ws.kind } : {}),
    ...(ws.sku !== undefined ? { sku: clone(ws.sku) } : { sku: { name: "Basic", tier: "Basic" } }),
    ...(ws.tags !== undefined ? { tags: clone(ws.tags) } : {}),
    // No etag: workspaceRP.json 2025-12-01 `Workspace` declares none (and its PATCH no If-Match).
    identity,
    properties,
  };
}

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

// ------------------------------------------------------------------------------------ validation

function publicNetworkAccessOf(props: JsonObject): string | undefined {
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

function validateIsolationChange(model: Model, ws: WorkspaceState, next: IsolationMode): void {
  const current = ws.managedNetwork.isolationMode;
  if (!ISOLATION_MODES.includes(next)) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      `managedNetwork.isolationMode must be one of ${ISOLATION_MODES.join(", ")}.`,
    );
  }
  if (next === current) return;
  if (ISOLATION_MODES.indexOf(next) < ISOLATION_MODES.indexOf(current)) {
    throw new ArmError(
      400,
      "IsolationModeChangeNotAllowed",
      `Workspace '${ws.name}': the managed network isolation mode cannot change from ${current} to ${next}; once on, managed isolation can only be tightened.`,
    );
  }
  if (current === "Disabled") {
    const blockers = [
      ...[...ws.computes.values()].map((c) => `compute '${c.name}'`),
      ...[...ws.endpoints.values()].map((e) => `online endpoint '${e.name}'`),
    ];
    if (blockers.length > 0) {
      throw new ArmError(
        400,
        "ManagedNetworkEnableBlocked",
        `Workspace '${ws.name}': managed network isolation cannot be enabled while computes or online endpoints exist; delete them first: ${blockers.join(", ")}.`,
      );
    }
  }
  void model;
}

/** Validates `managedNetwork` of a PUT/PATCH body; returns the rule writes (null = delete). */
function validateManagedNetwork(
  model: Model,
  ws: WorkspaceState,
  mnBody: JsonObject,
): { mode: IsolationMode; rules?: Map<string, { name: string; body: JsonObject | null }> } {
  const mode = (str(mnBody.isolationMode) as IsolationMode | undefined) ?? ws.managedNetwork.isolationMode;
  validateIsolationChange(model, ws, mode);
  if (str(mnBody.managedNetworkKind) === "V1" && ws.managedNetwork.managedNetworkKind === "V2") {
    throw new ArmError(
      400,
      "ManagedNetworkKindChangeNotAllowed",
      "managedNetworkKind cannot switch from V2 back to V1.",
    );
  }
  if (mnBody.firewallSku !== undefined && !["Standard", "Basic"].includes(str(mnBody.firewallSku) ?? "")) {
    throw new ArmError(400, "InvalidRequestContent", "managedNetwork.firewallSku must be Standard or Basic.");
  }
  if (mnBody.outboundRules === undefined || mnBody.outboundRules === null) return { mode };
  if (!isObject(mnBody.outboundRules)) {
    throw new ArmError(
      400,
      "InvalidRequestContent",
      "managedNetwork.outboundRules must be a map of rule name to rule.",
    );
  }
  const rules = new Map<string, { name: string; body: JsonObject | null }>();
  for (const [name, rule] of Object.entries(mnBody.outboundRules)) {
    if (rule === null) {
      rules.set(key(name), { name, body: null });
      continue;
    }
    // Service-owned rules echoed back from a GET are ignored rather than refused.
    if (isObject(rule) && str(rule.category) === "Required") continue;
    rules.set(key(name), { name, body: validateRule(model, ws, name, rule, mode) });
  }
  return { mode, rules };
}

// ------------------------------------------------------------------------------ rule activation

/** Azure minutes until a written rule settles (Active when the network is, else accepted as Inactive). */
function ruleSettleMinutes(ctx: Ctx, ws: WorkspaceState, type: string | undefined, deleting = false): number {
  const d = ctx.clock.delays;
  if (ws.managedNetwork.status !== "Active") return d.ruleAccept;
  if (deleting) return d.ruleApply;
  return d.ruleApply + (type === "FQDN" && !ws.managedNetwork.firewall ? d.firewall : 0);
}

/** A rule written into the map at `from`: Inactive until the network is Active, then Provisioning → Active. */
function settleNewRule(ctx: Ctx, ws: WorkspaceState, rule: RuleState, from = ctx.clock.now()): void {
  const { model, clock } = ctx;
  if (ws.managedNetwork.status !== "Active") {
    // Written while provisioning runs: that operation activates it (see startProvisioning).
    rule.status = provisioningUnderWay(model, ws) ? "Provisioning" : "Inactive";
    return;
  }
  rule.status = "Provisioning";
  const at = from + clock.ms(ruleSettleMinutes(ctx, ws, rule.type));
  clock.schedule(at, () => {
    const current = ws.rules.get(key(rule.name));
    if (current?.status !== "Provisioning" || model.workspaces.get(key(ws.id)) !== ws) return;
    current.status = "Active";
    if (current.type === "FQDN") ws.managedNetwork.firewall = true;
    if (current.type === "PrivateEndpoint") connectRule(model, ws, current);
    touchWorkspace(model, ws);
  });
}

function removeRule(
  ctx: Ctx,
  ws: WorkspaceState,
  name: string,
  from = ctx.clock.now(),
  /** The synchronous answer form: the rule is gone when the 200 is sent. */
  immediate = false,
): void {
  const { model, clock } = ctx;
  const rule = ws.rules.get(key(name));
  if (!rule) return;
  if (ws.managedNetwork.status !== "Active" || immediate) {
    ws.rules.delete(key(name));
    if (immediate) disconnectRule(model, ws, name);
    return;
  }
  rule.status = "Deleting";
  clock.schedule(from + clock.ms(clock.delays.ruleApply), () => {
    const current = ws.rules.get(key(name));
    if (current?.status === "Deleting") ws.rules.delete(key(name));
    disconnectRule(model, ws, name);
    touchWorkspace(model, ws);
  });
}

/** Applies a validated rule map to the workspace (PUT: replace the user rules; PATCH: merge, null deletes). */
function applyRuleMap(
  ctx: Ctx,
  ws: WorkspaceState,
  rules: Map<string, { name: string; body: JsonObject | null }>,
  replace: boolean,
): void {
  const { model } = ctx;
  if (replace) {
    for (const k of [...ws.rules.keys()]) if (!rules.has(k)) removeRule(ctx, ws, ws.rules.get(k)!.name);
  }
  for (const [k, w] of rules) {
    if (w.body === null) {
      removeRule(ctx, ws, w.name);
      continue;
    }
    const existing = ws.rules.get(k);
    if (
      existing &&
      JSON.stringify(existing.destination) === JSON.stringify(w.body.destination ?? null) &&
      existing.type === w.body.type
    ) {
      continue;
    }
    const rule = ruleFromBody(w.name, w.body, "Inactive");
    ws.rules.set(k, rule);
    if (existing) disconnectRule(model, ws, w.name);
    settleNewRule(ctx, ws, rule);
  }
}

function applyManagedNetwork(
  ctx: Ctx,
  ws: WorkspaceState,
  mnBody: JsonObject,
  validated: ReturnType<typeof validateManagedNetwork>,
  replace: boolean,
) {
  const mn = ws.managedNetwork;
  mn.isolationMode = validated.mode;
  if (str(mnBody.firewallSku)) mn.firewallSku = str(mnBody.firewallSku);
  if (str(mnBody.managedNetworkKind)) mn.managedNetworkKind = str(mnBody.managedNetworkKind);
  if (typeof mnBody.enableFirewallLog === "boolean") mn.enableFirewallLog = mnBody.enableFirewallLog;
  if (typeof mnBody.enableNetworkMonitor === "boolean") mn.enableNetworkMonitor = mnBody.enableNetworkMonitor;
  if (validated.rules) applyRuleMap(ctx, ws, validated.rules, replace);
  if (mn.status === "Active") {
    for (const r of requiredRules(ctx.model, ws))
      if (r.type === "PrivateEndpoint") connectRule(ctx.model, ws, r);
  }
}

// ------------------------------------------------------------------------ long-running writes

/** Azure time `minutes` from now, in clock milliseconds. */
function after(ctx: Ctx, minutes: number): number {
  return ctx.clock.now() + ctx.clock.ms(minutes);
}

const EMPTY_RESULT = () => ({ status: 200 });

/** A child-resource PUT in the Azure-AsyncOperation style: 201 (200 when it existed) with the body so far. */
function asyncPut(
  ctx: Ctx,
  ws: WorkspaceState,
  doneAt: number,
  tracked: { provisioningState: string },
  json: () => JsonObject,
  existed: boolean,
): Reply {
  const op = mlOperation(ctx, ws, doneAt, () => ({ status: 200, body: json() }), { tracked });
  return acceptedAsync(ctx, op, existed ? 200 : 201, json());
}

/**
 * Starts an ML RP long-running operation that ends at `doneAt` (Failed when a fault asked for it).
 * The provisioningState of `tracked` follows it: Succeeded or Failed at the end.
 */
function mlOperation(
  ctx: Ctx,
  ws: WorkspaceState,
  doneAt: number,
  result: Operation["result"],
  hooks: {
    tracked?: { provisioningState: string };
    onDone?: () => void;
    onFail?: () => void;
    failAtEnd?: boolean;
  } = {},
): Operation {
  const { tracked, onDone, onFail } = hooks;
  return ctx.model.createOperation({
    namespace: ML,
    location: ws.location,
    apiVersion: ctx.apiVersion,
    doneAt,
    failAtEnd: hooks.failAtEnd ?? ctx.failLro,
    result,
    onDone: () => {
      if (tracked) tracked.provisioningState = "Succeeded";
      onDone?.();
    },
    onFail: () => {
      if (tracked) tracked.provisioningState = "Failed";
      onFail?.();
    },
  });
}

// ----------------------------------------------------------------------------------- workspaces

function wsFromCtx(ctx: Ctx): WorkspaceState {
  const [sub, rg, name] = ctx.m as [string, string, string];
  return workspaceAt(ctx.model, sub, rg, name);
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

/** The synchronous form of an LRO: the operation ends now and the first answer is its result. */
function finishNow(ctx: Ctx, op: Operation): Reply {
  ctx.clock.tick();
  return op.result();
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

function storedProps(props: JsonObject): JsonObject {
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

// ------------------------------------------------------------------------------- outbound rules

function listRules(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  const all = allRules(ctx.model, ws);
  const skip = Number.parseInt(ctx.query.get("$skipToken") ?? "0", 10) || 0;
  const size = ctx.settings.pageSize;
  const page = all.slice(skip, skip + size).map((r) => ruleJson(ws, r));
  const body: JsonObject = { value: page };
  if (skip + size < all.length) {
    body.nextLink = `${ctx.baseUrl}${ctx.path}?api-version=${ctx.apiVersion}&$skipToken=${skip + size}`;
  }
  return { status: 200, body };
}

function getRule(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  const name = ctx.m[3]!;
  const rule = findRule(ctx.model, ws, name);
  if (!rule) {
    throw new ArmError(
      404,
      "ResourceNotFound",
      `Outbound rule '${name}' was not found in workspace '${ws.name}'.`,
    );
  }
  return { status: 200, body: ruleJson(ws, rule) };
}

/**
 * Rule writes are a read-modify-write of the workspace's rule map. With raceMode
 * "lastWriterWins" the map is read when the request arrives and written back a scaled window
 * later, so concurrent writers lose each other's rules (what users report); "conflict" answers
 * 409 while another write is in its window; "off" applies atomically.
 */
function writeRuleMap(
  ctx: Ctx,
  ws: WorkspaceState,
  change: (rules: Map<string, RuleState>, at: number) => void,
  settleMinutes: number,
  /** The synchronous answer form: the write lands before the answer (no race window). */
  atomic = false,
): number {
  const { clock, model, settings } = ctx;
  const now = clock.now();
  if (settings.raceMode === "conflict" && atomic && ws.ruleWriteUntil > now) {
    throw new ArmError(
      409,
      "Conflict",
      `Conflict of operation, another operation on same entity is already running in workspace ${ws.name}.`,
    );
  }
  if (settings.raceMode === "off" || atomic) {
    change(ws.rules, now);
    return now + clock.ms(settleMinutes);
  }
  const windowEnd = now + clock.ms(clock.delays.raceWindow);
  if (settings.raceMode === "conflict") {
    if (ws.ruleWriteUntil > now) {
      throw new ArmError(
        409,
        "Conflict",
        `Conflict of operation, another operation on same entity is already running in workspace ${ws.name}.`,
      );
    }
    ws.ruleWriteUntil = windowEnd;
    clock.schedule(windowEnd, () => {
      if (model.workspaces.get(key(ws.id)) === ws) change(ws.rules, windowEnd);
    });
    return windowEnd + clock.ms(settleMinutes);
  }
  // lastWriterWins: read the map now, write it back (plus this change) when the window ends.
  const snapshot = new Set(ws.rules.keys());
  const snapshotRules = new Map([...ws.rules].map(([k, r]) => [k, clone(r)]));
  clock.schedule(windowEnd, () => {
    if (model.workspaces.get(key(ws.id)) !== ws) return;
    const next = new Map<string, RuleState>();
    for (const k of snapshot) next.set(k, ws.rules.get(k) ?? snapshotRules.get(k)!);
    for (const [k, r] of ws.rules) if (!next.has(k)) disconnectRule(model, ws, r.name);
    ws.rules = next;
    change(ws.rules, windowEnd);
    touchWorkspace(model, ws);
  });
  return windowEnd + clock.ms(settleMinutes);
}

function putRule(ctx: Ctx): Reply {
  const { model } = ctx;
  const ws = wsFromCtx(ctx);
  const name = ctx.m[3]!;
  const body = bodyObject(ctx);
  const existing = findRule(model, ws, name);
  if (existing?.category === "Required") {
    throw new ArmError(
      400,
      "CannotModifyRequiredRule",
      `Outbound rule '${name}' is service-owned (category Required) and cannot be changed.`,
    );
  }
  const props = validateRule(model, ws, name, isObject(body.properties) ? body.properties : null);
  const written = ruleFromBody(name, props, "Inactive");
  // ManagedNetworkSettingsRule_CreateOrUpdate declares 200 (done) and 202 + Location.
  const form = lroForm(ctx, ["sync", "accepted"]);
  const doneAt = writeRuleMap(
    ctx,
    ws,
    (rules, at) => {
      const rule = clone(written);
      const previous = rules.get(key(name));
      rules.set(key(name), rule);
      if (previous) disconnectRule(model, ws, name);
      settleNewRule(ctx, ws, rule, at);
    },
    ruleSettleMinutes(ctx, ws, written.type),
    form === "sync",
  );
  touchWorkspace(model, ws);
  // The writer is told it succeeded even when a concurrent writer dropped its rule (lost update).
  const result = () => {
    const current = ws.rules.get(key(name));
    return {
      status: 200,
      body: ruleJson(
        ws,
        current ?? { ...written, status: ws.managedNetwork.status === "Active" ? "Active" : "Inactive" },
      ),
    };
  };
  if (form === "sync") return result();
  const op = mlOperation(ctx, ws, doneAt, result, {
    onFail: () => {
      const current = ws.rules.get(key(name));
      if (current) {
        current.status = "Failed";
        current.errorInformation = "The rule could not be applied (emulator fault: lroFailed).";
      }
    },
  });
  return acceptedLocation(ctx, op);
}

function deleteRule(ctx: Ctx): Reply {
  const { model } = ctx;
  const ws = wsFromCtx(ctx);
  const name = ctx.m[3]!;
  const existing = findRule(model, ws, name);
  if (!existing) return { status: 204 };
  if (existing.category === "Required") {
    throw new ArmError(
      400,
      "CannotModifyRequiredRule",
      `Outbound rule '${name}' is service-owned (category Required) and cannot be deleted.`,
    );
  }
  // ManagedNetworkSettingsRule_Delete declares 200, 202 + Location and 204 (absent).
  const form = lroForm(ctx, ["sync", "accepted"]);
  const doneAt = writeRuleMap(
    ctx,
    ws,
    (_rules, at) => removeRule(ctx, ws, name, at, form === "sync"),
    ruleSettleMinutes(ctx, ws, existing.type, true),
    form === "sync",
  );
  touchWorkspace(model, ws);
  if (form === "sync") return { status: 200 };
  return acceptedLocation(ctx, mlOperation(ctx, ws, doneAt, EMPTY_RESULT));
}

// ----------------------------------------------------------------------------- provisioning

function startProvisioningOp(ctx: Ctx, ws: WorkspaceState, includeSpark: boolean, failAtEnd = false) {
  const { model } = ctx;
  const existing = ws.managedNetwork.provisioningOp
    ? model.operations.get(ws.managedNetwork.provisioningOp)
    : undefined;
  if (existing && existing.status === "InProgress") return existing;
  const result = () => ({
    status: 200,
    body: { status: ws.managedNetwork.status, sparkReady: ws.managedNetwork.sparkReady },
  });
  const op = mlOperation(ctx, ws, after(ctx, provisioningMinutes(model, ws)), result, { failAtEnd });
  startProvisioning(model, ws, includeSpark, op);
  return op;
}

function provisionManagedNetwork(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  if (ws.managedNetwork.isolationMode === "Disabled") {
    throw new ArmError(
      400,
      "ManagedNetworkNotEnabled",
      `Workspace '${ws.name}' has managed network isolation Disabled; set AllowInternetOutbound or AllowOnlyApprovedOutbound first.`,
    );
  }
  const includeSpark = isObject(ctx.body) && ctx.body.includeSpark === true;
  if (ws.managedNetwork.status === "Active" && !(includeSpark && !ws.managedNetwork.sparkReady)) {
    return { status: 200, body: { status: "Active", sparkReady: ws.managedNetwork.sparkReady } };
  }
  const op = startProvisioningOp(ctx, ws, includeSpark, ctx.failLro);
  // ManagedNetworkProvisions_ProvisionManagedNetwork declares 200 (ManagedNetworkProvisionStatus)
  // and 202 + Location. In the 200 form the network keeps provisioning in the background and the
  // answer reports its status now (assumed: the spec does not say a 200 means Active).
  if (lroForm(ctx, ["sync", "accepted"]) === "sync") {
    return {
      status: 200,
      body: { status: ws.managedNetwork.status, sparkReady: ws.managedNetwork.sparkReady },
    };
  }
  return acceptedLocation(ctx, op);
}

// ----------------------------------------------------------------------------------- computes

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

/** The workspace identity needs its storage role in effect (propagated) for sessions and deployments. */
function requireStorageRole(ctx: Ctx, ws: WorkspaceState, action: string): void {
  const storage = str(ws.properties.storageAccount);
  if (!ws.principalId || !storage) return;
  if (!hasEffectiveRole(ctx.model, ws.principalId, STORAGE_FILE_PRIVILEGED_CONTRIBUTOR, storage)) {
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${ws.principalId}' with object id '${ws.principalId}' does not have authorization to perform action '${action}' over scope '${storage}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  }
}

function startCompute(ctx: Ctx): Reply {
  const ws = wsFromCtx(ctx);
  computeOf(ctx, ws); // 404 for an unknown compute
  requireStorageRole(ctx, ws, "Microsoft.Storage/storageAccounts/fileServices/fileshares/files/read");
  return acceptedLocation(ctx, mlOperation(ctx, ws, after(ctx, 1), EMPTY_RESULT));
}

// ---------------------------------------------------------------------------- online endpoints

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

// ---------------------------------------------------------------- workspace's own PE connections

function wsConnections(ctx: Ctx) {
  const ws = wsFromCtx(ctx);
  const resource = ctx.model.resource(ws.id)!;
  return { ws, resource };
}

// ------------------------------------------------------------------------------------- routes

export function mlRoutes(): Route[] {
  const v = ML_VERSIONS;
  const mn = ML_MANAGED_NETWORK_VERSIONS;
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
    {
      name: "ml.outboundRules",
      pattern: re(`${WS}/outboundRules`),
      versions: mn,
      handlers: { GET: listRules },
    },
    {
      name: "ml.outboundRule",
      pattern: re(`${WS}/outboundRules/([^/]+)`),
      versions: mn,
      handlers: { GET: getRule, PUT: putRule, DELETE: deleteRule },
    },
    {
      name: "ml.provisionManagedNetwork",
      pattern: re(`${WS}/provisionManagedNetwork`),
      versions: mn,
      handlers: { POST: provisionManagedNetwork },
    },
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
    {
      name: "ml.privateEndpointConnections",
      pattern: re(`${WS}/privateEndpointConnections`),
      versions: v,
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
