/**
 * Resource nodes: what expansion produces from a topology and what providers read and change.
 * This file is the contract between core and every provider: each kind names its identity
 * (how a provider finds the resource) and its desired properties (what the diff compares), in
 * its module `kinds/<kind>.ts`; `ResourceKind`, `RESOURCE_KINDS` and `KindTypes` are generated
 * from those modules (`kinds/types.generated.ts`) and re-exported here with the kinds' types.
 * Only the keys of `properties` are compared; everything a provider reads beyond them is
 * read-only context (e.g. the workspace's principalId or its computes).
 */

import type { KindTypes, ResourceKind } from "./kinds/types.generated.js";

// Every kind, its name and its types, generated from the kind modules (`pnpm gen:kinds`).
export * from "./kinds/types.generated.js";

/** Where a workspace lives in Azure. Every node of a workspace carries it. */
export interface WorkspaceRef {
  subscriptionId: string;
  resourceGroup: string;
  /** Azure name of the workspace. */
  name: string;
  /** Spec key of the workspace. */
  key: string;
}

/** A desired resource: the output of expansion, the input of read and diff. Plain JSON. */
export interface ResourceNode<K extends ResourceKind = ResourceKind> {
  /** Stable address, e.g. `workspace.pf-authoring.rule.pe-aoai`. */
  address: string;
  kind: K;
  identity: KindTypes[K]["identity"];
  properties: KindTypes[K]["properties"];
  /** Addresses this node depends on. */
  dependsOn: string[];
  /** Writes in one lane never overlap (all writes of one workspace share `workspace.<key>`). */
  lane?: string;
}

/** What a provider read for one address. */
export type ActualResource =
  | { exists: false; fingerprint: string }
  | {
      exists: true;
      /** Same shape as the desired properties of the kind (the provider normalises to it). */
      properties: Record<string, unknown>;
      /** Read-only context, never diffed (see WorkspaceFacts; for approvals: connectionId, status). */
      facts?: Record<string, unknown>;
      /** etag, else a content hash of the normalised resource. */
      fingerprint: string;
    };

/** A resource found while reading that the spec does not list (e.g. a user-defined rule). */
export interface DiscoveredResource {
  kind: ResourceKind;
  /** Address core would give it, e.g. `workspace.pf.rule.old-rule`. */
  address: string;
  identity: Record<string, unknown>;
  properties: Record<string, unknown>;
  fingerprint: string;
}

/**
 * A role assignment that applies at a scope, as a provider lists it for the posture report
 * (`Provider.listRoleAssignments`). Read only: pfnet never diffs, changes or deletes these.
 */
export interface RoleAssignmentSeen {
  /** ARM id of the assignment. */
  id: string;
  /** Where the assignment is made: the listed scope itself (direct) or a scope above it (inherited). */
  scope: string;
  /** Full role definition id (any form ending in the role GUID). */
  roleDefinitionId: string;
  principalId: string;
  /** `User`, `Group`, `ServicePrincipal`, `ForeignGroup`, `Device`, or empty when Azure gives none. */
  principalType: string;
}

export { STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR } from "./kinds/roleAssignment.js";
export type { ComputePlacement, WorkspaceFacts } from "./kinds/workspace.js";
