/**
 * A workspace's managed network over time: provisioning (the operation that activates the rules),
 * the private-endpoint connections its PE rules make on their targets, and the ids of the
 * private endpoints it creates there.
 */
import { isObject, key, type Prng, str } from "../../util.js";
import { hasEffectiveRole, NETWORK_CONNECTION_APPROVER } from "../authorization.js";
import type { Model, Operation } from "../model.js";
import { deleteConnections } from "../targets.js";
import { allRules, type RuleState } from "./outbound-rules.js";
import { touchWorkspace, type WorkspaceState, workspacePrincipal } from "./workspaces.js";

/**
 * The shapes the emulator gives the private endpoint a managed network creates on a target. Azure
 * does not document it (azure-facts a.5: UNCONFIRMED), so each is a plausible guess and pfnet
 * must cope with all of them:
 * - `managedResourceGroup`: the caller's subscription, resource group `azureml-managed-network-{networkId}`, name `{ws}-{rule}`;
 * - `workspaceResourceGroup`: a Microsoft-managed subscription, resource group `azureml-rg-{workspaceId}`, name `{rule}-{random}`;
 * - `opaque`: a Microsoft-managed subscription, an opaque resource group, name `{ws}-{rule}-{random}`.
 */
export const ENDPOINT_ID_SHAPES = ["managedResourceGroup", "workspaceResourceGroup", "opaque"] as const;
export type EndpointIdShape = (typeof ENDPOINT_ID_SHAPES)[number];
/** The subscription the emulator's "Microsoft-managed" endpoints live in (assumed). */
export const MICROSOFT_MANAGED_SUBSCRIPTION = "00000000-0000-4000-a000-00000000feed";

/** Resource group of the managed network's private endpoints: how a client tells which workspace owns a connection. */
export function managedNetworkResourceGroup(networkId: string): string {
  return `azureml-managed-network-${networkId}`;
}

/** Starts provisioning (or returns the one in progress). Completion activates rules and makes PE connections. */
export function startProvisioning(
  model: Model,
  ws: WorkspaceState,
  includeSpark: boolean,
  op: Operation,
): void {
  ws.managedNetwork.provisioningOp = op.id;
  // While it runs, the rules it will activate read `Provisioning` (ASSUMED: the 2025-12-01
  // RuleStatus has the value; no document says when Azure shows it. README, "Fidelity").
  for (const rule of ws.rules.values()) if (rule.status === "Inactive") rule.status = "Provisioning";
  touchWorkspace(model, ws);
  model.clock.schedule(op.doneAt, () => {
    if (model.workspaces.get(key(ws.id)) !== ws) return;
    ws.managedNetwork.provisioningOp = undefined;
    if (op.failAtEnd) {
      for (const rule of ws.rules.values()) if (rule.status === "Provisioning") rule.status = "Inactive";
      touchWorkspace(model, ws);
      return;
    }
    completeProvisioning(model, ws, includeSpark);
  });
}

/** Whether a provisioning operation of the workspace's managed network is under way. */
export function provisioningUnderWay(model: Model, ws: WorkspaceState): boolean {
  const id = ws.managedNetwork.provisioningOp;
  return id !== undefined && model.operations.get(id)?.status === "InProgress";
}

export function provisioningMinutes(model: Model, ws: WorkspaceState): number {
  const needsFirewall = !ws.managedNetwork.firewall && allRules(model, ws).some((r) => r.type === "FQDN");
  return model.clock.delays.provisionNetwork + (needsFirewall ? model.clock.delays.firewall : 0);
}

export function completeProvisioning(model: Model, ws: WorkspaceState, includeSpark: boolean): void {
  const mn = ws.managedNetwork;
  mn.status = "Active";
  mn.sparkReady = mn.sparkReady || includeSpark;
  if ([...ws.rules.values()].some((r) => r.type === "FQDN")) mn.firewall = true;
  for (const rule of ws.rules.values()) {
    if (rule.status === "Inactive" || rule.status === "Provisioning") rule.status = "Active";
  }
  for (const rule of allRules(model, ws)) if (rule.type === "PrivateEndpoint") connectRule(model, ws, rule);
  touchWorkspace(model, ws);
}

