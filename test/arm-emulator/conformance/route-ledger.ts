/**
 * The suite-wide route set: every conformance check of a request log (each e2e and CLI test's
 * emulator, on close) adds the distinct routes it saw — and any request no vendored spec declares
 * — to a ledger folder the vitest global setup (test/route-ledger.setup.ts) creates; its teardown
 * unions them and fails the run on a route without a spec. Without that folder (benchmarks, a
 * single file run outside vitest) nothing is written.
 */
import { appendFileSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { LogCheck } from "./log-check.js";

export const LEDGER_ENV = "PFNET_ROUTE_LEDGER";

interface LedgerLine {
  route?: string;
  unmatched?: string;
}

/** Records one checked log's routes and unmatched requests in the ledger folder, if there is one. */
export function recordRoutes(check: LogCheck, what: string): void {
  const dir = process.env[LEDGER_ENV];
  if (!dir) return;
  const lines: LedgerLine[] = [
    ...[...check.routes.keys()].map((route) => ({ route })),
    ...check.unmatched.map((unmatched) => ({ unmatched: `${unmatched} (${what})` })),
  ];
  if (lines.length === 0) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, `${process.pid}.jsonl`), lines.map((l) => JSON.stringify(l)).join("\n") + "\n");
}

/** The union of every worker's ledger file. */
export function readLedger(dir: string): { routes: string[]; unmatched: string[] } {
  const routes = new Set<string>();
  const unmatched = new Set<string>();
  let files: string[] = [];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith(".jsonl"));
  } catch {
    return { routes: [], unmatched: [] };
  }
  for (const file of files) {
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      if (!line) continue;
      const entry = JSON.parse(line) as LedgerLine;
      if (entry.route) routes.add(entry.route);
      if (entry.unmatched) unmatched.add(entry.unmatched);
    }
  }
  return { routes: [...routes].sort(), unmatched: [...unmatched].sort() };
}
