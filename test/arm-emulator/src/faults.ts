/** Fault injection by route pattern and chance, replayable through a seeded PRNG. */
import { readFileSync } from "node:fs";
import { Prng } from "./util.js";

export type FaultKind =
  /** 429 TooManyRequests; with `Retry-After` only when `retryAfterSeconds` is set. */
  | "throttle"
  /** 500 InternalServerError. */
  | "serverError"
  /** 503 ServiceUnavailable; `Retry-After` only when `retryAfterSeconds` is set. */
  | "unavailable"
  /** The TCP connection is destroyed without an answer (ECONNRESET on the client). */
  | "drop"
  /** The answer is delayed by `delayMs`, then served normally. */
  | "slow"
  /** The request is served normally, but the long-running operation it starts ends Failed. */
  | "lroFailed";

export interface FaultRule {
  /** Assigned by `add()` when absent. */
  id?: string;
  kind: FaultKind;
  /** HTTP method to match (case-insensitive); any when absent. */
  method?: string;
  /** Regular expression (source text, case-insensitive) matched against the request path (no query). */
  path: string;
  /** Probability 0..1 that a matching request is hit. Default 1. */
  chance?: number;
  /** Hit at most this many times, then the rule stays inert. Default unlimited. */
  times?: number;
  retryAfterSeconds?: number;
  /** For "slow": added latency. Default 2000 ms. */
  delayMs?: number;
}

export interface FaultHit {
  ruleId: string;
  kind: FaultKind;
  method: string;
  path: string;
  at: string;
}

export class Faults {
  private rules: (FaultRule & { id: string; hitCount: number; regex: RegExp })[] = [];
  private nextId = 1;
  private prng: Prng;
  readonly hits: FaultHit[] = [];

  constructor(randomSeed: number, initial: FaultRule[] = []) {
    this.prng = new Prng(randomSeed ^ 0x5eed);
    for (const r of initial) this.add(r);
  }

  /** Adds a rule; returns its id. */
  add(rule: FaultRule): string {
    const id = rule.id ?? `fault-${this.nextId++}`;
    let regex: RegExp;
    try {
      regex = new RegExp(rule.path, "i");
    } catch (error) {
      throw new Error(
        `fault rule '${id}': path is not a valid regular expression (${(error as Error).message})`,
      );
    }
    const kinds: FaultKind[] = ["throttle", "serverError", "unavailable", "drop", "slow", "lroFailed"];
    if (!kinds.includes(rule.kind))
      throw new Error(`fault rule '${id}': kind must be one of ${kinds.join(", ")}`);
    this.rules.push({ ...rule, id, hitCount: 0, regex });
    return id;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length < before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): (FaultRule & { id: string; hitCount: number })[] {
    return this.rules.map(({ regex: _regex, ...r }) => ({ ...r }));
  }

  /** The first rule that hits this request (consumes the PRNG only for rules whose pattern matches). */
  match(method: string, path: string): (FaultRule & { id: string }) | undefined {
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) continue;
      if (!rule.regex.test(path)) continue;
      if (rule.times !== undefined && rule.hitCount >= rule.times) continue;
      const chance = rule.chance ?? 1;
      if (chance < 1 && this.prng.next() >= chance) continue;
      rule.hitCount++;
      this.hits.push({ ruleId: rule.id, kind: rule.kind, method, path, at: new Date().toISOString() });
      const { regex: _regex, hitCount: _count, ...plain } = rule;
      return plain;
    }
    return undefined;
  }
}

/** Reads a faults file: a JSON array of `FaultRule`. */
export function loadFaultsFile(file: string): FaultRule[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: cannot read the faults file as JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(parsed)) throw new Error(`${file}: must hold a JSON array of fault rules`);
  parsed.forEach((r, i) => {
    if (typeof r !== "object" || r === null || typeof r.path !== "string" || typeof r.kind !== "string") {
      throw new Error(`${file}: [${i}] needs a string 'path' (regex) and a 'kind'`);
    }
  });
  return parsed as FaultRule[];
}
