/** What `pfnet destroy` leaves in place, in words (per workspace of the spec). */
import type { Topology } from "@pfnet/core";
import type { Style } from "../style.js";

export function renderDestroyLeaves(topology: Topology, style: Style): string {
  const lines = [style.bold("pfnet destroy leaves these as they are:")];
  for (const key of Object.keys(topology.workspaces).sort()) {
    const ws = topology.workspaces[key]!;
    const name = ws.name ?? key;
    const settings =
      ws.network === "managed"
        ? "public network access, isolation mode, firewall SKU"
        : "public network access, serverless compute settings";
    lines.push(
      `  workspace ${name}: ${settings} (pfnet keeps no record of earlier values; isolation modes only tighten)`,
    );
    const endpoints = Object.keys(ws.endpoints ?? {});
    if (endpoints.length > 0)
      lines.push(`  online endpoints of ${name}: ${endpoints.join(", ")} (pfnet never deletes them)`);
  }
  lines.push("  the workspaces themselves: pfnet never deletes a workspace.");
  return lines.join("\n");
}
