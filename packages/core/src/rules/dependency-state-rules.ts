/**
 * Plan-time rules of a workspace's dependencies made private (PFN212–PFN215): the spec's ids
 * against what the workspace reports, the registry's SKU, the image build compute and whether a
 * managed network exists to give the dependencies their private endpoints.
 */
import type { Diagnostic } from "../diagnostics.js";
import { DEPENDENCIES, DEPENDENCY_NAMES, dependencyIdsOf } from "../kinds/dependencyNetworkAccess.js";
import { pointer } from "../spec/pointer.js";
import type { WorkspaceSpec } from "../spec/schema.js";
import type { WorkspaceStateView } from "./state-rules.js";
import { diagnostic } from "./workspace-rules/context.js";

export function dependencyStateRules(
  key: string,
  label: string,
  workspace: WorkspaceSpec,
  actual: WorkspaceStateView,
): Diagnostic[] {
  const spec = workspace.dependencies;
  if (spec === undefined) return [];
  const out: Diagnostic[] = [];
  const ids = dependencyIdsOf(workspace);
  const at = (dependency: string) =>
    pointer(
      "workspaces",
      key,
      ...(spec[dependency as keyof typeof spec] !== undefined
        ? ["dependencies", dependency]
        : ["dependencies"]),
    );
  for (const dependency of DEPENDENCIES) {
    const id = ids[dependency];
    if (id === undefined) continue;
    const reported = actual.dependencies?.[dependency];
    const read = actual.dependencyReads?.[dependency];
    if (read?.exists === false) {
      out.push(
        diagnostic(
          "PFN212",
          at(dependency),
          `${label}: ${DEPENDENCY_NAMES[dependency]} "${id}" does not exist.`,
        ),
      );
      continue;
    }
    if (actual.dependencies !== undefined && (reported ?? "").toLowerCase() !== id.toLowerCase()) {
      out.push(
        diagnostic(
          "PFN212",
          at(dependency),
          reported
            ? `${label} uses ${DEPENDENCY_NAMES[dependency]} "${reported}", not "${id}" as the spec says.`
            : `${label} has no ${DEPENDENCY_NAMES[dependency]}; the spec names "${id}".`,
        ),
      );
      continue;
    }
    if (
      spec.private &&
      dependency === "containerRegistry" &&
      read?.sku !== undefined &&
      read.sku !== "Premium"
    ) {
      out.push(
        diagnostic(
          "PFN213",
          at(dependency),
          `${label}: container registry "${id.split("/").pop()}" has the ${read.sku} SKU; only a Premium registry can be private.`,
        ),
      );
    }
  }
  if (!spec.private) return out;
  const compute = workspace.imageBuildCompute;
  if (
    ids.containerRegistry !== undefined &&
    compute !== undefined &&
    actual.computes !== undefined &&
    !actual.computes.includes(compute)
  ) {
    out.push(
      diagnostic(
        "PFN214",
        pointer("workspaces", key, "imageBuildCompute"),
        `${label}: imageBuildCompute "${compute}" is not a compute of the workspace (${actual.computes.length > 0 ? actual.computes.map((name) => `"${name}"`).join(", ") : "it has none"}); image builds fail with ImageBuildComputeNotValid until it exists.`,
      ),
    );
  }
  if (
    workspace.network === "managed" &&
    workspace.provision === "onFirstCompute" &&
    actual.networkStatus !== "Active"
  ) {
    out.push(
      diagnostic(
        "PFN215",
        pointer("workspaces", key, "dependencies", "private"),
        `${label}: the managed network is ${actual.networkStatus ?? "not provisioned"} and \`provision: onFirstCompute\` leaves it so; its dependencies would have no private endpoints when their public access turns off.`,
      ),
    );
  }
  return out;
}
