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

/** A command line the CLI cannot run (unknown flag, missing argument): message plus usage. */
export class CliUsageError extends Error {
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
  ) {
    super(message);
    this.name = "CliError";
  }
}
