/**
 * Plan-time rules: the topology against what exists in Azure. The engine builds the `StateView`
 * from its workspace reads; a workspace missing from the view is not judged.
 */
import type { Diagnostic } from "../diagnostics.js";
import { isProject } from "../expand/hubs.js";
import { requiredNsgRules } from "../expand/index.js";
import type { Dependency } from "../kinds/dependencyNetworkAccess.js";
import type { ComputePlacement } from "../kinds/workspace.js";
import { ISOLATION_ORDER, type IsolationMode } from "../kinds/workspace.js";
import type { NetworkLinks } from "../provider.js";
import { pointer } from "../spec/pointer.js";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import { computePlacementRules } from "./compute-placement.js";
import { dependencyStateRules } from "./dependency-state-rules.js";
import { checkHubs } from "./hub-rules.js";
import {
  classifyStorageAccess,
  DIRECT_ASSIGNMENT_CODE,
  describeAssignment,
  describeDestination,
  lastSegment,
  type PostureReason,
  type StorageAccessView,
  type UnlistedRuleView,
} from "./posture.js";
import { diagnostic } from "./spec-rules.js";

export interface WorkspaceStateView {
  exists: boolean;
  /** `Disabled` | `AllowInternetOutbound` | `AllowOnlyApprovedOutbound` (absent: treated as Disabled). */
  isolationMode?: string;
  /** Names of the workspace's computes. */
  computes?: string[];
  /** Names of the workspace's online endpoints. */
  onlineEndpoints?: string[];
  /** Workspace kind as Azure reports it (`Default`, `Hub`, `Project`; compared case-insensitively). */
  kind?: string;
  /** A project's hub as Azure reports it (`hubResourceId`); PFN225. */
  hubResourceId?: string;
  /** User-defined outbound rules that exist in Azure but are not in the spec (service-owned rules excluded). */
  unlistedRules?: UnlistedRuleView[];
  /** Role assignments listed at the workspace storage account (posture); absent when not read. */
  storageAccess?: StorageAccessView;
  /** `primaryUserAssignedIdentity`: the user-assigned identity the workspace uses, when set. */
  primaryUserAssignedIdentity?: string;
  /** ARM ids of the user-assigned identities attached to the workspace (absent: none). */
  userAssignedIdentities?: string[];
  /** Own VNet: the outbound dependencies the workspace reports; absent when not read. */
  outboundDependencies?: Array<{ category: string; domainName: string; ports: number[] }>;
  /** Where the workspace's computes sit (PFN220–PFN223); absent when not read. */
  computePlacement?: ComputePlacement[];
  /** Own VNet deploying to an AKS cluster in another VNet: how other VNets reach its VNet (PFN222). */
  networkLinks?: NetworkLinks;
  /** The storage account, key vault and registry the workspace reports (ARM ids; absent: none). */
  dependencies?: Partial<Record<Dependency, string>>;
  /** What was read of the dependencies the spec makes private (`dependencyNetworkAccess` nodes). */
  dependencyReads?: Partial<Record<Dependency, { exists: boolean; sku?: string }>>;
  /** The managed network's status (`Inactive` | `Active`). */
  networkStatus?: string;
}

export interface CheckStateOptions {
  /**
   * Compliance gates: the posture findings pfnet reports as warnings (PFN205, PFN206 — what is
   * made directly at the workspace; PFN220, PFN221, PFN223 — where its computes sit) are errors
   * instead. Inherited assignments never are.
   */
  strict?: boolean;
}

export interface StateView {
  /** By spec key of the workspace. */
  workspaces: Record<string, WorkspaceStateView>;
}

/** Diagnostic code of the warning about user-defined rules that exist but are not in the spec. */
export const UNLISTED_RULE_CODE = "PFN205";

export { ISOLATION_ORDER, type IsolationMode } from "../kinds/workspace.js";

/** The isolation mode a workspace spec maps to: byo → Disabled; egress public/private → internet/approved. */
export function desiredIsolationMode(workspace: Pick<WorkspaceSpec, "network" | "egress">): IsolationMode {
  if (workspace.network === "byo") return "Disabled";
  return workspace.egress === "private" ? "AllowOnlyApprovedOutbound" : "AllowInternetOutbound";
}

const SPEC_WORDING: Record<IsolationMode, string> = {
  Disabled: "`network: byo`",
  AllowInternetOutbound: "`egress: public`",
  AllowOnlyApprovedOutbound: "`egress: private`",
};

