/**
 * A service's own network settings (`services.<name>.networkAccess`): only where the service's
 * API offers them (PFN127), and only when every workspace of the spec that reaches the service
 * has a private path pfnet can check before it turns public access off (PFN126).
 */
import type { Diagnostic } from "../diagnostics.js";
import { parseHost } from "../expand/names.js";
import { pointer } from "../spec/pointer.js";
import type { ServiceSpec, Topology } from "../spec/schema.js";
import { diagnostic } from "./workspace-rules/context.js";

const COGNITIVE = "microsoft.cognitiveservices/accounts";
const SEARCH = "microsoft.search/searchservices";
const typeOf = (id: string) => (/\/providers\/([^/]+\/[^/]+)\//i.exec(id)?.[1] ?? "").toLowerCase();

/** The public host names of a service (its ARM name under the service's domains), lower case. */
function publicHosts(service: ServiceSpec): string[] {
  const name = service.id.split("/").pop()?.toLowerCase() ?? "";
  return typeOf(service.id) === SEARCH
    ? [`${name}.search.windows.net`]
    : [`${name}.openai.azure.com`, `${name}.cognitiveservices.azure.com`, `${name}.services.ai.azure.com`];
}

/** What the service's API does not offer of the spec's `networkAccess`, with where it is. */
function offered(name: string, service: ServiceSpec): Diagnostic[] {
  const access = service.networkAccess!;
  const at = (...segments: string[]) => pointer("services", name, "networkAccess", ...segments);
  const type = typeOf(service.id);
  const out: Diagnostic[] = [];
  if (type !== COGNITIVE && type !== SEARCH) {
    out.push(
      diagnostic(
        "PFN127",
        at(),
        `Service "${name}" is not an Azure AI services / Azure OpenAI / Content Safety account or an AI Search service (its id names ${type || "no resource type"}); pfnet sets network access only on those.`,
      ),
    );
    return out;
  }
  if (access.public !== "selected") {
    for (const field of ["ipRules", "trustedServices"] as const) {
      if (access[field] !== undefined)
        out.push(
          diagnostic(
            "PFN127",
            at(field),
            `Service "${name}" has \`${field}\` with \`public: ${access.public}\`; they apply only with \`public: selected\`.`,
          ),
        );
    }
    return out;
  }
  if (type === SEARCH && access.trustedServices !== undefined)
    out.push(
      diagnostic(
        "PFN127",
        at("trustedServices"),
        `Service "${name}" is an AI Search service: its API (2023-11-01) has IP rules but no trusted-services bypass.`,
      ),
    );
  if (type === SEARCH && (access.ipRules ?? []).length === 0)
    out.push(
      diagnostic(
        "PFN127",
        at("ipRules"),
        `Service "${name}" has \`public: selected\` with no IP rule; an AI Search service with public access and no IP rule accepts every address.`,
        "Name the addresses in `ipRules`, or use `public: disabled` to leave only the private endpoints.",
      ),
    );
  return out;
}

/** Workspaces that reach a service made private without a path pfnet checks before the write. */
function paths(topology: Topology, name: string, service: ServiceSpec): Diagnostic[] {
  const out: Diagnostic[] = [];
  const hosts = new Set(publicHosts(service));
  const made =
    service.networkAccess!.public === "disabled"
      ? "public access off"
      : "public access limited to its IP rules";
  for (const [key, ws] of Object.entries(topology.workspaces).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const index = (ws.reach?.services ?? []).indexOf(name);
    const at = pointer("workspaces", key, "reach", "services", index);
    if (index >= 0 && ws.network === "byo" && ws.vnet === undefined)
      out.push(
        diagnostic(
          "PFN126",
          at,
          `Workspace "${key}" reaches service "${name}" through its own VNet but has no \`vnet\` block, so pfnet makes no private endpoint to it; with ${made} the workspace loses the service.`,
        ),
      );
    if (index >= 0 && ws.network === "managed" && ws.provision === "onFirstCompute")
      out.push(
        diagnostic(
          "PFN126",
          at,
          `Workspace "${key}" has \`provision: onFirstCompute\`: its private endpoint to service "${name}" appears only with its first compute, so pfnet cannot check the path before it sets ${made}.`,
        ),
      );
    // A host rule beside the service's private-endpoint rule resolves privately; alone it is public.
    (ws.reach?.hosts ?? []).forEach((host, i) => {
      if (index < 0 && hosts.has(parseHost(host).fqdn))
        out.push(
          diagnostic(
            "PFN126",
            pointer("workspaces", key, "reach", "hosts", i),
            `Workspace "${key}" reaches service "${name}" at its public host ${host}; with ${made} that path closes.`,
          ),
        );
    });
  }
  return out;
}

/** PFN126 and PFN127 for every service with `networkAccess`. */
export function serviceAccessRules(topology: Topology): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, service] of Object.entries(topology.services ?? {})) {
    if (!service.networkAccess) continue;
    out.push(...offered(name, service));
    if (service.networkAccess.public !== "enabled") out.push(...paths(topology, name, service));
  }
  return out;
}
