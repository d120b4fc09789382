/**
 * Where things are in a parsed YAML document: the node at a JSON pointer, keys that repeat, an
 * alias with no anchor. Each walk is one pass, so locating every diagnostic of a huge spec stays
 * linear.
 */
import {
  type Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  visit,
  type YAMLMap,
  type Node as YamlNode,
} from "yaml";
import { splitPointer } from "./pointer.js";

/**
 * Source offset of the node at a JSON pointer: a mapping entry resolves to its key, a list item
 * to the item. When the path leaves the document, the nearest existing ancestor.
 */
export function offsetOf(document: Document, path: string): number {
  let node: unknown = document.contents;
  let offset = startOf(node) ?? 0;
  for (const segment of splitPointer(path)) {
    if (isAlias(node)) node = node.resolve(document);
    if (isMap(node)) {
      const pair = keyIndex(node).get(segment);
      if (!pair) break;
      offset = startOf(pair.key) ?? startOf(pair.value) ?? offset;
      node = pair.value;
    } else if (isSeq(node)) {
      if (!/^\d+$/.test(segment)) break;
      const item = node.items[Number(segment)];
      if (item === undefined) break;
      offset = startOf(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

type MapEntry = YAMLMap["items"][number];
const keyIndexes = new WeakMap<YAMLMap, Map<string, MapEntry>>();

/** A mapping's entries by key text, built once: locating every diagnostic stays linear. */
function keyIndex(map: YAMLMap): Map<string, MapEntry> {
  let index = keyIndexes.get(map);
  if (!index) {
    index = new Map();
    // The last matching key wins, as in the parsed value.
    for (const item of map.items) {
      if (!isPair(item)) continue;
      const key = keyText(item.key);
      if (key !== undefined) index.set(key, item);
    }
    keyIndexes.set(map, index);
  }
  return index;
}

function startOf(node: unknown): number | undefined {
  const range = (node as YamlNode | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  if (key === null || key === undefined) return undefined;
  return String(key);
}

/** Keys that repeat an earlier key of the same mapping, in one pass (a set per mapping). */
export function duplicateKeys(document: Document): Array<{ key: string; offset: number }> {
  const found: Array<{ key: string; offset: number }> = [];
  visit(document, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (!isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        if (seen.has(key)) found.push({ key, offset: startOf(pair.key) ?? 0 });
        else seen.add(key);
      }
      return undefined;
    },
  });
  return found;
}

export function unresolvedAliasOffset(document: Document): number | undefined {
  let found: number | undefined;
  visit(document, {
    Alias(_, alias) {
      if (alias.resolve(document) === undefined) {
        found = startOf(alias);
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** How the spec's YAML is parsed (by the loader, and by the fast reader's differential test). */
export const YAML_OPTIONS = {
  prettyErrors: false,
  // Duplicate keys are found by duplicateKeys, in linear time (yaml's own check compares every key pair).
  uniqueKeys: false,
  strict: true,
  schema: "core",
  // The library never writes to the console: yaml's own warnings would go to process warnings.
  logLevel: "silent",
} as const;
