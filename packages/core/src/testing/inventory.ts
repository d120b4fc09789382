/** What exists in one resource group, as `importTopology` lists it (`Provider.inventory`). */
import type { Inventory, ResourceGroupScope } from "../provider.js";
import { privateEndpointArmId } from "./state.js";
import { lower, type MemoryStore } from "./store.js";

/** One pass over the store per call: import lists each resource group once, never per step. */
export function inventoryOf(scope: ResourceGroupScope, store: MemoryStore): Inventory {
  const inGroup = (item: { subscriptionId: string; resourceGroup: string }) =>
    lower(item.subscriptionId) === lower(scope.subscriptionId) &&
    lower(item.resourceGroup) === lower(scope.resourceGroup);
  const groupPrefix = lower(`/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}/`);
  const nsgRules = new Map<string, string[]>();
  for (const rule of store.nsgRules.values()) {
    if (!lower(rule.nsgId).startsWith(groupPrefix)) continue;
    nsgRules.set(rule.nsgId, [...(nsgRules.get(rule.nsgId) ?? []), rule.name]);
  }
  return {
    workspaces: [...store.workspaces.values()].filter(inGroup).map((ws) => ({
      name: ws.name,
      ...(ws.location === undefined ? {} : { location: ws.location }),
      onlineEndpoints: Object.keys(ws.onlineEndpoints).sort(),
    })),
    privateEndpoints: [...store.privateEndpoints.values()].filter(inGroup).map((pe) => ({
      name: pe.name,
      id: privateEndpointArmId(pe),
      subnetId: pe.subnetId,
      targetId: pe.targetId,
      groupId: pe.groupId,
    })),
    networkSecurityGroups: [...nsgRules].map(([id, ruleNames]) => ({ id, ruleNames })),
  };
}
