/**
 * Command-line grammar: the options every command shares, one strict `node:util` parseArgs run
 * per command (an unknown flag is a usage error) over the shared options and the command's own
 * (commands/registry.ts), and the help texts built from the registry.
 */
import { parseArgs } from "node:util";
import { COMMAND_SPECS, COMMANDS, type CommandName, commandSpec, DOCS_URL } from "./commands/registry.js";
import { CliUsageError } from "./errors.js";

export { COMMANDS, type CommandName } from "./commands/registry.js";

export interface OptionSpec {
  type: "string" | "boolean";
  short?: string;
  /** String options: the only values accepted (a mistake lists them). */
  choices?: readonly string[];
  /** String options: the flag's value from the text; throws CliUsageError for a bad one. */
  parse?: (value: string) => unknown;
  /** String options: may be given more than once (the flag's value is then the list). */
  multiple?: boolean;
}

const SHARED: Record<string, OptionSpec> = {
  subscription: { type: "string" },
  endpoint: { type: "string" },
  "ca-cert": { type: "string" },
  "no-color": { type: "boolean" },
  help: { type: "boolean", short: "h" },
};

/** `--name` of every option that takes a value, in any command: its value follows it. */
const VALUE_OPTIONS = new Set(
  [SHARED, ...COMMANDS.map((name) => COMMAND_SPECS[name].options as Record<string, OptionSpec>)].flatMap(
    (options) =>
      Object.entries(options)
        .filter(([, option]) => option.type === "string")
        .map(([name]) => `--${name}`),
  ),
);

/** Words that stand in the command's place: `pfnet --no-color --version` prints the version. */
const COMMAND_WORDS = new Set(["--version", "-v", "--help", "-h"]);

/**
 * Options may come before the command (`pfnet --no-color validate x.yaml`): move them (and the
 * values of those that take one) after it, where each command's parser reads them.
 */
export function commandFirst(argv: readonly string[]): string[] {
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i]!;
    if (!arg.startsWith("-") || arg === "-" || arg === "--" || COMMAND_WORDS.has(arg)) break;
    i += VALUE_OPTIONS.has(arg) ? 2 : 1;
  }
  if (i === 0 || i >= argv.length) return [...argv];
  return [argv[i]!, ...argv.slice(0, i), ...argv.slice(i + 1)];
}

/** The options (names without `--`) a command accepts; the CLI reference documents each. */
export function optionNames(command: CommandName): string[] {
  return Object.keys({ ...SHARED, ...commandSpec(command).options });
}

/**
 * Every option of every command, by its camelCase name (`--ca-cert` -> `caCert`): a boolean the
 * command takes is `true` or `false`, a string option is its (parsed) value when given. Options
 * the command does not take are absent.
 */
export interface Flags {
  // Shared.
  subscription?: string;
  endpoint?: string;
  caCert?: string;
  noColor: boolean;
  help: boolean;
  // Per command (commands/registry.ts).
  json?: boolean;
  out?: string;
  detailedExitcode?: boolean;
  autoApprove?: boolean;
  concurrency?: number;
  /** apply: the reviewed spec a saved plan must come from. */
  spec?: string;
  /** plan, apply: the file holding the plan key (else PFNET_PLAN_KEY). */
  planKeyFile?: string;
  /** apply: accept a saved plan nothing vouches for. */
  trustPlanFile?: boolean;
  /** apply: consent to steps that weaken isolation. */
  allowWeaken?: boolean;
  skipVerify?: boolean;
  /** plan, apply: posture findings made directly at a workspace are errors (compliance gates). */
  strict?: boolean;
  format?: string;
  offline?: boolean;
  trace?: string;
  approveConnection?: string[];
  state?: string;
  /** `--target ADDRESS`, repeatable. */
  target?: string[];
  /** `plan --destroy`. */
  destroy?: boolean;
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

function mainUsage(): string {
  const width = Math.max(...COMMANDS.map((name) => COMMAND_SPECS[name].synopsis.length)) + 2;
  const list = COMMANDS.map((name) => {
    const { synopsis, summary } = COMMAND_SPECS[name];
    return `  ${synopsis.padEnd(width)}${summary}`;
  }).join("\n");
  return `pfnet: declarative network isolation for Azure Machine Learning prompt flow.

Usage: pfnet <command> <spec | plan file> [options]

Commands:
${list}

${SHARED_HELP}
  --version           Print the version (\`pfnet version --json\`: as a JSON Lines stream)

${EXIT_HELP}
Run \`pfnet <command> --help\` for the options of a command. Docs: ${DOCS_URL}/cli.md`;
}

function commandUsage(name: CommandName): string {
  const spec = commandSpec(name);
  return `${spec.help}\n\n${SHARED_HELP}${spec.exitCodesInHelp ? `\n\n${EXIT_HELP}` : ""}`;
}

/** `pfnet --help` (`main`) and `pfnet <command> --help`. */
export const USAGE: Record<CommandName | "main", string> = {
  main: mainUsage(),
  ...(Object.fromEntries(COMMANDS.map((name) => [name, commandUsage(name)])) as Record<CommandName, string>),
};

const camelCase = (name: string) => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** Parse the arguments after the command name. Throws CliUsageError for any mistake. */
export function parseCommand(command: CommandName, args: string[]): ParsedCommand {
  const options = { ...SHARED, ...commandSpec(command).options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args,
      options: Object.fromEntries(
        Object.entries(options).map(([name, { type, short, multiple }]) => [
          name,
          { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) },
        ]),
      ),
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
  const values = parsed.values as Record<string, string | string[] | boolean | undefined>;
  const flags: Record<string, unknown> = {};
  const one = (name: string, option: OptionSpec, value: string): unknown => {
    if (value === "") throw new CliUsageError(`--${name} needs a value`);
    if (option.choices && !option.choices.includes(value)) {
      throw new CliUsageError(`--${name} must be ${orList(option.choices)}, not '${value}'`);
    }
    return option.parse ? option.parse(value) : value;
  };
  for (const [name, option] of Object.entries(options)) {
    const value = values[name];
    if (option.type === "boolean") {
      flags[camelCase(name)] = value === true;
      continue;
    }
    if (Array.isArray(value)) flags[camelCase(name)] = value.map((v) => one(name, option, v));
    else if (typeof value === "string") flags[camelCase(name)] = one(name, option, value);
  }
  checkConnectionFlags(flags as unknown as Flags);
  return { command, positionals: parsed.positionals, flags: flags as unknown as Flags };
}

/** "a", "a or b", "a, b or c". */
function orList(values: readonly string[]): string {
  return values.length <= 1 ? (values[0] ?? "") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`;
}

/** The shared options that only make sense together, or in one form. */
function checkConnectionFlags(flags: Flags): void {
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
}
