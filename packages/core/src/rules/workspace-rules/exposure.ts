/** Creation and endpoint exposure (PFN118, PFN119). */
import type { Diagnostic } from "../../diagnostics.js";
import { diagnostic, endpointsOf, type WorkspaceRule } from "./context.js";

/** Creation and endpoint exposure (PFN118, PFN119). */
export const creationAndExposure: WorkspaceRule = ({ topology, workspace, label, inWorkspace, at }) => {
  const out: Diagnostic[] = [];
  if (
    workspace.create !== undefined &&
    (topology.location === undefined || topology.location.trim() === "")
  ) {
    out.push(
      diagnostic(
        "PFN118",
        at("create"),
        `${label} has a \`create\` block, but the spec has no top-level \`location\`.`,
      ),
    );
  }
  if (workspace.ingress === "private") {
    for (const [name, endpoint] of endpointsOf(workspace)) {
      if (endpoint.ingress === "public") {
        out.push(
          diagnostic(
            "PFN119",
            at("endpoints", name, "ingress"),
            `Endpoint "${name}" has \`ingress: public\` while ${inWorkspace} has \`ingress: private\`; scoring stays reachable from the internet.`,
          ),
        );
      }
    }
  }
  return out;
};
