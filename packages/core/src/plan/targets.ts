/**
 * `--target`: restrict a plan to some steps and everything they depend on (Terraform's
 * `-target`). The result is partial by design: steps outside the closure are not planned, so a
 * targeted plan is for exceptional use (repairing one resource), never the routine.
 */
import { PfnetError } from "../errors.js";

/** The addresses of `targets` and of every step they depend on, transitively. Throws `TARGET_NOT_FOUND`. */
export function targetClosure(
  steps: ReadonlyArray<{ address: string; dependsOn: readonly string[] }>,
  targets: readonly string[],
): Set<string> {
  const byAddress = new Map(steps.map((step) => [step.address, step]));
  const unknown = targets.filter((target) => !byAddress.has(target));
  if (unknown.length > 0) {
    const near = [...byAddress.keys()].filter((address) =>
      unknown.some((target) => address.startsWith(target) || target.startsWith(address)),
    );
    throw new PfnetError(
      "TARGET_NOT_FOUND",
      `No step of the plan has the address ${unknown.map((t) => `'${t}'`).join(", ")}.`,
      {
        details: { unknown, ...(near.length > 0 ? { near: near.slice(0, 10) } : {}) },
        hint:
          near.length > 0
            ? `Addresses near it: ${near.slice(0, 5).join(", ")}.`
            : "The addresses are the `# workspace.…` lines of `pfnet plan`, or `steps[].address` in its JSON.",
      },
    );
  }
  const selected = new Set<string>();
  const stack = [...targets];
  while (stack.length > 0) {
    const address = stack.pop()!;
    if (selected.has(address)) continue;
    selected.add(address);
    for (const dependency of byAddress.get(address)?.dependsOn ?? []) stack.push(dependency);
  }
  return selected;
}
