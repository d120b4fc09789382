/**
 * Limits on input text, checked before any parser sees it: parsers and the recursive code after
 * them (canonical JSON, YAML's composer, TypeBox) would otherwise meet a 20 MB file or 100,000
 * nested brackets with minutes of work or a stack overflow. Each check is one linear scan.
 */

/** The largest spec pfnet reads: a fleet of workspaces fits in well under 1 MB. */
export const MAX_SPEC_BYTES = 10 * 1024 * 1024;

/**
 * Deepest nesting pfnet reads in a spec or a plan file. A spec is about 6 levels deep and a
 * plan file about 10; 64 leaves room for ARM property values and stays far below any stack limit.
 */
export const MAX_NESTING_DEPTH = 64;

/** "10 MB", "12.3 MB", "512 KB": sizes in the messages. */
export function describeBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    const mb = bytes / (1024 * 1024);
    return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  }
  if (bytes >= 1024) return `${Math.round(bytes / 1024)} KB`;
  return `${bytes} bytes`;
}

/**
 * Offset of the first bracket that opens level `limit + 1` in JSON text, or undefined when the
 * text nests at most `limit` levels. Brackets inside strings do not count.
 */
export function jsonTooDeepAt(text: string, limit = MAX_NESTING_DEPTH): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      i = endOfDoubleQuoted(text, i);
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return i;
    } else if ((c === 0x5d /* ] */ || c === 0x7d) /* } */ && depth > 0) {
      depth--;
    }
  }
  return undefined;
}

/**
 * The same for YAML, which nests three ways: flow brackets, indentation, and compact sequences
 * (`- - - a`). An estimate that never undercounts real nesting: an unquoted `[` inside a plain
 * scalar counts too, which only matters past `limit` levels. Quoted strings and comments do not count.
 */
export function yamlTooDeepAt(text: string, limit = MAX_NESTING_DEPTH): number | undefined {
  let flow = 0;
  const indents: number[] = [];
  let lineStart = true;
  let column = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a /* \n */) {
      lineStart = true;
      column = 0;
      continue;
    }
    if (lineStart) {
      if (c === 0x20 /* space */) {
        column++;
        continue;
      }
      lineStart = false;
      if (c === 0x23 /* # */ || c === 0x0d /* \r */) {
        i = endOfLine(text, i);
        lineStart = true;
        column = 0;
        continue;
      }
      if (flow === 0) {
        // Block nesting: one level per indentation deeper than the enclosing lines, plus one per
        // compact sequence entry (`- `) starting this line.
        while (indents.length > 0 && indents[indents.length - 1]! >= column) indents.pop();
        indents.push(column);
        let dashes = 0;
        while (text.charCodeAt(i) === 0x2d /* - */ && isBlank(text.charCodeAt(i + 1))) {
          dashes++;
          i += 2;
          while (text.charCodeAt(i) === 0x20) i++;
        }
        // A line's first `- ` shares its indentation level with the sequence it starts.
        if (Math.max(indents.length, indents.length - 1 + dashes) > limit) return i;
        i--;
        continue;
      }
    }
    if (c === 0x22 /* " */) i = endOfDoubleQuoted(text, i);
    else if (c === 0x27 /* ' */ && startsScalar(text, i)) i = endOfSingleQuoted(text, i);
    else if (c === 0x23 /* # */ && isBlank(text.charCodeAt(i - 1))) i = endOfLine(text, i) - 1;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++flow + indents.length > limit) return i;
    } else if ((c === 0x5d /* ] */ || c === 0x7d) /* } */ && flow > 0) flow--;
  }
  return undefined;
}

const isBlank = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || Number.isNaN(c);

/** A `'` opens a single-quoted scalar only where a value starts (not inside `it's`). */
function startsScalar(text: string, i: number): boolean {
  const before = text.charCodeAt(i - 1);
  return Number.isNaN(before) || isBlank(before) || before === 0x5b || before === 0x7b || before === 0x2c;
}

/** Index of the closing `"` (or the end); `\` escapes the next character. */
function endOfDoubleQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c /* \ */) i++;
    else if (c === 0x22) return i;
  }
  return text.length;
}

/** Index of the closing `'` (or the end); `''` is an escaped quote. */
function endOfSingleQuoted(text: string, open: number): number {
  for (let i = open + 1; i < text.length; i++) {
    if (text.charCodeAt(i) === 0x27) {
      if (text.charCodeAt(i + 1) === 0x27) i++;
      else return i;
    }
  }
  return text.length;
}

function endOfLine(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}
