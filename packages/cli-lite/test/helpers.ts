/**
 * Run the CLI in-process and capture what it prints. Every `--json` run is checked as the
 * machine contract promises (stream.ts: each line valid against the committed schema, `version`
 * first, `result` with the exit code last, one sequence), whatever the test then looks at.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { type CliInternals, type CliIo, runCli } from "../src/index.js";
import { streamOf } from "./stream.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const EXAMPLES = join(REPO_ROOT, "examples");

export interface RunOutput {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  isTTY?: CliIo["isTTY"];
  /** Lines typed at the confirmation prompt. */
  stdin?: string;
  env?: Record<string, string | undefined>;
  internals?: CliInternals;
  signal?: AbortSignal;
}

export async function run(argv: string[], options: RunOptions = {}): Promise<RunOutput> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(
    argv,
    {
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
      ...(options.stdin === undefined ? {} : { stdin: Readable.from([options.stdin]) }),
      isTTY: options.isTTY ?? false,
      // A state directory of its own: no journal or lock in the repository, none shared by runs.
      env: { PFNET_STATE: mkdtempSync(join(tmpdir(), "pfnet-state-")), ...options.env },
      cwd: options.cwd ?? REPO_ROOT,
      ...(options.signal ? { signal: options.signal } : {}),
    },
    options.internals ?? {},
  );
  const output = { code, stdout, stderr };
  const flags = argv.includes("--") ? argv.slice(0, argv.indexOf("--")) : argv;
  if (flags.includes("--json") && !flags.includes("--help") && !flags.includes("-h")) streamOf(output);
  return output;
}

/** A fresh temporary directory with the given files. */
export function tempDir(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "pfnet-cli-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
export const ANSI = /\u001b\[[0-9;]*[A-Za-z]/;

export const SUBSCRIPTION = "11111111-2222-3333-4444-555555555555";
export const ARM = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg-promptflow/providers`;

/** A managed-network spec with one workspace `pf-ws`; `workspace` overrides its fields. */
export const managedSpec = (workspace: Record<string, unknown> = {}) =>
  [
    "version: 1",
    `subscriptionId: ${SUBSCRIPTION}`,
    "resourceGroup: rg-promptflow",
    "location: eastus",
    "services:",
    `  aoai: { kind: azureOpenAI, id: ${ARM}/Microsoft.CognitiveServices/accounts/aoai-pf }`,
    `  locked: { kind: aiSearch, id: ${ARM}/Microsoft.Search/searchServices/srch-locked }`,
    "workspaces:",
    "  pf-ws:",
    "    network: managed",
    ...Object.entries({ ingress: "private", egress: "public", ...workspace }).map(
      ([key, value]) => `    ${key}: ${typeof value === "string" ? value : JSON.stringify(value)}`,
    ),
  ].join("\n");
