/**
 * Which private-endpoint connection on a target is the workspace's. Azure does not document the
 * id or name of the private endpoint a managed network creates on a target (azure-facts a.5:
 * UNCONFIRMED), so pfnet reads only the connection's own fields and applies the signals below in
 * order of strength; the first signal that singles out one connection decides. None, or several
 * on the same signal: pfnet does not guess — the step ends `pendingApproval` listing the
 * candidates and how to choose (docs/azure-assumptions.md).
 *
 * | # | signal | documented? |
 * |---|---|---|
 * | 0 | the connection the user chose (`approvalConnection` in the spec, `--approve-connection ID`) | — (the user's word) |
 * | 1 | group filter: the connection's `groupIds` / `groupId` hold the rule's subresource target | documented (cognitiveservices.json `groupIds`, search.json `groupId`; the PE's group is the rule's `subresourceTarget`) |
 * | 2 | own VNet: `privateEndpoint.id` is the endpoint pfnet created | documented (pfnet made that endpoint) |
 * | 3 | `privateEndpoint.id` contains the workspace's `managedNetwork.networkId` | assumed |
 * | 4 | `privateEndpoint.id` contains the workspace's internal `workspaceId` | assumed |
 * | 5 | the endpoint's name contains both the workspace name and the rule name | assumed |
 * | 6 | tie-break among several on one signal: only one is not Rejected / Disconnected | documented (status values: privatelinks.json, search.json) |
 */
import type { WorkspaceRef } from "@pfnet/core";
import { sameId } from "./normalize.js";
import type { PrivateEndpointConnection, Workspace } from "./rest/types.js";

export type MatchSignal = "chosen" | "ownEndpoint" | "networkId" | "workspaceId" | "names";

/** A connection as the pending-approval report lists it. */
export interface ConnectionCandidate {
  id: string;
  privateEndpointId: string;
  state: string;
  description: string;
  groupIds: string[];
}

export interface ConnectionMatch {
  connection?: PrivateEndpointConnection;
  signal?: MatchSignal;
  /** Why there is no match: nothing matched, several matched one signal, or the chosen id is not on the target. */
  reason?: "none" | "several" | "chosenMissing";
  /** The connections the decision was made among (after the group filter). */
  candidates: ConnectionCandidate[];
}

export interface MatchInput {
  workspace: Workspace;
  ref: WorkspaceRef;
  /** The rule's `subresourceTarget` (managed) or the endpoint's group id (own VNet), when known. */
  groupId?: string;
  /** The outbound rule that makes the managed endpoint, when known. */
  ruleName?: string;
  /** Own VNet: the id of the endpoint pfnet created. */
  ownEndpointId?: string;
  /** The connection the user chose. */
  chosen?: string;
}

export function connectionGroupIds(c: PrivateEndpointConnection): string[] {
  const p = (c.properties ?? {}) as { groupIds?: string[]; groupId?: string };
  return [...(p.groupIds ?? []), ...(p.groupId ? [p.groupId] : [])];
}

export function candidateOf(c: PrivateEndpointConnection): ConnectionCandidate {
  return {
    id: c.id ?? "",
    privateEndpointId: c.properties?.privateEndpoint?.id ?? "",
    state: c.properties?.privateLinkServiceConnectionState?.status ?? "",
    description: c.properties?.privateLinkServiceConnectionState?.description ?? "",
    groupIds: connectionGroupIds(c),
  };
}

const ENDED = new Set(["rejected", "disconnected"]);

export function matchConnection(
  connections: readonly PrivateEndpointConnection[],
  input: MatchInput,
): ConnectionMatch {
  // 1. The group filter (documented fields); a connection that names no group is kept.
  const group = input.groupId?.toLowerCase();
  const pool = connections.filter((c) => {
    const groups = connectionGroupIds(c).map((g) => g.toLowerCase());
    return !group || groups.length === 0 || groups.includes(group);
  });
  const candidates = pool.map(candidateOf);
  if (input.chosen) {
    const chosen = connections.find((c) => sameId(c.id, input.chosen));
    return chosen
      ? { connection: chosen, signal: "chosen", candidates }
      : { reason: "chosenMissing", candidates };
  }
  const pe = (c: PrivateEndpointConnection) => (c.properties?.privateEndpoint?.id ?? "").toLowerCase();
  const peName = (c: PrivateEndpointConnection) => pe(c).split("/").pop() ?? "";
  const contains = (marker: string | undefined) => (c: PrivateEndpointConnection) =>
    !!marker && pe(c).includes(marker.toLowerCase());
  const signals: [MatchSignal, (c: PrivateEndpointConnection) => boolean][] = input.ownEndpointId
    ? [["ownEndpoint", (c) => sameId(c.properties?.privateEndpoint?.id, input.ownEndpointId)]]
    : [
        ["networkId", contains(input.workspace.properties?.managedNetwork?.networkId)],
        ["workspaceId", contains(input.workspace.properties?.workspaceId)],
        [
          "names",
          (c) =>
            !!input.ruleName &&
            peName(c).includes(input.ref.name.toLowerCase()) &&
            peName(c).includes(input.ruleName.toLowerCase()),
        ],
      ];
  for (const [signal, test] of signals) {
    const hits = pool.filter(test);
    if (hits.length === 1) return { connection: hits[0]!, signal, candidates };
    if (hits.length > 1) {
      const live = hits.filter(
        (c) => !ENDED.has((c.properties?.privateLinkServiceConnectionState?.status ?? "").toLowerCase()),
      );
      if (live.length === 1) return { connection: live[0]!, signal, candidates };
      return { reason: "several", candidates: hits.map(candidateOf) };
    }
  }
  return { reason: "none", candidates };
}

/** The connection the user named for this target (`--approve-connection`), if any. */
export function chosenFor(chosen: readonly string[] | undefined, targetId: string): string | undefined {
  const prefix = `${targetId.toLowerCase()}/privateendpointconnections/`;
  return chosen?.find((id) => id.toLowerCase().startsWith(prefix));
}
