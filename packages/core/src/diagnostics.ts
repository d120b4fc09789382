/** A finding about a spec or a plan. Produced by the loader, the schema check and the rules. */
export type Severity = "error" | "warning" | "info";

export interface SourceLocation {
  file?: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export interface Diagnostic {
  /** Stable code: `PFN` + number for rules, `PFN000`-range for schema/parse problems. */
  code: string;
  severity: Severity;
  /** JSON pointer into the spec, e.g. `/workspaces/pf/egress`. Empty string for the root. */
  path: string;
  message: string;
  /** What to do about it. */
  hint?: string;
  /** Set when the spec came from a file. */
  location?: SourceLocation;
}
