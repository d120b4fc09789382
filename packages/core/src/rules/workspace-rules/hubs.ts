/** Hubs and projects (PFN140–PFN143): a project names its hub and inherits its network. */
import type { Diagnostic } from "../../diagnostics.js";
import { isProject, projectsByHub, resolveHub } from "../../expand/hubs.js";
import { fqdnRuleName, parseHost, privateEndpointRuleName, serviceTagRuleName } from "../../expand/names.js";
import type { Topology, WorkspaceSpec } from "../../spec/schema.js";
import { diagnostic, type WorkspaceRule } from "./context.js";

/** Network settings a project inherits from its hub and must not declare (PFN141). */
const INHERITED = [
  "network",
  "ingress",
  "egress",
  "firewallSku",
  "provision",
  "unlistedRules",
  "vnet",
  "serverless",
] as const;
/** Resources a project uses of its hub: its `create` block names none (PFN141). */
const HUB_RESOURCES = ["storageAccount", "keyVault", "containerRegistry", "applicationInsights"] as const;

export const hubsAndProjects: WorkspaceRule = (context) => {
  const { topology, key, workspace, label, at } = context;
  const out: Diagnostic[] = [];
  if (!isProject(workspace)) {
    if (workspace.hub !== undefined) {
      out.push(
        diagnostic(
          "PFN140",
          at("hub"),
          `${label} names a hub but is not a project (\`kind: ${workspace.kind ?? "default"}\`); only a project belongs to a hub.`,
        ),
      );
    }
    return out;
  }
  if (workspace.hub === undefined) {
    out.push(
      diagnostic(
        "PFN140",
        at("kind"),
        `${label} is a project but names no \`hub\`; a project belongs to a hub.`,
      ),
    );
  }
  for (const field of INHERITED) {
    if (workspace[field] === undefined) continue;
    out.push(
      diagnostic(
        "PFN141",
        at(field),
        `${label} is a project and declares \`${field}\`; a project has no network of its own and inherits it from its hub.`,
      ),
    );
  }
  for (const field of HUB_RESOURCES) {
    if (workspace.create?.[field] === undefined) continue;
    out.push(
      diagnostic(
        "PFN141",
        at("create", field),
        `${label} is a project and its \`create\` block names \`${field}\`; a project uses its hub's.`,
        "Leave the project's `create` block empty (`create: {}`): Azure gives the project its hub's storage account, key vault, registry and Application Insights.",
      ),
    );
  }
  const resolution = resolveHub(topology, key);
  if (resolution !== undefined && "problem" in resolution) {
    out.push(diagnostic("PFN142", at("hub"), `${label}'s hub does not name a hub: ${resolution.problem}.`));
  }
  out.push(...ruleClashes(topology, key, workspace, label, at));
  return out;
};

interface RuleEntry {
  name: string;
  /** What the rule reaches: entries with one name and one destination are one rule. */
  destination: string;
  what: string;
  segments: Array<string | number>;
}

/** The outbound rules a workspace's `reach` derives, with their destinations. */
function ruleEntries(workspace: WorkspaceSpec): RuleEntry[] {
  const entries: RuleEntry[] = [];
  (workspace.reach?.services ?? []).forEach((service, index) => {
    entries.push({
      name: privateEndpointRuleName(service),
      destination: `s:${service}`,
      what: `service "${service}"`,
      segments: ["reach", "services", index],
    });
  });
  (workspace.reach?.hosts ?? []).forEach((host, index) => {
    entries.push({
      name: fqdnRuleName(host),
      destination: `h:${parseHost(host).fqdn}`,
      what: `host "${host}"`,
      segments: ["reach", "hosts", index],
    });
  });
  (workspace.reach?.serviceTags ?? []).forEach((tag, index) => {
    entries.push({
      name: serviceTagRuleName(tag.serviceTag, tag.name),
      destination: `t:${tag.serviceTag}|${tag.protocol ?? "TCP"}|${tag.ports ?? "443"}`,
      what: `service tag "${tag.serviceTag}"`,
      segments:
        tag.name === undefined ? ["reach", "serviceTags", index] : ["reach", "serviceTags", index, "name"],
    });
  });
  return entries;
}

/** PFN143: a project's rule whose name its hub (or an earlier project of it) gives another destination. */
function ruleClashes(
  topology: Topology,
  key: string,
  workspace: WorkspaceSpec,
  label: string,
  at: (...segments: Array<string | number>) => string,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const resolution = resolveHub(topology, key);
  if (resolution === undefined || !("hub" in resolution)) return out;
  const hub = resolution.hub;
  const taken = new Map<string, { destination: string; owner: string; what: string }>();
  const take = (owner: string, spec: WorkspaceSpec) => {
    for (const entry of ruleEntries(spec)) {
      const id = entry.name.toLowerCase();
      if (!taken.has(id)) taken.set(id, { destination: entry.destination, owner, what: entry.what });
    }
  };
  if (hub.spec !== undefined) take(`hub "${hub.key}"`, hub.spec);
  for (const project of projectsByHub(topology).get(hub.key) ?? []) {
    if (project.key === key) break;
    take(`project "${project.key}"`, topology.workspaces[project.key]!);
  }
  for (const entry of ruleEntries(workspace)) {
    const earlier = taken.get(entry.name.toLowerCase());
    if (earlier === undefined || earlier.destination === entry.destination) continue;
    out.push(
      diagnostic(
        "PFN143",
        at(...entry.segments),
        `${label}: ${entry.what} gets the outbound rule name "${entry.name}" on hub "${hub.key}", where ${earlier.owner} already gives it to ${earlier.what}.`,
      ),
    );
  }
  return out;
}
