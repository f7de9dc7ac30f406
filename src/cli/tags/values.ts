/**
 * Reads the arguments of a tag call as data: literals stay literals, object literals become
 * maps (unquoted keys too), and anything the page computes (`order.total`, `{{ order.total }}`,
 * `<?= $total ?>`, `parseFloat(x)`) becomes an `expr` with its source text. Never throws; a
 * truncated call yields what was read before the text ended.
 */
import type { Token } from './tokens';

export type Value =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'null' }
  | { kind: 'object'; entries: Map<string, Value> }
  | { kind: 'array'; items: Value[] }
  /** Known only on the live page: its source text, as written. */
  | { kind: 'expr'; text: string };

const CLOSERS = new Set([',', ')', ']', '}', ';']);
/** Deeper than any tag's data: beyond it an object or array is an expression (read without recursion). */
const MAX_DEPTH = 64;
const OPENERS: Record<string, string> = { '(': ')', '[': ']', '{': '}' };

export class ValueReader {
  i: number;
  private depth = 0;
  constructor(private readonly tokens: Token[], private readonly src: string, start: number) { this.i = start; }

  private get tok(): Token | undefined { return this.tokens[this.i]; }
  private is(text: string): boolean { const t = this.tok; return t !== undefined && t.kind === 'punct' && t.text === text; }

  /** The arguments of a call whose `(` is the current token; the reader ends after its `)`. */
  args(): Value[] {
    const out: Value[] = [];
    if (!this.is('(')) return out;
    this.i++;
    while (this.tok && !this.is(')')) {
      const before = this.i;
      out.push(this.value());
      if (this.is(',')) this.i++;
      else if (!this.is(')')) break; // `;` or a stray closer: the call is broken; keep what was read
      if (this.i === before) break;
    }
    if (this.is(')')) this.i++;
    return out;
  }

  /** One value; anything more than a literal (an operator, a call) makes it an expression. */
  value(): Value {
    const start = this.i;
    const v = this.primary();
    if (this.tok && !(this.tok.kind === 'punct' && CLOSERS.has(this.tok.text))) {
      this.skipExpression();
      return this.expr(start);
    }
    return v ?? this.expr(start);
  }

  private primary(): Value | undefined {
    const t = this.tok;
    if (!t) return undefined;
    if (t.kind === 'str') { this.i++; return t.dynamic ? { kind: 'expr', text: t.text } : { kind: 'string', value: t.text }; }
    if (t.kind === 'num') { this.i++; return number(t.text); }
    if (t.kind === 'template') { this.i++; return { kind: 'expr', text: t.text }; }
    if (t.kind === 'punct' && t.text === '-' && this.tokens[this.i + 1]?.kind === 'num') {
      this.i++;
      const v = this.primary() as { kind: 'number'; value: number };
      return { kind: 'number', value: -v.value };
    }
    if (t.kind === 'id') {
      if (t.text === 'true' || t.text === 'false') { this.i++; return { kind: 'boolean', value: t.text === 'true' }; }
      if (t.text === 'null' || t.text === 'undefined') { this.i++; return { kind: 'null' }; }
      return undefined;
    }
    if (this.depth >= MAX_DEPTH) return undefined;
    if (this.is('{')) return this.nested(() => this.object());
    if (this.is('[')) return this.nested(() => this.array());
    return undefined;
  }

  private nested(read: () => Value): Value {
    this.depth++;
    try { return read(); } finally { this.depth--; }
  }

  private object(): Value {
    const entries = new Map<string, Value>();
    this.i++;
    while (this.tok && !this.is('}')) {
      const before = this.i;
      const key = this.tok;
      if (key.kind === 'punct' && key.text === '...') { this.i++; this.skipExpression(); }
      else if ((key.kind === 'id' || key.kind === 'str' || key.kind === 'num') && !key.dynamic) {
        this.i++;
        if (this.is(':')) { this.i++; entries.set(key.text, this.value()); }
        // `{ value }` shorthand: a variable of the page.
        else if (this.is(',') || this.is('}')) entries.set(key.text, { kind: 'expr', text: key.text });
        else this.skipExpression(); // a method or something stranger: not data
      } else this.skipExpression();
      if (this.is(',')) this.i++;
      else if (!this.is('}')) break;
      if (this.i === before) break;
    }
    if (this.is('}')) this.i++;
    return { kind: 'object', entries };
  }

  private array(): Value {
    const items: Value[] = [];
    this.i++;
    while (this.tok && !this.is(']')) {
      const before = this.i;
      if (!this.is(',')) items.push(this.value());
      if (this.is(',')) this.i++;
      else if (!this.is(']')) break;
      if (this.i === before) break;
    }
    if (this.is(']')) this.i++;
    return { kind: 'array', items };
  }

  /** Moves to the next `,` or closer at this depth (or the end), stepping over nested brackets. */
  private skipExpression(): void {
    const stack: string[] = [];
    while (this.tok) {
      const t = this.tok;
      if (t.kind === 'punct') {
        if (!stack.length && CLOSERS.has(t.text)) return;
        if (OPENERS[t.text]) stack.push(OPENERS[t.text]!);
        else if (t.text === stack[stack.length - 1]) stack.pop();
        else if (t.text === ')' || t.text === ']' || t.text === '}') return; // unbalanced: stop here
      }
      this.i++;
    }
  }

  private expr(start: number): Value {
    const from = this.tokens[start]?.pos ?? this.src.length;
    const last = this.tokens[this.i - 1];
    const to = last && this.i > start ? last.pos + rawLength(this.src, last) : from;
    return { kind: 'expr', text: this.src.slice(from, to).replace(/\s+/g, ' ').trim() };
  }
}

/** A token's length in the source (a string token's text is its value, without quotes). */
function rawLength(src: string, t: Token): number {
  if (t.kind !== 'str') return t.text.length;
  const quote = src[t.pos];
  const end = src.indexOf(quote!, t.pos + 1 + t.text.length);
  return end < 0 ? t.text.length + 1 : end - t.pos + 1;
}

function number(text: string): Value {
  const v = Number(text.replace(/_/g, '').replace(/n$/, ''));
  return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'expr', text };
}
