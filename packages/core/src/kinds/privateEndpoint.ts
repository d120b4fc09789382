/**
 * The own-VNet private endpoint and its DNS zone group: removing either (only `pfnet destroy`
 * does) sends the VNet's traffic to the service back to its public endpoint — without the
 * endpoint there is no private path, without the zone group the service's name resolves to its
 * public address. pfnet does not read the service's own public access, so it assumes the service
 * stays publicly reachable (the safe side, as for outbound rules): both removals are gated.
 */
import type { WeakeningDeclaration } from "./weakening.js";

/** A gated weakening: the step deletes a resource that exists. */
const removal = (change: string, description: string): WeakeningDeclaration => ({
  change,
  gated: true,
  test: ({ step, before }) => (step.action === "delete" && before !== null ? description : undefined),
});

export const privateEndpointWeakenings: readonly WeakeningDeclaration[] = [
  removal(
    "privateEndpointRemoved",
    "private endpoint removed: traffic from the VNet to the service takes its public endpoint, if the service accepts public traffic",
  ),
];

export const privateDnsZoneGroupWeakenings: readonly WeakeningDeclaration[] = [
  removal(
    "privateDnsRecordsRemoved",
    "private DNS zone group removed: the service's name resolves to its public address, if the service accepts public traffic",
  ),
];
