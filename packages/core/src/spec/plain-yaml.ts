/**
 * A fast reader for the YAML most specs are written in: block mappings and lists of one-line plain
 * or simply quoted scalars, and one-line flow lists and mappings of scalars. The `yaml` package builds a syntax tree and a
 * node per value (seconds and most of the memory for 100,000 keys); this reads the same text in
 * one pass.
 *
 * It never decides anything yaml would decide differently: for any text outside its subset
 * (anchors, aliases, tags, `---`, multi-line or escaped scalars, nested flow collections, repeated keys,
 * tabs, CR, ...) it returns undefined and the loader parses with yaml, whose messages and
 * positions are the only ones users see. Where it answers, it answers what yaml would: the same
 * value (plain scalars resolved by yaml's own core-schema tags) and the same offsets as
 * `offsetOf` (held to that by a differential test, plain-yaml.test.ts).
 */

import {
  COLON,
  commentAt,
  DASH,
  flow,
  HASH,
  hasSpecialCharacter,
  INDICATORS,
  isTextKey,
  KEY,
  type Located,
  MAX_KEY_LENGTH,
  type Parsed,
  pairAt,
  quoted,
  resolvePlain,
  SPACE,
  trimEnd,
  Unsupported,
  unsupported,
} from "./plain-yaml-scalars.js";
import { splitPointer } from "./pointer.js";

export type { Located } from "./plain-yaml-scalars.js";

export interface PlainYaml {
  value: unknown;
  root: Located;
}

