/** Canonical JSON (sorted keys, no whitespace) and hashes over it: spec hashes, plan checksums, fingerprints. */
import { createHash } from "node:crypto";

export function canonicalJson(value: unknown): string {
  return write(value) ?? "null";
}

/**
 * JSON.stringify with sorted object keys, written directly (no sorted copies: plans can be
 * large) into one string (no per-level part arrays).
 */
function write(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return write((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) {
    let out = "[";
    for (let index = 0; index < value.length; index++) {
      if (index > 0) out += ",";
      // A hole writes nothing (as `map` + `join` did).
      if (index in value) out += write(value[index]) ?? "null";
    }
    return `${out}]`;
  }
  let out = "{";
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const entry = write((value as Record<string, unknown>)[key]);
    if (entry === undefined) continue;
    if (!first) out += ",";
    first = false;
    out += `${JSON.stringify(key)}:${entry}`;
  }
  return `${out}}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** sha256 of the canonical JSON of a value. */
export const hashJson = (value: unknown): string => sha256(canonicalJson(value));
