/** The network model of a workspace and what its inference targets need of it (PFN101–PFN106, PFN111, PFN117, PFN120, PFN121). */
import type { Diagnostic } from "../../diagnostics.js";
import { diagnostic, endpointsOf, isByo, isManaged, type WorkspaceRule } from "./context.js";

/** Ingress/egress table: inference targets and network models (PFN101–PFN104, PFN121). */
export const inferenceTargets: WorkspaceRule = ({ workspace, label, inWorkspace, at }) => {
  const out: Diagnostic[] = [];
  const privateEgress = workspace.egress === "private";
  if (privateEgress && workspace.inference === "kubernetesOnlineEndpoint") {
    out.push(
      diagnostic(
        "PFN101",
        at("inference"),
        `${label} has \`egress: private\`; its inference target must be a managed online endpoint, not \`kubernetesOnlineEndpoint\`.`,
      ),
    );
  }
  if (isByo(workspace) && privateEgress) {
    out.push(
      diagnostic(
        "PFN102",
        at("egress"),
        `${label} uses its own virtual network (\`network: byo\`) with \`egress: private\`; private egress is supported only with the managed network.`,
      ),
    );
  }
  if (isByo(workspace) && workspace.inference === "managedOnlineEndpoint") {
    out.push(
      diagnostic(
        "PFN104",
        at("inference"),
        `${label} uses its own virtual network; prompt flow cannot be deployed to a managed online endpoint there.`,
      ),
    );
  }
  if (isManaged(workspace) && !privateEgress && workspace.inference === "kubernetesOnlineEndpoint") {
    out.push(
      diagnostic(
        "PFN121",
        at("inference"),
        `${label} uses the managed network; prompt flow there deploys only to managed online endpoints, not \`kubernetesOnlineEndpoint\`.`,
      ),
    );
  }
  for (const [name, endpoint] of endpointsOf(workspace)) {
    const kind = endpoint.kind ?? "managed";
    const kindPath = endpoint.kind === undefined ? at("endpoints", name) : at("endpoints", name, "kind");
    if (kind === "kubernetes" && privateEgress) {
      out.push(
        diagnostic(
          "PFN103",
          kindPath,
          `Endpoint "${name}" is a Kubernetes online endpoint, but ${inWorkspace} has \`egress: private\`.`,
        ),
      );
    } else if (kind === "kubernetes" && isManaged(workspace)) {
      out.push(
        diagnostic(
          "PFN121",
          kindPath,
          `Endpoint "${name}" is a Kubernetes online endpoint, but ${inWorkspace} uses the managed network (only managed online endpoints are supported there).`,
        ),
      );
    }
    if (kind === "managed" && isByo(workspace)) {
      out.push(
        diagnostic(
          "PFN104",
          kindPath,
          `Endpoint "${name}" is a managed online endpoint${endpoint.kind === undefined ? " (the default kind)" : ""}, but ${inWorkspace} uses its own virtual network.`,
        ),
      );
    }
  }
  return out;
};

/** One network model per workspace (PFN105, PFN106, PFN111, PFN117, PFN120). */
export const networkModel: WorkspaceRule = ({ workspace, label, path, at }) => {
  const out: Diagnostic[] = [];
  if (isManaged(workspace)) {
    if (workspace.vnet !== undefined) {
      out.push(
        diagnostic(
          "PFN105",
          at("vnet"),
          `${label} has \`network: managed\` and a \`vnet\` block; managed and own virtual network cannot be mixed in one workspace.`,
          "Remove the `vnet` block (the managed network needs none), or use `network: byo`. Use two workspaces if you need both.",
        ),
      );
    }
    if (workspace.serverless !== undefined) {
      out.push(
        diagnostic(
          "PFN111",
          at("serverless"),
          `${label} has \`network: managed\`; a serverless custom subnet is only for an own virtual network.`,
        ),
      );
    }
  }
  if (isByo(workspace)) {
    const managedOnly: Array<[string[], boolean]> = [
      [["firewallSku"], workspace.firewallSku !== undefined],
      [["provision"], workspace.provision !== undefined],
      [["reach", "hosts"], (workspace.reach?.hosts?.length ?? 0) > 0],
      [["reach", "serviceTags"], (workspace.reach?.serviceTags?.length ?? 0) > 0],
    ];
    for (const [segments, present] of managedOnly) {
      if (!present) continue;
      out.push(
        diagnostic(
          "PFN105",
          at(...segments),
          `${label} has \`network: byo\`, but \`${segments.join(".")}\` is a managed-network setting; managed and own virtual network cannot be mixed in one workspace.`,
          `Remove \`${segments.join(".")}\` (an own VNet controls outbound traffic with its NSG and firewall), or use \`network: managed\`.`,
        ),
      );
    }
    if (workspace.kind === "hub" || workspace.kind === "project") {
      out.push(
        diagnostic(
          "PFN106",
          at("kind"),
          `${label} is an AI Studio ${workspace.kind}; AI Studio supports only the managed virtual network, not \`network: byo\`.`,
        ),
      );
    }
    if (workspace.vnet === undefined) {
      out.push(
        diagnostic(
          "PFN117",
          path,
          `${label} has \`network: byo\` but no \`vnet\` block naming the VNet and subnet.`,
        ),
      );
    }
    if (workspace.authoring?.includes("serverless") && workspace.serverless === undefined) {
      out.push(
        diagnostic(
          "PFN120",
          at("authoring"),
          `${label} authors on serverless compute in its own virtual network, but has no \`serverless\` block with a custom subnet.`,
        ),
      );
    }
  }
  return out;
};
