/** Small text helpers shared by the renderers. */
import { type PlanWait, splitPointer } from "@pfnet/core";

/** An Azure-time estimate in words: "about 30 min", "about 45 s", "about 2 h". */
export function aboutDuration(seconds: number): string {
  if (seconds < 90) return `about ${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 120) return `about ${minutes} min`;
  const hours = Math.round((minutes / 60) * 10) / 10;
  return `about ${hours} h`;
}

/** Elapsed wall-clock time: "850ms", "4.2s", "1m 05s". */
export function elapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const minutes = Math.floor(totalSeconds / 60);
  const seconds = String(totalSeconds % 60).padStart(2, "0");
  return `${minutes}m ${seconds}s`;
}

/**
 * The waits of a step in one line, e.g.
 * "provisioning the managed network: about 30 min; first FQDN rule: about 10 min more".
 */
export function describeWaits(waits: readonly PlanWait[]): string {
  return waits
    .map((wait, index) => `${wait.label}: ${aboutDuration(wait.expectedSeconds)}${index > 0 ? " more" : ""}`)
    .join("; ");
}

/** A property value as the plan shows it: strings quoted, objects as compact JSON. */
export function showValue(value: unknown): string {
  if (value === undefined) return "(none)";
  if (value === null) return "null";
  return JSON.stringify(value);
}

/** Read a JSON pointer (`/destination/serviceResourceId`) from a plain value. */
export function atPointer(root: unknown, pointer: string): unknown {
  let current: unknown = root;
  for (const key of splitPointer(pointer)) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** "1 step" / "2 steps". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}
