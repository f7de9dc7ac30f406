/**
 * A tiny document model for the plan document, rendered as Markdown or as one self-contained
 * HTML file. The words are built once (plan-document.ts); each renderer only escapes and lays out.
 */
import { markdownText } from './safe-text'; // shared with the report's Markdown, which escapes a browser's words

/**
 * Inline text: plain words, `code` (selectors, paths, names), **strong**, or free text the plan's
 * author wrote (its name, descriptions), which may be in a right-to-left script: HTML isolates it.
 */
export type Inline = string | { code: string } | { strong: string } | { free: string };
export type Rich = Inline[];

export type Block =
  | { h: 1 | 2 | 3; text: Rich; id?: string }
  | { p: Rich }
  | { ul: Rich[] }
  | { ol: Rich[] }
  | { table: { head: string[]; rows: Rich[][] } }
  | { note: Rich };

export interface Doc {
  title: Rich;
  blocks: Block[];
}

export const code = (s: string): Inline => ({ code: s });
export const strong = (s: string): Inline => ({ strong: s });
export const free = (s: string): Inline => ({ free: s });

/** Joins rich pieces with a separator: `a · b · c`. */
export function join(parts: Rich[], sep: string): Rich {
  return parts.flatMap((p, i) => (i ? [sep, ...p] : p));
}

// Markdown ------------------------------------------------------------------------------------

