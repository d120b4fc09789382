/**
 * Desired values that repeat across a fleet, made once: every workspace that reaches a host has
 * an equal FQDN rule, so 5,000 workspaces held 150,000 equal property objects. A shared value is
 * deep-frozen, so no node, step or caller can change another's through it.
 */

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

const values = new Map<string, object>();

/**
 * The one value for `key` (the inputs that decide it, written collision-free), made by `make`
 * the first time. Bounded like the name memos (names.ts): large specs repeat a few dozen values.
 */
export function sharedValue<T extends object>(key: string, make: () => T): T {
  let value = values.get(key) as T | undefined;
  if (value === undefined) {
    value = deepFreeze(make());
    if (values.size > 10_000) values.clear();
    values.set(key, value);
  }
  return value;
}
