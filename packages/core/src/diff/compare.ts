/**
 * Semantic value comparison: only the keys of the desired value are compared (everything else
 * a provider reads is read-only context); ARM ids compare case-insensitively; role definition
 * ids compare by their trailing GUID (Azure answers with a tenant-scoped id for a
 * subscription-scoped request); arrays of strings compare as sets.
 */
import { escapeToken } from "../spec/pointer.js";

const ARM_ID = /^\/(subscriptions|providers)\//i;
const TRAILING_GUID = /([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\/?$/i;

export const isArmId = (value: string): boolean => ARM_ID.test(value);

/** The trailing GUID of a role definition id (lower case), or the lower-cased id when there is none. */
export function roleGuid(id: string): string {
  return (TRAILING_GUID.exec(id)?.[1] ?? id).toLowerCase();
}

function sameString(key: string | undefined, desired: string, actual: string): boolean {
  if (desired === actual) return true;
  if (key === "roleDefinitionId") return roleGuid(desired) === roleGuid(actual);
  if (isArmId(desired) || isArmId(actual)) return desired.toLowerCase() === actual.toLowerCase();
  return false;
}

const normaliseForSet = (value: string) => (isArmId(value) ? value.toLowerCase() : value);

/** JSON pointers (relative to `base`) where `actual` differs from `desired`. */
export function changedPaths(desired: unknown, actual: unknown, base = "", key?: string): string[] {
  const out: string[] = [];
  collect(desired, actual, base, key, out);
  return out;
}

const childPath = (path: string, key: string) =>
  `${path}/${key.includes("~") || key.includes("/") ? escapeToken(key) : key}`;

function allStrings(values: readonly unknown[]): boolean {
  for (const value of values) if (typeof value !== "string") return false;
  return true;
}

function collect(
  desired: unknown,
  actual: unknown,
  path: string,
  key: string | undefined,
  out: string[],
): void {
  if (desired === undefined) return;
  if (Array.isArray(desired)) {
    if (!Array.isArray(actual) || actual.length !== desired.length) {
      out.push(path);
      return;
    }
    if (allStrings(desired) && allStrings(actual)) {
      const left = desired.map(normaliseForSet).sort();
      const right = (actual as string[]).map(normaliseForSet).sort();
      if (left.some((item, index) => item !== right[index])) out.push(path);
      return;
    }
    for (let index = 0; index < desired.length; index++)
      collect(desired[index], actual[index], `${path}/${index}`, undefined, out);
    return;
  }
  if (desired !== null && typeof desired === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) {
      out.push(path);
      return;
    }
    const actualRecord = actual as Record<string, unknown>;
    for (const childKey of Object.keys(desired)) {
      const child = (desired as Record<string, unknown>)[childKey];
      if (child === undefined) continue;
      const actualChild = actualRecord[childKey];
      // Leaves compare without building their path; it is built only for a difference.
      if (child === null || typeof child !== "object") {
        if (child === actualChild) continue;
        if (typeof child === "string" && typeof actualChild === "string") {
          if (!sameString(childKey, child, actualChild)) out.push(childPath(path, childKey));
          continue;
        }
        out.push(childPath(path, childKey));
        continue;
      }
      collect(child, actualChild, childPath(path, childKey), childKey, out);
    }
    return;
  }
  if (typeof desired === "string" && typeof actual === "string") {
    if (!sameString(key, desired, actual)) out.push(path);
    return;
  }
  if (desired !== actual) out.push(path);
}
