/**
 * Own-VNet steps (network: byo) through `@azure/arm-network`: the private endpoint to each
 * reached service in the spec's subnet, its DNS zone group, and the required outbound NSG rules.
 * Each re-reads first and writes only what differs; approvals of these endpoints share
 * `applyApproval` (matched on the endpoint's own id).
 */
import type {
  NsgRuleIdentity,
  NsgRuleProperties,
  PlanStep,
  PrivateDnsZoneGroupIdentity,
  PrivateDnsZoneGroupProperties,
  PrivateEndpointIdentity,
  PrivateEndpointProperties,
  StepResult,
} from "@pfnet/core";
import { canonicalJson, sameId } from "./normalize.js";
import { DNS_ZONE_GROUP_NAME, parseArmId, ReadSession, workspaceNotFound } from "./read.js";
import { withRetry } from "./retry.js";
import { retryContext, type StepEnv } from "./steps.js";
import { awaitSdkOperation, type OperationKind, type SdkPoller } from "./waits.js";

/** How to delete one resource through an SDK long-running operation (with progress). */
interface Removal {
  operation: OperationKind;
  label: string;
  begin: (options: { updateIntervalInMs: number; abortSignal: AbortSignal }) => Promise<SdkPoller<unknown>>;
}

/** Delete through an SDK LRO; already gone (404) counts as deleted. */
async function deleteIgnoringNotFound(env: StepEnv, step: PlanStep, removal: Removal): Promise<void> {
  try {
    await awaitSdkOperation(env, step, removal.operation, removal.label, removal.begin);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** A delete step: the delete with the step's retry policy. */
async function deleteStep(env: StepEnv, step: PlanStep, removal: Removal): Promise<StepResult> {
  await withRetry(() => deleteIgnoringNotFound(env, step, removal), retryContext(env, step));
  return { outcome: "succeeded" };
}

export async function applyPrivateEndpoint(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as PrivateEndpointIdentity;
  const client = await env.clients.network(identity.subscriptionId);
  const removal: Removal = {
    operation: "privateEndpointDelete",
    label: `deleting private endpoint ${identity.name}`,
    begin: (options) => client.privateEndpoints.beginDelete(identity.resourceGroup, identity.name, options),
  };
  if (step.action === "delete") return deleteStep(env, step, removal);
  const after = step.after as unknown as PrivateEndpointProperties;
  await withRetry(
    async () => {
      const session = new ReadSession(env.clients, retryContext(env, step));
      const current = await session.privateEndpoint(
        identity.subscriptionId,
        identity.resourceGroup,
        identity.name,
      );
      if (
        current &&
        sameId(current.subnetId, after.subnetId) &&
        sameId(current.targetId, after.targetId) &&
        current.groupId === after.groupId
      )
        return;
      // Subnet and target of a private endpoint cannot change in place: replace it.
      if (current) await deleteIgnoringNotFound(env, step, removal);
      let location = identity.location;
      if (!location) {
        const ws = await env.clients.ml.getWorkspace(identity.workspace, env.signal);
        if (!ws) throw workspaceNotFound(identity.workspace, step.address);
        location = ws.body.location ?? "";
      }
      await awaitSdkOperation(
        env,
        step,
        "privateEndpointCreate",
        `creating private endpoint ${identity.name}`,
        (options) =>
          client.privateEndpoints.beginCreateOrUpdate(
            identity.resourceGroup,
            identity.name,
            {
              location,
              subnet: { id: after.subnetId },
              privateLinkServiceConnections: [
                { name: identity.name, privateLinkServiceId: after.targetId, groupIds: [after.groupId] },
              ],
            },
            options,
          ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}

export async function applyDnsZoneGroup(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const pe = (step.identity as unknown as PrivateDnsZoneGroupIdentity).privateEndpoint;
  const client = await env.clients.network(pe.subscriptionId);
  if (step.action === "delete") {
    return deleteStep(env, step, {
      operation: "dnsZoneGroupWrite",
      label: `deleting the DNS zone group of ${pe.name}`,
      begin: (options) =>
        client.privateDnsZoneGroups.beginDelete(pe.resourceGroup, pe.name, DNS_ZONE_GROUP_NAME, options),
    });
  }
  const after = step.after as unknown as PrivateDnsZoneGroupProperties;
  const zoneIds = [...after.privateDnsZoneIds].sort();
  await withRetry(
    async () => {
      const session = new ReadSession(env.clients, retryContext(env, step));
      const groups = await session.dnsZoneGroups(pe.subscriptionId, pe.resourceGroup, pe.name);
      const current = groups.find((g) => g.name.toLowerCase() === DNS_ZONE_GROUP_NAME);
      if (
        current &&
        canonicalJson(current.zoneIds.map((z) => z.toLowerCase())) ===
          canonicalJson(zoneIds.map((z) => z.toLowerCase()))
      )
        return;
      await awaitSdkOperation(
        env,
        step,
        "dnsZoneGroupWrite",
        `writing the DNS zone group of ${pe.name}`,
        (options) =>
          client.privateDnsZoneGroups.beginCreateOrUpdate(
            pe.resourceGroup,
            pe.name,
            DNS_ZONE_GROUP_NAME,
            {
              privateDnsZoneConfigs: zoneIds.map((id) => ({
                name: (id.split("/").pop() ?? id).replace(/\./g, "-"),
                privateDnsZoneId: id,
              })),
            },
            options,
          ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}

export async function applyNsgRule(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as NsgRuleIdentity;
  const nsg = parseArmId(identity.nsgId);
  const client = await env.clients.network(nsg.subscriptionId);
  if (step.action === "delete") {
    return deleteStep(env, step, {
      operation: "nsgRuleWrite",
      label: `deleting NSG rule ${identity.ruleName}`,
      begin: (options) =>
        client.securityRules.beginDelete(nsg.resourceGroup, nsg.name, identity.ruleName, options),
    });
  }
  const after = step.after as unknown as NsgRuleProperties;
  await withRetry(
    async () => {
      const session = new ReadSession(env.clients, retryContext(env, step));
      const current = (await session.nsgRules(identity.nsgId)).get(identity.ruleName.toLowerCase());
      if (current) {
        const { name: _n, etag: _e, ...properties } = current;
        if (canonicalJson(properties) === canonicalJson(after)) return;
      }
      await awaitSdkOperation(env, step, "nsgRuleWrite", `writing NSG rule ${identity.ruleName}`, (options) =>
        client.securityRules.beginCreateOrUpdate(
          nsg.resourceGroup,
          nsg.name,
          identity.ruleName,
          {
            direction: after.direction,
            access: after.access,
            protocol: after.protocol,
            sourceAddressPrefix: "VirtualNetwork",
            sourcePortRange: "*",
            destinationAddressPrefix: after.destinationAddressPrefix,
            destinationPortRanges: [...after.destinationPortRanges],
            priority: after.priority,
            description: "Required outbound for Azure Machine Learning (managed by pfnet)",
          },
          options,
        ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}