/** Run the plan-time rules. */
export function checkState(
  topology: Topology,
  state: StateView,
  options: CheckStateOptions = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const posture = (found: Diagnostic): Diagnostic =>
    options.strict === true ? { ...found, severity: "error" } : found;
  for (const [key, workspace] of Object.entries(topology.workspaces)) {
    if (!Object.hasOwn(state.workspaces, key)) continue;
    const actual = state.workspaces[key]!;
    const path = pointer("workspaces", key);
    const azureName = workspace.name ?? key;
    const label = azureName === key ? `Workspace "${key}"` : `Workspace "${key}" (Azure name "${azureName}")`;
    if (!actual.exists) {
      if (workspace.create !== undefined && workspace.identity?.userAssigned !== undefined) {
        diagnostics.push(
          diagnostic(
            "PFN217",
            pointer("workspaces", key, "identity", "userAssigned"),
            `${label} does not exist and pfnet creates workspaces with a system-assigned identity only, so it cannot attach the user-assigned identity ${workspace.identity.userAssigned} that the spec's grants are for.`,
          ),
        );
      }
      if (workspace.create === undefined) {
        diagnostics.push(
          diagnostic(
            "PFN203",
            path,
            `${label} does not exist in resource group "${workspace.resourceGroup ?? topology.resourceGroup}" of subscription ${topology.subscriptionId}, and the spec has no \`create\` block for it.`,
          ),
        );
      }
      continue;
    }
    // A project has no isolation mode of its own: its hub's is judged (hub-rules.ts).
    if (!isProject(workspace)) diagnostics.push(...isolationChanges(key, workspace, label, actual));
    const wantedKind = workspace.kind ?? "default";
    if (actual.kind !== undefined && actual.kind.toLowerCase() !== wantedKind) {
      diagnostics.push(
        diagnostic(
          "PFN204",
          workspace.kind === undefined ? path : pointer("workspaces", key, "kind"),
          `${label} exists with kind "${actual.kind}", but the spec states \`kind: ${wantedKind}\`${workspace.kind === undefined ? " (the default)" : ""}.`,
          `Set \`kind: ${actual.kind.toLowerCase()}\`, or use another workspace.`,
        ),
      );
    }
    const unlisted = actual.unlistedRules ?? [];
    if (unlisted.length > 0 && workspace.unlistedRules !== "delete") {
      const names = unlisted
        .map((rule) => `"${rule.name}" (${rule.type} to ${describeDestination(rule.type, rule.destination)})`)
        .join(", ");
      const [rules, them] = unlisted.length === 1 ? ["rule", "it"] : ["rules", "them"];
      diagnostics.push(
        posture(
          diagnostic(
            UNLISTED_RULE_CODE,
            pointer("workspaces", key, "reach"),
            `${label} has user-defined outbound ${rules} ${names} in Azure that the spec does not list; pfnet leaves ${them} alone.`,
            `Add ${them} to the spec (\`reach\`), or set \`unlistedRules: delete\` to have pfnet remove ${them}.`,
          ),
        ),
      );
    }
    if (actual.storageAccess) {
      const account = lastSegment(actual.storageAccess.storageAccount);
      for (const assignment of classifyStorageAccess(actual.storageAccess).direct) {
        diagnostics.push(
          posture(
            diagnostic(
              DIRECT_ASSIGNMENT_CODE,
              path,
              `Storage account "${account}" of ${label.replace(/^W/, "w")} has a role assignment made directly at its scope that pfnet does not manage: ${describeAssignment(assignment, "direct")} (assignment ${lastSegment(assignment.id)}); ${assignment.why.map((why) => WHY[why]).join("; ")}.`,
            ),
          ),
        );
      }
    }
    diagnostics.push(...identityFindings(workspace, key, label, actual));
    diagnostics.push(...uncoveredDependencies(topology, key, label, actual));
    diagnostics.push(...computePlacementRules(key, workspace, label, actual, posture));
    diagnostics.push(...dependencyStateRules(key, label, workspace, actual));
  }
  diagnostics.push(...checkHubs(topology, state));
  return diagnostics;
}

