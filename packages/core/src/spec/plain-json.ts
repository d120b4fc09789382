/**
 * Positions in a JSON spec in one pass, for the loader's fast path: the value comes from
 * `JSON.parse`, and this scanner records where each key and item starts — the offsets yaml's
 * document would give (`offsetOf`). It declines (undefined) whenever yaml must decide: text
 * `JSON.parse` refuses (yaml gives the positions of the error), a repeated key (PFN006), or a
 * `__proto__` key.
 */

import type { PlainYaml } from "./plain-yaml.js";
import type { Located } from "./plain-yaml-scalars.js";

class Declined extends Error {}

export function parsePlainJson(text: string): PlainYaml | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  try {
    const scanner = new Scanner(text);
    const root = scanner.value();
    return { value, root };
  } catch (error) {
    if (error instanceof Declined) return undefined;
    throw error;
  }
}

/** Walks text JSON.parse accepted, so it checks only what it needs to find the starts. */
class Scanner {
  private at = 0;
  constructor(private readonly text: string) {}

  private space(): void {
    const { text } = this;
    while (this.at < text.length) {
      const c = text.charCodeAt(this.at);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.at++;
    }
  }

  /** The string starting at the current quote; the scanner ends after its closing quote. */
  private string(): string {
    const start = this.at;
    let end = this.at + 1;
    let escaped = false;
    for (;;) {
      const c = this.text.charCodeAt(end);
      if (c === 0x5c) {
        escaped = true;
        end += 2;
      } else if (c === 0x22) break;
      else end++;
    }
    this.at = end + 1;
    const raw = this.text.slice(start, end + 1);
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  value(): Located {
    this.space();
    const offset = this.at;
    const c = this.text[this.at];
    if (c === "{") {
      this.at++;
      const children = new Map<string, Located>();
      this.space();
      if (this.text[this.at] === "}") {
        this.at++;
        return { offset, children };
      }
      for (;;) {
        this.space();
        const keyAt = this.at;
        const key = this.string();
        if (children.has(key) || key === "__proto__") throw new Declined();
        this.space();
        this.at++; // ':'
        const item = this.value();
        children.set(key, { offset: keyAt, ...(item.children ? { children: item.children } : {}) });
        this.space();
        if (this.text[this.at++] === "}") return { offset, children };
      }
    }
    if (c === "[") {
      this.at++;
      const children: Located[] = [];
      this.space();
      if (this.text[this.at] === "]") {
        this.at++;
        return { offset, children };
      }
      for (;;) {
        children.push(this.value());
        this.space();
        if (this.text[this.at++] === "]") return { offset, children };
      }
    }
    if (c === '"') {
      this.string();
      return { offset };
    }
    // A number, true, false or null: up to the next delimiter.
    while (this.at < this.text.length && !/[\s,\]}]/.test(this.text[this.at]!)) this.at++;
    return { offset };
  }
}
