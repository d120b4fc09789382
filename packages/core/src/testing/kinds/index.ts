/**
 * The in-memory provider's registry: one handler per resource kind, each in the module named
 * after the kind. Typed over `ResourceKind`, so a kind without its handler does not compile.
 */
import type { ResourceKind } from "../../model.js";
import type { MemoryKindHandler } from "./handler.js";
import { managedNetwork } from "./managedNetwork.js";
import { nsgRule } from "./nsgRule.js";
import { onlineEndpoint } from "./onlineEndpoint.js";
import { outboundRule } from "./outboundRule.js";
import { privateDnsZoneGroup } from "./privateDnsZoneGroup.js";
import { privateEndpoint } from "./privateEndpoint.js";
import { privateEndpointApproval } from "./privateEndpointApproval.js";
import { roleAssignment } from "./roleAssignment.js";
import { workspace } from "./workspace.js";

export type MemoryKinds = { readonly [K in ResourceKind]: MemoryKindHandler<K> };

export const MEMORY_KINDS: MemoryKinds = {
  workspace,
  outboundRule,
  managedNetwork,
  roleAssignment,
  privateEndpointApproval,
  onlineEndpoint,
  privateEndpoint,
  privateDnsZoneGroup,
  nsgRule,
};

/** The handler of `kind`, or undefined for a kind no handler knows (a plan from elsewhere). */
export function memoryKind(kind: string): MemoryKindHandler<ResourceKind> | undefined {
  return Object.hasOwn(MEMORY_KINDS, kind)
    ? (MEMORY_KINDS[kind as ResourceKind] as MemoryKindHandler<ResourceKind>)
    : undefined;
}

export type { IdentityOf, MemoryApplyContext, MemoryKindHandler } from "./handler.js";
export { discoverRules } from "./outboundRule.js";
export { listRoleAssignments } from "./roleAssignment.js";