function mdCode(s: string, table: boolean): string {
  const flat = s.replace(/\s*\n\s*/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((t) => t.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  const body = table ? flat.replace(/\|/g, '\\|') : flat;
  return `${fence}${pad}${body}${pad}${fence}`;
}

function mdRich(r: Rich, table = false): string {
  return r.map((x) => (typeof x === 'string' ? markdownText(x, table) : 'code' in x ? mdCode(x.code, table) : 'free' in x ? markdownText(x.free, table) : `**${markdownText(x.strong, table)}**`)).join('');
}

export function renderMarkdown(doc: Doc): string {
  const parts = doc.blocks.map((b) => {
    if ('h' in b) return `${'#'.repeat(b.h)} ${mdRich(b.text)}`;
    if ('p' in b) return mdRich(b.p);
    if ('ul' in b) return b.ul.map((r) => `- ${mdRich(r)}`).join('\n');
    if ('ol' in b) return b.ol.map((r, i) => `${i + 1}. ${mdRich(r)}`).join('\n');
    if ('note' in b) return `---\n\n${mdRich(b.note)}`;
    const { head, rows } = b.table;
    return [
      `| ${head.map((h) => markdownText(h, true)).join(' | ')} |`,
      `|${head.map(() => '---').join('|')}|`,
      ...rows.map((row) => `| ${row.map((cell) => mdRich(cell, true) || ' ').join(' | ')} |`),
    ].join('\n');
  });
  return parts.join('\n\n') + '\n';
}

// HTML ----------------------------------------------------------------------------------------

export const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * Free text in `<bdi>`: an Arabic description keeps its punctuation on its own side and cannot
 * reorder the English words and numbers around it. An element that holds nothing else gets
 * `dir="auto"` instead (see `open`), which also aligns it to its own side.
 */
function htmlRich(r: Rich): string {
  if (alone(r)) return escapeHtml((r[0] as { free: string }).free);
  return r.map((x) => (typeof x === 'string' ? escapeHtml(x) : 'code' in x ? `<code>${escapeHtml(x.code)}</code>` : 'free' in x ? `<bdi>${escapeHtml(x.free)}</bdi>` : `<strong>${escapeHtml(x.strong)}</strong>`)).join('');
}
const alone = (r: Rich): boolean => r.length === 1 && typeof r[0] === 'object' && 'free' in r[0];
/** `<tag>` with `dir="auto"` when it holds only free text. */
const open = (tag: string, r: Rich, attrs = ''): string => `<${tag}${attrs}${alone(r) ? ' dir="auto"' : ''}>`;

const CSS = `
:root { color-scheme: light; --ink: #1d2430; --muted: #5b6575; --line: #d9dee6; --band: #f4f6f9; --accent: #2457c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 72rem; margin: 0 auto; padding: 2.5rem 1.5rem 4rem; overflow-wrap: break-word; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .5rem; }
h2 { font-size: 1.35rem; margin: 2.5rem 0 .75rem; padding-bottom: .3rem; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; }
p, ul, ol { margin: .4rem 0 .9rem; }
li { margin: .15rem 0; }
code { font: .88em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--band); border: 1px solid var(--line); border-radius: 4px; padding: 0 .3em; overflow-wrap: break-word; }
table { width: 100%; border-collapse: collapse; margin: .5rem 0 1.25rem; font-size: .92rem; }
th, td { text-align: left; vertical-align: top; padding: .5rem .6rem; border-bottom: 1px solid var(--line); }
th { background: var(--band); font-weight: 600; white-space: nowrap; }
.table { overflow-x: auto; margin: .5rem 0 1.25rem; }
.table > table { margin: 0; }
.table:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
h3 code { font-size: .95em; padding: .05em .35em; }
tbody tr:nth-child(even) td { background: #fafbfc; }
nav { margin: 1rem 0 0; font-size: .95rem; color: var(--muted); }
nav a { color: var(--accent); text-decoration: none; margin-right: 1rem; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
a:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; border-radius: 2px; }
.sr { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; border: 0; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
main > p:first-of-type { color: var(--muted); font-size: 1.05rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
/* Print: every column on the page. The table leaves its scroll box, and its cells and names may
   break anywhere (overflow-wrap: anywhere lowers a column's narrowest width; break-word does not). */
@media print {
  body { font-size: 11pt; }
  main { padding: 0; max-width: none; }
  nav { display: none; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  h2 + p, h3 + p { break-after: avoid; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .table { overflow: visible; }
  table { font-size: 8.5pt; }
  th { white-space: normal; }
  th, td { padding: .3rem .35rem; overflow-wrap: anywhere; }
  code { overflow-wrap: anywhere; border: 0; padding: 0; }
  tbody tr:nth-child(even) td { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
`.trim();

const plainText = (r: Rich): string => r.map((x) => (typeof x === 'string' ? x : 'code' in x ? x.code : 'free' in x ? x.free : x.strong)).join('');

/**
 * One HTML file: inline CSS, no scripts, no external requests. Each table is captioned, for
 * screen readers, with the heading it stands under (on screen the heading is right above it).
 */
export function renderHtml(doc: Doc): string {
  const nav = doc.blocks.filter((b): b is Extract<Block, { h: number }> => 'h' in b && b.h === 2 && !!b.id)
    .map((b) => `<a href="#${escapeHtml(b.id!)}">${htmlRich(b.text)}</a>`).join('\n'); // white space between: the line can wrap between links
  const body: string[] = [];
  let heading = plainText(doc.title);
  for (const b of doc.blocks) {
    if ('h' in b) heading = plainText(b.text);
    // The page's own heading takes its direction from the plan's name: a block alone keeps the
    // page's left-to-right base, and an Arabic name's "!" went to its start (intl QA 2026-12-07).
    if ('h' in b) body.push(`${b.h === 1 ? `<h1${b.id ? ` id="${escapeHtml(b.id)}"` : ''} dir="auto">` : open(`h${b.h}`, b.text, b.id ? ` id="${escapeHtml(b.id)}"` : '')}${htmlRich(b.text)}</h${b.h}>`);
    else if ('p' in b) body.push(`${open('p', b.p)}${htmlRich(b.p)}</p>`);
    else if ('note' in b) body.push(`<footer>${htmlRich(b.note)}</footer>`);
    else if ('ul' in b) body.push(`<ul>\n${b.ul.map((r) => `${open('li', r)}${htmlRich(r)}</li>`).join('\n')}\n</ul>`);
    else if ('ol' in b) body.push(`<ol>\n${b.ol.map((r) => `${open('li', r)}${htmlRich(r)}</li>`).join('\n')}\n</ol>`);
    else {
      const { head, rows } = b.table;
      // A wide table scrolls in its own box on a narrow screen (the page, its text and its links
      // stay in the viewport); the box is focusable and named, so that a keyboard can scroll it.
      body.push([
        `<div class="table" role="region" tabindex="0" aria-label="${escapeHtml(heading)}">`,
        '<table>',
        `<caption class="sr">${escapeHtml(heading)}</caption>`,
        `<thead><tr>${head.map((h) => `<th scope="col">${escapeHtml(h)}</th>`).join('')}</tr></thead>`,
        '<tbody>',
        ...rows.map((row) => `<tr>${row.map((cell) => `${open('td', cell)}${htmlRich(cell)}</td>`).join('')}</tr>`),
        '</tbody>',
        '</table>',
        '</div>',
      ].join('\n'));
    }
    if ('h' in b && b.h === 1 && nav) body.push(`<nav aria-label="Contents">${nav}</nav>`);
  }
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(plainText(doc.title))}</title>`,
    `<style>\n${CSS}\n</style>`,
    '</head>',
    '<body>',
    '<main>',
    ...body,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
