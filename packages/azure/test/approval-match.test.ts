/**
 * Which connection on a target is the workspace's (approval.ts): each private-endpoint id shape
 * the emulator generates is recognised by one signal, the group filter narrows, the state breaks
 * a tie, the user's choice wins, and none or several matches give the candidates instead of a guess.
 */
import { matchConnection } from "@pfnet/azure";
import { describe, expect, it } from "vitest";
import type { PrivateEndpointConnection, Workspace } from "../src/rest/types.js";

const ref = { subscriptionId: "sub", resourceGroup: "rg", name: "pf-ws", key: "pf-ws" };
const NETWORK_ID = "5d2c0a1e-1111-4222-8333-444455556666";
const WORKSPACE_ID = "9a8b7c6d-aaaa-4bbb-8ccc-ddddeeeeffff";
const workspace = {
  properties: { workspaceId: WORKSPACE_ID, managedNetwork: { networkId: NETWORK_ID } },
} as unknown as Workspace;
const TARGET = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/aoai";

const pe = (sub: string, rg: string, name: string) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Network/privateEndpoints/${name}`;
function connection(
  name: string,
  privateEndpointId: string,
  status = "Pending",
  groups: { groupIds?: string[]; groupId?: string } = { groupIds: ["account"] },
): PrivateEndpointConnection {
  return {
    id: `${TARGET}/privateEndpointConnections/${name}`,
    name,
    properties: {
      privateEndpoint: { id: privateEndpointId },
      privateLinkServiceConnectionState: { status: status as "Pending", description: "" },
      ...groups,
    },
  } as PrivateEndpointConnection;
}
const input = { workspace, ref, ruleName: "pe-aoai", groupId: "account" };
const foreign = connection("other", pe("sub2", "rg-x", "someone-elses-pe"), "Approved");

describe("matchConnection", () => {
  it("shape managedResourceGroup: recognised by the managed network id", () => {
    const mine = connection("a", pe("sub", `azureml-managed-network-${NETWORK_ID}`, "pf-ws-pe-aoai"));
    expect(matchConnection([foreign, mine], input)).toMatchObject({ connection: mine, signal: "networkId" });
  });

  it("shape workspaceResourceGroup: recognised by the workspace's internal id", () => {
    const mine = connection("b", pe("msft", `azureml-rg-${WORKSPACE_ID}`, "pe-aoai-1a2b3c4d"));
    expect(matchConnection([foreign, mine], input)).toMatchObject({
      connection: mine,
      signal: "workspaceId",
    });
  });

  it("shape opaque: recognised by the workspace and rule names in the endpoint's name", () => {
    const mine = connection("c", pe("msft", "rg-managedvnet-1a2b3c4d", "pf-ws-pe-aoai-1a2b"));
    expect(matchConnection([foreign, mine], input)).toMatchObject({ connection: mine, signal: "names" });
  });

  it("reads a single groupId (search.json) as well as groupIds, and filters on it", () => {
    const wrongGroup = connection("g1", pe("msft", "rg-1", "pf-ws-pe-aoai-0001"), "Pending", {
      groupIds: ["blob"],
    });
    const mine = connection("g2", pe("msft", "rg-2", "pf-ws-pe-aoai-0002"), "Pending", {
      groupId: "account",
    });
    const match = matchConnection([wrongGroup, mine], input);
    expect(match).toMatchObject({ connection: mine, signal: "names" });
    expect(match.candidates.map((c) => c.id)).toEqual([mine.id]);
  });

  it("several on the strongest signal: a tie broken by state, else no guess", () => {
    const old = connection("old", pe("msft", "rg-1", "pf-ws-pe-aoai-0001"), "Disconnected");
    const fresh = connection("new", pe("msft", "rg-2", "pf-ws-pe-aoai-0002"), "Pending");
    expect(matchConnection([old, fresh], input)).toMatchObject({ connection: fresh });
    const twin = connection("twin", pe("msft", "rg-3", "pf-ws-pe-aoai-0003"), "Pending");
    const match = matchConnection([old, fresh, twin], input);
    expect(match.connection).toBeUndefined();
    expect(match.reason).toBe("several");
    expect(match.candidates.map((c) => c.id).sort()).toEqual([fresh.id, old.id, twin.id].sort());
  });

  it("nothing recognisable: no match, every candidate listed with its fields", () => {
    const unknown = connection("u", pe("msft", "rg-opaque", "endpoint-7"));
    const match = matchConnection([unknown], input);
    expect(match.reason).toBe("none");
    expect(match.candidates).toEqual([
      {
        id: unknown.id,
        privateEndpointId: pe("msft", "rg-opaque", "endpoint-7"),
        state: "Pending",
        description: "",
        groupIds: ["account"],
      },
    ]);
  });

  it("the user's choice wins over every signal; a choice not on the target is reported", () => {
    const mine = connection("a", pe("sub", `azureml-managed-network-${NETWORK_ID}`, "pf-ws-pe-aoai"));
    const chosen = matchConnection([mine, foreign], { ...input, chosen: foreign.id!.toUpperCase() });
    expect(chosen).toMatchObject({ connection: foreign, signal: "chosen" });
    expect(
      matchConnection([mine], { ...input, chosen: `${TARGET}/privateEndpointConnections/gone` }),
    ).toMatchObject({
      reason: "chosenMissing",
    });
  });

  it("own VNet: only pfnet's own endpoint id counts", () => {
    const own = pe("sub", "rg", "pe-pf-ws-aoai");
    const mine = connection("o", own);
    const lookalike = connection("l", pe("sub", `azureml-managed-network-${NETWORK_ID}`, "pf-ws-pe-aoai"));
    expect(matchConnection([lookalike, mine], { workspace, ref, ownEndpointId: own })).toMatchObject({
      connection: mine,
      signal: "ownEndpoint",
    });
  });
});
