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
import { wallMs } from "./options.js";
import { DNS_ZONE_GROUP_NAME, parseArmId, ReadSession, workspaceNotFound } from "./read.js";
import { withRetry } from "./retry.js";
import { retryContext, type StepEnv } from "./steps.js";

/** SDK LRO options: poll in Azure time, abortable. */
function lroOptions(env: StepEnv) {
  return { updateIntervalInMs: Math.max(1, wallMs(5, env.waits)), abortSignal: env.signal };
}

/** Delete through an SDK LRO; already gone (404) counts as deleted. */
async function deleteIgnoringNotFound(env: StepEnv, remove: () => Promise<unknown>): Promise<void> {
  try {
    await env.clients.sdk(remove);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw error;
  }
}

/** A delete step: the delete with the step's retry policy. */
async function deleteStep(env: StepEnv, step: PlanStep, remove: () => Promise<unknown>): Promise<StepResult> {
  await withRetry(() => deleteIgnoringNotFound(env, remove), retryContext(env, step));
  return { outcome: "succeeded" };
}

export async function applyPrivateEndpoint(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as PrivateEndpointIdentity;
  const client = env.clients.network(identity.subscriptionId);
  const remove = () =>
    client.privateEndpoints.beginDeleteAndWait(identity.resourceGroup, identity.name, lroOptions(env));
  if (step.action === "delete") return deleteStep(env, step, remove);
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
      if (current) await deleteIgnoringNotFound(env, remove);
      let location = identity.location;
      if (!location) {
        const ws = await env.clients.ml.getWorkspace(identity.workspace, env.signal);
        if (!ws) throw workspaceNotFound(identity.workspace, step.address);
        location = ws.body.location ?? "";
      }
      await env.clients.sdk(() =>
        client.privateEndpoints.beginCreateOrUpdateAndWait(
          identity.resourceGroup,
          identity.name,
          {
            location,
            subnet: { id: after.subnetId },
            privateLinkServiceConnections: [
              { name: identity.name, privateLinkServiceId: after.targetId, groupIds: [after.groupId] },
            ],
          },
          lroOptions(env),
        ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}

export async function applyDnsZoneGroup(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const pe = (step.identity as unknown as PrivateDnsZoneGroupIdentity).privateEndpoint;
  const client = env.clients.network(pe.subscriptionId);
  if (step.action === "delete") {
    return deleteStep(env, step, () =>
      client.privateDnsZoneGroups.beginDeleteAndWait(
        pe.resourceGroup,
        pe.name,
        DNS_ZONE_GROUP_NAME,
        lroOptions(env),
      ),
    );
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
      await env.clients.sdk(() =>
        client.privateDnsZoneGroups.beginCreateOrUpdateAndWait(
          pe.resourceGroup,
          pe.name,
          DNS_ZONE_GROUP_NAME,
          {
            privateDnsZoneConfigs: zoneIds.map((id) => ({
              name: (id.split("/").pop() ?? id).replace(/\./g, "-"),
              privateDnsZoneId: id,
            })),
          },
          lroOptions(env),
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
  const client = env.clients.network(nsg.subscriptionId);
  if (step.action === "delete") {
    return deleteStep(env, step, () =>
      client.securityRules.beginDeleteAndWait(
        nsg.resourceGroup,
        nsg.name,
        identity.ruleName,
        lroOptions(env),
      ),
    );
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
      await env.clients.sdk(() =>
        client.securityRules.beginCreateOrUpdateAndWait(
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
          lroOptions(env),
        ),
      );
    },
    retryContext(env, step),
  );
  return { outcome: "succeeded" };
}
