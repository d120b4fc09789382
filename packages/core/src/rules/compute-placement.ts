/**
 * Plan-time rules on where a workspace's computes sit (PFN220–PFN223): compute instances and
 * clusters inside the own VNet's stated subnets and without public IPs where the spec says none,
 * and the AKS cluster behind Kubernetes online endpoints in a VNet that reaches the workspace.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { ComputePlacement } from "../kinds/workspace.js";
import type { NetworkLinks } from "../provider.js";
import { pointer } from "../spec/pointer.js";
import type { WorkspaceSpec } from "../spec/schema.js";
import { lastSegment } from "./posture.js";
import { diagnostic } from "./workspace-rules/context.js";

/** The virtual network a subnet id belongs to (the id up to `/subnets/`), lower case. */
export function networkOf(subnetId: string): string {
  const lower = subnetId.toLowerCase();
  const at = lower.indexOf("/subnets/");
  return at < 0 ? lower : lower.slice(0, at);
}

/** The workspace deploys to Kubernetes: `inference: kubernetesOnlineEndpoint` or a Kubernetes endpoint. */
export function deploysToKubernetes(workspace: WorkspaceSpec): boolean {
  return (
    workspace.inference === "kubernetesOnlineEndpoint" ||
    Object.values(workspace.endpoints ?? {}).some((endpoint) => endpoint.kind === "kubernetes")
  );
}

/** Whether the spec says the workspace's compute instances and clusters have no public IP. */
export function wantsNoPublicIp(workspace: WorkspaceSpec): boolean {
  return workspace.computes?.noPublicIp ?? (workspace.network === "byo" || workspace.ingress === "private");
}

/**
 * The AKS subnets to judge: what the attached clusters report (the one `vnet.aksComputeName`
 * names, else every one), else the subnet the spec states.
 */
export function aksSubnets(workspace: WorkspaceSpec, placement: readonly ComputePlacement[]): string[] {
  const named = workspace.vnet?.aksComputeName?.toLowerCase();
  const reported = placement
    .filter((compute) => compute.type === "kubernetes" && compute.subnetId !== undefined)
    .filter((compute) => named === undefined || compute.name.toLowerCase() === named)
    .map((compute) => compute.subnetId!);
  if (reported.length > 0) return reported;
  return workspace.vnet?.aksSubnetId === undefined ? [] : [workspace.vnet.aksSubnetId];
}

/** What the compute rules see of one existing workspace. */
export interface ComputeView {
  computePlacement?: ComputePlacement[];
  networkLinks?: NetworkLinks;
}

/** The compute findings `--strict` turns into errors (PFN222 is one already). */
export const COMPUTE_POSTURE_CODES = ["PFN220", "PFN221", "PFN223"] as const;

const KIND: Record<ComputePlacement["type"], string> = {
  computeInstance: "compute instance",
  computeCluster: "compute cluster",
  kubernetes: "Kubernetes compute",
  other: "compute",
};

/**
 * PFN220–PFN223 for one existing workspace. `posture` marks the findings `--strict` turns into
 * errors (PFN220, PFN221, PFN223); PFN222 is always an error.
 */
