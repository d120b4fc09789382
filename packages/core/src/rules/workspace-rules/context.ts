/** What every workspace spec rule gets, and how it makes a diagnostic (code, severity and hint from the catalogue). */
import type { Diagnostic } from "../../diagnostics.js";
import type { Topology, WorkspaceSpec } from "../../spec/schema.js";
import { ruleInfo } from "../catalogue.js";

export function diagnostic(code: string, path: string, message: string, hint?: string): Diagnostic {
  const info = ruleInfo(code);
  return { code, severity: info.severity, path, message, hint: hint ?? info.hint };
}

export interface WorkspaceContext {
  topology: Topology;
  key: string;
  workspace: WorkspaceSpec;
  /** `/workspaces/<key>` */
  path: string;
  /** Label for messages: `Workspace "pf"`. */
  label: string;
  /** Same, mid-sentence: `workspace "pf"`. */
  inWorkspace: string;
  at: (...segments: Array<string | number>) => string;
}

export type WorkspaceRule = (context: WorkspaceContext) => Diagnostic[];

export const isManaged = (workspace: WorkspaceSpec) => workspace.network === "managed";
export const isByo = (workspace: WorkspaceSpec) => workspace.network === "byo";
export const endpointsOf = (workspace: WorkspaceSpec) => Object.entries(workspace.endpoints ?? {});
