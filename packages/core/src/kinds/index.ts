/**
 * The registry of resource kinds: one contract per `ResourceKind`, each in its module named
 * after the kind. `KINDS` is generated from those modules (`registry.generated.ts`,
 * `pnpm gen:kinds`) and typed so that a kind without its contract is a compile error; the
 * completeness test checks the other layers (Azure module, in-memory handler) by `RESOURCE_KINDS`.
 */
import type { ResourceKind } from "../model.js";
import type { KindContract, KindDisplay } from "./contract.js";
import { KINDS } from "./registry.generated.js";

export { KINDS };
export type KindRegistry = typeof KINDS;

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
