/**
 * How a failed command is reported: user mistakes and pfnet's typed errors as messages (with
 * usage, hint, diagnostics or what changed), anything else as a probable bug. Loaded only when a
 * command fails, so a command that succeeds never loads what the messages need.
 */
import {
  closestName,
  type Diagnostic,
  isPfnetError,
  type PfnetError,
  type SerializedError,
} from "@pfnet/core";
import { USAGE } from "./args.js";
import { COMMANDS, type CommandName } from "./commands/registry.js";
import { CliError, CliUsageError, EXIT } from "./errors.js";
import type { CliIo } from "./io.js";
import { renderDiagnostics } from "./render/diagnostics.js";
import type { Style } from "./style.js";

/** The first line for a word that is not a command: a guess when one is close, else the commands. */
export function unknownCommand(word: string): string {
  if (word.startsWith("-")) {
    return `'${word}' is an option; options go with a command (${COMMANDS.join(", ")}), e.g. \`pfnet validate spec.yaml ${word}\`.`;
  }
  const guess = closestName(word, COMMANDS);
  return guess
    ? `unknown command '${word}'. Did you mean \`pfnet ${guess}\`?`
    : `unknown command '${word}'. The commands are ${COMMANDS.join(", ")}.`;
}

export function reportError(error: unknown, command: CommandName, io: CliIo, style: Style): number {
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
  if (isCredentialsFailure(error)) {
    // One line: the credential chain's own report (a line per credential tried) helps no one here.
    write(
      `${style.red("Error:")} no usable Azure credentials: run \`az login\`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; for the local emulator pass --ca-cert with --endpoint.`,
    );
    return EXIT.error;
  }
  if (isPfnetError(error)) {
    reportPfnetError(error, io, style);
    return EXIT.error;
  }
  const message = error instanceof Error ? error.message : String(error);
  write(`${style.red("Error:")} unexpected failure: ${message}`);
  if (io.env.PFNET_DEBUG && error instanceof Error && error.stack) write(error.stack);
  else write("  This is likely a bug in pfnet. Run again with PFNET_DEBUG=1 for details and report it.");
  return EXIT.error;
}

/** The provider's typed error, or an @azure/identity error (by class name) from a custom provider. */
function isCredentialsFailure(error: unknown): boolean {
  if (isPfnetError(error)) return error.code === "AZURE_CREDENTIALS_UNAVAILABLE";
  const name = error instanceof Error ? error.name : "";
  return (
    name === "CredentialUnavailableError" ||
    name === "AggregateAuthenticationError" ||
    name === "AuthenticationError"
  );
}

function reportPfnetError(error: PfnetError, io: CliIo, style: Style): void {
  const write = (text: string) => io.stderr.write(`${text}\n`);
  const details = error.details ?? {};
  const diagnostics = Array.isArray(details.diagnostics) ? details.diagnostics : undefined;
  if (error.code === "POSTURE_STRICT" && diagnostics) {
    const shown = diagnostics.filter((d) => d.severity === "error");
    write(renderDiagnostics(shown, style));
    write("");
    const count = shown.length;
    write(
      `${style.red("Error:")} --strict: the posture report has ${count === 1 ? "a finding" : `${count} findings`} made directly at the workspaces (above). No plan was saved and nothing was changed.`,
    );
    write(
      "  Review them: add unlisted rules to the spec or remove them, remove role assignments that are not intended (pfnet never deletes what it does not manage). Inherited role assignments never fail --strict.",
    );
    return;
  }
  if ((error.code === "SPEC_INVALID" || error.code === "PLAN_FORBIDDEN") && diagnostics) {
    const shown =
      error.code === "PLAN_FORBIDDEN" ? diagnostics.filter((d) => d.severity === "error") : diagnostics;
    write(renderDiagnostics(shown, style));
    write("");
    if (error.code === "SPEC_INVALID") {
      write(`${style.red("Error:")} ${error.message}`);
      write("  Nothing was read or changed. Fix the spec and run the command again.");
    } else {
      // The library's message repeats each diagnostic (for callers that print only the message);
      // here they are printed above, once, with their place in the spec.
      const count = shown.length;
      write(
        `${style.red("Error:")} the spec cannot be applied to what exists in Azure (${count === 1 ? "the error above" : `the ${count} errors above`}). Nothing was changed.`,
      );
    }
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

/**
 * A thrown error as `--json` lines: its diagnostics (a refused spec or plan), then the error.
 * Classified as `reportError` classifies it for the text; unknown errors keep only their message.
 */
export function errorLines(
  error: unknown,
  command: CommandName,
): { diagnostics: Diagnostic[]; error: SerializedError } {
  if (error instanceof CliUsageError) {
    return {
      diagnostics: [],
      error: {
        code: error.code,
        message: error.message,
        hint: `Run \`pfnet ${command} --help\` for the options.`,
      },
    };
  }
  if (error instanceof CliError) {
    return {
      diagnostics: [],
      error: { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) },
    };
  }
  if (isCredentialsFailure(error)) {
    return {
      diagnostics: [],
      error: {
        code: isPfnetError(error) ? error.code : "AZURE_CREDENTIALS_UNAVAILABLE",
        message: "no usable Azure credentials",
        hint: "Run `az login`, or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET; for the local emulator pass --ca-cert with --endpoint.",
      },
    };
  }
  if (isPfnetError(error)) {
    const { details, ...rest } = error.toJSON();
    const { diagnostics, ...otherDetails } = details ?? {};
    return {
      diagnostics: Array.isArray(diagnostics) ? (diagnostics as Diagnostic[]) : [],
      error: { ...rest, ...(Object.keys(otherDetails).length > 0 ? { details: otherDetails } : {}) },
    };
  }
  return {
    diagnostics: [],
    error: {
      code: "UNEXPECTED",
      message: error instanceof Error ? error.message : String(error),
      hint: "This is likely a bug in pfnet. Run again with PFNET_DEBUG=1 for details and report it.",
    },
  };
}
