/**
 * What the CLI needs from its surroundings. `main.ts` builds it from `process`; tests build it
 * from strings and streams, so every command runs in-process without touching the real terminal.
 */
import type { Readable } from "node:stream";
import type { Provider } from "@pfnet/core";

/** Anything with `write(text)`: `process.stdout`, or a buffer in tests. */
export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  /** Read for the apply confirmation. Absent: no confirmation is possible. */
  stdin?: Readable;
  /**
   * Whether we talk to a person at a terminal. A boolean applies to all three streams.
   * stdin decides confirmation prompts, stdout decides colours, stderr decides the live progress.
   */
  isTTY: boolean | { stdin: boolean; stdout: boolean; stderr: boolean };
  env: Record<string, string | undefined>;
  /** Relative file arguments resolve against it. */
  cwd: string;
  /** Stops a running plan or apply (main.ts wires Ctrl-C to it). */
  signal?: AbortSignal;
  /** Width of the terminal stderr writes to, read when redrawing (lines are cut to it). */
  columns?: () => number | undefined;
}

/** How the CLI would build a provider; passed to `createProvider` so tests can check the choice. */
export interface ProviderSettings {
  endpoint?: string;
  /** PEM text of the CA certificate that signs the endpoint's TLS certificate. */
  tlsCa?: string;
  subscriptionId?: string;
  /** True when a static token is used instead of DefaultAzureCredential (emulator endpoints). */
  staticToken: boolean;
  concurrency?: number;
  /** Absolute path of the trace file (`--trace`, `PFNET_TRACE`). */
  trace?: string;
  /** `--approve-connection` ids. */
  approvalConnections?: string[];
}

/**
 * @internal Hooks for tests and embedders of the runner. Not part of the command line.
 */
export interface CliInternals {
  /** Build the provider instead of `AzureProvider` (tests inject the in-memory provider). */
  createProvider?: (settings: ProviderSettings) => Provider | Promise<Provider>;
  /** Period of the live progress redraw on a terminal, in ms. Default 250. */
  progressIntervalMs?: number;
}

export interface TtyFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
}

export function ttyFlags(io: CliIo): TtyFlags {
  if (typeof io.isTTY === "boolean") return { stdin: io.isTTY, stdout: io.isTTY, stderr: io.isTTY };
  return io.isTTY;
}
