/** A workspace's online endpoint: only its public network access is managed. */
import { workspaceArmId } from "../state.js";
import { lower } from "../store.js";
import { ABSENT, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

type Access = "Enabled" | "Disabled";

export const onlineEndpoint: MemoryKindHandler<"onlineEndpoint"> = {
  workspaceLane: true,
  key: (identity) => `endpoint|${lower(workspaceArmId(identity.workspace))}|${String(identity.endpointName)}`,

  read(identity, store) {
    const endpoint = store.workspace(identity.workspace)?.onlineEndpoints[String(identity.endpointName)];
    if (!endpoint) return ABSENT;
    return {
      exists: true,
      properties: { ...endpoint },
      fingerprint: store.etag(endpoint, "endpoint", () => endpoint),
    };
  },

  apply(step, identity, { store }) {
    const ws = store.requireWorkspace(identity.workspace, step.address);
    ws.onlineEndpoints[String(identity.endpointName)] = {
      publicNetworkAccess: step.after?.publicNetworkAccess as Access,
    };
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const ws = store.requireWorkspace(identity.workspace, "setResource");
    const name = String(identity.endpointName);
    if (properties === null) delete ws.onlineEndpoints[name];
    else ws.onlineEndpoints[name] = { publicNetworkAccess: properties.publicNetworkAccess as Access };
  },
};
