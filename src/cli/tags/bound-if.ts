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
  /** The end of the branch starting at token k: its block, or its one statement. */
  const branch = (k: number) => {
    if (is(tokens[k], '{')) return pair[k]! + 1;
    for (let e = k; e < tokens.length;) {
      const t = tokens[e]!;
      if (t.kind === 'punct' && t.text === ';') return e + 1;
      if (t.kind === 'punct' && CLOSERS.has(t.text)) return e;
      if (e > k && lineBefore(e) && !is(t, '.') && !is(t, '?.')) return e;
      e = t.kind === 'punct' && (t.text === '(' || t.text === '[' || t.text === '{') ? Math.max(pair[e]! + 1, e + 1) : e + 1;
    }
    return tokens.length;
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
