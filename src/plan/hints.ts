/** Plain-words helpers for plan errors: "did you mean …?" and readable lists. */

/** Edit distance, small and allocation-light: plan words are short. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/** The closest candidate when it is close enough to be a typo (case differences always count). */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const score = c.toLowerCase() === lower ? 0 : distance(lower, c.toLowerCase());
    if (score < bestScore) [best, bestScore] = [c, score];
  }
  return best !== undefined && bestScore <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

export const quoteList = (words: readonly string[]): string => words.map((w) => `"${w}"`).join(', ');

/** `Did you mean "x"?` when there is a near match, otherwise the full list of choices. */
export function suggest(word: unknown, candidates: readonly string[], noun = 'Allowed values'): string {
  const near = typeof word === 'string' ? closest(word, candidates) : undefined;
  return near !== undefined ? `Did you mean "${near}"?` : `${noun}: ${quoteList(candidates)}.`;
}

/** How a value reads in a message: `the text "abc"`, `the number 3`, `a list`… */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the text "${v.length > 40 ? v.slice(0, 40) + '…' : v}"`;
  return v === undefined ? 'nothing (undefined)' : `the ${typeof v} ${String(v)}`;
}
