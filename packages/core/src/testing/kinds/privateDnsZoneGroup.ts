/** The DNS zone group of an own-VNet private endpoint: the private DNS zones it registers in. */
import { fingerprint, privateEndpointKey } from "../store.js";
import { ABSENT, fail, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

export const privateDnsZoneGroup: MemoryKindHandler<"privateDnsZoneGroup"> = {
  workspaceLane: false,
  key: (identity) => `dns|${privateEndpointKey(identity.privateEndpoint)}`,

  read(identity, store) {
    const group = store.privateEndpoint(identity.privateEndpoint)?.dnsZoneGroup;
    if (!group) return ABSENT;
    const properties = { privateDnsZoneIds: [...group.privateDnsZoneIds].sort() };
    return { exists: true, properties, fingerprint: fingerprint(properties) };
  },

  apply(step, identity, { store }) {
    const pe = store.privateEndpoint(identity.privateEndpoint);
    if (step.action === "delete") {
      if (pe) delete pe.dnsZoneGroup;
      return SUCCEEDED;
    }
    if (!pe) throw fail(step.address, "the private endpoint does not exist.", { status: 404 });
    const zones = step.after?.privateDnsZoneIds as string[];
    pe.dnsZoneGroup = { privateDnsZoneIds: [...zones].sort() };
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const pe = store.privateEndpoint(identity.privateEndpoint);
    if (!pe) throw new Error("setResource: the private endpoint of the DNS zone group does not exist");
    if (properties === null) delete pe.dnsZoneGroup;
    else pe.dnsZoneGroup = { privateDnsZoneIds: [...(properties.privateDnsZoneIds as string[])] };
  },
};
