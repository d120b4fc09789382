/** Who may reach the workspace and what its identity may reach (PFN122, PFN125). */
import type { Diagnostic } from "../../diagnostics.js";
import { diagnostic, endpointsOf, type WorkspaceRule } from "./context.js";

/** The storage role turned off (PFN122) and IP ranges where Azure offers none (PFN125). */
export const accessRules: WorkspaceRule = ({ workspace, label, at }) => {
  const out: Diagnostic[] = [];
  if (workspace.storageRole === false) {
    out.push(
      diagnostic(
        "PFN122",
        at("storageRole"),
        `${label} has \`storageRole: false\`, so pfnet does not grant the workspace identity Storage File Data Privileged Contributor on its storage account; prompt flow needs that grant under both the managed and an own virtual network.`,
      ),
    );
  }
  if (workspace.ipRules !== undefined) {
    out.push(
      diagnostic(
        "PFN125",
        at("ipRules"),
        `${label} has \`ipRules\`, but the workspace API (2025-12-01) offers only public or private network access, not IP ranges.`,
      ),
    );
  }
  for (const [name, endpoint] of endpointsOf(workspace)) {
    if (endpoint.ipRules === undefined) continue;
    out.push(
      diagnostic(
        "PFN125",
        at("endpoints", name, "ipRules"),
        `Endpoint "${name}" has \`ipRules\`, but an online endpoint offers only public or private network access (\`public_network_access\`), not IP ranges.`,
      ),
    );
  }
  return out;
};
