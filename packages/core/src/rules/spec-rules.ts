/**
 * Spec rules: pure checks of a schema-valid topology against what Azure and prompt flow support.
 * Each diagnostic's code, severity and generic hint come from the catalogue; messages name the
 * workspace and the offending value. The workspace rules live by concern in `workspace-rules/`.
 */
import type { Diagnostic } from "../diagnostics.js";
import { withInheritedNetwork } from "../expand/hubs.js";
import { pointer } from "../spec/pointer.js";
import type { Topology } from "../spec/schema.js";
import { checkArmIds } from "./arm-ids.js";
import { serviceAccessRules } from "./service-access.js";
import { accessRules } from "./workspace-rules/access.js";
import { computePlacement } from "./workspace-rules/compute.js";
import { diagnostic, type WorkspaceContext, type WorkspaceRule } from "./workspace-rules/context.js";
import { dependencyRules } from "./workspace-rules/dependencies.js";
import { creationAndExposure } from "./workspace-rules/exposure.js";
import { hubsAndProjects } from "./workspace-rules/hubs.js";
import { names } from "./workspace-rules/names.js";
import { inferenceTargets, networkModel } from "./workspace-rules/network.js";
import { outboundRules } from "./workspace-rules/outbound.js";

export { diagnostic } from "./workspace-rules/context.js";

/** Run every spec rule. The topology must have passed the schema check. */
export function checkSpec(topology: Topology): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, service] of Object.entries(topology.services ?? {})) {
    if (service.kind === "other" && service.subresource === undefined) {
      diagnostics.push(
        diagnostic(
          "PFN113",
          pointer("services", name),
          `Service "${name}" has kind \`other\`, so pfnet does not know its private-endpoint subresource.`,
        ),
      );
    }
  }
  for (const [key, workspace] of Object.entries(topology.workspaces)) {
    const path = pointer("workspaces", key);
    const context: WorkspaceContext = {
      topology,
      key,
      workspace,
      path,
      label: `Workspace "${key}"`,
      inWorkspace: `workspace "${key}"`,
      at: (...segments) => path + pointer(...segments),
    };
    diagnostics.push(...hubsAndProjects(context));
    // A project is judged with its hub's network settings (hubsAndProjects refuses its own).
    const judged = { ...context, workspace: withInheritedNetwork(topology, key, workspace) };
    for (const rule of WORKSPACE_RULES) diagnostics.push(...rule(judged));
  }
  diagnostics.push(...serviceAccessRules(topology));
  diagnostics.push(...checkArmIds(topology));
  return diagnostics;
}

const WORKSPACE_RULES: readonly WorkspaceRule[] = [
  inferenceTargets,
  networkModel,
  outboundRules,
  names,
  creationAndExposure,
  accessRules,
  computePlacement,
  dependencyRules,
];
