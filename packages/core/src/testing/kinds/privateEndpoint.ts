/**
 * A private endpoint pfnet makes in an own VNet. Azure creates its connection on the target when
 * it appears, and removes it with the endpoint or when the endpoint's target changes.
 */
import type { MemoryPrivateEndpoint } from "../state.js";
import { fingerprint, privateEndpointKey } from "../store.js";
import { ABSENT, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

export const privateEndpoint: MemoryKindHandler<"privateEndpoint"> = {
  workspaceLane: false,
  key: (identity) => `pe|${privateEndpointKey(identity)}`,

  read(identity, store) {
    const pe = store.privateEndpoint(identity);
    if (!pe) return ABSENT;
    const properties = { subnetId: pe.subnetId, targetId: pe.targetId, groupId: pe.groupId };
    return { exists: true, properties, fingerprint: fingerprint(properties) };
  },

  apply(step, identity, { store }) {
    const previous = store.privateEndpoint(identity);
    // Its connections name it by its lower-case ARM id.
    const source = privateEndpointKey(identity);
    const after = step.after ?? {};
    if (step.action === "delete") {
      if (previous) store.privateEndpoints.remove(previous);
      store.removeConnectionsFrom(source);
      return SUCCEEDED;
    }
    if (previous && previous.targetId.toLowerCase() !== String(after.targetId).toLowerCase())
      store.removeConnectionsFrom(source);
    const next: MemoryPrivateEndpoint = {
      subscriptionId: identity.subscriptionId,
      resourceGroup: identity.resourceGroup,
      name: identity.name,
      ...(identity.location === undefined ? {} : { location: identity.location }),
      subnetId: String(after.subnetId),
      targetId: String(after.targetId),
      groupId: String(after.groupId),
      ...(previous?.dnsZoneGroup ? { dnsZoneGroup: previous.dnsZoneGroup } : {}),
    };
    if (previous) store.privateEndpoints.replace(previous, next);
    else store.privateEndpoints.add(next);
    store.ensureConnection(next.targetId, source);
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const previous = store.privateEndpoint(identity);
    if (properties === null) {
      if (previous) store.privateEndpoints.remove(previous);
      return;
    }
    const next = {
      ...(previous ?? {
        subscriptionId: String(identity.subscriptionId),
        resourceGroup: String(identity.resourceGroup),
        name: String(identity.name),
      }),
      ...(properties as Pick<MemoryPrivateEndpoint, "subnetId" | "targetId" | "groupId">),
    };
    if (previous) store.privateEndpoints.replace(previous, next);
    else store.privateEndpoints.add(next);
  },
};