/** PFN201 (isolation modes only tighten) and PFN202 (no managed isolation over computes or endpoints). */
function isolationChanges(
  key: string,
  workspace: WorkspaceSpec,
  label: string,
  actual: WorkspaceStateView,
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const current = normaliseMode(actual.isolationMode);
  const desired = desiredIsolationMode(workspace);
  if (current !== undefined && ISOLATION_ORDER.indexOf(desired) < ISOLATION_ORDER.indexOf(current)) {
    diagnostics.push(
      diagnostic(
        "PFN201",
        workspace.network === "byo"
          ? pointer("workspaces", key, "network")
          : pointer("workspaces", key, "egress"),
        `${label} has isolation mode ${current}; the spec (${SPEC_WORDING[desired]}) asks for ${desired}, but isolation modes only tighten (Disabled → AllowInternetOutbound → AllowOnlyApprovedOutbound).`,
        current === "AllowOnlyApprovedOutbound"
          ? "Keep `egress: private` (add the outside hosts you need to `reach.hosts`), or use a new workspace."
          : "Keep the managed network (`network: managed`), or use a new workspace for an own VNet.",
      ),
    );
  }
  if ((current ?? "Disabled") === "Disabled" && desired !== "Disabled") {
    const computes = actual.computes ?? [];
    const endpoints = actual.onlineEndpoints ?? [];
    if (computes.length > 0 || endpoints.length > 0) {
      const parts = [
        computes.length > 0 ? `computes ${computes.map((n) => `"${n}"`).join(", ")}` : undefined,
        endpoints.length > 0 ? `online endpoints ${endpoints.map((n) => `"${n}"`).join(", ")}` : undefined,
      ].filter((part): part is string => part !== undefined);
      diagnostics.push(
        diagnostic(
          "PFN202",
          pointer("workspaces", key, "network"),
          `${label} would switch on the managed network (${desired}), but it still has ${parts.join(" and ")}.`,
          `Delete ${parts.join(" and ")} first (pfnet never deletes them), or use a new workspace with a \`create\` block.`,
        ),
      );
    }
  }
  return diagnostics;
}

/**
 * PFN207: with an NSG named (`vnet.nsgId`) pfnet writes the required outbound rules there; a
 * port the workspace reports needing that none of them opens must be allowed by the user.
 */
function uncoveredDependencies(
  topology: Topology,
  key: string,
  label: string,
  actual: WorkspaceStateView,
): Diagnostic[] {
  const workspace = topology.workspaces[key];
  if (workspace?.vnet?.nsgId === undefined || actual.outboundDependencies === undefined) return [];
  const opened = new Set(
    requiredNsgRules(topology.location)
      .filter((rule) => rule.protocol !== "Udp")
      .flatMap((rule) => rule.destinationPortRanges),
  );
  const uncovered = actual.outboundDependencies.flatMap((dependency) =>
    dependency.ports
      .filter((port) => !opened.has(String(port)))
      .map((port) => `${dependency.domainName}:${port} (${dependency.category})`),
  );
  if (uncovered.length === 0) return [];
  return [
    diagnostic(
      "PFN207",
      pointer("workspaces", key, "vnet", "nsgId"),
      `${label} reports outbound dependencies on ports the NSG rules pfnet writes do not open: ${uncovered.join(", ")}.`,
    ),
  ];
}

/**
 * PFN217 / PFN218: the identity the spec's grants go to against the workspace's. A user-assigned
 * identity the spec names must be attached (else apply has no principal to grant to); a workspace
 * whose `primaryUserAssignedIdentity` ("the user assigned identity resource id that represents the
 * workspace identity", workspaceRP.json) is another than the spec's gets grants it does not use.
 */
function identityFindings(
  workspace: WorkspaceSpec,
  key: string,
  label: string,
  actual: WorkspaceStateView,
): Diagnostic[] {
  const declared = workspace.identity?.userAssigned;
  const attached = actual.userAssignedIdentities ?? [];
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  if (declared !== undefined && !attached.some((id) => same(id, declared)))
    return [
      diagnostic(
        "PFN217",
        pointer("workspaces", key, "identity", "userAssigned"),
        `${label} has no user-assigned identity ${declared}${attached.length > 0 ? ` (attached: ${attached.join(", ")})` : " (it has none attached)"}, so pfnet cannot grant it roles.`,
      ),
    ];
  const primary = actual.primaryUserAssignedIdentity;
  if (primary === undefined || (declared !== undefined && same(primary, declared))) return [];
  if (declared === undefined && workspace.storageRole === false) return [];
  return [
    diagnostic(
      "PFN218",
      declared === undefined
        ? pointer("workspaces", key)
        : pointer("workspaces", key, "identity", "userAssigned"),
      `${label} uses the user-assigned identity ${primary} (its primaryUserAssignedIdentity), but the spec grants roles to ${declared === undefined ? "its system-assigned identity" : declared}.`,
      `Set \`identity: { userAssigned: ${primary} }\` on the workspace, so the storage role (and, with a managed network, the approver role) go to the identity the workspace uses.`,
    ),
  ];
}

const WHY: Record<PostureReason, string> = {
  workspaceIdentity:
    "the workspace identity holds a role beyond the Storage File Data Privileged Contributor pfnet grants",
  privilegedRole: "the role controls the account or who may access it",
};

function normaliseMode(mode: string | undefined): IsolationMode | undefined {
  if (mode === undefined) return undefined;
  return ISOLATION_ORDER.find((candidate) => candidate.toLowerCase() === mode.toLowerCase());
}
