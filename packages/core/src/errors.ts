/**
 * Typed errors with stable codes. Callers branch on `code`, never on `message`.
 * `isPfnetError` also accepts errors from another installed copy of the package (brand check).
 */
const BRAND = Symbol.for("pfnet.error");

export type PfnetErrorCode =
  | "SPEC_INVALID"
  | "SPEC_PARSE"
  | "PLAN_INVALID"
  | "PLAN_STALE"
  | "APPLY_DECLINED"
  | "PLAN_FORBIDDEN"
  | "POSTURE_STRICT"
  | "PLAN_TAMPERED"
  | "PLAN_SIGNATURE"
  | "PLAN_UNVERIFIED"
  | "WEAKENING_NOT_ALLOWED"
  | "TARGET_NOT_FOUND"
  | "GRAPH_CYCLE"
  | "ABORTED"
  | "PROVIDER_ERROR"
  | "RESOURCE_STALE"
  | "WORKSPACE_NOT_FOUND"
  | "PROPAGATION_TIMEOUT"
  | "APPROVAL_REQUIRED"
  | "VERIFY_FAILED"
  | "VERIFY_UNSUPPORTED"
  | "RETRIES_EXHAUSTED"
  | "AZURE_REQUEST_FAILED"
  | "AZURE_CREDENTIALS_UNAVAILABLE"
  | "SERVICE_NOT_FOUND"
  | "PRIVATE_PATH_NOT_READY"
  | "CONNECTION_API_VERSION_UNKNOWN"
  | "LOCKED"
  | "LOCK_NOT_FOUND"
  | "LOCK_LOST"
  | "STATE_UNAVAILABLE";

export interface PfnetErrorOptions {
  address?: string;
  path?: string;
  hint?: string;
  details?: Record<string, unknown>;
  cause?: unknown;
}

export class PfnetError extends Error {
  readonly [BRAND] = true;
  readonly code: PfnetErrorCode | (string & {});
  readonly address?: string;
  readonly path?: string;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: PfnetErrorCode | (string & {}), message: string, options: PfnetErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PfnetError";
    this.code = code;
    if (options.address !== undefined) this.address = options.address;
    if (options.path !== undefined) this.path = options.path;
    if (options.hint !== undefined) this.hint = options.hint;
    if (options.details !== undefined) this.details = options.details;
  }

  /** JSON-safe form used in events and results (no stack, no cause chain). */
  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      ...(this.address === undefined ? {} : { address: this.address }),
      ...(this.path === undefined ? {} : { path: this.path }),
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

export interface SerializedError {
  code: string;
  message: string;
  address?: string;
  path?: string;
  hint?: string;
  details?: Record<string, unknown>;
}

export function isPfnetError(value: unknown): value is PfnetError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}

/** Any thrown value as a JSON-safe error (unknown errors keep only their message). */
export function serializeError(error: unknown): SerializedError {
  if (isPfnetError(error)) return error.toJSON();
  if (error instanceof Error) return { code: "UNEXPECTED", message: error.message };
  return { code: "UNEXPECTED", message: String(error) };
}
