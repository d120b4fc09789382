/**
 * Typed events. The library never prints; it calls `onEvent` with these JSON-safe values.
 * `sequence` is monotonic within one plan or apply call.
 */
import type { SerializedError } from "./errors.js";
import type { PlanAction, PlanWait } from "./plan/types.js";

export type StepOutcome = "succeeded" | "failed" | "skipped" | "pendingApproval" | "cancelled";

/** What a step left for a human when it ended `pendingApproval`. */
export interface PendingApproval {
  /**
   * ARM id of the private-endpoint connection waiting for approval; empty when the provider could
   * not tell which connection on the service is the workspace's (see `candidates`).
   */
  connectionId: string;
  /** What to do, e.g. an `az network private-endpoint-connection approve --id ...` command. */
  action: string;
  /** The permission the approver needs. */
  permission: string;
  /** When no connection, or several, matched: the connections on the service to choose from. */
  candidates?: PendingConnectionCandidate[];
}

/** A private-endpoint connection on a service, as a pending approval lists it. */
export interface PendingConnectionCandidate {
  id: string;
  privateEndpointId: string;
  state: string;
  description: string;
  groupIds: string[];
}

interface EventBase {
  sequence: number;
  /** Milliseconds since the epoch. */
  time: number;
}

export type PfnetEvent =
  | (EventBase & { type: "plan.started"; nodes: number })
  | (EventBase & { type: "plan.read"; resources: number })
  | (EventBase & { type: "plan.finished"; steps: number; changes: number })
  | (EventBase & { type: "apply.started"; steps: number; concurrency: number })
  | (EventBase & { type: "step.started"; address: string; action: PlanAction; kind: string })
  | (EventBase & {
      type: "step.progress";
      address: string;
      message: string;
      wait?: { kind: PlanWait["kind"]; elapsedMs: number; expectedMs?: number };
    })
  | (EventBase & {
      type: "step.retrying";
      address: string;
      attempt: number;
      /** HTTP status and/or ARM error code that caused the retry. */
      reason: string;
      delayMs: number;
    })
  | (EventBase & {
      type: "step.finished";
      address: string;
      outcome: StepOutcome;
      durationMs: number;
      error?: SerializedError;
      pending?: PendingApproval;
      /** For skipped steps: the failed step that caused the skip. */
      skippedBecause?: string;
      /** True when an earlier, interrupted apply did the step (journal) and its resource still matches: not redone. */
      resumed?: boolean;
    })
  | (EventBase & {
      type: "lock.acquired";
      /** Workspace state key: `subscription/resourceGroup/name`. */
      key: string;
      lockId: string;
      /** Where the state lives (the backend's location). */
      state: string;
    })
  | (EventBase & { type: "lock.released"; key: string; lockId: string })
  | (EventBase & {
      type: "apply.resumed";
      /** Steps an interrupted apply finished whose resources still match: not redone. */
      finished: string[];
      /** Steps with a long-running operation the interrupted apply left under way. */
      unfinished: string[];
    })
  | (EventBase & {
      type: "step.reattached";
      address: string;
      /** The operation re-attached to, e.g. `provisionManagedNetwork`. */
      operation: string;
      /** `handle`: polled through the journaled operation URL; `status`: found under way in what Azure reports. */
      via: "handle" | "status";
    })
  | (EventBase & { type: "apply.finished"; outcomes: Record<StepOutcome, number>; durationMs: number })
  | (EventBase & {
      type: "verify.started";
      /** Spec key of the workspace whose diagnosis starts. */
      workspace: string;
    })
  | (EventBase & {
      type: "verify.finished";
      workspace: string;
      /** Findings of level Error. */
      errors: number;
      /** All findings, any level. */
      findings: number;
      /** Set when the diagnosis could not run. */
      error?: SerializedError;
    });

export type PfnetEventType = PfnetEvent["type"];

/** The payload a caller passes to `emit`; sequence and time are added by the emitter. */
export type PfnetEventInput = PfnetEvent extends infer E
  ? E extends PfnetEvent
    ? Omit<E, "sequence" | "time">
    : never
  : never;

export type EventListener = (event: PfnetEvent) => void;