/** A PE rule of an Active network creates a connection on its target (Approved or Pending per the target). */
export function connectRule(model: Model, ws: WorkspaceState, rule: RuleState): void {
  if (!isObject(rule.destination)) return;
  const targetId = str(rule.destination.serviceResourceId);
  const target = targetId ? model.resource(targetId) : undefined;
  if (!target) {
    if (rule.category !== "Required") {
      rule.status = "Failed";
      rule.errorInformation = `Private endpoint target '${targetId}' was not found.`;
    }
    return;
  }
  const connName = `${ws.managedNetwork.networkId}.${rule.name}`;
  if (target.connections.has(key(connName))) return;
  const serviceOwned = rule.category === "Required";
  const approved = serviceOwned || (target.autoApprove && identityMayApprove(model, ws, target.id));
  target.connections.set(key(connName), {
    name: connName,
    privateEndpointId: managedEndpointId(model, ws, rule.name),
    groupIds: [str(rule.destination.subresourceTarget) ?? ""],
    status: approved ? "Approved" : "Pending",
    description: approved ? "Auto-Approved" : "Awaiting approval",
    provisioningState: "Succeeded",
    workspaceId: ws.id,
    ruleName: rule.name,
  });
}

/**
 * Whether the workspace's identity may approve a connection on the target: always for a
 * system-assigned identity (the emulator's default); a workspace whose identity is user-assigned
 * (`primaryUserAssignedIdentity`) needs Azure AI Enterprise Network Connection Approver in effect
 * at or above the target (MN, azure-facts c.5; that the check is made per target: assumed).
 */
function identityMayApprove(model: Model, ws: WorkspaceState, targetId: string): boolean {
  if (str(ws.properties.primaryUserAssignedIdentity) === undefined) return true;
  const principal = workspacePrincipal(ws);
  return principal !== undefined && hasEffectiveRole(model, principal, NETWORK_CONNECTION_APPROVER, targetId);
}

/** The connections the managed network made for rule `ruleName` go away. */
export function disconnectRule(model: Model, ws: WorkspaceState, ruleName: string): void {
  deleteConnections(model, (c) => c.workspaceId === ws.id && key(c.ruleName ?? "") === key(ruleName));
}

/** The id of the private endpoint workspace `ws`'s managed network creates for `ruleName`. */
function managedEndpointId(model: Model, ws: WorkspaceState, ruleName: string): string {
  const mode = model.endpointIds?.shape ?? "managedResourceGroup";
  let shape = mode === "seeded" ? model.endpointShapes.get(key(ws.id)) : mode;
  if (!shape) {
    const prng: Prng = model.endpointIds?.prng ?? model.prng;
    shape = ENDPOINT_ID_SHAPES[Math.floor(prng.next() * ENDPOINT_ID_SHAPES.length)]!;
    model.endpointShapes.set(key(ws.id), shape);
  }
  const suffix = model.prng.guid().slice(0, 8);
  const pe = (sub: string, rg: string, name: string) =>
    `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/${name}`;
  switch (shape) {
    case "managedResourceGroup":
      return pe(
        model.subscriptionId,
        managedNetworkResourceGroup(ws.managedNetwork.networkId),
        `${ws.name}-${ruleName}`,
      );
    case "workspaceResourceGroup":
      return pe(MICROSOFT_MANAGED_SUBSCRIPTION, `azureml-rg-${ws.workspaceId}`, `${ruleName}-${suffix}`);
    case "opaque":
      return pe(
        MICROSOFT_MANAGED_SUBSCRIPTION,
        `rg-managedvnet-${suffix}`,
        `${ws.name}-${ruleName}-${suffix.slice(0, 4)}`,
      );
  }
}
