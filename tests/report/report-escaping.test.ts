/**
 * QA security finding F5: names in the report come from browsers (anyone can post to the collect
 * server), so the Markdown report must not carry their HTML, Markdown or line breaks, and the text
 * report must not carry their terminal escapes. The HTML report escaped them already; it stays so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownText, printable } from '../../src/cli/safe-text';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Test shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    add_to_cart: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, item_name: { type: 'string', optional: true }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
  },
  funnels: { checkout: { steps: ['add_to_cart', 'purchase'] } },
  abandonment: { cart: { add: 'add_to_cart', complete: 'purchase', after: '1h' } },
}) as { plan: Plan }).plan;

const IMG = '<img src=x onerror=alert(document.domain)>';
const SCRIPT = '<script>alert(1)</script>';
// The finding's event name: clears the screen, sets the window title, then forges a progress line.
const TERM = 'x\x1b[2J\x1b[H\x1b]0;owned\x07\n07:41:12  +0 stored \x1b[32mall good\x1b[0m';
// Breaks a table row, starts a heading and a list with a link, in one name.
const BREAK = 'a | b\n\n# injected heading\n- [link](javascript:alert(1)) &lt;b&gt; **bold** _it_';
const C1 = 'csi\u009b2J nel\u0085 ls\u2028ps\u2029 rlo\u202eevil';

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
let n = 0;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const track = (visitor: string, event: string, properties: Record<string, unknown>, kind: string) =>
  ({ type: 'track', event, anonymousId: visitor, messageId: `m${++n}`, timestamp: at(n), properties, context: { measureplan: { kind } } });
const MESSAGES = [
  // Quarantined: not conversions of the plan (reason and event name both carry the name).
  track('q1', IMG, {}, 'micro'), track('q2', TERM, {}, 'micro'), track('q3', BREAK, {}, 'micro'), track('q4', C1, {}, 'micro'),
  // An experiment that is not in the plan: its name and its variants' names are the browser's.
  track('e1', 'experiment_viewed', { experiment_id: IMG, variant_id: SCRIPT }, 'signal'),
  track('e2', 'experiment_viewed', { experiment_id: IMG, variant_id: TERM }, 'signal'),
  track('e3', 'experiment_viewed', { experiment_id: IMG, variant_id: BREAK }, 'signal'),
  // An abandoned cart whose item name and visitor id are the browser's.
  track('\x1b[2J<i>x-visitor', 'add_to_cart', { item_id: 'sku', item_name: `${SCRIPT}${TERM}`, value: 10 }, 'micro'),
  // An order from a campaign whose name, source and medium are the browser's (any link can carry them).
  { ...track('c1', 'purchase', { transaction_id: 'T-c1', value: 5 }, 'macro'), context: { page: { url: 'https://shop.example/', referrer: `https://${'a'.repeat(3)}.example/` }, campaign: { name: BREAK, source: IMG, medium: TERM }, measureplan: { kind: 'macro', session_id: C1 } } },
];

let dir: string;
let report: Report;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-report-escaping-'));
  const store = openStore(join(dir, 'store.db'));
  store.write([MESSAGES.map((m) => toOutcome(m, {}, at(100), plan))]);
  report = buildReport(store.db, plan, { now: T0 + 600 * 60_000 });
  store.close();
  // The report holds the hostile names where a browser puts them: quarantine, an experiment not in
  // the plan with its variants, an abandoned cart.
  expect(report.quarantine.reasons.map((q) => q.event)).toEqual(expect.arrayContaining([IMG, TERM, BREAK, C1]));
  expect(report.experiments.find((e) => e.name === IMG)!.variants.map((v) => v.name)).toEqual(expect.arrayContaining([SCRIPT, TERM, BREAK]));
  expect(report.abandonment.cart!.list[0]!.items[0]!.item_name).toBe(`${SCRIPT}${TERM}`);
  expect(report.channels.campaigns.map((c) => [c.campaign, c.source, c.medium])).toEqual([[BREAK, IMG, TERM]]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Control characters other than the line breaks of the layout itself. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('report --format md', () => {
  let md: string;
  beforeAll(() => { md = renderText(report, 'md'); });

  it('carries no HTML tag from a browser: < > & are entities (no renderer reads them as markup)', () => {
    expect(md).not.toMatch(/<[A-Za-z!/?]/);
    expect(md).toContain('## Experiment &lt;img src=x onerror=alert(document.domain)&gt; (not in the plan)');
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // An entity the browser wrote stays text, not a `<b>` once rendered.
    expect(md).toContain('&amp;lt;b&amp;gt;');
  });

  it('keeps every table row to its columns and every name on its line: no injected heading, list, link or emphasis', () => {
    for (const block of md.split('\n\n').filter((b) => b.startsWith('|'))) {
      const lines = block.trimEnd().split('\n');
      const columns = (l: string) => l.match(/(?<!\\)\|/g)!.length;
      for (const l of lines) {
        expect(l).toMatch(/^\|.*\|$/);
        expect(columns(l), l).toBe(columns(lines[0]!));
      }
    }
    for (const l of md.split('\n').filter((x) => x.startsWith('#'))) expect(l).toMatch(/^#{1,2} (Test shop|Conversions|Where the orders came from|Do the micro|Funnel |Abandoned|Experiment |Page experience|Quarantine)/);
    expect(md).not.toMatch(/^\s*[-+*] (?!\*\*add_to_cart → purchase\*\*:)/m); // the one list is the report's own
    expect(md).toContain('a \\| b # injected heading - \\[link\\](javascript:alert(1)) &amp;lt;b&amp;gt; \\*\\*bold\\*\\* \\_it\\_');
    // The campaign's row: its made-up name, source and medium in their own cells.
    const row = md.split('\n').find((l) => l.startsWith('| a \\| b # injected heading'))!;
    expect(row).toContain(' | &lt;img src=x onerror=alert(document.domain)&gt; / x\\\\x1b\\[2J');
    expect(row).toMatch(/ \| Unassigned \| 1 \| 1 \| 5 NOK \|$/);
  });

  it('writes control characters out instead of passing a terminal escape on (a .md file is read with cat too)', () => {
    expect(md).not.toMatch(CONTROL);
    expect(md).toContain('x\\\\x1b\\[2J');
  });
});

describe('report --format text', () => {
  let text: string;
  beforeAll(() => { text = renderText(report); });

  it('prints no control character from a browser: no screen clearing, no window title, no forged line', () => {
    expect(text).not.toMatch(CONTROL);
    expect(text).not.toMatch(/^07:41:12/m);
    expect(text).toContain('x\\x1b[2J\\x1b[H\\x1b]0;owned\\x07\\x0a07:41:12  +0 stored \\x1b[32mall good\\x1b[0m');
    expect(text).toContain('csi\\x9b2J nel\\x85 ls\\u2028ps\\u2029 rlo\\u202eevil');
  });

  it('keeps the columns of a table aligned with an escaped name in them', () => {
    const lines = text.split('\n');
    const head = lines.findIndex((l) => /^ {2}reason\s+event\s+count$/.test(l));
    expect(head).toBeGreaterThan(0);
    const rows = lines.slice(head, lines.indexOf('', head) === -1 ? undefined : lines.indexOf('', head));
    expect(new Set(rows.map((l) => l.length)).size).toBe(1);
  });
});

describe('report --format html (sound already: everything through esc)', () => {
  it('carries the names as text only, as the Markdown report now does', () => {
    const html = renderHtml(report);
    expect(html).not.toMatch(/<img|<script|<i>/);
    expect(html).toContain('&lt;img src=x onerror=alert(document.domain)&gt;');
    // The same names in the Markdown report: never a tag there either.
    expect(renderText(report, 'md')).not.toMatch(/<img|<script|<i>/);
  });
});

describe('the shared helpers (src/cli/safe-text.ts)', () => {
  it('printable writes C0, DEL, C1, the line/paragraph separators and bidi overrides as \\xNN / \\uNNNN', () => {
    expect(printable('a\x1b[31m\tb\r\n\x7f\x85\x9b\u2028\u2029\u202e\u2066z')).toBe('a\\x1b[31m\\x09b\\x0d\\x0a\\x7f\\x85\\x9b\\u2028\\u2029\\u202e\\u2066z');
    expect(printable('Bestilling fullført · 注文 · café')).toBe('Bestilling fullført · 注文 · café');
  });

  it('markdownText: entities for < > &, backslashes for Markdown syntax, one line, | only in a table', () => {
    expect(markdownText('<b>x</b> & &amp; &#60;')).toBe('&lt;b&gt;x&lt;/b&gt; & &amp;amp; &amp;#60;');
    expect(markdownText('*a* `c` [l](u) \\ _x_ view_item')).toBe('\\*a\\* \\`c\\` \\[l\\](u) \\\\ \\_x\\_ view_item');
    expect(markdownText('# h')).toBe('\\# h');
    expect(markdownText('1. one')).toBe('1\\. one');
    expect(markdownText('2) two')).toBe('2\\) two');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('a\n\n- b\r\nc\u2028d')).toBe('a - b c d');
    expect(markdownText('a | b')).toBe('a | b');
    expect(markdownText('a | b', true)).toBe('a \\| b');
  });
});

describe('markdownText: tabs', () => {
  it('a tab in a plan description or a name is a space, not the text \\x09 (second read)', () => {
    expect(markdownText('Order\tcompleted')).toBe('Order completed');
    expect(markdownText('a\t|\tb', true)).toBe('a \\| b');
  });
});
