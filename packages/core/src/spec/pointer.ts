/** JSON pointers (RFC 6901): the `path` of every diagnostic. */

/** Escape one reference token (`~` → `~0`, `/` → `~1`). */
export const escapeToken = (token: string): string =>
  token.includes("~") || token.includes("/") ? token.replace(/~/g, "~0").replace(/\//g, "~1") : token;

/** Unescape one reference token. */
export const unescapeToken = (token: string): string =>
  token.includes("~") ? token.replace(/~1/g, "/").replace(/~0/g, "~") : token;

/** Build a pointer from raw segments: `pointer("workspaces", "pf", "egress")` → `/workspaces/pf/egress`. */
export const pointer = (...segments: ReadonlyArray<string | number>): string => {
  let path = "";
  for (const segment of segments) path += `/${escapeToken(String(segment))}`;
  return path;
};

/** Split a pointer into raw segments (`""` → `[]`). */
export function splitPointer(path: string): string[] {
  if (path === "" || path === "/") return path === "/" ? [""] : [];
  const tokens = path.slice(path.startsWith("/") ? 1 : 0).split("/");
  // Most paths escape nothing: no second array for them (a spec may have 100,000 diagnostics).
  return path.includes("~") ? tokens.map(unescapeToken) : tokens;
}

/** Compare pointers segment by segment, numeric segments as numbers (so `/a/2` < `/a/10`). */
export function comparePointers(a: string, b: string): number {
  return compareSegments(splitPointer(a), splitPointer(b));
}

/** `comparePointers` on pointers already split. */
export function compareSegments(left: readonly string[], right: readonly string[]): number {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i]!;
    const y = right[i]!;
    if (x === y) continue;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) return Number(x) - Number(y);
    return x < y ? -1 : 1;
  }
  return left.length - right.length;
}
