/**
 * The public network access of a workspace dependency (its storage account, key vault or
 * container registry) that the spec makes private (`dependencies`): one node per dependency, its
 * identity the dependency's ARM id. Changed in place (a PATCH of `publicNetworkAccess`); turning
 * it back on is a gated weakening. When it runs depends on the workspace's network, the order
 * that leaves the shortest time without a path (`privatePath`):
 * - `requiredRule` (AllowOnlyApprovedOutbound): Azure creates the dependency's Required
 *   private-endpoint rule whatever its public access, so the change runs after provisioning;
 * - `createdWithProvisioning` (AllowInternetOutbound): Azure creates that rule only once public
 *   access is off, so the change runs right before provisioning, which then runs at once; between
 *   the two the workspace has no path to the dependency (a short window the plan names);
 * - `privateEndpoint` (own VNet): after the private endpoints pfnet creates to it and their DNS
 *   zone groups.
 */
import { inPlaceDiff } from "../diff/verdicts.js";
import { address } from "../expand/names.js";
import type { ResourceNode, WorkspaceRef } from "../model.js";
import { range } from "../plan/estimates.js";
import type { WorkspaceSpec } from "../spec/schema.js";
import type { KindContract } from "./contract.js";
import { onWorkspace, text } from "./display.js";
import type { WeakeningDeclaration } from "./weakening.js";

/** The three dependencies a workspace has, as the spec names them. */
export const DEPENDENCIES = ["storageAccount", "keyVault", "containerRegistry"] as const;
export type Dependency = (typeof DEPENDENCIES)[number];

/** The dependency in words. */
export const DEPENDENCY_NAMES: Record<Dependency, string> = {
  storageAccount: "storage account",
  keyVault: "key vault",
  containerRegistry: "container registry",
};

/** The ARM resource type of each dependency (lower case). */
export const DEPENDENCY_TYPES: Record<Dependency, string> = {
  storageAccount: "microsoft.storage/storageaccounts",
  keyVault: "microsoft.keyvault/vaults",
  containerRegistry: "microsoft.containerregistry/registries",
};

export type PrivatePath = "requiredRule" | "createdWithProvisioning" | "privateEndpoint";

export interface DependencyNetworkAccessIdentity {
  workspace: WorkspaceRef;
  dependency: Dependency;
  /** ARM id of the dependency. */
  id: string;
  /** How the workspace reaches the dependency once it is private, which decides the order. */
  privatePath: PrivatePath;
}
export interface DependencyNetworkAccessProperties {
  publicNetworkAccess: "Enabled" | "Disabled";
}

/**
 * The dependencies a workspace spec makes private (or public again), by ARM id: each one
 * `dependencies` names, else the `create` block's. Shared by expansion and the rules.
 */
export function dependencyIdsOf(
  workspace: Pick<WorkspaceSpec, "dependencies" | "create">,
): Partial<Record<Dependency, string>> {
  const ids: Partial<Record<Dependency, string>> = {};
  if (workspace.dependencies === undefined) return ids;
  for (const dependency of DEPENDENCIES) {
    const id = workspace.dependencies[dependency] ?? workspace.create?.[dependency];
    if (id !== undefined) ids[dependency] = id;
  }
  return ids;
}

/** Read-only facts a provider reports beside the access (never diffed). */
export interface DependencyNetworkAccessFacts {
  /** SKU name as Azure reports it (the registry's decides whether it can be private). */
  sku?: string;
}

export const dependencyNetworkAccessWeakenings: readonly WeakeningDeclaration[] = [
  {
    change: "dependencyPublic",
    gated: true,
    test: ({ before, step }) =>
      typeof before?.publicNetworkAccess === "string" &&
      before.publicNetworkAccess.toLowerCase() === "disabled" &&
      step.after?.publicNetworkAccess === "Enabled"
        ? `${DEPENDENCY_NAMES[step.identity.dependency as Dependency] ?? "dependency"} public network access Disabled -> Enabled: it becomes reachable from the internet`
        : undefined,
  },
];

/** The short window of `createdWithProvisioning`, in words (plan note and rule PFN133). */
export const WINDOW_NOTE =
  "under AllowInternetOutbound Azure creates the private endpoint to it only once its public access is off: from this change until the managed network's provisioning ends, the workspace has no path to it (a short window)";

/**
 * A dependency's node. `after` is what it waits for: the managed network (`requiredRule`), the
 * workspace (`createdWithProvisioning`, the network then waits for it), or the private endpoints
 * and DNS zone groups to it (`privateEndpoint`).
 */
function dependencyNode(
  ref: WorkspaceRef,
  dependency: Dependency,
  id: string,
  privatePath: PrivatePath,
  publicNetworkAccess: DependencyNetworkAccessProperties["publicNetworkAccess"],
  after: readonly string[],
): ResourceNode<"dependencyNetworkAccess"> {
  return {
    address: address.dependency(ref.key, dependency),
    kind: "dependencyNetworkAccess",
    identity: { workspace: ref, dependency, id, privatePath },
    properties: { publicNetworkAccess },
    dependsOn: [address.workspace(ref.key), ...after.filter((at) => at !== address.workspace(ref.key))],
  };
}

const nameOf = (identity: Record<string, unknown>) =>
  DEPENDENCY_NAMES[identity.dependency as Dependency] ?? "dependency";

export const dependencyNetworkAccess: KindContract<"dependencyNetworkAccess", typeof dependencyNode> = {
  kind: "dependencyNetworkAccess",
  display: {
    name: "dependency network access",
    title: (identity) =>
      `public network access of ${nameOf(identity)} ${text(identity.id)?.split("/").pop() ?? ""}${onWorkspace(identity)}`,
    note: (step) => (step.identity.privatePath === "createdWithProvisioning" ? WINDOW_NOTE : undefined),
  },
  node: dependencyNode,
  actions: ["update", "noop"],
  diff: (node, actual) => {
    const subject = `public network access of ${DEPENDENCY_NAMES[node.identity.dependency]} ${node.identity.id.split("/").pop()}`;
    // The dependency is never created: a missing one is reported by the state rules (PFN212).
    if (!actual.exists)
      return {
        action: "noop",
        changedPaths: [],
        reason: `${subject}: the ${DEPENDENCY_NAMES[node.identity.dependency]} does not exist; pfnet does not create it`,
      };
    // Key Vault spells the value in lower case (keyvault.json 2023-07-01): compare without case.
    const read = actual.properties.publicNetworkAccess;
    const same =
      typeof read === "string" && read.toLowerCase() === node.properties.publicNetworkAccess.toLowerCase();
    return inPlaceDiff<ResourceNode<"dependencyNetworkAccess">>({
      subject: () => subject,
      created: () => subject,
    })(node, same ? { ...actual, properties: { ...actual.properties, ...node.properties } } : actual);
  },
  estimate: (step) => (step.identity.dependency === "containerRegistry" ? range(5, 120) : range(2, 30)),
  weakenings: dependencyNetworkAccessWeakenings,
  // Under AllowInternetOutbound its write makes Azure add the dependency's Required rule at the
  // provisioning that follows.
  changes: (_write, step, sameWorkspace) => sameWorkspace && step.kind === "managedNetwork",
};
