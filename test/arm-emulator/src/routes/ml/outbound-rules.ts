/**
 * Microsoft.MachineLearningServices outbound rules of a workspace's managed network: list (paged),
 * get, put and delete, the read-modify-write of the rule map behind them (race modes), and how a
 * written or removed rule settles.
 */
import type { Ctx, Reply, Route } from "../../http.js";
import { acceptedLocation, lroForm } from "../../http.js";
import { connectRule, disconnectRule, provisioningUnderWay } from "../../state/ml/managed-network.js";
import {
  allRules,
  findRule,
  type RuleState,
  ruleFromBody,
  validateRule,
} from "../../state/ml/outbound-rules.js";
import { touchWorkspace, type WorkspaceState } from "../../state/ml/workspaces.js";
import { ArmError, clone, isObject, type JsonObject, key } from "../../util.js";
import { bodyObject, ML_MANAGED_NETWORK_VERSIONS, re } from "../common.js";
import { EMPTY_RESULT, mlOperation, refuseProjectNetwork, WS, wsFromCtx } from "./common.js";

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
export function applyRuleMap(
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
  refuseProjectNetwork(ws, "an outbound rule");
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

export function outboundRuleRoutes(): Route[] {
  const mn = ML_MANAGED_NETWORK_VERSIONS;
  return [
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
  ];
}
