/**
 * `runCli(argv, io)`: the whole command line as a function that returns the exit code. It never
 * touches `process`; `main.ts` does. User mistakes end with a message (and usage where it
 * helps), never a stack trace.
 *
 * Start-up matters (`pfnet --version` in a shell prompt, `validate` in a pre-commit hook): this
 * module and what it imports statically are the grammar and the registry only. The command's
 * module (and with it `@pfnet/core`, or the Azure SDK) is loaded when the command runs, the
 * error report when something failed.
 *
 * With `--json` before any `--`, stdout is the JSON Lines stream of json-lines.ts: runCli writes
 * its first line, the lines of any error (report.ts), and its last line with the exit code.
 */
import pkg from "../package.json" with { type: "json" };
import { commandFirst, parseCommand, USAGE } from "./args.js";
import type { CommandContext } from "./commands/context.js";
import { type CommandName, commandSpec, isCommand } from "./commands/registry.js";
import { CliUsageError, EXIT } from "./errors.js";
import { type CliInternals, type CliIo, ttyFlags } from "./io.js";
import { JsonLines } from "./json-lines.js";
import { colorWanted, createStyle } from "./style.js";

export const VERSION: string = pkg.version;

export async function runCli(
  argv: readonly string[],
  io: CliIo,
  internals: CliInternals = {},
): Promise<number> {
  const args = commandFirst(argv);
  const options = args.includes("--") ? args.slice(0, args.indexOf("--")) : args;
  const first = args[0];
  const isVersion = first === "--version" || first === "-v" || first === "version";
  const json =
    options.includes("--json") && !options.includes("--help") && !options.includes("-h")
      ? new JsonLines(isVersion ? "version" : (first ?? ""), io.stdout)
      : undefined;
  json?.start(VERSION);
  const code = await dispatch(args, io, internals, json);
  json?.finish(code);
  return code;
}

async function dispatch(
  args: string[],
  io: CliIo,
  internals: CliInternals,
  json: JsonLines | undefined,
): Promise<number> {
  const tty = ttyFlags(io);
  const first = args[0];
  const noColorAnywhere = args.includes("--no-color");
  const err = createStyle(colorWanted({ noColorFlag: noColorAnywhere, env: io.env, isTTY: tty.stderr }));

  if (first === undefined) {
    io.stderr.write(`${USAGE.main}\n`);
    json?.error({
      code: "USAGE",
      message: "pfnet needs a command",
      hint: "Run `pfnet --help` for the commands.",
    });
    return EXIT.error;
  }
  if (first === "--version" || first === "-v" || first === "version") {
    if (!json) {
      io.stdout.write(`pfnet ${VERSION}\n`);
      return EXIT.ok;
    }
    // Loaded only here: the plain `--version` loads no engine.
    const { PLAN_FORMAT_VERSION } = await import("@pfnet/core");
    json.resultFields({ pfnet: VERSION, planFormatVersion: PLAN_FORMAT_VERSION });
    return EXIT.ok;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = args[1];
    io.stdout.write(`${topic && isCommand(topic) ? USAGE[topic] : USAGE.main}\n`);
    return EXIT.ok;
  }
  if (!isCommand(first)) {
    const { unknownCommand } = await import("./report.js");
    const message = unknownCommand(first);
    io.stderr.write(`${err.red("Error:")} ${message}\n\n${USAGE.main}\n`);
    json?.error({ code: "USAGE", message, hint: "Run `pfnet --help` for the commands." });
    return EXIT.error;
  }

  const command: CommandName = first;
  const spec = commandSpec(command);
  try {
    const parsed = parseCommand(command, args.slice(1));
    if (parsed.flags.help) {
      io.stdout.write(`${USAGE[command]}\n`);
      return EXIT.ok;
    }
    checkPositionals(command, spec.input, parsed.positionals, spec.manyInputs === true);
    const color = (isTTY: boolean) => colorWanted({ noColorFlag: parsed.flags.noColor, env: io.env, isTTY });
    const ctx: CommandContext = {
      command,
      io,
      internals,
      flags: parsed.flags,
      positionals: parsed.positionals,
      input: parsed.positionals[0] ?? "",
      out: createStyle(color(tty.stdout)),
      err: createStyle(color(tty.stderr)),
      tty,
      signal: io.signal ?? new AbortController().signal,
      ...(json ? { json } : {}),
    };
    const run = await spec.load();
    return await run(ctx);
  } catch (error) {
    const { reportError, errorLines } = await import("./report.js");
    if (json) {
      const lines = errorLines(error, command);
      json.diagnostics(lines.diagnostics);
      json.error(lines.error);
    }
    return reportError(error, command, io, err);
  }
}

/** A command takes exactly its one argument (`input`), one or more of them (`many`), or none. */
function checkPositionals(
  command: CommandName,
  input: string | undefined,
  positionals: string[],
  many: boolean,
): void {
  if (input === undefined) {
    if (positionals.length > 0)
      throw new CliUsageError(`pfnet ${command} takes no arguments, got: ${positionals.join(" ")}`);
    return;
  }
  if (positionals.length === 0) throw new CliUsageError(`pfnet ${command} needs ${input}`);
  if (positionals.length > 1 && !many) {
    throw new CliUsageError(
      `pfnet ${command} takes one file, got ${positionals.length}: ${positionals.join(" ")}`,
    );
  }
}
