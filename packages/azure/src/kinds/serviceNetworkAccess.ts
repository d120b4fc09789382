/**
 * `serviceNetworkAccess`: a reached service's public access and firewall — a CognitiveServices
 * account (`Accounts_Get` / `Accounts_Update`, cognitiveservices.json 2024-10-01: the PATCH is
 * long-running, 200 or 202; `publicNetworkAccess` `Enabled|Disabled`, `networkAcls`) or a Search
 * service (`Services_Get` / `Services_Update`, search.json 2023-11-01: the PATCH is synchronous;
 * `publicNetworkAccess` lowercase `enabled|disabled`, `networkRuleSet.ipRules`). Before the write
 * it reads and checks every workspace's private path again: managed — the private-endpoint rule
 * Active and the workspace's connection Approved; own VNet — the private endpoint Succeeded, its
 * DNS zone group holding the zones, each zone linked to the endpoint's VNet
 * (`VirtualNetworkLinks_List`, privatedns.json 2024-06-01), the connection Approved. A path that
 * is not ready fails the step (`PRIVATE_PATH_NOT_READY`) with nothing written.
 */
import type { ActualResource, KindTypes, PlanStep, ResourceNode, StepResult } from "@pfnet/core";
import { PfnetError } from "@pfnet/core";
import type { AzureKind } from "../kind.js";
import { contentHash, sameId } from "../normalize.js";
import type { ReadSession } from "../read.js";
import { resourceType } from "../rest/connections.js";
import { newSession, retrying, type StepEnv } from "../steps.js";
import { privateDnsZoneGroup } from "./privateDnsZoneGroup.js";
import { privateEndpoint } from "./privateEndpoint.js";
import { privateEndpointApproval, serviceNotFound } from "./privateEndpointApproval.js";

type ServiceNetworkAccessIdentity = KindTypes["serviceNetworkAccess"]["identity"];
type ServiceNetworkAccessProperties = KindTypes["serviceNetworkAccess"]["properties"];
type ServicePrivatePath = ServiceNetworkAccessIdentity["paths"][number];

/** api-version of each service type's GET / PATCH (the vendored specs). */
const API_VERSIONS: Record<string, string> = {
  "microsoft.cognitiveservices/accounts": "2024-10-01",
  "microsoft.search/searchservices": "2023-11-01",
};
/** privatedns.json 2024-06-01 (`VirtualNetworkLinks_List`). */
const PRIVATE_DNS_API_VERSION = "2024-06-01";

const typeOf = (targetId: string) => resourceType(targetId).toLowerCase();
const isSearch = (targetId: string) => typeOf(targetId) === "microsoft.search/searchservices";

function apiVersionOf(targetId: string, address: string): string {
  const version = API_VERSIONS[typeOf(targetId)];
  if (version) return version;
  throw new PfnetError(
    "NOT_SUPPORTED",
    `${address}: pfnet sets network access only on Microsoft.CognitiveServices/accounts and Microsoft.Search/searchServices, not on ${targetId}.`,
    { address },
  );
}

interface TargetBody {
  properties?: {
    publicNetworkAccess?: string;
    networkAcls?: {
      defaultAction?: string;
      bypass?: string;
      ipRules?: Array<{ value?: string }>;
      virtualNetworkRules?: unknown[];
    };
    networkRuleSet?: { ipRules?: Array<{ value?: string }> };
  };
}

const values = (rules: Array<{ value?: string }> | undefined) =>
  (rules ?? [])
    .map((rule) => rule.value ?? "")
    .filter((value) => value !== "")
    .sort();

