/**
 * `pfnet` as a real process for chaos tests: the built CLI (`packages/cli-lite/bin/pfnet.js`,
 * built by `pnpm install`) against an emulator, its `--json` event stream parsed as it comes,
 * and `kill -9`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import type { Emulator } from "@pfnet/arm-emulator";

const BIN = fileURLToPath(new URL("../../packages/cli-lite/bin/pfnet.js", import.meta.url));

export type StreamEvent = { type: string; [field: string]: unknown };

export interface PfnetRun {
  readonly pid: number;
  /** Events read from stdout so far. */
  readonly events: StreamEvent[];
  /** Resolves once the process ended. */
  readonly exited: Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>;
  /** Resolves at the first event that matches (rejects if the process ends first). */
  waitForEvent(match: (event: StreamEvent) => boolean): Promise<StreamEvent>;
  sleep(ms: number): Promise<void>;
  /** SIGKILL now; the events read until then. */
  kill9(): StreamEvent[];
}

export async function spawnPfnet(
  em: Emulator,
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<PfnetRun> {
  const caFile = join(options.cwd, "emulator-ca.pem");
  await writeFile(caFile, em.caCert);
  const child: ChildProcess = spawn(
    process.execPath,
    [BIN, ...args, "--endpoint", em.endpoint, "--ca-cert", caFile, "--no-color"],
    {
      cwd: options.cwd,
      env: { ...process.env, CI: "", PFNET_TIME_SCALE: String(em.timeScale), ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const events: StreamEvent[] = [];
  const waiters: Array<{ match: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }> = [];
  let stdout = "";
  let stderr = "";
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    pending += chunk.toString();
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
      let event: StreamEvent;
      try {
        event = JSON.parse(line) as StreamEvent;
      } catch {
        continue;
      }
      events.push(event);
      for (const waiter of waiters.splice(0)) {
        if (waiter.match(event)) waiter.resolve(event);
        else waiters.push(waiter);
      }
    }
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
  }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal, stdout, stderr })));
  return {
    pid: child.pid ?? 0,
    events,
    exited,
    waitForEvent: (match) => {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return Promise.race([
        new Promise<StreamEvent>((resolve) => waiters.push({ match, resolve })),
        exited.then(({ code, stderr: err }) => {
          throw new Error(`pfnet ended (exit ${code}) before the awaited event:\n${err}`);
        }),
      ]);
    },
    sleep: (ms) => delay(ms),
    kill9: () => {
      child.kill("SIGKILL");
      return [...events];
    },
  };
}
