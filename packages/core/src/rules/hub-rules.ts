/**
 * Plan-time rules of hubs and projects (PFN225–PFN227): the project Azure has against the hub the
 * spec names, and a hub pfnet does not manage (named by ARM id) against what its projects put on
 * its managed network.
 */
import type { Diagnostic } from "../diagnostics.js";
import { hubOf, isProject } from "../expand/hubs.js";
import { pointer } from "../spec/pointer.js";
import type { Topology } from "../spec/schema.js";
import { diagnostic } from "./spec-rules.js";
import type { StateView } from "./state-rules.js";

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export function checkHubs(topology: Topology, state: StateView): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [key, workspace] of Object.entries(topology.workspaces)) {
    if (!isProject(workspace)) continue;
    const hub = hubOf(topology, key);
    if (hub === undefined) continue;
    const label = `Project "${key}"`;
    const at = (...segments: string[]) => pointer("workspaces", key, ...segments);
    const project = state.workspaces[key];
    if (project?.exists && !same(project.hubResourceId, hub.id)) {
      // A workspace of another kind is PFN204's; a project with another hub (or none) is this rule's.
      if (project.hubResourceId !== undefined || same(project.kind, "Project")) {
        out.push(
          diagnostic(
            "PFN225",
            at("hub"),
            `${label} exists in Azure with hubResourceId ${project.hubResourceId ?? "(none)"}, but the spec names hub "${workspace.hub}" (${hub.id}).`,
          ),
        );
      }
    }
    if (hub.spec !== undefined) continue; // a hub of the spec is judged as a workspace (PFN203, PFN204)
    const found = state.workspaces[hub.key];
    if (found === undefined) continue;
    if (!found.exists || !same(found.kind, "Hub")) {
      out.push(
        diagnostic(
          "PFN226",
          at("hub"),
          found.exists
            ? `${label}'s hub ${hub.id} is a workspace of kind "${found.kind ?? "Default"}", not a hub.`
            : `${label}'s hub ${hub.id} does not exist.`,
        ),
      );
      continue;
    }
    const mode = found.isolationMode ?? "Disabled";
    const fqdnOrTags =
      (workspace.reach?.hosts?.length ?? 0) + (workspace.reach?.serviceTags?.length ?? 0) > 0;
    const services = (workspace.reach?.services?.length ?? 0) > 0;
    if (same(mode, "Disabled") && (fqdnOrTags || services)) {
      out.push(
        diagnostic(
          "PFN227",
          at("reach"),
          `${label} reaches services or hosts through its hub ${hub.ref.name}, but the hub has no managed network (isolation mode Disabled) to carry outbound rules.`,
        ),
      );
    } else if (!same(mode, "AllowOnlyApprovedOutbound") && fqdnOrTags) {
      out.push(
        diagnostic(
          "PFN227",
          at("reach"),
          `${label} reaches outside hosts or service tags, but its hub ${hub.ref.name} allows internet outbound (${mode}); FQDN and service-tag rules need approved-only outbound on the hub.`,
          "Remove `reach.hosts` and `reach.serviceTags` from the project (under internet outbound they are reachable anyway), or have the hub's owner switch it to approved-only outbound.",
        ),
      );
    }
  }
  return out;
}
