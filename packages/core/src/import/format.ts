/**
 * The imported spec as YAML: the schema line editors use, a header saying where it came from, and
 * every note as a comment above the part of the spec it concerns (`# pfnet import: ...`), so the
 * file itself shows what it could not say.
 */
import { Document, isMap, isScalar, type Node, type Pair } from "yaml";
import { splitPointer } from "../spec/pointer.js";
import type { ImportResult } from "./import.js";

export interface FormatImportOptions {
  /** Comment lines at the top (without `#`), e.g. the ids imported. */
  header?: string[];
  /** `$schema` comment for editors (yaml-language-server); omitted when absent. */
  schema?: string;
}

/** The deepest node of the document a JSON pointer reaches (the parent when a key is missing). */
function nodeAt(doc: Document, pointer: string): { node: Node; pair?: Pair } | undefined {
  let current: unknown = doc.contents;
  let pair: Pair | undefined;
  for (const token of splitPointer(pointer)) {
    if (!isMap(current)) break;
    const found = current.items.find((item) => isScalar(item.key) && String(item.key.value) === token);
    if (!found) break;
    pair = found as Pair;
    current = found.value;
  }
  return pair ? { node: pair.key as Node, pair } : undefined;
}

export function formatImportedSpec(result: ImportResult, options: FormatImportOptions = {}): string {
  const doc = new Document(result.topology);
  const header = [
    ...(options.schema ? [` yaml-language-server: $schema=${options.schema}`] : []),
    ...(options.header ?? []).map((line) => ` ${line}`),
  ];
  const general: string[] = [];
  for (const note of result.notes) {
    const target = note.path === "" ? undefined : nodeAt(doc, note.path);
    const text = ` pfnet import: ${note.message}`;
    if (!target) {
      general.push(text);
      continue;
    }
    const key = target.node as Node & { commentBefore?: string | null };
    key.commentBefore = key.commentBefore ? `${key.commentBefore}\n${text}` : text;
  }
  const top = [...header, ...general];
  if (top.length > 0) doc.commentBefore = top.join("\n");
  const text = doc.toString({ lineWidth: 0 });
  return text.endsWith("\n") ? text : `${text}\n`;
}