/** The value and positions of `text`, or undefined when yaml must read it. */
export function parsePlainYaml(text: string): PlainYaml | undefined {
  if (hasSpecialCharacter(text)) return undefined;
  try {
    return new Reader(text).document();
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

/** The offset `offsetOf` gives for a JSON pointer: the entry's key, the item, else the nearest ancestor. */
export function plainOffsetOf(root: Located, path: string): number {
  let node = root;
  let offset = root.offset;
  for (const segment of splitPointer(path)) {
    const children = node.children;
    let next: Located | undefined;
    if (children instanceof Map) next = children.get(segment);
    else if (children && /^\d+$/.test(segment)) next = children[Number(segment)];
    if (!next) break;
    offset = next.offset;
    node = next;
  }
  return offset;
}

class Reader {
  private readonly starts: number[] = [0];
  private line = 0;

  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  document(): PlainYaml {
    const indent = this.next();
    if (indent < 0) unsupported(); // empty: yaml's path says so
    const at = this.lineStart() + indent;
    if (this.isDash(at)) unsupported(); // a list at the top: yaml's path reports it
    const { value, located } = this.map(at, indent);
    if (this.next() >= 0) unsupported();
    return { value, root: located };
  }

  private lineStart(): number {
    return this.starts[this.line]!;
  }

  private lineEnd(): number {
    const next = this.starts[this.line + 1];
    return next === undefined ? this.text.length : next - 1;
  }

  /** Skips blank and comment lines; the indentation of the next content line, or -1 at the end. */
  private next(): number {
    const text = this.text;
    for (; this.line < this.starts.length; this.line++) {
      const start = this.lineStart();
      const end = this.lineEnd();
      let i = start;
      while (i < end && text.charCodeAt(i) === SPACE) i++;
      if (i === end || text.charCodeAt(i) === HASH) continue;
      // Directives and document markers.
      if (i === start && (text.startsWith("---", i) || text.startsWith("...", i) || text[i] === "%"))
        unsupported();
      return i - start;
    }
    return -1;
  }

  /** `-` as a list entry indicator (followed by a space or the line end). */
  private isDash(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    return at + 1 === this.lineEnd() || this.text.charCodeAt(at + 1) === SPACE;
  }

  /** A block mapping whose first key starts at `at`, in column `column`. */
  private map(at: number, column: number): Parsed {
    const value: Record<string, unknown> = {};
    const children = new Map<string, Located>();
    let keyAt = at;
    for (;;) {
      const end = this.lineEnd();
      const colon = this.text.indexOf(":", keyAt);
      if (colon < 0 || colon >= end || colon - keyAt > MAX_KEY_LENGTH) unsupported();
      if (colon + 1 < end && this.text.charCodeAt(colon + 1) !== SPACE) unsupported();
      const key = this.text.slice(keyAt, colon);
      // `__proto__` needs yaml's own care; a repeated key needs its diagnostic.
      if (!KEY.test(key) || !isTextKey(key) || key === "__proto__" || children.has(key)) unsupported();
      const entry = this.value(colon + 1, column);
      value[key] = entry.value;
      const nested = entry.located.children;
      children.set(key, nested ? { offset: keyAt, children: nested } : { offset: keyAt });
      const indent = this.next();
      if (indent !== column) {
        if (indent > column) unsupported();
        break;
      }
      keyAt = this.lineStart() + indent;
      if (this.isDash(keyAt)) unsupported();
    }
    return { value, located: { offset: at, children } };
  }

  /** A block list whose first `-` is in column `column` of the current line. */
  private seq(column: number): Parsed {
    const value: unknown[] = [];
    const children: Located[] = [];
    const at = this.lineStart() + column;
    let dashAt = at;
    for (;;) {
      const end = this.lineEnd();
      let p = dashAt + 1;
      while (p < end && this.text.charCodeAt(p) === SPACE) p++;
      let item: Parsed;
      if (p === end || this.text.charCodeAt(p) === HASH) {
        this.line++;
        const indent = this.next();
        if (indent <= column) unsupported(); // an empty item
        const itemAt = this.lineStart() + indent;
        if (this.isDash(itemAt)) unsupported(); // a list in a list
        item = this.map(itemAt, indent);
      } else if (this.isDash(p)) {
        unsupported();
      } else if (this.startsEntry(p, end)) {
        item = this.map(p, p - this.lineStart());
      } else {
        item = this.inline(p, end);
        this.line++;
      }
      value.push(item.value);
      children.push(item.located);
      const indent = this.next();
      if (indent !== column) {
        if (indent > column) unsupported();
        break;
      }
      dashAt = this.lineStart() + indent;
      if (!this.isDash(dashAt)) break; // the next key of the mapping this list is the value of
    }
    return { value, located: { offset: at, children } };
  }

  /** Whether a list item is a compact mapping (`- key: value`): a `: ` or a final `:` before any comment. */
  private startsEntry(p: number, end: number): boolean {
    const stop = commentAt(this.text, p, end);
    return (
      pairAt(this.text, p, stop, COLON, SPACE) < stop ||
      this.text.charCodeAt(trimEnd(this.text, p, stop) - 1) === COLON
    );
  }

  /**
   * The value after a key's `:` (or a list's `-`) at `after`: on the same line, or a block on the
   * lines below (more indented; a list may sit at the key's own indentation).
   */
  private value(after: number, column: number): Parsed {
    const end = this.lineEnd();
    let p = after;
    while (p < end && this.text.charCodeAt(p) === SPACE) p++;
    if (p < end && this.text.charCodeAt(p) !== HASH) {
      const parsed = this.inline(p, end);
      this.line++;
      return parsed;
    }
    this.line++;
    const indent = this.next();
    const at = indent < 0 ? -1 : this.lineStart() + indent;
    if (indent > column) return this.isDash(at) ? this.seq(indent) : this.map(at, indent);
    if (indent === column && this.isDash(at)) return this.seq(indent);
    return { value: null, located: { offset: after } };
  }

  /** A one-line value starting at `p`: a flow list, `{}`, a quoted or a plain scalar; then a comment at most. */
  private inline(p: number, end: number): Parsed {
    const text = this.text;
    const c = text[p]!;
    let parsed: Parsed;
    let stop: number;
    if (c === "[" || c === "{") {
      [parsed, stop] = flow(text, p, end);
    } else if (c === '"' || c === "'") {
      [parsed, stop] = quoted(text, p, end);
    } else {
      if (INDICATORS.has(c) || (c === "-" && (p + 1 === end || text.charCodeAt(p + 1) === SPACE)))
        unsupported();
      const last = trimEnd(text, p, commentAt(text, p, end));
      const source = text.slice(p, last);
      if (source.includes(": ") || source.endsWith(":")) unsupported();
      return { value: resolvePlain(source), located: { offset: p } };
    }
    let rest = stop;
    while (rest < end && text.charCodeAt(rest) === SPACE) rest++;
    if (rest < end && !(text.charCodeAt(rest) === HASH && rest > stop)) unsupported();
    return parsed;
  }
}
