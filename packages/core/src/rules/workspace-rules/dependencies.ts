/** A workspace's dependencies made private (PFN130–PFN134). */
import type { Diagnostic } from "../../diagnostics.js";
import { subresourceOf } from "../../expand/expand.js";
import {
  DEPENDENCIES,
  DEPENDENCY_NAMES,
  DEPENDENCY_TYPES,
  type Dependency,
  dependencyIdsOf,
} from "../../kinds/dependencyNetworkAccess.js";
import { diagnostic, isByo, isManaged, type WorkspaceRule } from "./context.js";

/** The private endpoints an own VNet needs to each dependency (azure-facts c.10: storage blob and file). */
const NEEDED_SUBRESOURCES: Record<Dependency, readonly string[]> = {
  storageAccount: ["blob", "file"],
  keyVault: ["vault"],
  containerRegistry: ["registry"],
};

const typeOf = (id: string) => /\/providers\/([^/]+\/[^/]+)\//i.exec(`${id}/`)?.[1]?.toLowerCase();

export const dependencyRules: WorkspaceRule = ({ topology, workspace, label, at }) => {
  const spec = workspace.dependencies;
  if (spec === undefined) return [];
  const out: Diagnostic[] = [];
  const ids = dependencyIdsOf(workspace);
  if (Object.keys(ids).length === 0) {
    out.push(
      diagnostic(
        "PFN130",
        at("dependencies"),
        `${label} has \`dependencies\` but names no storage account, key vault or container registry, and has no \`create\` block naming them.`,
      ),
    );
    return out;
  }
  for (const dependency of DEPENDENCIES) {
    const id = ids[dependency];
    if (id === undefined) continue;
    const stated = spec[dependency] !== undefined;
    const where = stated ? at("dependencies", dependency) : at("create", dependency);
    if (typeOf(id) !== DEPENDENCY_TYPES[dependency]) {
      out.push(
        diagnostic(
          "PFN130",
          where,
          `${label}: ${dependency} "${id}" is not a ${DEPENDENCY_TYPES[dependency]} id.`,
        ),
      );
      continue;
    }
    const created = workspace.create?.[dependency];
    if (stated && created !== undefined && created.toLowerCase() !== id.toLowerCase()) {
      out.push(
        diagnostic(
          "PFN130",
          where,
          `${label}: dependencies.${dependency} "${id}" is not the ${DEPENDENCY_NAMES[dependency]} of its \`create\` block ("${created}").`,
        ),
      );
    }
  }
  if (!spec.private) return out;
  if (ids.containerRegistry !== undefined && workspace.imageBuildCompute === undefined) {
    out.push(
      diagnostic(
        "PFN131",
        at("dependencies", spec.containerRegistry !== undefined ? "containerRegistry" : "private"),
        `${label} makes its container registry private but has no \`imageBuildCompute\`: image builds would fail with ImageBuildComputeNotValid.`,
      ),
    );
  }
  if (ids.storageAccount !== undefined && workspace.ingress === "private") {
    out.push(
      diagnostic(
        "PFN132",
        at("dependencies", "private"),
        `${label} has private ingress and makes its storage account private: the prompt flow UI reaches the storage account from the user's browser only through a private endpoint in the user's own network.`,
      ),
    );
  }
  if (isManaged(workspace) && workspace.egress !== "private") {
    out.push(
      diagnostic(
        "PFN133",
        at("dependencies", "private"),
        `${label} makes its dependencies private under AllowInternetOutbound (\`egress: public\`): Azure creates their private endpoints only once public access is off, so from that change until provisioning ends the workspace has no path to them.`,
      ),
    );
  }
  if (isByo(workspace)) {
    const reached = (workspace.reach?.services ?? [])
      .map((name) => topology.services?.[name])
      .filter((service) => service !== undefined);
    for (const dependency of DEPENDENCIES) {
      const id = ids[dependency];
      if (id === undefined) continue;
      const have = new Set(
        reached
          .filter((service) => service.id.toLowerCase() === id.toLowerCase())
          .map((service) => subresourceOf(service)),
      );
      const missing = NEEDED_SUBRESOURCES[dependency].filter((sub) => !have.has(sub));
      if (missing.length === 0) continue;
      out.push(
        diagnostic(
          "PFN134",
          at("dependencies", spec[dependency] !== undefined ? dependency : "private"),
          `${label} uses its own VNet and makes its ${DEPENDENCY_NAMES[dependency]} private, but no service in \`reach.services\` gives it a private endpoint for ${missing.map((sub) => `\`${sub}\``).join(" and ")}.`,
        ),
      );
    }
  }
  return out;
};
