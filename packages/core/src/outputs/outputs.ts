/**
 * `readOutputs`: what users need after apply, read from Azure for the workspaces a spec declares —
 * the managed network's Azure Firewall public IP (to allow-list pfnet's outbound traffic at outside
 * hosts), the private endpoint and its connection per reached service, and, when ingress is
 * private, that clients reach the workspace only through a private endpoint of their own (with the
 * workspace's inbound connections as Azure reports them). Reads only; never writes.
 */
import { createEmitter } from "../emitter.js";
import { PfnetError } from "../errors.js";
import type { EventListener } from "../events.js";
import { expand, subresourceOf, workspaceRef } from "../expand/expand.js";
import { hubOf, withInheritedNetwork } from "../expand/hubs.js";
import { address, PRIVATE_DNS_ZONES, privateEndpointName, privateEndpointRuleName } from "../expand/names.js";
import type { ActualResource } from "../model.js";
import { resolveSpec } from "../plan/spec-input.js";
import type { Provider, ReadResult } from "../provider.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";

export interface OutputsOptions {
  signal?: AbortSignal;
  onEvent?: EventListener;
}

/** A private-endpoint connection as the target (or the workspace) reports it. */
export interface ConnectionOutput {
  /** ARM id of the connection. */
  id: string;
  /** `Pending`, `Approved`, `Rejected`, `Disconnected` or `Timeout`. */
  status: string;
  /** ARM id of the private endpoint behind it, when reported. */
  privateEndpointId?: string;
}

/** How one workspace reaches one declared service. */
export interface ServiceEndpointOutput {
  service: string;
  /** ARM id of the service. */
  targetId: string;
  /** Private-endpoint subresource (groupId). */
  subresource: string;
  /** `managed`: a private-endpoint outbound rule of the managed network; `byo`: the endpoint pfnet creates in the own VNet. */
  via: "managed" | "byo";
  /** Managed network: the outbound rule and its status (`Active` once provisioned). */
  outboundRule?: { name: string; exists: boolean; status?: string };
  /** Own VNet: the private endpoint pfnet created. */
  privateEndpoint?: { name: string; exists: boolean; id?: string; subnetId?: string };
  /** The connection on the service; absent when none exists yet (not provisioned, or not applied). */
  connection?: ConnectionOutput;
}

export interface WorkspaceOutputs {
  /** Spec key. */
  key: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  exists: boolean;
  network: "managed" | "byo";
  /** As Azure reports them now (absent when the workspace does not exist). */
  publicNetworkAccess?: string;
  isolationMode?: string;
  /** Managed network: `Active` once provisioned. */
  networkStatus?: string;
  /**
   * Public IP address of the managed network's Azure Firewall (`managedNetwork.firewallPublicIpAddress`).
   * Outside hosts that allow-list callers (e.g. SerpAPI) see the workspace's FQDN traffic from it.
   * Absent while there is no firewall (it comes with the first FQDN rule under approved-only egress).
   */
  firewallPublicIpAddress?: string;
  /** The outside hosts the spec reaches (FQDN rules): where the firewall IP may need allow-listing. */
  outsideHosts: string[];
  privateEndpoints: ServiceEndpointOutput[];
  /** How clients reach the workspace. */
  inbound: {
    ingress: "public" | "private";
    /** True for private ingress: Studio, SDK and scoring work only through a private endpoint to the workspace. */
    privateEndpointRequired: boolean;
    /** The workspace's private-endpoint subresource and the private DNS zones it needs. */
    groupId: "amlworkspace";
    privateDnsZones: string[];
    /** The workspace's own (inbound) private-endpoint connections. */
    connections: ConnectionOutput[];
  };
  /** Online endpoints the spec declares, with their public access as Azure reports it. */
  onlineEndpoints: Array<{ name: string; exists: boolean; publicNetworkAccess?: string }>;
}

export interface Outputs {
  workspaces: WorkspaceOutputs[];
}

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function connectionsOf(value: unknown): ConnectionOutput[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry) => {
    const id = str((entry as { id?: unknown })?.id);
    const status = str((entry as { status?: unknown })?.status);
    if (!id || !status) return [];
    const privateEndpointId = str((entry as { privateEndpointId?: unknown }).privateEndpointId);
    return [{ id, status, ...(privateEndpointId ? { privateEndpointId } : {}) }];
  });
}

function connectionOf(actual: ActualResource | undefined): ConnectionOutput | undefined {
  if (!actual?.exists) return undefined;
  const id = str(actual.facts?.connectionId);
  const status = str(actual.facts?.status) ?? str(actual.properties.status);
  if (!id || !status) return undefined;
  const privateEndpointId = str(actual.facts?.privateEndpointId);
  return { id, status, ...(privateEndpointId ? { privateEndpointId } : {}) };
}

