/**
 * The outbound rule kind: which of its changes widen exposure. Removing a private-endpoint rule
 * is gated when the workspace allows internet outbound: its traffic to the service then takes
 * the service's public endpoint. pfnet does not read the service's own public access, so it
 * assumes the service stays publicly reachable (the safe side). New destinations under
 * approved-only egress are marked for review but not gated: the spec lists them on purpose.
 */
import type { WeakeningDeclaration } from "./weakening.js";

const APPROVED_ONLY = "AllowOnlyApprovedOutbound";

/** The port numbers of a range list such as `443, 8000-8010` (empty when unparsable). */
function ports(value: unknown): Array<[number, number]> {
  if (typeof value !== "string") return [];
  return value
    .split(",")
    .map((part) => part.trim())
    .filter((part) => part !== "")
    .map((part) => {
      if (part === "*") return [0, 65535] as [number, number];
      const [from, to] = part.split("-").map((n) => Number(n.trim()));
      return [from ?? Number.NaN, to ?? from ?? Number.NaN] as [number, number];
    });
}

/** True when some port of `after` is not in `before`. */
function widerPorts(before: unknown, after: unknown): boolean {
  const old = ports(before);
  return ports(after).some(
    ([from, to]) =>
      !old.some(([oldFrom, oldTo]) => oldFrom <= from && to <= oldTo) || Number.isNaN(from + to),
  );
}

const destinationOf = (properties: Record<string, unknown> | null | undefined): string | undefined => {
  const destination = properties?.destination;
  if (typeof destination === "string") return destination;
  const tag = (destination as { serviceTag?: unknown } | undefined)?.serviceTag;
  return typeof tag === "string" ? `service tag ${tag}` : undefined;
};

export const outboundRuleWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "privateEndpointRuleRemoved",
    gated: true,
    test: ({ step, before, isolationMode }) =>
      step.action === "delete" && before?.type === "PrivateEndpoint" && isolationMode !== APPROVED_ONLY
        ? "private-endpoint rule removed while internet outbound is allowed: traffic to the service takes its public endpoint"
        : undefined,
  },
  {
    change: "newOutboundDestination",
    gated: false,
    test: ({ step, before, isolationMode }) => {
      if (isolationMode !== APPROVED_ONLY || step.action === "delete" || step.action === "noop")
        return undefined;
      const type = step.after?.type;
      if (type !== "FQDN" && type !== "ServiceTag") return undefined;
      const destination = destinationOf(step.after);
      if (destination === undefined || destination === destinationOf(before)) return undefined;
      const what =
        type === "FQDN" ? (destination.startsWith("*.") ? "wildcard FQDN" : "FQDN") : "service tag";
      return `new outbound destination under approved-only egress: ${what} ${destination.replace(/^service tag /, "")}`;
    },
  },
  {
    change: "widerPorts",
    gated: false,
    test: ({ step, before, isolationMode }) => {
      if (isolationMode !== APPROVED_ONLY || before === null || step.after?.type !== "ServiceTag")
        return undefined;
      const was = (before.destination as { portRanges?: unknown } | undefined)?.portRanges;
      const will = (step.after.destination as { portRanges?: unknown } | undefined)?.portRanges;
      return destinationOf(before) === destinationOf(step.after) && widerPorts(was, will)
        ? `wider ports under approved-only egress: ${String(was)} -> ${String(will)}`
        : undefined;
    },
  },
];
