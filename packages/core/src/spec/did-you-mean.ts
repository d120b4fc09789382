/** Did-you-mean for field names and values: the closest candidate within a small edit distance. */

/**
 * The candidate closest to `word` (edit distance at most a third of its length, min 2), if any:
 * the "did you mean" of unknown fields, and of the CLI's unknown commands.
 */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  // No field name is that long: a guess would cost time and help no one.
  if (word.length > 100) return undefined;
  let best: string | undefined;
  let limit = Math.max(2, Math.floor(word.length / 3));
  const lower = word.toLowerCase();
  const lowered = lowerCased(candidates);
  const ascii = countAscii(lower, wordCounts);
  for (let index = 0; index < candidates.length; index++) {
    const candidate = lowered[index]!;
    if (Math.abs(candidate.length - lower.length) > limit) continue;
    // The cheap lower bound first: most unknown keys are nowhere near any field name.
    if (ascii && bagDistance(candidate, lower.length) > limit) continue;
    const distance = boundedEditDistance(lower, candidate, limit);
    if (distance <= limit) {
      best = candidates[index];
      // Later candidates must be strictly closer.
      limit = distance - 1;
      if (limit < 0) break;
    }
  }
  if (ascii) wordCounts.fill(0);
  return best;
}

/** Lower-cased candidate lists, by list (the field lists are built once per schema). */
const loweredLists = new WeakMap<readonly string[], readonly string[]>();
function lowerCased(candidates: readonly string[]): readonly string[] {
  let lowered = loweredLists.get(candidates);
  if (!lowered) {
    lowered = candidates.map((candidate) => candidate.toLowerCase());
    loweredLists.set(candidates, lowered);
  }
  return lowered;
}

/** Character counts of the word being guessed for (ASCII only; reset after each guess). */
const wordCounts = new Int32Array(128);

/** Count the word's characters into `counts`; false (and nothing counted) if it is not ASCII. */
function countAscii(word: string, counts: Int32Array): boolean {
  for (let i = 0; i < word.length; i++) if (word.charCodeAt(i) >= 128) return false;
  for (let i = 0; i < word.length; i++) counts[word.charCodeAt(i)]!++;
  return true;
}

/**
 * The bag distance between the counted word (`wordLength` characters) and `candidate`: a lower
 * bound of their edit distance, since one edit changes each side's unmatched characters by at
 * most one.
 */
function bagDistance(candidate: string, wordLength: number): number {
  const counts = wordCounts;
  // The candidate's characters the word has no copy of; the counts are restored after.
  let missing = 0;
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (code >= 128 || counts[code]! <= 0) missing++;
    if (code < 128) counts[code]!--;
  }
  for (let i = 0; i < candidate.length; i++) {
    const code = candidate.charCodeAt(i);
    if (code < 128) counts[code]!++;
  }
  const extra = wordLength - (candidate.length - missing);
  return Math.max(missing, extra);
}

/** Two rows of the edit-distance table, reused: a spec may have 100,000 unknown keys to guess for. */
let rowA = new Int32Array(128);
let rowB = new Int32Array(128);

/**
 * Levenshtein distance, or `limit + 1` as soon as it must exceed `limit`: only a band of width
 * 2 * limit + 1 around the diagonal is computed, so each call costs O(length * limit).
 */
function boundedEditDistance(a: string, b: string, limit: number): number {
  const far = limit + 1;
  if (Math.abs(a.length - b.length) > limit) return far;
  const width = b.length + 1;
  if (rowA.length < width + 1) {
    rowA = new Int32Array(width * 2);
    rowB = new Int32Array(width * 2);
  }
  let previous = rowA;
  let current = rowB;
  for (let j = 0; j < width; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    const ai = a.charCodeAt(i - 1);
    current[0] = i;
    if (from > 1) current[from - 1] = far;
    let rowMin = from === 1 ? i : far;
    for (let j = from; j <= to; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      const up = j <= i - 1 + limit ? previous[j]! + 1 : far;
      const left = current[j - 1]! + 1;
      const diagonal = previous[j - 1]! + cost;
      const value = Math.min(up, left, diagonal);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (to < b.length) current[to + 1] = far;
    if (rowMin > limit) return far;
    const swap = previous;
    previous = current;
    current = swap;
  }
  return Math.min(previous[b.length]!, far);
}