/** Read the outputs of every workspace of a spec. Throws `SPEC_INVALID` for a spec with errors, `ABORTED` on abort. */
export async function readOutputs(
  spec: Topology | LoadedSpec,
  provider: Provider,
  options: OutputsOptions = {},
): Promise<Outputs> {
  const { signal } = options;
  if (signal?.aborted) throw new PfnetError("ABORTED", "Reading the outputs was aborted.");
  const { topology } = resolveSpec(spec);
  const nodes = expand(topology);
  const emit = createEmitter(options.onEvent);
  let read: ReadResult;
  try {
    read = await provider.read(nodes, {
      signal: signal ?? new AbortController().signal,
      emit,
      resourcesOnly: true,
    });
  } catch (error) {
    if (signal?.aborted)
      throw new PfnetError("ABORTED", "Reading the outputs was aborted.", { cause: error });
    throw error;
  }
  const actual = (addr: string) => read.resources[addr];
  const services = topology.services ?? {};
  const workspaces: WorkspaceOutputs[] = [];
  for (const key of Object.keys(topology.workspaces).sort()) {
    // A project: its hub's network; its rules and approvals are at the hub's addresses.
    const ws = withInheritedNetwork(topology, key, topology.workspaces[key]!);
    const ref = workspaceRef(topology, key, ws);
    const networkKey = hubOf(topology, key)?.key ?? key;
    const managed = ws.network === "managed";
    const found = actual(address.workspace(key));
    const exists = found?.exists === true;
    const properties = found?.exists ? found.properties : {};
    const facts = found?.exists ? (found.facts ?? {}) : {};
    const privateEndpoints: ServiceEndpointOutput[] = [];
    for (const service of [...new Set(ws.reach?.services ?? [])]) {
      const declared = services[service];
      const subresource = declared ? subresourceOf(declared) : undefined;
      if (!declared || !subresource) continue; // the spec rules report these
      const connection = connectionOf(actual(address.approval(networkKey, service)));
      const common = { service, targetId: declared.id, subresource, ...(connection ? { connection } : {}) };
      if (managed) {
        const name = privateEndpointRuleName(service);
        const rule = actual(address.rule(networkKey, name));
        const status = rule?.exists ? str(rule.facts?.status) : undefined;
        privateEndpoints.push({
          ...common,
          via: "managed",
          outboundRule: { name, exists: rule?.exists === true, ...(status ? { status } : {}) },
        });
      } else {
        const pe = actual(address.privateEndpoint(key, service));
        const id = pe?.exists ? str(pe.facts?.id) : undefined;
        const subnetId = pe?.exists ? str(pe.properties.subnetId) : undefined;
        privateEndpoints.push({
          ...common,
          via: "byo",
          privateEndpoint: {
            name: privateEndpointName(ref.name, service),
            exists: pe?.exists === true,
            ...(id ? { id } : {}),
            ...(subnetId ? { subnetId } : {}),
          },
        });
      }
    }
    const onlineEndpoints = Object.keys(ws.endpoints ?? {})
      .sort()
      .map((name) => {
        const endpoint = actual(address.endpoint(key, name));
        const publicNetworkAccess = endpoint?.exists
          ? str(endpoint.properties.publicNetworkAccess)
          : undefined;
        return {
          name,
          exists: endpoint?.exists === true,
          ...(publicNetworkAccess ? { publicNetworkAccess } : {}),
        };
      });
    const publicNetworkAccess = str(properties.publicNetworkAccess);
    const isolationMode = str(properties.isolationMode);
    const networkStatus = managed ? str(facts.networkStatus) : undefined;
    const firewallPublicIpAddress = str(facts.firewallPublicIpAddress);
    const ingress =
      ws.ingress ??
      (properties.publicNetworkAccess === "Disabled" ? ("private" as const) : ("public" as const));
    workspaces.push({
      key,
      name: ref.name,
      resourceGroup: ref.resourceGroup,
      subscriptionId: ref.subscriptionId,
      exists,
      network: managed ? "managed" : "byo",
      ...(publicNetworkAccess ? { publicNetworkAccess } : {}),
      ...(isolationMode ? { isolationMode } : {}),
      ...(networkStatus ? { networkStatus } : {}),
      ...(firewallPublicIpAddress ? { firewallPublicIpAddress } : {}),
      outsideHosts: managed ? [...(ws.reach?.hosts ?? [])] : [],
      privateEndpoints,
      inbound: {
        ingress,
        privateEndpointRequired: ingress === "private",
        groupId: "amlworkspace",
        privateDnsZones: [...(PRIVATE_DNS_ZONES.amlworkspace ?? [])],
        connections: connectionsOf(facts.privateEndpointConnections),
      },
      onlineEndpoints,
    });
  }
  return { workspaces };
}
