/**
 * Unknown keys, found before TypeBox sees the value: TypeBox's error iterator costs a generator
 * step, an error object and a message per key, and a spec may hold 100,000 of them. This walk
 * finds the keys an object schema does not allow (`additionalProperties: false`) and returns the
 * value without them, so TypeBox only reports the other problems.
 *
 * Nothing else changes: removing a key TypeBox would only report as additional changes no other
 * error, so objects are pruned only where that holds (no `minProperties`/`maxProperties`), and
 * the walk descends only through objects, records and plain arrays, reading keys as TypeBox
 * does (an object's own property names, a record's enumerable entries). Anything it does not
 * expect (a non-plain object, `__proto__`) throws `UnusualValue`, and the caller lets TypeBox walk
 * the original value as before.
 */
import { Kind, type TSchema } from "@sinclair/typebox";
import { type ValueError, ValueErrorType } from "@sinclair/typebox/errors";
import { escapeToken } from "./pointer.js";

/** The error TypeBox would yield for the key (path escaped as TypeBox escapes it). */
export type UnknownKey = ValueError;

/** A value the walk leaves to TypeBox alone. */
export class UnusualValue extends Error {}

type Schema = TSchema & Record<string, unknown>;

/** `value` without the keys its schema does not allow (the same value when there are none); `found` gets each. */
export function withoutUnknownKeys(schema: TSchema, value: unknown, found: UnknownKey[], path = ""): unknown {
  const s = schema as Schema;
  switch (s[Kind]) {
    case "Object":
      return isRecord(value) ? fromObject(s, value, found, path) : value;
    case "Record":
      return isRecord(value) ? fromRecord(s, value, found, path) : value;
    case "Array":
      return Array.isArray(value) ? fromArray(s, value, found, path) : value;
    default:
      return value;
  }
}

function fromObject(schema: Schema, value: Record<string, unknown>, found: UnknownKey[], path: string) {
  const properties = (schema.properties ?? {}) as Record<string, TSchema>;
  const prune =
    schema.additionalProperties === false &&
    schema.minProperties === undefined &&
    schema.maxProperties === undefined;
  // TypeBox reads an object's own property names, enumerable or not.
  return rebuild(value, Object.getOwnPropertyNames(value), (key, item) => {
    if (Object.hasOwn(properties, key))
      return withoutUnknownKeys(properties[key]!, item, found, `${path}/${escapeToken(key)}`);
    if (!prune) return item;
    found.push({
      type: ValueErrorType.ObjectAdditionalProperties,
      schema,
      path: `${path}/${escapeToken(key)}`,
      value: item,
      message: "Unexpected property",
      errors: [],
    });
    return REMOVED;
  });
}

const patterns = new WeakMap<object, [RegExp, TSchema]>();

function fromRecord(schema: Schema, value: Record<string, unknown>, found: UnknownKey[], path: string) {
  let pattern = patterns.get(schema);
  if (!pattern) {
    const [source, itemSchema] = Object.entries(schema.patternProperties as Record<string, TSchema>)[0]!;
    pattern = [new RegExp(source), itemSchema];
    patterns.set(schema, pattern);
  }
  const [regex, itemSchema] = pattern;
  // A copy keeps the enumerable entries, all TypeBox reads of a record, but not its property count.
  if (schema.minProperties !== undefined || schema.maxProperties !== undefined) return value;
  return rebuild(value, Object.keys(value), (key, item) =>
    regex.test(key) ? withoutUnknownKeys(itemSchema, item, found, `${path}/${escapeToken(key)}`) : item,
  );
}

function fromArray(schema: Schema, value: unknown[], found: UnknownKey[], path: string): unknown[] {
  // Pruning would change what these compare.
  if (
    schema.uniqueItems === true ||
    "contains" in schema ||
    "minContains" in schema ||
    "maxContains" in schema
  )
    return value;
  if (Object.getPrototypeOf(value) !== Array.prototype) throw new UnusualValue();
  const items = schema.items as TSchema;
  let copy: unknown[] | undefined;
  for (let i = 0; i < value.length; i++) {
    const item = withoutUnknownKeys(items, value[i], found, `${path}/${i}`);
    if (item === value[i]) continue;
    copy ??= value.slice();
    copy[i] = item;
  }
  return copy ?? value;
}

const REMOVED = Symbol("removed");

/**
 * The object's `keys` with each value replaced by `map`'s answer (dropped for REMOVED), as a new
 * plain object; the same object when no value changed.
 */
function rebuild(
  value: Record<string, unknown>,
  keys: string[],
  map: (key: string, item: unknown) => unknown,
): Record<string, unknown> {
  const prototype = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) throw new UnusualValue();
  let copy: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = value[key];
    const mapped = map(key, item);
    if (copy === undefined) {
      if (mapped === item) continue;
      // The first change: the entries before it are kept as they are.
      copy = prototype === null ? Object.create(null) : {};
      for (let j = 0; j < i; j++) keep(copy!, keys[j]!, value[keys[j]!]);
    }
    if (mapped !== REMOVED) keep(copy!, key, mapped);
  }
  return copy ?? value;
}

function keep(copy: Record<string, unknown>, key: string, item: unknown): void {
  if (key === "__proto__") throw new UnusualValue();
  copy[key] = item;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
