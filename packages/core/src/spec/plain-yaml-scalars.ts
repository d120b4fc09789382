/**
 * The pieces of the fast YAML reader (plain-yaml.ts) below the line structure: scalars, one-line
 * flow collections, and the search within one line. Each throws `Unsupported` for what it leaves
 * to yaml.
 */
import { isScalar, Schema } from "yaml";

/** Where a value starts (for a mapping entry, its key) and where its entries or items are. */
export interface Located {
  offset: number;
  children?: Map<string, Located> | Located[];
}

export interface Parsed {
  value: unknown;
  located: Located;
}

/** Anything the subset leaves to yaml: a nested throw ends the fast read. */
export class Unsupported extends Error {}
export function unsupported(): never {
  throw new Unsupported();
}

/** Keys: plain words (a key that resolves to a number, boolean or null is left to yaml). */
export const KEY = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
/** Items of a flow list: plain words, inner spaces allowed; no flow indicator, `:` or `#`. */
export const FLOW_ITEM = /^[A-Za-z0-9_./~+=-][A-Za-z0-9_./~+= -]*$/;
/** Indicators a block plain scalar may not start with (`-` is handled apart). */
export const INDICATORS = new Set("?:,[]{}#&*!|>'\"%@`");
/** yaml counts an implicit key longer than this as an error. */
export const MAX_KEY_LENGTH = 1000;

export const SPACE = 0x20;
export const HASH = 0x23;
export const DASH = 0x2d;
export const COLON = 0x3a;

/** Characters yaml treats specially (or validates) anywhere: tabs, CR, controls, BOM, line separators. */
export function hasSpecialCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 ? c !== 0x0a : (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff)
      return true;
  }
  return false;
}

const coreTags = new Schema({ schema: "core" }).tags.filter(
  (tag) => tag.default === true && "test" in tag && tag.test instanceof RegExp,
) as Array<{ test: RegExp; resolve: (value: string, onError: () => void, options: object) => unknown }>;
const resolveOptions = { intAsBigInt: false };

/**
 * Whether a plain key stays text. No core-schema tag matches text that starts with `_` or a
 * letter other than those of `true`, `false` and `null` (most keys): only the rest are resolved.
 */
export function isTextKey(key: string): boolean {
  const c = key.charCodeAt(0) | 0x20;
  const word = (c >= 0x61 && c <= 0x7a && c !== 0x74 && c !== 0x66 && c !== 0x6e) || key[0] === "_";
  return word || resolvePlain(key) === key;
}

/** A plain scalar's value, as yaml's core schema resolves it. */
export function resolvePlain(source: string): unknown {
  for (const tag of coreTags) {
    if (!tag.test.test(source)) continue;
    const resolved = tag.resolve(source, unsupported, resolveOptions);
    return isScalar(resolved) ? resolved.value : resolved;
  }
  return source;
}

/**
 * `[a, "b", c]` or `{ key: a, other: "b" }` on one line, of scalars only; the parsed collection
 * and the offset after its closing bracket.
 */
export function flow(text: string, open: number, end: number): [Parsed, number] {
  const isMap = text[open] === "{";
  const close = isMap ? "}" : "]";
  const list: unknown[] = [];
  const map: Record<string, unknown> = {};
  const children: Located[] | Map<string, Located> = isMap ? new Map() : [];
  let p = skipSpaces(text, open + 1, end);
  if (text[p] === close) return [{ value: isMap ? map : list, located: { offset: open, children } }, p + 1];
  for (;;) {
    let key: string | undefined;
    const keyAt = p;
    if (isMap) {
      const colon = pairAt(text, p, end, COLON, SPACE);
      key = text.slice(p, colon);
      if (!KEY.test(key) || !isTextKey(key) || key === "__proto__" || key in map) unsupported();
      p = skipSpaces(text, colon + 1, end);
    }
    let item: Parsed;
    if (text[p] === '"' || text[p] === "'") {
      [item, p] = quoted(text, p, end);
    } else {
      let stop = p;
      while (stop < end && text[stop] !== "," && text[stop] !== close) stop++;
      const source = text.slice(p, trimEnd(text, p, stop));
      if (!FLOW_ITEM.test(source) || /^-( |$)/.test(source)) unsupported();
      item = { value: resolvePlain(source), located: { offset: p } };
      p = stop;
    }
    if (key === undefined) {
      list.push(item.value);
      (children as Located[]).push(item.located);
    } else {
      map[key] = item.value;
      (children as Map<string, Located>).set(key, { offset: keyAt });
    }
    p = skipSpaces(text, p, end);
    if (text[p] === close) break;
    if (text[p] !== ",") unsupported();
    p = skipSpaces(text, p + 1, end);
    if (text[p] === close) unsupported(); // a trailing comma
  }
  return [{ value: isMap ? map : list, located: { offset: open, children } }, p + 1];
}

export function skipSpaces(text: string, from: number, to: number): number {
  let p = from;
  while (p < to && text.charCodeAt(p) === SPACE) p++;
  return p;
}

/** A one-line quoted scalar without escapes; the value and the offset after the closing quote. */
export function quoted(text: string, open: number, end: number): [Parsed, number] {
  const quote = text[open]!;
  let value = "";
  let from = open + 1;
  for (;;) {
    const close = text.indexOf(quote, from);
    if (close < 0 || close >= end) unsupported();
    if (quote === '"') {
      value = text.slice(from, close);
      if (value.includes("\\")) unsupported();
      return [{ value, located: { offset: open } }, close + 1];
    }
    value += text.slice(from, close);
    if (text[close + 1] !== "'") return [{ value, located: { offset: open } }, close + 1];
    value += "'";
    from = close + 2;
  }
}

/** Where `first` then `second` occur in `text[from, to)` (searching one line, not the whole text); `to` if nowhere. */
export function pairAt(text: string, from: number, to: number, first: number, second: number): number {
  for (let i = from; i + 1 < to; i++) {
    if (text.charCodeAt(i) === first && text.charCodeAt(i + 1) === second) return i;
  }
  return to;
}

/** Where a comment (` #`) starts in `text[from, to)`; `to` if none. */
export const commentAt = (text: string, from: number, to: number): number =>
  pairAt(text, from, to, SPACE, HASH);

/** The end of `text[from, to)` without trailing spaces. */
export function trimEnd(text: string, from: number, to: number): number {
  let last = to;
  while (last > from && text.charCodeAt(last - 1) === SPACE) last--;
  return last;
}
