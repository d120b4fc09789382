import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { closest } from "./did-you-mean.js";

/** Plain Levenshtein distance, the definition `closest` must agree with. */
function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** What `closest` promises: the first candidate at the smallest distance within the limit. */
function naiveClosest(word: string, candidates: readonly string[]): string | undefined {
  const limit = Math.max(2, Math.floor(word.length / 3));
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

describe("closest (did-you-mean)", () => {
  it("guesses field names", () => {
    const fields = ["network", "ingress", "egress", "reach", "endpoints", "firewallSku"];
    expect(closest("netwrok", fields)).toBe("network");
    expect(closest("Ingres", fields)).toBe("ingress");
    expect(closest("firewalSKU", fields)).toBe("firewallSku");
    expect(closest("unknown12345", fields)).toBeUndefined();
  });

  it("agrees with the plain edit distance on any words, ASCII or not", () => {
    const word = fc.string({ unit: fc.constantFrom("a", "b", "c", "A", "é", "d", "1"), maxLength: 12 });
    fc.assert(
      fc.property(word, fc.array(word, { maxLength: 8 }), (guess, candidates) => {
        expect(closest(guess, candidates)).toBe(naiveClosest(guess, candidates));
      }),
      { numRuns: 2000 },
    );
  });
});
