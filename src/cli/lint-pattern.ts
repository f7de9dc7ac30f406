/**
 * Patterns that take exponential time on a text that almost matches (catastrophic backtracking):
 * a repeated group whose content is one repeat and nothing that every round must match, such as
 * `([A-Z0-9]+-?)+`, `(a+)*` or `(\w*\s?)+`. The collect server checks every property against its
 * plan pattern, on text anyone can send (security review 2026-12-06: 32 characters held it for
 * 11 s). `(-[A-Z0-9]+)*` is fine: each round must start with its `-`. A heuristic for the common
 * shapes, not a proof: alternations inside the group are left alone.
 */

/** One token of a group's content and its quantifier: `[A-Z]`, `\d`, `a`, then `+`, `{2,}`, `?`… */
const TOKEN = /(\\.|\[(?:\\.|[^\]\\])*\]|[^\\[(){}|*+?])([*+?]|\{\d+(?:,\d*)?\})?\??/g;
/** A group without groups inside, followed by a quantifier that repeats it. */
const REPEATED_GROUP = /\((?:\?:)?((?:\\.|\[(?:\\.|[^\]\\])*\]|[^()\\[])*)\)(?:[*+]|\{\d+,\d*\})/g;

/** `+`, `*`, `{2,}`, `{1,5}`: a quantifier that lets a round take more or fewer characters. */
const repeats = (q: string | undefined) => {
  const range = q ? /^\{(\d+),(\d*)\}$/.exec(q) : null;
  return q === '+' || q === '*' || (!!range && range[2] !== range[1]);
};
/** A token every round must match as it is: no quantifier, or a fixed count (`{3}`). */
const fixed = (q: string | undefined) => !q || /^\{[1-9]\d*\}$/.test(q);

export function slowPattern(pattern: string): boolean {
  for (const [, body] of pattern.matchAll(REPEATED_GROUP)) {
    if (!body || body.includes('|')) continue;
    const tokens = [...body.matchAll(TOKEN)].map(([, , q]) => q);
    const variable = tokens.filter(repeats).length;
    // Every round must match something that is not the repeat itself: a delimiter splits the rounds.
    const delimiters = tokens.filter(fixed).length;
    if (variable >= 1 && delimiters === 0) return true;
  }
  return false;
}
