/**
 * Spec rules: pure checks of a schema-valid topology against what Azure and prompt flow support.
 * Each diagnostic's code, severity and generic hint come from the catalogue; messages name the
 * workspace and the offending value.
 */
import type { Diagnostic } from "../diagnostics.js";
import {
  AZURE_NAME_PATTERN,
  fqdnRuleName,
  parseHost,
  privateEndpointRuleName,
  serviceTagRuleName,
} from "../expand/names.js";
import { pointer } from "../spec/pointer.js";
import type { Topology, WorkspaceSpec } from "../spec/schema.js";
import { ruleInfo } from "./catalogue.js";

export function diagnostic(code: string, path: string, message: string, hint?: string): Diagnostic {
  const info = ruleInfo(code);
  return { code, severity: info.severity, path, message, hint: hint ?? info.hint };
}

interface WorkspaceContext {
  topology: Topology;
  key: string;
  workspace: WorkspaceSpec;
  /** `/workspaces/<key>` */
  path: string;
  /** Label for messages: `Workspace "pf"`. */
  label: string;
  /** Same, mid-sentence: `workspace "pf"`. */
  inWorkspace: string;
  at: (...segments: Array<string | number>) => string;
}

type WorkspaceRule = (context: WorkspaceContext) => Diagnostic[];

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
    for (const rule of WORKSPACE_RULES) diagnostics.push(...rule(context));
  }
  return diagnostics;
}

const isManaged = (workspace: WorkspaceSpec) => workspace.network === "managed";
const isByo = (workspace: WorkspaceSpec) => workspace.network === "byo";
const endpointsOf = (workspace: WorkspaceSpec) => Object.entries(workspace.endpoints ?? {});

/** Ingress/egress table: inference targets and network models (PFN101–PFN104, PFN121). */
const inferenceTargets: WorkspaceRule = ({ workspace, label, inWorkspace, at }) => {
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
const networkModel: WorkspaceRule = ({ workspace, label, path, at }) => {
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

const STORAGE_HOST =
  /(^|\.)(blob|file|queue|table|dfs|web)\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net|cloudapi\.de)$/;
const STORAGE_WILDCARD = /^\*\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net|cloudapi\.de)$/;
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const FQDN = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})+$`);

/** Outbound rules of the managed network: egress mode, hosts, firewall SKU (PFN107–PFN110, PFN114). */
const outboundRules: WorkspaceRule = ({ workspace, label, inWorkspace, path, at }) => {
  const out: Diagnostic[] = [];
  if (!isManaged(workspace)) return out;
  const hosts = workspace.reach?.hosts ?? [];
  const serviceTags = workspace.reach?.serviceTags ?? [];
  if (workspace.egress === "public") {
    if (hosts.length > 0) {
      out.push(
        diagnostic(
          "PFN107",
          at("reach", "hosts"),
          `${label} has \`egress: public\` (AllowInternetOutbound); FQDN outbound rules (\`reach.hosts\`) need \`egress: private\` (AllowOnlyApprovedOutbound).`,
        ),
      );
    }
    if (serviceTags.length > 0) {
      out.push(
        diagnostic(
          "PFN107",
          at("reach", "serviceTags"),
          `${label} has \`egress: public\` (AllowInternetOutbound); service-tag outbound rules need \`egress: private\` (AllowOnlyApprovedOutbound).`,
        ),
      );
    }
  }
  hosts.forEach((entry, index) => {
    const problem = hostProblem(entry);
    if (problem) {
      out.push(
        diagnostic("PFN109", at("reach", "hosts", index), `Host "${entry}" in ${inWorkspace} ${problem}.`),
      );
      return;
    }
    const { fqdn, port } = parseHost(entry);
    if (port !== undefined && port !== 80 && port !== 443) {
      out.push(
        diagnostic(
          "PFN108",
          at("reach", "hosts", index),
          `Host "${entry}" in ${inWorkspace} uses port ${port}; FQDN outbound rules allow only ports 80 and 443.`,
        ),
      );
    }
    if (STORAGE_HOST.test(fqdn) || STORAGE_WILDCARD.test(fqdn)) {
      out.push(
        diagnostic(
          "PFN110",
          at("reach", "hosts", index),
          `Host "${entry}" in ${inWorkspace} is an Azure Storage endpoint; storage must be reached through a private endpoint, not an FQDN rule.`,
        ),
      );
    }
  });
  if (workspace.egress === "private" && hosts.length > 0 && workspace.firewallSku === undefined) {
    out.push(
      diagnostic(
        "PFN114",
        path,
        `${label} reaches outside hosts under private egress without \`firewallSku\`; Azure creates a Standard firewall for the FQDN rules and bills it.`,
      ),
    );
  }
  return out;
};

