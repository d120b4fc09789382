/** Names: undeclared services, duplicate and malformed rule names, the workspace name (PFN112, PFN115, PFN116). */
import type { Diagnostic } from "../../diagnostics.js";
import {
  AZURE_NAME_PATTERN,
  fqdnRuleName,
  parseHost,
  privateEndpointRuleName,
  serviceTagRuleName,
} from "../../expand/names.js";
import { diagnostic, isManaged, type WorkspaceRule } from "./context.js";

/** Names: undeclared services, duplicate and malformed rule names, the workspace name (PFN112, PFN115, PFN116). */
export const names: WorkspaceRule = ({ topology, key, workspace, label, path, at }) => {
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
