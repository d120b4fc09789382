/** What `apply` takes and what it returns. */
import type { VerifyResult } from "../diagnosis/verify.js";
import type { SerializedError } from "../errors.js";
import type { EventListener, PendingApproval, StepOutcome } from "../events.js";
import type { PlanKey } from "../plan/sign.js";
import type { Plan, PlanAction } from "../plan/types.js";
import type { LoadedSpec } from "../spec/load.js";
import type { Topology } from "../spec/schema.js";
import type { LockHolder, StateBackend } from "../state/types.js";

export interface ApplyOptions {
  /**
   * Steps working at once (default 10). A step waiting on Azure through `ProviderContext.idle`
   * (polls, back-offs, propagation, approvals) frees its slot while it waits.
   */
  concurrency?: number;
  signal?: AbortSignal;
  /** The same as `signal`, under the Azure SDK's name (`signal` wins when both are given). */
  abortSignal?: AbortSignal;
  onEvent?: EventListener;
  /**
   * Compare fingerprints with a fresh read before writing (the whole plan up front, and guarded
   * steps right before their write). Default true; false skips both checks.
   */
  checkStale?: boolean;
  /**
   * How long the up-front read stays good for a guarded step (wall ms, default 10 minutes):
   * a step starting later re-reads right before its write (apply/freshness.ts, the one rule).
   */
  rereadAfterMs?: number;
  /**
   * Where the journal and the workspace locks live (`LocalStateBackend`, `BlobStateBackend` of
   * `@pfnet/azure`, or your own). Without it apply keeps no journal and takes no lock.
   */
  state?: StateBackend;
  /** Who the locks name as holder (default: this host, pid and user). */
  lockHolder?: LockHolder;
  /**
   * A plan key: the plan must carry a valid signature under it (`PLAN_SIGNATURE`). For plans
   * read from files; see docs/security.md.
   */
  planKey?: PlanKey;
  /**
   * The reviewed spec as a witness: its topology must be the one embedded in the plan
   * (`PLAN_TAMPERED`). For plans read from files.
   */
  spec?: Topology | LoadedSpec;
  /**
   * Consent to steps that weaken isolation (their `weakens` has a `gated` entry, e.g. ingress
   * private -> public). Without it such a plan is refused (`WEAKENING_NOT_ALLOWED`) before any
   * write. Default false.
   */
  allowWeaken?: boolean;
  /**
   * Asked once every check has passed (re-derivation, provenance, locks, the stale check,
   * consent) and before anything is written: the place for an interactive confirmation, so a
   * stale or already-applied plan is refused before anyone is asked to approve it. Resolving
   * `false` ends apply with `APPLY_DECLINED`; nothing was changed. Not asked for a plan without
   * changes.
   */
  confirm?: (plan: Plan, context: { signal: AbortSignal }) => Promise<boolean>;
  /**
   * End by running the provider's workspace diagnosis (`verify`) for every workspace whose
   * changes all succeeded; its findings are `ApplyResult.verification`. Default true; false
   * skips it (`--skip-verify`). Also skipped when the provider has no `diagnose`.
   */
  verify?: boolean;
}

export interface AppliedStep {
  address: string;
  action: PlanAction;
  outcome: StepOutcome;
  durationMs: number;
  error?: SerializedError;
  pending?: PendingApproval;
  /** For skipped steps: the step (failed or pending approval) that caused the skip. */
  skippedBecause?: string;
  /** True when an interrupted earlier apply did this step and its resource still matches (not redone). */
  resumed?: boolean;
}

export interface ApplyResult {
  /** Every step of the plan, in plan order. */
  steps: AppliedStep[];
  outcomes: Record<StepOutcome, number>;
  /** Root causes only: the errors of failed steps (skipped steps repeat none of them). */
  errors: SerializedError[];
  durationMs: number;
  /**
   * The diagnosis of the workspaces this apply changed, when it ran (see `ApplyOptions.verify`).
   * Findings of level Error mean the setup does not work yet although every step succeeded.
   */
  verification?: VerifyResult;
}

export const DEFAULT_CONCURRENCY = 10;

/** How many of `steps` ended with each outcome (every outcome present, 0 when none). */
export function countOutcomes(steps: Iterable<{ outcome: StepOutcome }>): Record<StepOutcome, number> {
  const counts: Record<StepOutcome, number> = {
    succeeded: 0,
    failed: 0,
    skipped: 0,
    pendingApproval: 0,
    cancelled: 0,
  };
  for (const step of steps) counts[step.outcome]++;
  return counts;
}
