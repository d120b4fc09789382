/**
 * Command-line grammar: one `node:util` parseArgs definition per command (strict: an unknown
 * flag is a usage error), and the help texts.
 */
import { parseArgs } from "node:util";
import { CliUsageError } from "./errors.js";

export type CommandName = "validate" | "plan" | "apply" | "graph" | "show";
export const COMMANDS: CommandName[] = ["validate", "plan", "apply", "graph", "show"];

type OptionSpec = { type: "string" | "boolean"; short?: string };

const SHARED: Record<string, OptionSpec> = {
  subscription: { type: "string" },
  endpoint: { type: "string" },
  "ca-cert": { type: "string" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

const PER_COMMAND: Record<CommandName, Record<string, OptionSpec>> = {
  validate: { json: { type: "boolean" } },
  plan: { out: { type: "string" }, json: { type: "boolean" }, "detailed-exitcode": { type: "boolean" } },
  apply: { "auto-approve": { type: "boolean" }, concurrency: { type: "string" }, json: { type: "boolean" } },
  graph: { format: { type: "string" }, offline: { type: "boolean" } },
  show: { json: { type: "boolean" } },
};

/** The options (names without `--`) a command accepts; the CLI reference documents each. */
export function optionNames(command: CommandName): string[] {
  return Object.keys({ ...SHARED, ...PER_COMMAND[command] });
}

export interface Flags {
  subscription?: string;
  endpoint?: string;
  caCert?: string;
  noColor: boolean;
  help: boolean;
  json: boolean;
  out?: string;
  detailedExitcode: boolean;
  autoApprove: boolean;
  concurrency?: number;
  format: "mermaid" | "dot";
  offline: boolean;
}

export interface ParsedCommand {
  command: CommandName;
  positionals: string[];
  flags: Flags;
}

const SHARED_HELP = `Options for every command:
  --subscription ID   Subscription of the workspaces; replaces the spec's subscriptionId
  --endpoint URL      Azure Resource Manager endpoint (sovereign clouds, the local emulator)
  --ca-cert FILE      PEM certificate of the CA that signed --endpoint's TLS certificate
  --no-color          No colours (also when NO_COLOR is set or output is not a terminal)
  -h, --help          This help`;

const EXIT_HELP = `Exit codes: 0 success or no changes, 1 error, 2 changes present (with --detailed-exitcode),
            3 apply finished but private endpoints wait for approval.`;

export const USAGE: Record<CommandName | "main", string> = {
  main: `pfnet: declarative network isolation for Azure Machine Learning prompt flow.

Usage: pfnet <command> <spec | plan file> [options]

Commands:
  validate <spec>           Check a spec offline: every problem with file:line:column, code and hint
  plan <spec>               Read Azure and show what apply would change
  apply <spec | plan file>  Make Azure match the spec (asks first unless --auto-approve)
  graph <spec>              Print the dependency graph of the plan (Mermaid or DOT)
  show <plan file>          Print a saved plan as \`plan\` printed it (or its JSON), without reading Azure

${SHARED_HELP}
  --version           Print the version

${EXIT_HELP}
Run \`pfnet <command> --help\` for the options of a command. Docs: docs/cli.md`,
  validate: `Usage: pfnet validate <spec> [options]

Check a spec without calling Azure: the schema, then every rule (what Azure supports for
prompt flow). Prints every diagnostic as file:line:column, severity, code, message and hint.
Exits 0 when there is no error (warnings allowed), 1 otherwise.

Options:
  --json              Print {"valid": boolean, "diagnostics": [...]} instead of text

${SHARED_HELP}`,
  plan: `Usage: pfnet plan <spec> [options]

Read what exists in Azure and print what apply would do: each step with its action symbol,
the changed properties as before -> after, the reason, warnings and the expected waits.
Nothing is changed.

Options:
  --out FILE          Save the plan as JSON; apply it later with \`pfnet apply FILE\`
  --json              Print the plan JSON (docs/plan-format.md) instead of text
  --detailed-exitcode Exit 0 when there are no changes, 2 when there are, 1 on error

${SHARED_HELP}`,
  apply: `Usage: pfnet apply <spec | plan file> [options]

Plan (or load a saved plan), show it, ask for confirmation, then apply it. A saved plan whose
resources changed in Azure since it was made is refused, and nothing is written.
Progress goes to stderr; the summary to stdout.

Options:
  --auto-approve      Do not ask; needed when stdin is not a terminal (CI) and with --json
  --concurrency N     Steps run at the same time, 1-64 (default 10; writes to one workspace never overlap)
  --json              Stream the engine's events as JSON lines on stdout (docs/events.md)

${SHARED_HELP}

${EXIT_HELP}`,
  show: `Usage: pfnet show <plan file> [options]

Print a plan saved by \`pfnet plan --out\`: the same text \`pfnet plan\` printed when it made the
file. Nothing is read from Azure and nothing is changed; a damaged or edited file is refused.

Options:
  --json              Print the plan JSON (docs/plan-format.md) instead of text

${SHARED_HELP}`,
  graph: `Usage: pfnet graph <spec> [options]

Print the dependency graph of the plan: one node per step (with its action), an edge from
each step to the steps that wait for it, grouped by workspace.

Options:
  --format FORMAT     mermaid (default) or dot
  --offline           Graph the spec alone, without reading Azure (no actions shown)

${SHARED_HELP}`,
};

/** Parse the arguments after the command name. Throws CliUsageError for any mistake. */
export function parseCommand(command: CommandName, args: string[]): ParsedCommand {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: { ...SHARED, ...PER_COMMAND[command] },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs reports mistakes as TypeErrors with ERR_PARSE_ARGS_* codes; anything else is a bug.
    const code = (error as { code?: unknown }).code;
    if (typeof code === "string" && code.startsWith("ERR_PARSE_ARGS")) {
      throw new CliUsageError((error as Error).message.split(". To specify a positional")[0] ?? "");
    }
    throw error;
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => (typeof values[name] === "string" ? (values[name] as string) : undefined);
  const bool = (name: string) => values[name] === true;

  const flags: Flags = {
    noColor: bool("no-color"),
    help: bool("help"),
    json: bool("json"),
    detailedExitcode: bool("detailed-exitcode"),
    autoApprove: bool("auto-approve"),
    offline: bool("offline"),
    format: "mermaid",
  };
  for (const [name, key] of [
    ["subscription", "subscription"],
    ["endpoint", "endpoint"],
    ["ca-cert", "caCert"],
    ["out", "out"],
  ] as const) {
    const value = str(name);
    if (value !== undefined) {
      if (value === "") throw new CliUsageError(`--${name} needs a value`);
      flags[key] = value;
    }
  }
  const concurrency = str("concurrency");
  if (concurrency !== undefined) {
    const n = Number(concurrency);
    if (!/^\d+$/.test(concurrency) || !Number.isInteger(n) || n < 1 || n > 64) {
      throw new CliUsageError(`--concurrency must be a whole number from 1 to 64, not '${concurrency}'`);
    }
    flags.concurrency = n;
  }
  const format = str("format");
  if (format !== undefined) {
    if (format !== "mermaid" && format !== "dot") {
      throw new CliUsageError(`--format must be mermaid or dot, not '${format}'`);
    }
    flags.format = format;
  }
  if (flags.subscription !== undefined && !/^[0-9a-fA-F-]{36}$/.test(flags.subscription)) {
    throw new CliUsageError(`--subscription must be a subscription id (a GUID), not '${flags.subscription}'`);
  }
  if (flags.caCert !== undefined && flags.endpoint === undefined) {
    throw new CliUsageError("--ca-cert needs --endpoint (the certificate is trusted for that endpoint only)");
  }
  if (flags.endpoint !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(flags.endpoint);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== "https:") {
      throw new CliUsageError(`--endpoint must be an https:// URL, not '${flags.endpoint}'`);
    }
  }
  return { command, positionals: parsed.positionals, flags };
}
