/**
 * The parts of a saved page that can hold hand-pasted tags: its inline scripts and inline event
 * handlers (`onclick="gtag(…)"`, where hand-pasted click tracking often lives), with where each
 * starts, for line numbers, and any Google Tag Manager container ids. Commented-out markup is
 * skipped: a tag inside `<!-- … -->` sends nothing.
 */

export interface Script {
  /** The script's text. */
  text: string;
  /** Offset of the text in the page. */
  offset: number;
  /** For an inline handler: the event it handles and its element's start tag. */
  handler?: { on: string; element: string };
}

export interface Page {
  scripts: Script[];
  /** GTM container ids with their offsets. */
  gtm: { id: string; offset: number }[];
  /** The addresses of the page's external scripts (`<script src>`), with their offsets. */
  sources: { src: string; offset: number }[];
  /** Offset → 1-based line number. */
  line(offset: number): number;
}

/** Script types that hold data or markup, not code. */
const NOT_CODE = /^\s*(application\/(ld\+)?json|importmap|speculationrules|text\/(html|template|x-template|x-handlebars-template))\s*$/i;
const GTM_ID = /\bGTM-[A-Z0-9]{4,12}\b/g;
/**
 * An inline handler attribute of the events a tag call is pasted into, quoted either way or
 * unquoted: as HTML reads an unquoted value, it ends at whitespace or `>` (a quote inside it is
 * part of it: `onclick=gtag('event','call')`).
 */
const HANDLER = /\son(click|submit|mousedown|touchstart|change)[\t\n\f\r ]*=[\t\n\f\r ]*(?:"([^"]*)"|'([^']*)'|([^\t\n\f\r >"'][^\t\n\f\r >]*))/gi;
const ENTITIES: Record<string, string> = { quot: '"', apos: "'", amp: '&', lt: '<', gt: '>' };
/**
 * An attribute value as the browser reads it: the entities a quote or an ampersand is written
 * with, named or numeric (WordPress and PHP write a single quote as `&#039;`).
 */
const unescape = (v: string) => v.replace(/&(?:#(\d{1,7})|#x([\da-f]{1,6})|(quot|apos|amp|lt|gt));/gi, (m, d?: string, x?: string, n?: string) => {
  if (n) return ENTITIES[n.toLowerCase()]!;
  const c = d ? Number(d) : parseInt(x!, 16);
  return c > 0 && c <= 0x10ffff ? String.fromCodePoint(c) : m;
});
/** The longest start tag kept for a handler's element (a selector is made from its id or href). */
const MAX_TAG = 2000;

/** Offset → 1-based line number in `text`. */
function lines(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (offset) => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid]! <= offset) lo = mid; else hi = mid - 1; }
    return lo + 1;
  };
}

/** An external script file of the site (`<script src="/js/tracking.js">`) read as one script. */
export function readScript(js: string): Page {
  const gtm = new Map<string, number>();
  for (const m of js.matchAll(GTM_ID)) if (!gtm.has(m[0])) gtm.set(m[0], m.index);
  return { scripts: [{ text: js, offset: 0 }], gtm: [...gtm].map(([id, offset]) => ({ id, offset })), sources: [], line: lines(js) };
}

export function readPage(html: string): Page {
  const line = lines(html);
  const scripts: Script[] = [];
  const sources: Page['sources'] = [];
  /** Script bodies, comments and elements whose content is text: no handler is read inside them. */
  const skipped: [number, number][] = [];
  // ASCII letters only: toLowerCase() makes some longer (İ is two), and offsets in it are the page's.
  const lower = html.replace(/[A-Z]+/g, (w) => w.toLowerCase());
  // One pass: each comment or such element is found once, and the scan goes on past its end.
  // <noscript> content is text where scripts run (and with them off, no handler runs either).
  const next = /<!--|<(script|style|textarea|title|noscript|xmp)\b/g;
  for (let m; (m = next.exec(lower)); ) {
    const open = m.index;
    const name = m[1];
    if (!name) {
      const end = lower.indexOf('-->', open + 4);
      next.lastIndex = end < 0 ? html.length : end + 3;
      skipped.push([open, next.lastIndex]);
      continue;
    }
    const tagEnd = html.indexOf('>', open);
    if (tagEnd < 0) break;
    const close = lower.indexOf(`</${name}`, tagEnd + 1);
    const end = close < 0 ? html.length : close; // a truncated page: the element runs to its end
    if (name === 'script') {
      const attrs = html.slice(open + 7, tagEnd);
      const src = /(?:^|\s)src\s*=\s*["']?\s*([^"'\s>]+)/i.exec(attrs)?.[1]; // not data-src
      if (src) sources.push({ src, offset: open });
      const type = /\btype\s*=\s*["']?([^"'\s>]*)/i.exec(attrs)?.[1];
      if (!(type && NOT_CODE.test(type))) scripts.push({ text: html.slice(tagEnd + 1, end), offset: tagEnd + 1 });
    }
    skipped.push([tagEnd + 1, end]);
    next.lastIndex = close < 0 ? html.length : close + 2 + name.length;
  }
  // One pass over the page's handlers, past the skipped ranges in order (no search per range).
  let k = 0;
  for (const m of html.matchAll(HANDLER)) {
    while (k < skipped.length && skipped[k]![1] <= m.index) k++;
    if (k < skipped.length && skipped[k]![0] <= m.index) continue;
    const raw = m[2] ?? m[3] ?? m[4] ?? '';
    const quote = m[4] === undefined ? 1 : 0;
    const start = m.index + m[0].length - raw.length - quote;
    // The element's start tag, looked for within MAX_TAG characters only (no scan of the whole page per handler).
    const from = Math.max(0, m.index - MAX_TAG);
    const lt = html.slice(from, m.index).lastIndexOf('<');
    const after = start + raw.length + quote;
    const gt = html.slice(after, after + MAX_TAG).indexOf('>');
    const element = lt < 0 ? '' : html.slice(from + lt, gt < 0 ? after : after + gt + 1);
    scripts.push({ text: unescape(raw), offset: start, handler: { on: m[1]!.toLowerCase(), element } });
  }
  scripts.sort((a, b) => a.offset - b.offset); // handlers among the scripts, in page order
  const gtm = new Map<string, number>(); // each container once, where it first appears
  for (const m of html.matchAll(GTM_ID)) if (!gtm.has(m[0])) gtm.set(m[0], m.index);
  return { scripts, gtm: [...gtm].map(([id, offset]) => ({ id, offset })), sources, line };
}
