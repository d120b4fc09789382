/**
 * `privateDnsZoneGroup` (network: byo): the DNS zone group `default` of pfnet's private
 * endpoint, one config per private DNS zone, through `@azure/arm-network`.
 */
import type {
  ActualResource,
  PlanStep,
  PrivateDnsZoneGroupIdentity,
  PrivateDnsZoneGroupProperties,
  StepResult,
} from "@pfnet/core";
import type { AzureKind, RequiredActions } from "../kind.js";
import { absentFingerprint, canonicalJson, contentHash } from "../normalize.js";
import type { ReadSession } from "../read.js";
import { groupScope, on, writeActions } from "../required-actions.js";
import { withRetry } from "../retry.js";
import { deleteStep, newSession, retryContext, type StepEnv } from "../steps.js";
import { awaitSdkOperation } from "../waits.js";

/** Name of the DNS zone group pfnet gives a private endpoint. */
export const DNS_ZONE_GROUP_NAME = "default";

/** The DNS zone groups of a private endpoint (none when the endpoint is absent); one list per session. */
function dnsZoneGroups(
  session: ReadSession,
  subscriptionId: string,
  resourceGroup: string,
  peName: string,
): Promise<{ name: string; zoneIds: string[] }[]> {
  return session.cached(
    "zoneGroups",
    `${subscriptionId}/${resourceGroup}/${peName}`.toLowerCase(),
    async () => {
      const client = await session.clients.network(subscriptionId);
      const groups: { name: string; zoneIds: string[] }[] = [];
      try {
        await session.clients.sdk(async () => {
          for await (const g of client.privateDnsZoneGroups.list(peName, resourceGroup, {
            abortSignal: session.signal,
          })) {
            groups.push({
              name: g.name ?? "",
              zoneIds: (g.privateDnsZoneConfigs ?? []).map((c) => c.privateDnsZoneId ?? "").sort(),
            });
          }
        });
      } catch (error) {
        if ((error as { statusCode?: number }).statusCode === 404) return [];
        throw error;
      }
      return groups;
    },
  );
}

async function readZoneGroup(
  session: ReadSession,
  node: { address: string; identity: PrivateDnsZoneGroupIdentity },
): Promise<ActualResource> {
  const pe = node.identity.privateEndpoint;
  const groups = await dnsZoneGroups(session, pe.subscriptionId, pe.resourceGroup, pe.name);
  const group = groups.find((g) => g.name.toLowerCase() === DNS_ZONE_GROUP_NAME) ?? groups[0];
  if (!group) return { exists: false, fingerprint: absentFingerprint(node.address) };
  const properties = { privateDnsZoneIds: group.zoneIds };
  return { exists: true, properties, facts: { name: group.name }, fingerprint: contentHash(properties) };
}

async function applyDnsZoneGroup(env: StepEnv, step: PlanStep): Promise<StepResult> {
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
      const groups = await dnsZoneGroups(newSession(env, step), pe.subscriptionId, pe.resourceGroup, pe.name);
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

/** The zone group is written on its private endpoint and joins each private DNS zone. */
async function zoneGroupActions(_session: ReadSession, step: PlanStep): Promise<RequiredActions[]> {
  const { privateEndpoint: pe } = step.identity as unknown as PrivateDnsZoneGroupIdentity;
  const peId = `${groupScope(pe.subscriptionId, pe.resourceGroup)}/providers/Microsoft.Network/privateEndpoints/${pe.name}`;
  const zones =
    step.action === "delete"
      ? []
      : ((step.after as Partial<PrivateDnsZoneGroupProperties> | null)?.privateDnsZoneIds ?? []);
  return [
    ...on(peId, writeActions(step, "Microsoft.Network/privateEndpoints/privateDnsZoneGroups")),
    ...zones.flatMap((zone) => on(zone, ["Microsoft.Network/privateDnsZones/join/action"])),
  ];
}

export const privateDnsZoneGroup: AzureKind<"privateDnsZoneGroup"> = {
  kind: "privateDnsZoneGroup",
  requiredActions: zoneGroupActions,
  read: readZoneGroup,
  apply: applyDnsZoneGroup,
};
