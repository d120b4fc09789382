/** Small shared helpers: seeded PRNG, ids, ARM errors, JSON plumbing. */

/** mulberry32: tiny, fast, good enough for replayable chaos and ids. */
export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  guid(): string {
    const hex = Array.from({ length: 32 }, () => Math.floor(this.next() * 16).toString(16)).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  }
}

/** An error answered in ARM's shape `{ error: { code, message } }`. */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
    readonly details?: { code: string; message: string }[],
  ) {
    super(message);
  }
  body(): { error: { code: string; message: string; details?: { code: string; message: string }[] } } {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const notFound = (type: string, name: string, rg?: string): ArmError =>
  new ArmError(
    404,
    "ResourceNotFound",
    rg
      ? `The Resource '${type}/${name}' under resource group '${rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`
      : `The Resource '${type}/${name}' was not found.`,
  );

export const badRequest = (code: string, message: string): ArmError => new ArmError(400, code, message);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Case-insensitive key for ARM ids and names. */
export const key = (s: string): string => s.toLowerCase().replace(/\/+$/, "");

export function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

export function lastSegment(id: string): string {
  const parts = id.split("/").filter(Boolean);
  return parts[parts.length - 1] ?? "";
}
