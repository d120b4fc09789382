/** The managed network's outbound rules: egress mode, hosts, firewall SKU (PFN107–PFN110, PFN114). */
import type { Diagnostic } from "../../diagnostics.js";
import { parseHost } from "../../expand/names.js";
import { diagnostic, isManaged, type WorkspaceRule } from "./context.js";

const STORAGE_HOST =
  /(^|\.)(blob|file|queue|table|dfs|web)\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net|cloudapi\.de)$/;
const STORAGE_WILDCARD = /^\*\.core\.(windows\.net|chinacloudapi\.cn|usgovcloudapi\.net|cloudapi\.de)$/;
const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const FQDN = new RegExp(`^(\\*\\.)?${LABEL}(\\.${LABEL})+$`);

/** Outbound rules of the managed network: egress mode, hosts, firewall SKU (PFN107–PFN110, PFN114). */
export const outboundRules: WorkspaceRule = ({ workspace, label, inWorkspace, path, at }) => {
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
