/**
 * A workspace's managed network over Microsoft.MachineLearningServices: the `managedNetwork`
 * settings of a workspace PUT/PATCH (isolation mode changes, rule map), provisionManagedNetwork
 * and the provisioning operation other writes start (the first compute), the firewall's address.
 */
import { createHash } from "node:crypto";
import type { Ctx, Reply, Route } from "../../http.js";
import { acceptedLocation, lroForm } from "../../http.js";
import type { IsolationMode } from "../../seed.js";
import { connectRule, provisioningMinutes, startProvisioning } from "../../state/ml/managed-network.js";
import { requiredRules, validateRule } from "../../state/ml/outbound-rules.js";
import type { WorkspaceState } from "../../state/ml/workspaces.js";
import type { Model } from "../../state/model.js";
import { ArmError, isObject, type JsonObject, key, str } from "../../util.js";
import { ML_MANAGED_NETWORK_VERSIONS, re } from "../common.js";
import { after, mlOperation, refuseProjectNetwork, WS, wsFromCtx } from "./common.js";
import { applyRuleMap } from "./outbound-rules.js";

const ISOLATION_MODES: IsolationMode[] = ["Disabled", "AllowInternetOutbound", "AllowOnlyApprovedOutbound"];

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
export function validateManagedNetwork(
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

export function applyManagedNetwork(
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

export function startProvisioningOp(ctx: Ctx, ws: WorkspaceState, includeSpark: boolean, failAtEnd = false) {
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
  refuseProjectNetwork(ws, "provisioning");
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

export function managedNetworkRoutes(): Route[] {
  return [
    {
      name: "ml.provisionManagedNetwork",
      pattern: re(`${WS}/provisionManagedNetwork`),
      versions: ML_MANAGED_NETWORK_VERSIONS,
      handlers: { POST: provisionManagedNetwork },
    },
  ];
}
