/**
 * A small JSON scanner for plan text, for what `JSON.parse` does not say: where every key and
 * value starts (the CLI's line and column for a path), where the text stops being JSON and why
 * (in words a marketer can act on), and keys written twice in one object (`JSON.parse` silently
 * keeps the last, so a second "purchase" would replace the first). Only the CLI and the
 * broken-plan words load it; the tracker itself reads plans with `JSON.parse`.
 */
export interface JsonNode {
  offset: number;
  /** `first`: where a key written twice was written the first time. */
  entries?: Map<string, { key: number; value: JsonNode; first?: number }>;
  items?: JsonNode[];
}

/** Why the text is not JSON, by what was found where a value, key, comma or colon belonged. */
export type JsonFault =
  | 'empty' | 'end' | 'single_quote' | 'word' | 'number' | 'comment' | 'trailing_comma'
  | 'comma' | 'colon' | 'key' | 'string' | 'control' | 'escape' | 'after' | 'html' | 'char'
  | 'placeholder' | 'snippet';

export interface JsonScan {
  /** Absent when the text is not JSON. */
  root?: JsonNode;
  fault?: { offset: number; kind: JsonFault; found?: string };
  /** Keys written twice in one object: the key's path (as keys), and where it is first and last written. */
  duplicates: { keys: (string | number)[]; first: number; last: number }[];
}

const WS = ' \t\n\r';

export function scanJson(text: string): JsonScan {
  let i = 0;
  const duplicates: JsonScan['duplicates'] = [];
  const fail = (kind: JsonFault, offset = i, found?: string): never => { throw { kind, offset, found }; };
  const ws = () => { while (i < text.length && WS.includes(text[i]!)) i++; };
  /** Only spaces before `i` on its line: a `#` there starts a comment (YAML, shell). */
  const lineStart = () => /(^|\n)[ \t]*$/.test(text.slice(Math.max(0, i - 200), i));
  const word = () => /^[^\s,:{}[\]"']+/.exec(text.slice(i, i + 40))?.[0] ?? text[i];

  const string = (): string => {
    const start = i++;
    while (text[i] !== '"') {
      if (i >= text.length || text[i] === '\n') fail('string', start);
      i += text[i] === '\\' ? 2 : 1;
    }
    i++;
    const raw = text.slice(start, i);
    if (raw.includes('\uFFFD')) fail('char', start + raw.indexOf('\uFFFD'), '\uFFFD'); // not UTF-8: see readPlan
    try { return JSON.parse(raw) as string; } catch { return fail(/[\u0000-\u001f]/.test(raw) ? 'control' : 'escape', start); }
  };

  // What stands where a value belongs but is none: read as the marketer's likely mistake.
  const notAValue = (afterComma: boolean): never => {
    const ch = text[i];
    if (ch === undefined) fail('end');
    if (ch === "'") fail('single_quote');
    if (ch === '/' || (ch === '#' && lineStart())) fail('comment'); // `#id` where a value belongs: a missing quote
    if (ch === '\u2026' || text.startsWith('...', i)) fail('placeholder'); // `{ … }` copied from an example
    if ((ch === '}' || ch === ']') && afterComma) fail('trailing_comma');
    if (/[.+\d-]/.test(ch!)) fail('number', i, word());
    if (/[A-Za-z_$]/.test(ch!)) fail('word', i, word());
    return fail('char', i, ch);
  };

  const value = (path: (string | number)[], afterComma = false): JsonNode => {
    ws();
    const node: JsonNode = { offset: i };
    const ch = text[i];
    if (ch === '{') {
      i++;
      const entries: NonNullable<JsonNode['entries']> = (node.entries = new Map());
      ws();
      if (text[i] === '}') { i++; return node; }
      for (let first = true; ; first = false) {
        ws();
        if (text[i] !== '"') {
          if (text[i] === '}' && !first) fail('trailing_comma');
          if (text[i] !== undefined && /[A-Za-z_$]/.test(text[i]!)) fail('key', i, word());
          notAValue(false);
        }
        const key = i;
        const name = string();
        ws();
        if (text[i] !== ':') fail(text[i] === undefined ? 'end' : 'colon');
        i++;
        const seen = entries.get(name);
        if (seen) duplicates.push({ keys: [...path, name], first: seen.first ?? seen.key, last: key });
        entries.delete(name); // JSON.parse keeps the last of duplicate keys, and so do we
        entries.set(name, { key, value: value([...path, name]), first: seen ? seen.first ?? seen.key : undefined });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return node; }
        fail(text[i] === undefined ? 'end' : 'comma');
      }
    }
    if (ch === '[') {
      i++;
      node.items = [];
      ws();
      if (text[i] === ']') { i++; return node; }
      for (;;) {
        node.items.push(value([...path, node.items.length], node.items.length > 0));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return node; }
        fail(text[i] === undefined ? 'end' : 'comma');
      }
    }
    if (ch === '"') { string(); return node; }
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)(?![\w.$])/.exec(text.slice(i, i + 400));
    if (!m) notAValue(afterComma);
    i += m![0].length;
    return node;
  };

  try {
    ws();
    if (i >= text.length) fail('empty', 0);
    if (text[i] === '<') fail('html'); // a web page (an error page, a login redirect) where the plan should be
    const root = value([]);
    ws();
    // `"newsletter_signup": { … }` pasted alone: an entry of a plan, not a plan.
    if (i < text.length && text[i] === ':' && root.entries === undefined && root.items === undefined) fail('snippet', i, JSON.parse(text.slice(root.offset, i)));
    if (i < text.length) fail(text[i] === '/' || (text[i] === '#' && lineStart()) ? 'comment' : 'after');
    return { root, duplicates };
  } catch (e) {
    // Anything but a fault (a stack overflow on text nested thousands deep): no answer, never a throw.
    return (e as { kind?: unknown })?.kind ? { fault: e as JsonScan['fault'], duplicates } : { duplicates };
  }
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
