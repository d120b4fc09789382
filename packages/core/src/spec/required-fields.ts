/**
 * Fields the schema cannot require alone: `network`, `ingress` and `egress` of a workspace, and
 * its `create` block's `storageAccount` and `keyVault`, are required except for a project (which
 * inherits them from its hub, expand/hubs.ts). A missing one is a PFN004 like any missing field.
 */
import type { Diagnostic } from "../diagnostics.js";
import { ruleInfo } from "../rules/catalogue.js";
import { pointer } from "./pointer.js";

const NETWORK: ReadonlyArray<[string, string]> = [
  ["network", "`network: managed` or `network: byo`"],
  ["ingress", "`ingress: public` or `ingress: private`"],
  ["egress", "`egress: public` or `egress: private`"],
];
const CREATE: ReadonlyArray<[string, string]> = [
  ["storageAccount", "`storageAccount` (the ARM id of a storage account)"],
  ["keyVault", "`keyVault` (the ARM id of a key vault)"],
];

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** PFN004 for each of those fields a workspace that is not a project lacks (input already schema-checked in shape). */
export function missingUnlessProject(input: unknown): Diagnostic[] {
  const workspaces = isRecord(input) ? input.workspaces : undefined;
  if (!isRecord(workspaces)) return [];
  const info = ruleInfo("PFN004");
  const out: Diagnostic[] = [];
  const missing = (path: string, name: string, where: string, example: string) =>
    out.push({
      code: "PFN004",
      severity: info.severity,
      path,
      message: `Missing required field \`${name}\` in ${where}.`,
      hint: `Add ${example}.`,
    });
  for (const [key, workspace] of Object.entries(workspaces)) {
    if (!isRecord(workspace) || workspace.kind === "project") continue;
    for (const [name, example] of NETWORK) {
      if (!Object.hasOwn(workspace, name))
        missing(pointer("workspaces", key, name), name, `workspace "${key}"`, example);
    }
    const create = workspace.create;
    if (!isRecord(create)) continue;
    for (const [name, example] of CREATE) {
      if (!Object.hasOwn(create, name))
        missing(
          pointer("workspaces", key, "create", name),
          name,
          `the create block of workspace "${key}"`,
          example,
        );
    }
  }
  return out;
}
