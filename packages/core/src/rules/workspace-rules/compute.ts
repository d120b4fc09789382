/** Where the spec says the workspace's computes sit (PFN135, PFN136). */
import type { Diagnostic } from "../../diagnostics.js";
import { diagnostic, isByo, isManaged, type WorkspaceRule } from "./context.js";

/** Compute subnets only in the own VNet; a public-IP promise pfnet can check (PFN135, PFN136). */
export const computePlacement: WorkspaceRule = ({ workspace, label, at }) => {
  const out: Diagnostic[] = [];
  const computes = workspace.computes;
  if (computes === undefined) return out;
  if (computes.subnetIds !== undefined && isManaged(workspace)) {
    out.push(
      diagnostic(
        "PFN135",
        at("computes", "subnetIds"),
        `${label} has \`network: managed\`; its compute instances and clusters sit in the managed VNet, so \`computes.subnetIds\` cannot place them in subnets of yours.`,
        "Remove `computes.subnetIds` (the managed network isolates its computes), or use `network: byo`.",
      ),
    );
  }
  const vnetId = workspace.vnet?.vnetId.toLowerCase();
  if (isByo(workspace) && vnetId !== undefined) {
    (computes.subnetIds ?? []).forEach((subnetId, index) => {
      if (subnetId.toLowerCase().startsWith(`${vnetId}/subnets/`)) return;
      out.push(
        diagnostic(
          "PFN135",
          at("computes", "subnetIds", index),
          `${label}: \`computes.subnetIds\` names ${subnetId}, which is not a subnet of \`vnet.vnetId\`; the workspace's compute instances and clusters sit in its own VNet.`,
        ),
      );
    });
  }
  if (computes.noPublicIp === true && isManaged(workspace) && workspace.ingress !== "private") {
    out.push(
      diagnostic(
        "PFN136",
        at("computes", "noPublicIp"),
        `${label} has \`network: managed\` and \`ingress: public\`; pfnet reads its computes' public IPs only with an own VNet or private ingress, so \`computes.noPublicIp: true\` is not checked.`,
      ),
    );
  }
  return out;
};