/** The service's settings in the kind's shape (a Search service denies exactly when it has IP rules). */
export function normaliseAccess(targetId: string, body: TargetBody): ServiceNetworkAccessProperties {
  const properties = body.properties ?? {};
  if (isSearch(targetId)) {
    const ipRules = values(properties.networkRuleSet?.ipRules);
    return {
      publicNetworkAccess:
        properties.publicNetworkAccess?.toLowerCase() === "disabled" ? "Disabled" : "Enabled",
      defaultAction: ipRules.length > 0 ? "Deny" : "Allow",
      ipRules,
    };
  }
  const acls = properties.networkAcls;
  return {
    publicNetworkAccess: properties.publicNetworkAccess === "Disabled" ? "Disabled" : "Enabled",
    defaultAction: acls?.defaultAction === "Deny" ? "Deny" : "Allow",
    ipRules: values(acls?.ipRules),
    bypass: acls?.bypass === "AzureServices" ? "AzureServices" : "None",
  };
}

function getTarget(session: ReadSession, identity: ServiceNetworkAccessIdentity, address: string) {
  const apiVersion = apiVersionOf(identity.targetId, address);
  return session.cached("targetNetwork", identity.targetId.toLowerCase(), async () => {
    try {
      return (
        await session.clients.arm.send<TargetBody>("GET", identity.targetId, {
          apiVersion,
          signal: session.signal,
        })
      ).body;
    } catch (error) {
      throw serviceNotFound(error, identity) ?? error;
    }
  });
}

async function readAccess(
  session: ReadSession,
  node: ResourceNode<"serviceNetworkAccess">,
): Promise<ActualResource> {
  const identity = node.identity as ServiceNetworkAccessIdentity;
  const properties = normaliseAccess(identity.targetId, await getTarget(session, identity, node.address));
  return { exists: true, properties: { ...properties }, fingerprint: contentHash(properties) };
}

/** The PATCH body of the desired settings, in the service's own spelling. */
export function patchBody(
  targetId: string,
  after: Partial<ServiceNetworkAccessProperties>,
  current: TargetBody,
): Record<string, unknown> {
  const rules = after.ipRules?.map((value) => ({ value }));
  if (isSearch(targetId)) {
    return {
      properties: {
        ...(after.publicNetworkAccess
          ? { publicNetworkAccess: after.publicNetworkAccess.toLowerCase() }
          : {}),
        ...(rules ? { networkRuleSet: { ipRules: rules } } : {}),
      },
    };
  }
  const touchesAcls = after.defaultAction !== undefined || rules !== undefined || after.bypass !== undefined;
  const acls = current.properties?.networkAcls ?? {};
  return {
    properties: {
      ...(after.publicNetworkAccess ? { publicNetworkAccess: after.publicNetworkAccess } : {}),
      ...(touchesAcls
        ? {
            networkAcls: {
              defaultAction: after.defaultAction ?? acls.defaultAction ?? "Allow",
              ipRules: rules ?? acls.ipRules ?? [],
              // Virtual-network rules are not pfnet's: sent back as read.
              virtualNetworkRules: acls.virtualNetworkRules ?? [],
              ...((after.bypass ?? acls.bypass) ? { bypass: after.bypass ?? acls.bypass } : {}),
            },
          }
        : {}),
    },
  };
}

/** The VNet of a subnet id (`…/virtualNetworks/{vnet}`). */
const vnetOf = (subnetId: string) => subnetId.replace(/\/subnets\/[^/]+\/?$/i, "");

