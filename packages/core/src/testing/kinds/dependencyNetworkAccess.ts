/**
 * A workspace dependency's public network access (the store's `dependencies` table). A dependency
 * no row names reads as a new one: public, and a registry Premium; seed a row to say otherwise.
 */
import { fingerprint, lower } from "../store.js";
import { type MemoryKindHandler, SUCCEEDED } from "./handler.js";

type Access = "Enabled" | "Disabled";

export const dependencyNetworkAccess: MemoryKindHandler<"dependencyNetworkAccess"> = {
  workspaceLane: false,
  key: (identity) => `dependency|${lower(identity.id)}`,

  read(identity, store) {
    const row = store.dependency(identity.id);
    const properties = { publicNetworkAccess: row?.publicNetworkAccess ?? "Enabled" };
    const sku = row?.sku ?? (identity.dependency === "containerRegistry" ? "Premium" : undefined);
    return {
      exists: true,
      properties,
      ...(sku ? { facts: { sku } } : {}),
      fingerprint: row ? store.etag(row, "dependency", () => row) : fingerprint(properties),
    };
  },

  apply(step, identity, { store }) {
    store.setDependency(identity.id, { publicNetworkAccess: step.after?.publicNetworkAccess as Access });
    return SUCCEEDED;
  },

  set(identity, properties, store) {
    store.setDependency(
      identity.id,
      properties === null ? null : { publicNetworkAccess: properties.publicNetworkAccess as Access },
    );
  },
};
