/**
 * What the in-memory provider knows of one resource kind: how to read it from the store, apply a
 * plan step to it and change it behind pfnet's back, with Azure's rules for that kind. The
 * registry (index.ts) holds one handler per `ResourceKind`; the provider only dispatches.
 */
import { PfnetError } from "../../errors.js";
import type { ActualResource, KindTypes, ResourceKind } from "../../model.js";
import type { PlanStep } from "../../plan/types.js";
import type { StepResult } from "../../provider.js";
import type { MemoryStore } from "../store.js";

export type IdentityOf<K extends ResourceKind> = KindTypes[K]["identity"];

/** What a handler's apply may use beyond the store. */
export interface MemoryApplyContext {
  readonly store: MemoryStore;
  /** Call before changing a resource the step did not name: readers keep seeing it unchanged during the read-after-write lag. */
  touch<K extends ResourceKind>(kind: K, identity: IdentityOf<K>): void;
  /** The principal id of a workspace pfnet creates (seeded: reproducible). */
  newPrincipalId(identity: IdentityOf<"workspace">): string;
}

export interface MemoryKindHandler<K extends ResourceKind> {
  /** Writes of the kind take their workspace's lane: two at once on one workspace fail with 409. */
  readonly workspaceLane: boolean;
  /** Where the resource lives: read-after-write lag is kept per key. */
  key(identity: IdentityOf<K>): string;
  read(identity: IdentityOf<K>, store: MemoryStore): ActualResource;
  /**
   * One plan step of the kind. The step's own node is already `touch`ed, and the etags of the
   * step's workspace are forgotten after it; the handler forgets those of anything else it
   * changes in place (`store.forget`).
   */
  apply(step: PlanStep, identity: IdentityOf<K>, context: MemoryApplyContext): StepResult;
  /** `setResource`: the resource as someone outside pfnet made it (`null` removes it). */
  set(identity: IdentityOf<K>, properties: Record<string, unknown> | null, store: MemoryStore): void;
}

export const ABSENT: ActualResource = { exists: false, fingerprint: "absent" };
export const SUCCEEDED: StepResult = { outcome: "succeeded" };

/** A provider error about the step's resource (what Azure would answer with `status`). */
export const fail = (address: string, message: string, details?: Record<string, unknown>) =>
  new PfnetError("PROVIDER_ERROR", `${address}: ${message}`, { address, ...(details ? { details } : {}) });

/** The trailing GUID of a role definition id, lower case (how role definitions compare). */
export const guidOf = (id: string) => (/([0-9a-f-]{36})\/?$/i.exec(id)?.[1] ?? id).toLowerCase();
