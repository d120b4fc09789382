/**
 * The permissions check before apply (PFN216): the provider says which actions of the plan's
 * writes the caller may not perform (`Provider.missingPermissions`, optional); each workspace
 * with such gaps gets one warning naming the scopes and actions, with the built-in role that
 * grants them. A warning, not an error: the caller's permissions may change before apply, and a
 * scope that cannot be read is unknown, not missing.
 */
import type { Diagnostic } from "../diagnostics.js";
import { workspaceKeyOf } from "../expand/names.js";
import type { PermissionGap, Provider, ProviderContext } from "../provider.js";
import { diagnostic } from "../rules/workspace-rules/context.js";
import { pointer } from "../spec/pointer.js";
import type { Topology } from "../spec/schema.js";
import type { PlanStep } from "./types.js";

/** Diagnostic code of the permissions check. */
export const PERMISSIONS_CODE = "PFN216";

/** Which built-in role grants an action (first match), for the hint. */
const ROLE_FOR_ACTION: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^Microsoft\.Authorization\/roleAssignments\//i,
    "Role Based Access Control Administrator (or User Access Administrator) on the storage account",
  ],
  [
    /^Microsoft\.MachineLearningServices\//i,
    "Contributor on the workspace (AzureML Data Scientist is not enough)",
  ],
  [
    /\/privateEndpointConnections\/write$/i,
    "Azure AI Enterprise Network Connection Approver on the service (or its resource group)",
  ],
  [/^Microsoft\.Network\//i, "Network Contributor on the resource group, subnet, DNS zone or NSG named"],
];

function roleFor(action: string): string {
  return ROLE_FOR_ACTION.find(([pattern]) => pattern.test(action))?.[1] ?? "Contributor on the scope named";
}

/** The last two segments of an ARM id (`storageAccounts/stpf`), or the id when shorter. */
function shortScope(scope: string): string {
  const parts = scope.split("/").filter(Boolean);
  return parts.length >= 2 ? `${parts.at(-2)}/${parts.at(-1)}` : scope;
}

/** One PFN216 warning per workspace with gaps (gaps of no workspace: one for the plan). */
export function permissionFindings(topology: Topology, gaps: readonly PermissionGap[]): Diagnostic[] {
  const byWorkspace = new Map<string, Map<string, { scope: string; actions: string[]; steps: string[] }>>();
  for (const gap of gaps) {
    if (gap.actions.length === 0) continue;
    const key = workspaceKeyOf(undefined, gap.step) ?? "";
    const scopes = byWorkspace.get(key) ?? new Map();
    byWorkspace.set(key, scopes);
    const entry = scopes.get(gap.scope.toLowerCase()) ?? { scope: gap.scope, actions: [], steps: [] };
    scopes.set(gap.scope.toLowerCase(), entry);
    for (const action of gap.actions) if (!entry.actions.includes(action)) entry.actions.push(action);
    if (!entry.steps.includes(gap.step)) entry.steps.push(gap.step);
  }
  const findings: Diagnostic[] = [];
  for (const [key, scopes] of byWorkspace) {
    const workspace = topology.workspaces[key];
    const azureName = workspace?.name ?? key;
    const label =
      workspace === undefined
        ? "The plan"
        : azureName === key
          ? `Workspace "${key}"`
          : `Workspace "${key}" (Azure name "${azureName}")`;
    const entries = [...scopes.values()];
    const listed = entries
      .map(
        (entry) =>
          `${entry.actions.join(", ")} on ${shortScope(entry.scope)} (${entry.scope}; step ${entry.steps.join(", ")})`,
      )
      .join("; ");
    const roles = [...new Set(entries.flatMap((entry) => entry.actions.map(roleFor)))];
    findings.push(
      diagnostic(
        PERMISSIONS_CODE,
        workspace === undefined ? "" : pointer("workspaces", key),
        `${label}: the caller (the identity pfnet runs as) lacks ${listed}. Apply would fail at ${entries.length === 1 && entries[0]!.steps.length === 1 ? "that step" : "those steps"}, after the steps before them ran.`,
        `Grant the caller ${roles.join("; ")} — or a custom role with exactly these actions — then plan again; docs/permissions.md lists every action pfnet's writes need.`,
      ),
    );
  }
  return findings;
}

/**
 * Ask the provider which actions of the plan's writes (steps other than `noop`) the caller
 * lacks, and report them as PFN216. Without `missingPermissions`, or with nothing to write, nothing is asked.
 */
export async function checkPermissions(
  topology: Topology,
  steps: readonly PlanStep[],
  provider: Provider,
  context: ProviderContext,
): Promise<Diagnostic[]> {
  if (!provider.missingPermissions) return [];
  const writes = steps.filter((step) => step.action !== "noop");
  if (writes.length === 0) return [];
  return permissionFindings(topology, await provider.missingPermissions(writes, context));
}
