/** Canonical JSON (sorted keys, no whitespace) and hashes over it: spec hashes, plan checksums, fingerprints. */
import { createHash } from "node:crypto";

export function canonicalJson(value: unknown): string {
  return write(value) ?? "null";
}

/** JSON.stringify with sorted object keys, written directly (no sorted copies: plans can be large). */
function write(value: unknown): string | undefined {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (typeof (value as { toJSON?: unknown }).toJSON === "function")
    return write((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => write(item) ?? "null").join(",")}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const entry = write((value as Record<string, unknown>)[key]);
    if (entry !== undefined) parts.push(`${JSON.stringify(key)}:${entry}`);
  }
  return `{${parts.join(",")}}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** sha256 of the canonical JSON of a value. */
export const hashJson = (value: unknown): string => sha256(canonicalJson(value));
