/**
 * vitest global setup: a fresh ledger folder for the suite's conformance checks (see
 * test/arm-emulator/conformance/route-ledger.ts); at the end, the distinct routes every emulator
 * log of the run produced — (method, path template, api-version) — and a failed run if any request
 * matched no vendored spec.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LEDGER_ENV, readLedger } from "./arm-emulator/conformance/route-ledger.js";

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), "pfnet-routes-"));
  // Test workers start after this and inherit the environment.
  process.env[LEDGER_ENV] = dir;
  return () => {
    const { routes, unmatched } = readLedger(dir);
    rmSync(dir, { recursive: true, force: true });
    delete process.env[LEDGER_ENV];
    if (routes.length > 0 || unmatched.length > 0) {
      console.log(
        `\nconformance: ${routes.length} distinct routes (method, path template, api-version) in this run's emulator logs, ${unmatched.length} without a vendored spec`,
      );
    }
    if (unmatched.length > 0) {
      throw new Error(`Requests no spec in test/azure-specs declares:\n  ${unmatched.join("\n  ")}`);
    }
  };
}
