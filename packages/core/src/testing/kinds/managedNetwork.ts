/**
 * The managed network of a workspace: provisioning makes it and every outbound rule Active,
 * creates the Azure Firewall with the first FQDN rule and the private-endpoint connections of the
 * private-endpoint rules on their targets.
 */
import type { WorkspaceRef } from "../../model.js";
import type { MemoryWorkspace, RuleStatus } from "../state.js";
import { workspaceArmId } from "../state.js";
import { lower } from "../store.js";
import { ABSENT, fail, type MemoryApplyContext, type MemoryKindHandler, SUCCEEDED } from "./handler.js";
import { ruleConnection } from "./outboundRule.js";

/** Provision `ws`'s managed network (also what a workspace create with `provisionNetworkNow` does). */
export function provision(ws: MemoryWorkspace, ref: WorkspaceRef, context: MemoryApplyContext): void {
  context.touch("managedNetwork", { workspace: ref });
  for (const name of Object.keys(ws.rules)) context.touch("outboundRule", { workspace: ref, ruleName: name });
  ws.networkStatus = "Active";
  for (const [name, rule] of Object.entries(ws.rules)) {
    rule.status = "Active";
    context.store.forget(rule);
    if (rule.type === "FQDN") ws.firewall = true;
    if (rule.type === "PrivateEndpoint") ruleConnection(ws, name, rule, context.store);
  }
}

export const managedNetwork: MemoryKindHandler<"managedNetwork"> = {
  workspaceLane: true,
  key: (identity) => `net|${lower(workspaceArmId(identity.workspace))}`,

  read(identity, store) {
    const ws = store.workspace(identity.workspace);
    if (!ws) return ABSENT;
    const ruleStatuses: Record<string, RuleStatus> = {};
    for (const name of Object.keys(ws.rules)) {
      if (name === "__proto__")
        Object.defineProperty(ruleStatuses, name, {
          value: ws.rules[name]!.status,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else ruleStatuses[name] = ws.rules[name]!.status;
    }
    const properties = { status: ws.networkStatus, hasFqdnRules: ws.firewall };
    return {
      exists: true,
      properties,
      facts: { ruleStatuses },
      fingerprint: store.etag(ws, "network", () => ({ ...properties, ruleStatuses })),
    };
  },

  apply(step, identity, context) {
    const ws = context.store.requireWorkspace(identity.workspace, step.address);
    if (ws.isolationMode === "Disabled")
      throw fail(step.address, "the workspace has no managed network to provision.", { status: 400 });
    provision(ws, identity.workspace, context);
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    const ws = store.requireWorkspace(identity.workspace, "setResource");
    if (properties?.status === "Active" || properties?.status === "Inactive")
      ws.networkStatus = properties.status;
  },
};
