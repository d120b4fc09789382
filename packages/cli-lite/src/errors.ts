/** Exit codes and the two kinds of user mistake the CLI reports without a stack trace. */

/** Terraform-like exit codes; documented in docs/cli.md. */
export const EXIT = {
  /** Success; or no changes. */
  ok: 0,
  /** An error: a user mistake, an invalid spec, a failed step, a refused or cancelled apply. */
  error: 1,
  /** `plan --detailed-exitcode`: the plan has changes. */
  changes: 2,
  /** `apply`: every other step succeeded but some private endpoints wait for a human to approve. */
  pendingApproval: 3,
} as const;

/**
 * Stable codes of the CLI's own errors, in the `error` line of `--json` (docs/events.md). Library
 * errors keep their `PfnetError` code.
 */
export type CliErrorCode =
  /** The command line: unknown command or flag, missing or extra argument, bad flag value. */
  | "USAGE"
  /** A file pfnet was pointed at cannot be read. */
  | "FILE_UNREADABLE"
  /** A file pfnet was asked to write cannot be written. */
  | "FILE_UNWRITABLE"
  /** `--ca-cert` is not a PEM certificate. */
  | "CA_CERT_INVALID"
  /** An environment variable pfnet reads has a value it cannot use. */
  | "ENV_INVALID"
  /** apply needs a confirmation and there is no terminal to ask at. */
  | "CONFIRMATION_REQUIRED"
  /** Another user mistake or refusal (the message says which). */
  | "INPUT_INVALID"
  /** Anything else: probably a bug in pfnet. */
  | "UNEXPECTED";

/** A command line the CLI cannot run (unknown flag, missing argument): message plus usage. */
export class CliUsageError extends Error {
  readonly code = "USAGE";
  constructor(message: string) {
    super(message);
    this.name = "CliUsageError";
  }
}

/** A user mistake or refusal with a clear message and, when there is one, what to do. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
    /** Stable code for `--json`; a damaged saved plan uses the library's `PLAN_INVALID`. */
    readonly code: CliErrorCode | "PLAN_INVALID" = "INPUT_INVALID",
  ) {
    super(message);
    this.name = "CliError";
  }
}
