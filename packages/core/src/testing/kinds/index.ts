/**
 * The in-memory provider's registry: one handler per resource kind, each in the module named
 * after the kind. `MEMORY_KINDS` is generated from the modules (`registry.generated.ts`,
 * `pnpm gen:kinds`) and typed over `ResourceKind`, so a kind without its handler does not compile.
 */
import type { ResourceKind } from "../../model.js";
import type { MemoryKindHandler } from "./handler.js";
import { MEMORY_KINDS } from "./registry.generated.js";

export { MEMORY_KINDS };
export type MemoryKinds = typeof MEMORY_KINDS;

/** The handler of `kind`, or undefined for a kind no handler knows (a plan from elsewhere). */
export function memoryKind(kind: string): MemoryKindHandler<ResourceKind> | undefined {
  return Object.hasOwn(MEMORY_KINDS, kind)
    ? (MEMORY_KINDS[kind as ResourceKind] as MemoryKindHandler<ResourceKind>)
    : undefined;
}

export type { IdentityOf, MemoryApplyContext, MemoryKindHandler } from "./handler.js";
export { discoverRules } from "./outboundRule.js";
export { listRoleAssignments } from "./roleAssignment.js";