export function computePlacementRules(
  key: string,
  workspace: WorkspaceSpec,
  label: string,
  actual: ComputeView,
  posture: (found: Diagnostic) => Diagnostic,
): Diagnostic[] {
  const placement = actual.computePlacement;
  if (placement === undefined) return [];
  const out: Diagnostic[] = [];
  const at = (...segments: string[]) => pointer("workspaces", key, ...segments);
  const judged = placement.filter(
    (compute) => compute.type === "computeInstance" || compute.type === "computeCluster",
  );
  const vnet = workspace.network === "byo" ? workspace.vnet : undefined;
  if (vnet !== undefined) {
    const stated = workspace.computes?.subnetIds;
    const allowed = new Set(stated?.map((id) => id.toLowerCase()));
    const network = vnet.vnetId.toLowerCase();
    for (const compute of judged) {
      const subnet = compute.subnetId;
      const inside =
        subnet !== undefined &&
        (stated === undefined ? networkOf(subnet) === network : allowed.has(subnet.toLowerCase()));
      if (inside) continue;
      const where =
        subnet === undefined ? "sits in no subnet of your virtual network" : `sits in subnet ${subnet}`;
      const expected =
        stated === undefined
          ? `the workspace's VNet ${lastSegment(vnet.vnetId)}`
          : `the subnets \`computes.subnetIds\` states (${stated.map(lastSegment).join(", ")})`;
      out.push(
        posture(
          diagnostic(
            "PFN220",
            stated === undefined ? at("vnet", "vnetId") : at("computes", "subnetIds"),
            `The ${KIND[compute.type]} "${compute.name}" of ${label.replace(/^W/, "w")} ${where}, outside ${expected}.`,
          ),
        ),
      );
    }
  }
  if (wantsNoPublicIp(workspace)) {
    const path =
      workspace.computes?.noPublicIp !== undefined
        ? at("computes", "noPublicIp")
        : workspace.network === "byo"
          ? at("network")
          : at("ingress");
    const why =
      workspace.computes?.noPublicIp !== undefined
        ? "`computes.noPublicIp: true`"
        : workspace.network === "byo"
          ? "an own VNet (`computes.noPublicIp` defaults to true there)"
          : "`ingress: private` (`computes.noPublicIp` defaults to true there)";
    for (const compute of judged) {
      if (compute.publicIp !== true) continue;
      out.push(
        posture(
          diagnostic(
            "PFN221",
            path,
            `The ${KIND[compute.type]} "${compute.name}" of ${label.replace(/^W/, "w")} has public IP addresses, but the spec says none: ${why}.`,
          ),
        ),
      );
    }
  }
  if (vnet !== undefined && deploysToKubernetes(workspace)) {
    out.push(...aksRules(key, workspace, label, placement, actual.networkLinks, posture));
  }
  return out;
}

function aksRules(
  key: string,
  workspace: WorkspaceSpec,
  label: string,
  placement: readonly ComputePlacement[],
  links: NetworkLinks | undefined,
  posture: (found: Diagnostic) => Diagnostic,
): Diagnostic[] {
  const vnet = workspace.vnet!;
  const out: Diagnostic[] = [];
  const at = (...segments: string[]) => pointer("workspaces", key, "vnet", ...segments);
  const stated = vnet.aksSubnetId;
  const named = vnet.aksComputeName?.toLowerCase();
  if (stated !== undefined) {
    for (const compute of placement) {
      if (compute.type !== "kubernetes" || compute.subnetId === undefined) continue;
      if (named !== undefined && compute.name.toLowerCase() !== named) continue;
      if (compute.subnetId.toLowerCase() === stated.toLowerCase()) continue;
      out.push(
        posture(
          diagnostic(
            "PFN223",
            at("aksSubnetId"),
            `The Kubernetes compute "${compute.name}" of ${label.replace(/^W/, "w")} reports AKS subnet ${compute.subnetId}, but the spec states \`vnet.aksSubnetId\` ${stated}.`,
          ),
        ),
      );
    }
  }
  const own = vnet.vnetId.toLowerCase();
  const peered = new Set(links?.peered.map((id) => id.toLowerCase()));
  const withEndpoint = new Set(links?.privateEndpointNetworks.map((id) => id.toLowerCase()));
  for (const subnet of new Set(aksSubnets(workspace, placement))) {
    const network = networkOf(subnet);
    if (network === own || links === undefined) continue;
    if (peered.has(network) || peered.has(subnet.toLowerCase()) || withEndpoint.has(network)) continue;
    out.push(
      diagnostic(
        "PFN222",
        stated !== undefined
          ? at("aksSubnetId")
          : vnet.aksComputeName !== undefined
            ? at("aksComputeName")
            : at(),
        `${label} deploys to Kubernetes online endpoints on an AKS cluster in subnet ${subnet}, whose VNet ${lastSegment(network)} is not the workspace's VNet ${lastSegment(vnet.vnetId)}, is not peered with it, and holds no private endpoint of the workspace: the cluster cannot reach the workspace.`,
      ),
    );
  }
  return out;
}