/** Why a `reach.hosts` entry is not a host name, or undefined when it is one. */
function hostProblem(entry: string): string | undefined {
  const trimmed = entry.trim();
  if (trimmed !== entry || /\s/.test(entry)) return "contains spaces";
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(entry)) return "is a URL; write only the host name";
  if (/[/?#@]/.test(entry)) return "contains a path or URL part; write only the host name";
  const colon = entry.lastIndexOf(":");
  let host = entry;
  if (colon >= 0) {
    const port = entry.slice(colon + 1);
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535)
      return `has a malformed port "${port}"`;
    host = entry.slice(0, colon);
  }
  if (host.length > 253) return "is longer than 253 characters";
  if (host.slice(1).includes("*") || (host.startsWith("*") && !host.startsWith("*."))) {
    return "has a wildcard that is not a leading `*.`";
  }
  if (!FQDN.test(host.toLowerCase())) return "is not a fully qualified domain name (e.g. `api.example.com`)";
  return undefined;
}

/** Names: undeclared services, duplicate and malformed rule names, the workspace name (PFN112, PFN115, PFN116). */
const names: WorkspaceRule = ({ topology, key, workspace, label, path, at }) => {
  const out: Diagnostic[] = [];
  const azureName = workspace.name ?? key;
  if (!AZURE_NAME_PATTERN.test(azureName)) {
    out.push(
      diagnostic(
        "PFN116",
        workspace.name === undefined ? path : at("name"),
        workspace.name === undefined
          ? `${label}: the key "${key}" is used as the Azure workspace name and does not match ${AZURE_NAME_PATTERN.source}.`
          : `${label}: the Azure name "${azureName}" does not match ${AZURE_NAME_PATTERN.source}.`,
        workspace.name === undefined
          ? "Rename the key, or set `name` to a valid Azure name (3–33 letters, digits, `-`, `_`)."
          : undefined,
      ),
    );
  }
  const declared = topology.services ?? {};
  // Per entry only its rule name; paths and labels are built for a duplicate (most specs have none).
  interface RuleEntry {
    name: string;
    from: "services" | "hosts" | "serviceTags";
    index: number;
  }
  const rules: RuleEntry[] = [];
  const services = workspace.reach?.services ?? [];
  const hosts = isManaged(workspace) ? (workspace.reach?.hosts ?? []) : [];
  const serviceTags = isManaged(workspace) ? (workspace.reach?.serviceTags ?? []) : [];
  services.forEach((service, index) => {
    if (!Object.hasOwn(declared, service)) {
      const known = Object.keys(declared);
      out.push(
        diagnostic(
          "PFN112",
          at("reach", "services", index),
          `${label} reaches service "${service}", which is not declared under \`services\`.`,
          known.length > 0
            ? `Declare "${service}" under \`services\`, or use one of: ${known.join(", ")}.`
            : `Declare "${service}" under \`services\` with its kind and ARM id.`,
        ),
      );
    }
    rules.push({ name: privateEndpointRuleName(service), from: "services", index });
  });
  hosts.forEach((host, index) => {
    rules.push({ name: fqdnRuleName(host), from: "hosts", index });
  });
  const tagSegments = (index: number) =>
    serviceTags[index]!.name !== undefined
      ? ["reach", "serviceTags", index, "name"]
      : ["reach", "serviceTags", index];
  serviceTags.forEach((tag, index) => {
    const name = serviceTagRuleName(tag.serviceTag, tag.name);
    if (tag.name !== undefined && !AZURE_NAME_PATTERN.test(name)) {
      out.push(
        diagnostic(
          "PFN116",
          at(...tagSegments(index)),
          `${label}: the outbound rule name "${name}" does not match ${AZURE_NAME_PATTERN.source}.`,
        ),
      );
    }
    rules.push({ name, from: "serviceTags", index });
  });
  const describeEntry = ({ name, from, index }: RuleEntry) => {
    switch (from) {
      case "services": {
        const service = services[index]!;
        return { path: at("reach", "services", index), what: `service "${service}"`, raw: `s:${service}` };
      }
      case "hosts": {
        const host = hosts[index]!;
        return {
          path: at("reach", "hosts", index),
          what: `host "${host}"`,
          raw: `h:${parseHost(host).fqdn}`,
        };
      }
      default:
        return {
          path: at(...tagSegments(index)),
          what: `service tag "${serviceTags[index]!.serviceTag}"`,
          raw: `t:${name}`,
        };
    }
  };
  const first = new Map<string, RuleEntry>();
  for (const entry of rules) {
    const id = entry.name.toLowerCase();
    const earlierEntry = first.get(id);
    if (!earlierEntry) {
      first.set(id, entry);
      continue;
    }
    const earlier = describeEntry(earlierEntry);
    const rule = describeEntry(entry);
    out.push(
      diagnostic(
        "PFN115",
        rule.path,
        earlier.raw === rule.raw
          ? `${label} lists ${rule.what} twice.`
          : `${label}: ${rule.what} gets the outbound rule name "${entry.name}", which ${earlier.what} already has.`,
        earlier.raw === rule.raw ? "Remove the duplicate entry." : undefined,
      ),
    );
  }
  return out;
};

/** Creation and endpoint exposure (PFN118, PFN119). */
const creationAndExposure: WorkspaceRule = ({ topology, workspace, label, inWorkspace, at }) => {
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

const WORKSPACE_RULES: readonly WorkspaceRule[] = [
  inferenceTargets,
  networkModel,
  outboundRules,
  names,
  creationAndExposure,
];
