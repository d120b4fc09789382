/**
 * Azure shapes → the desired-property shapes of core's model.ts, and fingerprints.
 * ARM ids stay as Azure returns them (the diff compares them case-insensitively).
 */
import { createHash } from "node:crypto";
import type { OutboundRuleProperties } from "@pfnet/core";
import type { OutboundRuleBasicResource } from "./rest/types.js";

/** sha256 of the canonical JSON (sorted keys) of a value. */
export function contentHash(value: unknown): string {
  return `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`;
}

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Fingerprint of a resource that does not exist (stable per address). */
export function absentFingerprint(address: string): string {
  return contentHash({ absent: address });
}

export function isUserDefined(rule: OutboundRuleBasicResource): boolean {
  return rule.properties?.category === "UserDefined";
}

/** A rule as the desired shape of its type (undefined for shapes pfnet does not model). */
export function normaliseRule(rule: OutboundRuleBasicResource): OutboundRuleProperties | undefined {
  const p = rule.properties;
  if (!p) return undefined;
  const category = "UserDefined" as const;
  switch (p.type) {
    case "FQDN":
      return { type: "FQDN", category, destination: typeof p.destination === "string" ? p.destination : "" };
    case "PrivateEndpoint":
      return {
        type: "PrivateEndpoint",
        category,
        destination: {
          serviceResourceId: p.destination?.serviceResourceId ?? "",
          subresourceTarget: p.destination?.subresourceTarget ?? "",
          sparkEnabled: p.destination?.sparkEnabled ?? false,
        },
      };
    case "ServiceTag":
      return {
        type: "ServiceTag",
        category,
        destination: {
          serviceTag: p.destination?.serviceTag ?? "",
          protocol: p.destination?.protocol ?? "",
          portRanges: p.destination?.portRanges ?? "",
          action: "Allow",
        },
      };
    default:
      return undefined;
  }
}

/** Compare two rule shapes the way the diff does (ARM ids and FQDNs case-insensitively). */
export function sameRule(
  a: OutboundRuleProperties | undefined,
  b: OutboundRuleProperties | undefined,
): boolean {
  if (!a || !b) return a === b;
  return canonicalJson(lowerIds(a)) === canonicalJson(lowerIds(b));
}

function lowerIds(rule: OutboundRuleProperties): unknown {
  switch (rule.type) {
    case "FQDN":
      return { ...rule, destination: rule.destination.toLowerCase() };
    case "PrivateEndpoint":
      return {
        ...rule,
        destination: {
          ...rule.destination,
          serviceResourceId: rule.destination.serviceResourceId.toLowerCase(),
        },
      };
    default:
      return rule;
  }
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}
