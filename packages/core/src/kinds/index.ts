/**
 * The registry of resource kinds: one contract per `ResourceKind`, each in its module named
 * after the kind. The mapped type makes a kind without its contract a compile error; the
 * completeness test checks the other layers (Azure module, in-memory handler) by `RESOURCE_KINDS`.
 */
import type { ResourceKind } from "../model.js";
import type { KindContract, KindDisplay } from "./contract.js";
import { managedNetwork } from "./managedNetwork.js";
import { nsgRule } from "./nsgRule.js";
import { onlineEndpoint } from "./onlineEndpoint.js";
import { outboundRule } from "./outboundRule.js";
import { privateDnsZoneGroup } from "./privateDnsZoneGroup.js";
import { privateEndpoint } from "./privateEndpoint.js";
import { privateEndpointApproval } from "./privateEndpointApproval.js";
import { roleAssignment } from "./roleAssignment.js";
import { workspace } from "./workspace.js";

export type KindRegistry = { readonly [K in ResourceKind]: KindContract<K> };

export const KINDS: KindRegistry = Object.freeze({
  workspace,
  outboundRule,
  managedNetwork,
  roleAssignment,
  privateEndpointApproval,
  onlineEndpoint,
  privateEndpoint,
  privateDnsZoneGroup,
  nsgRule,
});

/** The contract of a kind, typed loosely for code that dispatches on a step's kind. */
export const kindOf = (kind: ResourceKind): KindContract => KINDS[kind] as unknown as KindContract;

/**
 * How the plan shows a kind; for a kind core does not know (a newer plan file read by an older
 * CLI) a display that names the kind as it is.
 */
export function kindDisplay(kind: string): KindDisplay {
  return Object.hasOwn(KINDS, kind)
    ? kindOf(kind as ResourceKind).display
    : { name: kind, title: () => kind };
}

export type {
  DiffContext,
  Diffed,
  Estimate,
  KindContract,
  KindDisplay,
  Verdict,
} from "./contract.js";
