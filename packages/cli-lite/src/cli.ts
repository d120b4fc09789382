/**
 * `runCli(argv, io)`: the whole command line as a function that returns the exit code. It never
 * touches `process`; `main.ts` does. User mistakes end with a message (and usage where it
 * helps), never a stack trace.
 */
import { isPfnetError, type PfnetError } from "@pfnet/core";
import pkg from "../package.json" with { type: "json" };
import { COMMANDS, type CommandName, parseCommand, USAGE } from "./args.js";
import { runApply } from "./commands/apply.js";
import type { CommandContext } from "./commands/context.js";
import { runGraph } from "./commands/graph.js";
import { runPlan } from "./commands/plan.js";
import { runShow } from "./commands/show.js";
import { runValidate } from "./commands/validate.js";
import { CliError, CliUsageError, EXIT } from "./errors.js";
import { type CliInternals, type CliIo, ttyFlags } from "./io.js";
import { renderDiagnostics } from "./render/diagnostics.js";
import { colorWanted, createStyle, type Style } from "./style.js";

export const VERSION: string = pkg.version;

const RUNNERS: Record<CommandName, (ctx: CommandContext) => Promise<number>> = {
  validate: runValidate,
  plan: runPlan,
  apply: runApply,
  graph: runGraph,
  show: runShow,
};

/** What the one positional argument of each command is, for the "needs a ..." message. */
const INPUT_OF: Record<CommandName, string> = {
  validate: "spec",
  plan: "spec",
  apply: "spec or saved plan",
  graph: "spec",
  show: "saved plan",
};

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  internals: CliInternals = {},
): Promise<number> {
  const tty = ttyFlags(io);
  const args = [...argv];
  const first = args[0];
  const noColorAnywhere = args.includes("--no-color");
  const err = createStyle(colorWanted({ noColorFlag: noColorAnywhere, env: io.env, isTTY: tty.stderr }));

  if (first === undefined) {
    io.stderr.write(`${USAGE.main}\n`);
    return EXIT.error;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    io.stdout.write(`pfnet ${VERSION}\n`);
    return EXIT.ok;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = args[1];
    io.stdout.write(`${topic && isCommand(topic) ? USAGE[topic] : USAGE.main}\n`);
    return EXIT.ok;
  }
  if (!isCommand(first)) {
    io.stderr.write(`${err.red("Error:")} unknown command '${first}'.\n\n${USAGE.main}\n`);
    return EXIT.error;
  }

  const command = first;
  try {
    const parsed = parseCommand(command, args.slice(1));
    if (parsed.flags.help) {
      io.stdout.write(`${USAGE[command]}\n`);
      return EXIT.ok;
    }
    if (parsed.positionals.length !== 1) {
      throw new CliUsageError(
        parsed.positionals.length === 0
          ? `pfnet ${command} needs a ${INPUT_OF[command]} file`
          : `pfnet ${command} takes one file, got ${parsed.positionals.length}: ${parsed.positionals.join(" ")}`,
      );
    }
    const color = (isTTY: boolean) => colorWanted({ noColorFlag: parsed.flags.noColor, env: io.env, isTTY });
    const ctx: CommandContext = {
      io,
      internals,
      flags: parsed.flags,
      input: parsed.positionals[0]!,
      out: createStyle(color(tty.stdout)),
      err: createStyle(color(tty.stderr)),
      tty,
      signal: io.signal ?? new AbortController().signal,
    };
    return await RUNNERS[command](ctx);
  } catch (error) {
    return reportError(error, command, io, err);
  }
}

function isCommand(value: string): value is CommandName {
  return (COMMANDS as string[]).includes(value);
}