/** Why the path is not ready, or undefined when it is (everything read anew). */
async function pathProblem(
  session: ReadSession,
  identity: ServiceNetworkAccessIdentity,
  path: ServicePrivatePath,
): Promise<string | undefined> {
  const ref = path.workspace;
  const approval = await privateEndpointApproval.read(session, {
    address: `workspace.${ref.key}.approval.${identity.service}`,
    kind: "privateEndpointApproval",
    identity: {
      workspace: ref,
      service: identity.service,
      targetId: identity.targetId,
      approve: false,
      via: path.via,
    },
    properties: { status: "Approved" },
    dependsOn: [],
  });
  const status = approval.exists ? String(approval.properties.status) : "missing";
  if (path.via === "managed") {
    const rules = await session.outboundRules(ref);
    const rule = rules.find((r) => r.name === path.ruleName);
    const ruleStatus = rule?.properties?.status ?? "missing";
    if (ruleStatus !== "Active")
      return `outbound rule ${path.ruleName} of ${ref.name} is ${ruleStatus}, not Active`;
    if (status !== "Approved")
      return `the connection of ${ref.name}'s managed network on the service is ${status}`;
    return undefined;
  }
  const pe = {
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    name: path.privateEndpointName,
  };
  const endpoint = await privateEndpoint.read(session, {
    address: `workspace.${ref.key}.pe.${identity.service}`,
    kind: "privateEndpoint",
    identity: { workspace: ref, service: identity.service, ...pe },
    properties: { subnetId: path.subnetId, targetId: identity.targetId, groupId: "" },
    dependsOn: [],
  });
  if (!endpoint.exists) return `private endpoint ${path.privateEndpointName} does not exist`;
  if (status !== "Approved")
    return `the connection of private endpoint ${path.privateEndpointName} is ${status}`;
  const group = await privateDnsZoneGroup.read(session, {
    address: `workspace.${ref.key}.pe.${identity.service}.dns`,
    kind: "privateDnsZoneGroup",
    identity: { privateEndpoint: pe },
    properties: { privateDnsZoneIds: path.privateDnsZoneIds },
    dependsOn: [],
  });
  const zones = group.exists ? (group.properties.privateDnsZoneIds as string[]) : [];
  const vnet = vnetOf(path.subnetId);
  for (const zoneId of path.privateDnsZoneIds) {
    if (!zones.some((zone) => sameId(zone, zoneId)))
      return `the DNS zone group of ${path.privateEndpointName} does not hold ${zoneId}`;
    const links = await session.cached("vnetLinks", zoneId.toLowerCase(), () =>
      session.clients.arm.listAll<{
        properties?: {
          virtualNetwork?: { id?: string };
          virtualNetworkLinkState?: string;
          provisioningState?: string;
        };
      }>(`${zoneId}/virtualNetworkLinks`, { apiVersion: PRIVATE_DNS_API_VERSION, signal: session.signal }),
    );
    const linked = links.some(
      (link) =>
        sameId(link.properties?.virtualNetwork?.id, vnet) &&
        (link.properties?.provisioningState ?? "Succeeded") === "Succeeded",
    );
    if (!linked)
      return `private DNS zone ${zoneId.split("/").pop()} is not linked to ${vnet.split("/").pop()}`;
  }
  return undefined;
}

async function applyAccess(env: StepEnv, step: PlanStep): Promise<StepResult> {
  const identity = step.identity as unknown as ServiceNetworkAccessIdentity;
  const after = (step.after ?? {}) as Partial<ServiceNetworkAccessProperties>;
  const apiVersion = apiVersionOf(identity.targetId, step.address);
  await retrying(env, step, async () => {
    const session = newSession(env, step);
    for (const path of identity.paths) {
      const problem = await pathProblem(session, identity, path);
      if (problem)
        throw new PfnetError(
          "PRIVATE_PATH_NOT_READY",
          `Not changing the network access of ${identity.service}: ${problem}.`,
          {
            address: step.address,
            hint: "The service keeps its public access until every workspace's private path works; fix the path (or approve the connection) and apply again.",
            details: { workspace: path.workspace.key, via: path.via, targetId: identity.targetId },
          },
        );
    }
    const current = await getTarget(session, identity, step.address);
    const body = patchBody(identity.targetId, after, current);
    if (isSearch(identity.targetId)) {
      await env.clients.arm.send("PATCH", identity.targetId, { apiVersion, body, signal: env.signal });
    } else {
      await env.clients.arm.lro("PATCH", identity.targetId, { apiVersion, body, signal: env.signal });
    }
  });
  return { outcome: "succeeded" };
}

export const serviceNetworkAccess: AzureKind<"serviceNetworkAccess"> = {
  kind: "serviceNetworkAccess",
  read: readAccess,
  apply: applyAccess,
};
