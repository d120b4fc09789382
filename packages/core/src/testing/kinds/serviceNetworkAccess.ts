/**
 * A target service's network settings (public access, firewall default, IP rules, trusted
 * services), kept per target in the store's `targetNetworks` table; a target with no row is
 * public and open, as Azure creates one. Before writing, the handler checks each workspace's
 * private path as the Azure provider does: managed — the rule Active and the workspace's
 * connection Approved; own VNet — the private endpoint with its DNS zone group and the
 * connection Approved.
 */
import { PfnetError } from "../../errors.js";
import type { ServicePrivatePath } from "../../kinds/serviceNetworkAccess.js";
import type { ServiceNetworkAccessProperties } from "../../model.js";
import type { MemoryTargetNetwork } from "../state.js";
import { lower, type MemoryStore, privateEndpointKey } from "../store.js";
import type { IdentityOf, MemoryKindHandler } from "./handler.js";
import { SUCCEEDED } from "./handler.js";

type Identity = IdentityOf<"serviceNetworkAccess">;

const isSearch = (targetId: string) => /\/providers\/microsoft\.search\//i.test(targetId);

/** What a target reads as: its row, or Azure's defaults for a new resource. */
function settingsOf(targetId: string, store: MemoryStore): ServiceNetworkAccessProperties {
  const row = store.targetNetwork(targetId);
  const ipRules = row?.ipRules ?? [];
  if (isSearch(targetId))
    return {
      publicNetworkAccess: row?.publicNetworkAccess ?? "Enabled",
      defaultAction: ipRules.length > 0 ? "Deny" : "Allow",
      ipRules: [...ipRules],
    };
  return {
    publicNetworkAccess: row?.publicNetworkAccess ?? "Enabled",
    defaultAction: row?.defaultAction ?? "Allow",
    ipRules: [...ipRules],
    bypass: row?.bypass ?? "None",
  };
}

/** Why the path is not ready, or undefined when it is. */
function pathProblem(targetId: string, path: ServicePrivatePath, store: MemoryStore): string | undefined {
  const ref = path.workspace;
  if (path.via === "managed") {
    const ws = store.workspace(ref);
    const rule = ws?.rules[path.ruleName];
    if (rule?.status !== "Active")
      return `outbound rule ${path.ruleName} of ${ref.name} is ${rule?.status ?? "missing"}, not Active`;
    const connection = store.connection(targetId, store.workspaceSourceOf(ref));
    if (connection?.status !== "Approved")
      return `the connection of ${ref.name}'s managed network is ${connection?.status ?? "missing"}`;
    return undefined;
  }
  const pe = {
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
    name: path.privateEndpointName,
  };
  const found = store.privateEndpoint(pe);
  if (!found) return `private endpoint ${path.privateEndpointName} does not exist`;
  if (!found.dnsZoneGroup) return `private endpoint ${path.privateEndpointName} has no DNS zone group`;
  const connection = store.connection(targetId, privateEndpointKey(pe));
  if (connection?.status !== "Approved")
    return `the connection of private endpoint ${path.privateEndpointName} is ${connection?.status ?? "missing"}`;
  return undefined;
}

function write(
  targetId: string,
  properties: Partial<ServiceNetworkAccessProperties>,
  store: MemoryStore,
): void {
  const current = settingsOf(targetId, store);
  const next: MemoryTargetNetwork = {
    targetId,
    publicNetworkAccess: properties.publicNetworkAccess ?? current.publicNetworkAccess,
    ipRules: [...(properties.ipRules ?? current.ipRules ?? [])],
    ...(isSearch(targetId)
      ? {}
      : {
          defaultAction: properties.defaultAction ?? current.defaultAction ?? "Allow",
          bypass: properties.bypass ?? current.bypass ?? "None",
        }),
  };
  const row = store.targetNetwork(targetId);
  if (row) {
    Object.assign(row, next);
    store.forget(row);
  } else store.targetNetworks.add(next);
}

export const serviceNetworkAccess: MemoryKindHandler<"serviceNetworkAccess"> = {
  workspaceLane: false,
  key: (identity: Identity) => `network-access|${lower(String(identity.targetId))}`,

  read(identity, store) {
    const targetId = String(identity.targetId);
    const properties = settingsOf(targetId, store);
    const row = store.targetNetwork(targetId);
    return {
      exists: true,
      properties: { ...properties },
      fingerprint: row ? store.etag(row, "targetNetwork", () => row) : `default|${lower(targetId)}`,
    };
  },

  apply(step, identity, { store }) {
    const targetId = String(identity.targetId);
    for (const path of identity.paths) {
      const problem = pathProblem(targetId, path, store);
      if (problem)
        throw new PfnetError(
          "PRIVATE_PATH_NOT_READY",
          `${step.address}: not changing the network access of ${identity.service}: ${problem}.`,
          { address: step.address, details: { workspace: path.workspace.key, via: path.via } },
        );
    }
    write(targetId, (step.after ?? {}) as Partial<ServiceNetworkAccessProperties>, store);
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const targetId = String(identity.targetId);
    const row = store.targetNetwork(targetId);
    if (properties === null) {
      if (row) store.targetNetworks.remove(row);
      return;
    }
    write(targetId, properties as Partial<ServiceNetworkAccessProperties>, store);
  },
};