function reportError(error: unknown, command: CommandName, io: CliIo, style: Style): number {
  const write = (text: string) => io.stderr.write(`${text}\n`);
  if (error instanceof CliUsageError) {
    // The mistake, the synopsis and where the options are: the whole help would bury the message.
    write(`${style.red("Error:")} ${error.message}.`);
    write(`  ${USAGE[command].split("\n")[0]}`);
    write(`  Run \`pfnet ${command} --help\` for the options.`);
    return EXIT.error;
  }
  if (error instanceof CliError) {
    write(`${style.red("Error:")} ${error.message}`);
    if (error.hint) write(`  ${error.hint}`);
    return EXIT.error;
  }
  if (isPfnetError(error)) {
    reportPfnetError(error, io, style);
    return EXIT.error;
  }
  const name = error instanceof Error ? error.name : "";
  if (
    name === "CredentialUnavailableError" ||
    name === "AggregateAuthenticationError" ||
    name === "AuthenticationError"
  ) {
    write(`${style.red("Error:")} no usable Azure credentials (${name}).`);
    write("  Sign in with `az login`, or set AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET,");
    write(
      "  or run where a managed identity is available. See docs/permissions.md for the roles pfnet needs.",
    );
    return EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`${style.red("Error:")} unexpected failure: ${message}`);
  if (io.env.PFNET_DEBUG && error instanceof Error && error.stack) write(error.stack);
  else write("  This is likely a bug in pfnet. Run again with PFNET_DEBUG=1 for details and report it.");
  return EXIT.error;
}

function reportPfnetError(error: PfnetError, io: CliIo, style: Style): void {
  const write = (text: string) => io.stderr.write(`${text}\n`);
  const details = error.details ?? {};
  const diagnostics = Array.isArray(details.diagnostics) ? details.diagnostics : undefined;
  if ((error.code === "SPEC_INVALID" || error.code === "PLAN_FORBIDDEN") && diagnostics) {
    const shown =
      error.code === "PLAN_FORBIDDEN" ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
    write(renderDiagnostics(shown, style));
    write("");
    write(`${style.red("Error:")} ${error.message}`);
    write(
      error.code === "SPEC_INVALID"
        ? "  Nothing was read or changed. Fix the spec and run the command again."
        : "  Azure cannot make this change from what exists now. Nothing was changed.",
    );
    return;
  }
  if (error.code === "PLAN_STALE") {
    write(`${style.red("Error:")} ${error.message}`);
    const changed = Array.isArray(details.changed) ? details.changed : [];
    if (changed.length > 0) {
      write("  Changed in Azure since the plan was made:");
      for (const entry of changed) write(`    ${describeChanged(entry)}`);
    }
    write("  Run `pfnet plan` again (with --out to save it), review it, and apply the new plan.");
    return;
  }
  if (error.code === "PLAN_INVALID") {
    write(`${style.red("Error:")} not a usable pfnet plan: ${error.message}`);
    write(`  ${error.hint ?? "Make a new one with `pfnet plan <spec> --out FILE`."}`);
    return;
  }
  if (error.code === "ABORTED") {
    write(`${style.red("Interrupted.")} ${error.message}`);
    write("  Operations already sent to Azure may still finish. Run `pfnet plan` to see where things stand.");
    return;
  }
  write(`${style.red("Error:")} ${error.message}${style.dim(` [${error.code}]`)}`);
  const location = details.location as { file?: string; line?: number; column?: number } | undefined;
  if (error.path && location?.line !== undefined)
    write(`  at ${location.file ?? "spec"}:${location.line}:${location.column ?? 1} (${error.path})`);
  else if (error.address) write(`  at ${error.address}`);
  if (error.hint) write(`  hint: ${error.hint}`);
}

/** One entry of PLAN_STALE's `details.changed`: `{ address, planned, actual }` (actual null: gone). */
function describeChanged(entry: unknown): string {
  if (entry === null || typeof entry !== "object") return String(entry);
  const record = entry as Record<string, unknown>;
  const address = typeof record.address === "string" ? record.address : JSON.stringify(entry);
  if ("actual" in record) return `${address} (${record.actual === null ? "no longer exists" : "modified"})`;
  return address;
}
