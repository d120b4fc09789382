/** JSON.parse's errors in pfnet's words, with the offset they are about. */

/** The message without V8's position suffixes, and the offset it points at. */
export function jsonSyntaxError(message: string, text: string): { message: string; offset: number } {
  const at = /at position (\d+)/.exec(message);
  const clean = message
    .replace(/\s*in JSON at position \d+.*$/s, "")
    .replace(/\s*\(line \d+ column \d+\)$/, "")
    .replace(/^(Unexpected token '.+?'), .* is not valid JSON$/s, "$1");
  return { message: clean, offset: at ? Number(at[1]) : unexpectedTokenOffset(message, text) };
}

/**
 * Where V8's "Unexpected token 'x', "…context…" is not valid JSON" points (it gives no position):
 * for texts of 21+ characters the context is up to 10 characters either side of the token, with
 * "..." where it was cut. Falls back to the end of the text.
 */
function unexpectedTokenOffset(message: string, text: string): number {
  const match = /^Unexpected token '(.+?)', (\.\.\.)?"(.*)"(\.\.\.)? is not valid JSON$/s.exec(message);
  if (!match) return text.length;
  const [, token = "", cutStart, context = ""] = match;
  const start = text.indexOf(context);
  if (start < 0) return text.length;
  if (cutStart) return start + 10;
  // Not cut at the start: the whole (short) text, or its first characters up to 10 past the token.
  const inContext = context === text ? context.indexOf(token) : context.length - 10;
  return inContext < 0 ? text.length : start + inContext;
}
