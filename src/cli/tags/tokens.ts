/**
 * A forgiving tokenizer for the inline scripts of a saved page. It never executes anything and
 * never throws: a truncated string, comment or template ends at the end of the text. Besides
 * JavaScript it knows the server templates a shop's theme leaves in its scripts (`{{ … }}`,
 * `{% … %}`, `<?= … ?>`, `<%= … %>`), which become one `template` token: a value the page only
 * knows when it is rendered.
 */

export type TokenKind = 'id' | 'str' | 'num' | 'punct' | 'template';

export interface Token {
  kind: TokenKind;
  /** The source text; for a string, its value without quotes. */
  text: string;
  /** Offset in the script text. */
  pos: number;
  /** A string whose text holds a template or a `${…}`: its value is only known on the live page. */
  dynamic?: boolean;
}

/** Server-template openers and their closers. */
const TEMPLATES: readonly [string, string][] = [['{{', '}}'], ['{%', '%}'], ['<?', '?>'], ['<%', '%>']];
const DYNAMIC_TEXT = /\{\{|\{%|<\?|<%|\$\{/;
const ID_START = /[A-Za-z_$]/;
const ID_PART = /[A-Za-z0-9_$]/;
/** After these a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = new Set(['return', 'typeof', 'case', 'do', 'else', 'in', 'of', 'new', 'delete', 'void', 'throw']);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = src.length;
  const next = nextFinder(src);
  while (i < n) {
    const ch = src[i]!;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '/' && src[i + 1] === '/') { i = lineEnd(src, i); continue; }
    if (ch === '/' && src[i + 1] === '*') { const end = src.indexOf('*/', i + 2); i = end < 0 ? n : end + 2; continue; }
    // An HTML comment opener inside a script is a line comment in browsers.
    if (src.startsWith('<!--', i) || src.startsWith('-->', i)) { i = lineEnd(src, i); continue; }
    const template = templateAt(src, i, next);
    if (template !== undefined) { out.push({ kind: 'template', text: src.slice(i, template), pos: i }); i = template; continue; }
    if (ch === '"' || ch === "'" || ch === '`') {
      const [value, end] = stringAt(src, i);
      out.push({ kind: 'str', text: value, pos: i, dynamic: DYNAMIC_TEXT.test(value) });
      i = end;
      continue;
    }
    if (/[0-9]/.test(ch) || (ch === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+(?:[eE][+-]?[0-9]+)?n?)/.exec(src.slice(i, i + 64));
      const text = m?.[0] || ch;
      out.push({ kind: 'num', text, pos: i });
      i += text.length;
      continue;
    }
    if (ID_START.test(ch)) {
      let j = i + 1;
      while (j < n && ID_PART.test(src[j]!)) j++;
      out.push({ kind: 'id', text: src.slice(i, j), pos: i });
      i = j;
      continue;
    }
    if (ch === '/' && startsRegex(out[out.length - 1])) {
      const end = regexEnd(src, i);
      if (end !== undefined) { out.push({ kind: 'str', text: src.slice(i, end), pos: i, dynamic: true }); i = end; continue; }
    }
    const three = src.slice(i, i + 3);
    const op = three === '...' || three === '===' || three === '!==' ? three : ['=>', '==', '!=', '&&', '||', '??', '?.'].find((o) => src.startsWith(o, i)) ?? ch;
    out.push({ kind: 'punct', text: op, pos: i });
    i += op.length;
  }
  return out;
}

function lineEnd(src: string, i: number): number {
  const end = src.indexOf('\n', i);
  return end < 0 ? src.length : end + 1;
}

type Finder = (needle: string, from: number) => number;

/**
 * `src.indexOf(needle, from)` for a scan that only moves forward: each needle's last answer is
 * kept while it still lies ahead, so a page full of openers that never close is read once, not
 * once per opener.
 */
function nextFinder(src: string): Finder {
  const ahead = new Map<string, number>();
  return (needle, from) => {
    const known = ahead.get(needle);
    if (known !== undefined && (known >= from || known < 0)) return known;
    const at = src.indexOf(needle, from);
    ahead.set(needle, at);
    return at;
  };
}

/** The end of a server template starting at `i` (closed on the same line), or undefined. */
function templateAt(src: string, i: number, next: Finder): number | undefined {
  for (const [open, close] of TEMPLATES) {
    if (!src.startsWith(open, i)) continue;
    const end = next(close, i + open.length);
    if (end < 0) continue;
    // `{{` is also two JavaScript braces: only a closer on the same line makes it a template.
    if (open === '{{' || open === '{%') {
      const newline = next('\n', i);
      if (newline >= 0 && newline < end) continue;
    }
    return end + close.length;
  }
  return undefined;
}

/** A string literal's value and the offset after it; an unclosed one ends at the line's (or text's) end. */
function stringAt(src: string, start: number): [string, number] {
  const quote = src[start]!;
  let value = '';
  let i = start + 1;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === quote) return [value, i + 1];
    if (ch === '\n' && quote !== '`') return [value, i];
    if (ch === '\\' && i + 1 < src.length) {
      const next = src[i + 1]!;
      value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  return [value, i];
}

function startsRegex(prev: Token | undefined): boolean {
  if (!prev) return true;
  if (prev.kind === 'id') return BEFORE_REGEX.has(prev.text);
  if (prev.kind === 'punct') return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
  return false;
}

/** Longer than any regular expression a tag snippet holds: a page of `/[` on one line stays linear. */
const REGEX_MAX = 500;

/** The end of a regular expression literal starting at `i`, or undefined when the line (or REGEX_MAX) ends first. */
function regexEnd(src: string, i: number): number | undefined {
  let inClass = false;
  for (let j = i + 1; j < Math.min(src.length, i + REGEX_MAX); j++) {
    const ch = src[j]!;
    if (ch === '\n') return undefined;
    if (ch === '\\') { j++; continue; }
    if (ch === '[') inClass = true;
    else if (ch === ']') inClass = false;
    else if (ch === '/' && !inClass) {
      let k = j + 1;
      while (k < src.length && /[a-z]/.test(src[k]!)) k++;
      return k;
    }
  }
  return undefined;
}

const PARTNER: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/**
 * For each bracket token, the index of its partner: an opener's closer (tokens.length when the
 * script ends first), a closer's opener (-1 for a stray one). Other tokens get -1.
 */
export function pairs(tokens: Token[]): Int32Array {
  const pair = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'punct') continue;
    if (t.text === '(' || t.text === '[' || t.text === '{') { stack.push(i); pair[i] = tokens.length; }
    else if (PARTNER[t.text] && stack.length && tokens[stack[stack.length - 1]!]!.text === PARTNER[t.text]) {
      const open = stack.pop()!;
      pair[open] = i;
      pair[i] = open;
    }
  }
  return pair;
}

/** Per token, whether a line ends between it and the token before it. */
export function lineBreaks(tokens: Token[], src: string): boolean[] {
  const out: boolean[] = new Array(tokens.length).fill(false);
  let nl = src.indexOf('\n');
  for (let i = 1; i < tokens.length && nl >= 0; i++) {
    while (nl >= 0 && nl <= tokens[i - 1]!.pos) nl = src.indexOf('\n', nl + 1);
    out[i] = nl >= 0 && nl < tokens[i]!.pos;
  }
  return out;
}
