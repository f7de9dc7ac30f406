/**
 * The `if`s and `else`s around a listener's binding. A site-wide script often binds on some pages
 * only (`if (location.pathname === '/kontakt') $('form').submit(…)`): a trigger, which counts on
 * every page, would count what the listener never heard. Read in the listeners' own pass.
 */
import type { Token } from './tokens';

export interface Condition {
  /** The tokens the branch covers, [start, end). */
  start: number;
  end: number;
  /** The test's parentheses, as token indexes; none for an `else`. */
  test?: [open: number, close: number];
  /** After `if (test) return;`: what follows in its block runs only when the test is false. */
  returns?: boolean;
}

const is = (t: Token | undefined, text: string) => t?.kind === 'punct' && t.text === text;
const CLOSERS = new Set([')', ']', '}']);

/** `see(i)` for each token in order; `around(i)` the conditions the token is under, innermost first (the innermost few). */
export function conditions(tokens: Token[], pair: Int32Array, lineBefore: (i: number) => boolean) {
  const open: Condition[] = [];
  const blocks: number[] = []; // the `{`s around the scan
  const ends = new Map<number, number>();
  /**
   * The end of the branch starting at token k: its block, or its one statement. The statement of
   * `if (a) if (b) …` is the inner if's too: walked once and remembered, so a run of them stays linear.
   */
  const branch = (k: number) => {
    if (is(tokens[k], '{')) return pair[k]! + 1;
    const heads = [k];
    let s = k;
    while (tokens[s]?.kind === 'id' && tokens[s]!.text === 'if' && is(tokens[s + 1], '(') && !ends.has(s)) { s = Math.max(pair[s + 1]! + 1, s + 2); heads.push(s); }
    let end = ends.get(s) ?? tokens.length;
    if (!ends.has(s) && is(tokens[s], '{')) end = pair[s]! + 1;
    else if (!ends.has(s)) {
      for (let e = s; e < tokens.length;) {
        const t = tokens[e]!;
        if (t.kind === 'punct' && t.text === ';') { end = e + 1; break; }
        if (t.kind === 'punct' && CLOSERS.has(t.text)) { end = e; break; }
        if (e > s && lineBefore(e) && !is(t, '.') && !is(t, '?.')) { end = e; break; }
        e = t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{') ? Math.max(pair[e]! + 1, e + 1) : e + 1;
      }
    }
    for (const h of heads) ends.set(h, end);
    return end;
  };
  return {
    see(i: number): void {
      while (open.length && open[open.length - 1]!.end <= i) open.pop();
      while (blocks.length && pair[blocks[blocks.length - 1]!]! <= i) blocks.pop();
      const t = tokens[i]!;
      if (is(t, '{')) blocks.push(i);
      if (t.kind !== 'id') return;
      if (t.text === 'if' && is(tokens[i + 1], '(') && pair[i + 1]! < tokens.length) {
        const close = pair[i + 1]!;
        const end = branch(close + 1);
        open.push({ start: close + 1, end, test: [i + 1, close] });
        // `if (!document.body.classList.contains('checkout')) return;`: the rest of its block is conditional.
        const first = tokens[is(tokens[close + 1], '{') ? close + 2 : close + 1];
        const block = blocks[blocks.length - 1];
        if (first?.kind === 'id' && first.text === 'return' && block !== undefined) open.push({ start: end, end: pair[block]!, test: [i + 1, close], returns: true });
      } else if (t.text === 'else' && !(tokens[i + 1]?.kind === 'id' && tokens[i + 1]!.text === 'if')) {
        open.push({ start: i + 1, end: branch(i + 1) });
      }
    },
    around(i: number): Condition[] {
      return open.slice(-8).reverse().filter((c) => c.start <= i && i < c.end);
    },
  };
}
