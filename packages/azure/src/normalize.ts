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

/** Trailing GUID of a role definition id (tenant- and subscription-scoped forms compare equal). */
export function roleGuid(roleDefinitionId: string): string {
  return (roleDefinitionId.split("/").pop() ?? roleDefinitionId).toLowerCase();
}

/**
 * Deterministic role-assignment name: a name-based UUID (RFC 4122 version-5 layout, SHA-1) of
 * (scope, principal, role), like Bicep's `guid(scope, principalId, roleDefinitionId)`, so every
 * re-apply targets the same assignment.
 */
export function roleAssignmentName(scope: string, principalId: string, roleDefinitionGuid: string): string {
  // Fixed namespace for pfnet role assignments (a random UUID chosen once).
  const namespace = Buffer.from("6f1c2a8e4b7d4e0f9a3c5d7e8f901234", "hex");
  const name = `${scope.toLowerCase()}|${principalId.toLowerCase()}|${roleDefinitionGuid.toLowerCase()}`;
  const hash = createHash("sha1").update(namespace).update(name).digest();
  const bytes = Buffer.from(hash.subarray(0, 16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function sameId(a: string | undefined, b: string | undefined): boolean {
  return (a ?? "").toLowerCase() === (b ?? "").toLowerCase();
}
