/** `pfnet output` in words: per workspace the firewall IP, the private endpoints and how clients get in. */
import type { ConnectionOutput, Outputs, ServiceEndpointOutput, WorkspaceOutputs } from "@pfnet/core";
import type { Style } from "../style.js";

const lastSegment = (id: string) => id.split("/").pop() ?? id;

function connectionText(connection: ConnectionOutput | undefined, style: Style): string {
  if (!connection) return style.yellow("no connection yet");
  const status =
    connection.status === "Approved" ? style.green(connection.status) : style.yellow(connection.status);
  return `connection ${status}`;
}

function endpointLines(entry: ServiceEndpointOutput, style: Style): string[] {
  const head = `    ${style.bold(entry.service)} -> ${lastSegment(entry.targetId)} (${entry.subresource})`;
  let via: string;
  if (entry.outboundRule) {
    const rule = entry.outboundRule;
    via = rule.exists
      ? `rule ${rule.name} ${rule.status ?? ""}`.trim()
      : style.yellow(`rule ${rule.name} missing`);
  } else {
    const pe = entry.privateEndpoint!;
    via = pe.exists ? `private endpoint ${pe.name}` : style.yellow(`private endpoint ${pe.name} missing`);
  }
  const lines = [`${head}: ${via}, ${connectionText(entry.connection, style)}`];
  if (entry.privateEndpoint?.id) lines.push(`      ${style.dim(entry.privateEndpoint.id)}`);
  if (entry.connection) lines.push(`      ${style.dim(entry.connection.id)}`);
  return lines;
}

function firewallLine(ws: WorkspaceOutputs, style: Style): string {
  if (ws.firewallPublicIpAddress) {
    const hosts = ws.outsideHosts.length > 0 ? ` (allow-list it at ${ws.outsideHosts.join(", ")})` : "";
    return `  Firewall public IP: ${style.bold(ws.firewallPublicIpAddress)}${hosts}`;
  }
  return `  Firewall public IP: none ${style.dim("(no Azure Firewall yet: Azure creates it with the first FQDN rule under private egress)")}`;
}

function workspaceBlock(ws: WorkspaceOutputs, style: Style): string[] {
  const title = `${style.bold(`Workspace ${ws.name}`)} ${style.dim(`(${ws.key}, resource group ${ws.resourceGroup})`)}`;
  if (!ws.exists)
    return [title, `  ${style.yellow("does not exist")}: nothing to report; run \`pfnet apply\` first.`];
  const out = [title];
  const settings = [
    `public network access ${ws.publicNetworkAccess ?? "unknown"}`,
    ws.network === "managed"
      ? `managed network ${ws.isolationMode ?? "unknown"}, ${ws.networkStatus ?? "Inactive"}`
      : "own virtual network",
  ];
  out.push(`  ${settings.join("; ")}`);
  if (ws.network === "managed") out.push(firewallLine(ws, style));
  if (ws.privateEndpoints.length > 0) {
    out.push(
      `  Private endpoints to services (${ws.network === "managed" ? "managed network" : "own VNet"}):`,
    );
    for (const entry of ws.privateEndpoints) out.push(...endpointLines(entry, style));
  } else out.push("  Private endpoints to services: none in the spec");
  const inbound = ws.inbound;
  if (inbound.privateEndpointRequired) {
    out.push(
      `  Ingress is private: Studio, SDK and scoring reach the workspace only through a private endpoint of your own,`,
      `    groupId ${inbound.groupId}, private DNS zones ${inbound.privateDnsZones.join(", ")}.`,
    );
  } else
    out.push(
      "  Ingress is public: the workspace is reachable from the internet (a private endpoint is optional).",
    );
  if (inbound.connections.length === 0) {
    if (inbound.privateEndpointRequired)
      out.push(`    ${style.yellow("No private endpoint connects to the workspace yet.")}`);
  } else {
    for (const connection of inbound.connections)
      out.push(`    ${connectionText(connection, style)}: ${style.dim(connection.id)}`);
  }
  if (ws.onlineEndpoints.length > 0) {
    out.push(
      `  Online endpoints: ${ws.onlineEndpoints
        .map((e) =>
          e.exists
            ? `${e.name} (public network access ${e.publicNetworkAccess ?? "unknown"})`
            : `${e.name} (missing)`,
        )
        .join(", ")}`,
    );
  }
  return out;
}

export function renderOutputs(outputs: Outputs, style: Style): string {
  return `${outputs.workspaces.map((ws) => workspaceBlock(ws, style).join("\n")).join("\n\n")}\n`;
}
