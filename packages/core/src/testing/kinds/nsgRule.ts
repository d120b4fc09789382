/** A security rule pfnet requires in an own VNet's network security group. */
import type { NsgRuleProperties } from "../../model.js";
import { fingerprint, lower, type MemoryStore } from "../store.js";
import { ABSENT, type IdentityOf, type MemoryKindHandler, SUCCEEDED } from "./handler.js";

/** Write the rule (`null`: remove it): a write replaces every rule stored under its name and appends. */
function write(
  identity: IdentityOf<"nsgRule">,
  properties: NsgRuleProperties | null,
  store: MemoryStore,
): void {
  const nsgId = String(identity.nsgId);
  const name = String(identity.ruleName);
  for (const rule of store.nsgRulesNamed(nsgId, name)) store.nsgRules.remove(rule);
  if (properties) store.nsgRules.add({ ...properties, nsgId, name });
}

export const nsgRule: MemoryKindHandler<"nsgRule"> = {
  workspaceLane: false,
  key: (identity) => `nsg|${lower(String(identity.nsgId))}|${String(identity.ruleName)}`,

  read(identity, store) {
    const rule = store.nsgRule(String(identity.nsgId), String(identity.ruleName));
    if (!rule) return ABSENT;
    const { nsgId: _nsg, name: _name, ...properties } = rule;
    return { exists: true, properties: structuredClone(properties), fingerprint: fingerprint(properties) };
  },

  apply(step, identity, { store }) {
    const after =
      step.action === "delete" ? null : (structuredClone(step.after ?? {}) as unknown as NsgRuleProperties);
    write(identity, after, store);
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    write(identity, properties as unknown as NsgRuleProperties | null, store);
  },
};
