/**
 * Accessibility review (QA `a11y`, findings 1, 4, 5, 10 and 11): the HTML report read by people
 * who write right to left, read on a phone, print it, or cannot read a chart; and the text and
 * HTML reports saying the same thing the same way.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { duration, endsSentence, verdictWords } from '../../src/report/format';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const NAME = 'متجر فيلسبورت (تجريبي)!';
const FUNNEL = 'من صفحة المنتج إلى طلب مدفوع (7 أيام).';
const BANNER = 'عرض الشحن المجاني (شريط علوي).';
const ITEM = 'حذاء جبلي (أسود)';
const LONG = 'artikel_in_den_warenkorb_gelegt_vom_kund'; // 40 characters, the longest NAME allows
const VARIANT = 'versandkostenfreier_banner_oben_variante'; // 40 characters

const plan = (parsePlan({
  version: 1, name: NAME, currency: 'SAR',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', description: 'طلب مكتمل في المتجر (عبر الإنترنت).', properties: { value: { type: 'number' } }, value: 'value', send: { collector: {} } },
    view_item: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' } }, send: { collector: {} } },
    [LONG]: { kind: 'micro', supports: ['purchase'], properties: { item_id: { type: 'string' }, item_name: { type: 'string', optional: true }, value: { type: 'number' } }, value: 'value', send: { collector: {} } },
  },
  funnels: { checkout: { description: FUNNEL, steps: ['view_item', LONG, 'purchase'], within: '7d' } },
  abandonment: { cart: { add: LONG, complete: 'purchase', after: '1h' } },
  experiments: { banner: { description: BANNER, variants: ['control', VARIANT], weights: [50, 50], goal: 'purchase' } },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 10, 2, 10, 0, 0);
let n = 0;
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const track = (visitor: string, event: string, properties: Record<string, unknown>, kind: string) =>
  ({ type: 'track', event, anonymousId: visitor, messageId: `m${++n}`, timestamp: at(n), properties, context: { measureplan: { kind } } });
const expose = (visitor: string, variant: string) => track(visitor, 'experiment_viewed', { experiment_id: 'banner', variant_id: variant }, 'signal');
const MESSAGES = [
  expose('a', 'control'), track('a', 'view_item', { item_id: 'boot' }, 'micro'), track('a', LONG, { item_id: 'boot', item_name: ITEM, value: 900 }, 'micro'), track('a', 'purchase', { value: 900 }, 'macro'),
  expose('b', VARIANT), track('b', 'view_item', { item_id: 'boot' }, 'micro'), track('b', LONG, { item_id: 'boot', item_name: ITEM, value: 900 }, 'micro'),
  expose('c', VARIANT), track('c', 'view_item', { item_id: 'boot' }, 'micro'),
];

let dir: string;
let report: Report;
let html: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-report-a11y-'));
  const store = openStore(join(dir, 'store.db'));
  store.write([MESSAGES.map((m) => toOutcome(m, {}, at(100), plan))]);
  report = buildReport(store.db, plan, { now: T0 + 600 * 60_000 });
  store.close();
  html = renderHtml(report);
  expect(report.abandonment.cart!.list[0]!.items[0]!.item_name).toBe(ITEM);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The <figure> that holds the chart whose aria-label starts with `label`. */
const figure = (label: string) => {
  const start = html.lastIndexOf('<figure>', html.indexOf(`aria-label="${label}`));
  return html.slice(start, html.indexOf('</figure>', start));
};
const attr = (tag: string, name: string) => Number(new RegExp(`\\b${name}="([-\\d.]+)"`).exec(tag)![1]);

describe('finding 4: the plan\'s free text is isolated from the words around it', () => {
  it('a right-to-left description cannot pull the funnel\'s numbers into its own order', () => {
    expect(html).toContain(`<p class="lead"><bdi>${FUNNEL}</bdi> 3 visitors entered`);
    expect(html).toContain(`<p class="lead"><bdi>${BANNER}</bdi> Goal: purchase.</p>`);
  });

  it('the plan\'s name takes the heading\'s direction from its own text (a block alone keeps the page\'s; intl QA 2026-12-07)', () => {
    expect(html).toContain(`<h1 dir="auto">${NAME}</h1>`);
    expect(html).toContain(`<title>${NAME}: measurement plan report</title>`);
  });

  it('conversion descriptions and product names are isolated too', () => {
    expect(html).toContain('<bdi class="muted">طلب مكتمل في المتجر (عبر الإنترنت).</bdi>');
    expect(html).toContain(`1× <bdi>${ITEM}</bdi>`);
  });
});

describe('finding 11: one way of writing things in every format', () => {
  it('no second full stop after a description that ends its sentence', () => {
    expect(html).not.toMatch(/\.<\/bdi>\./);
    expect(html).not.toContain('..');
    expect(endsSentence('(7 أيام).')).toBe(true);
    expect(endsSentence('Is it?')).toBe(true);
    expect(endsSentence('(top bar)')).toBe(false);
  });

  it('a time span reads the same in text and HTML (7 d, 1 h), without ".0"', () => {
    const text = renderText(report);
    expect(text).toContain('(within 7 d of the first step)');
    expect(html).toContain('within 7 d of the first step');
    expect(text).toContain('after being left for 1 h)');
    expect(html).toContain('(left 1 h or more without an order)');
    expect([duration(45_000), duration(75 * 60_000), duration(90 * 60_000), duration(3 * 86_400_000), duration(36 * 3_600_000)]).toEqual(['45 s', '75 min', '1.5 h', '3 d', '36 h']);
  });

  it('the text and Markdown verdict column has words (not shown), not the JSON key (not-shown)', () => {
    const shown: Report = { ...report, supports: report.supports.map((s) => ({ ...s, verdict: 'not-shown' as const })) };
    for (const style of ['text', 'md'] as const) {
      const out = renderText(shown, style);
      expect(out).toMatch(/not shown\s*\|?\s*$/m);
      expect(out).not.toContain('not-shown');
    }
    expect(verdictWords('no-data')).toBe('no data');
  });
});

describe('finding 1: charts a sighted reader can read, with their numbers on screen', () => {
  it('a 40-character step name has its own line above its bar and cannot run into the bar or the count', () => {
    const svg = figure('Funnel checkout');
    const labels = [...svg.matchAll(/<text [^>]*class="lbl"[^>]*>/g)].map((m) => m[0]);
    const bars = [...svg.matchAll(/<rect [^>]*class="bar"[^>]*>/g)].map((m) => m[0]);
    const values = [...svg.matchAll(/<text [^>]*class="val"[^>]*>/g)].map((m) => m[0]);
    expect(labels).toHaveLength(3);
    expect(svg).toContain(`2. ${LONG}</text>`);
    labels.forEach((label, i) => {
      // The name's baseline is above the top of its bar: no part of the bar's row is shared.
      expect(attr(label, 'y')).toBeLessThan(attr(bars[i]!, 'y'));
      // The count starts right of its bar.
      expect(attr(values[i]!, 'x')).toBeGreaterThan(attr(bars[i]!, 'x') + attr(bars[i]!, 'width'));
    });
    // The widest bar leaves room for its count within the chart's width.
    const width = Number(/viewBox="0 0 (\d+)/.exec(svg)![1]);
    expect(Math.max(...bars.map((b) => attr(b, 'x') + attr(b, 'width')))).toBeLessThanOrEqual(width - 150);
  });

  it('a 40-character variant name has its own line above its interval too', () => {
    const svg = figure('Experiment banner');
    const label = new RegExp(`<text [^>]*class="lbl"[^>]*>${VARIANT}</text>`).exec(svg)![0];
    const line = svg.slice(svg.indexOf(label)).match(/<line [^>]*>/)![0];
    expect(attr(label, 'y')).toBeLessThan(attr(line, 'y1') - 10);
  });

  it('the funnel\'s and the vitals\' numbers are a table on screen, not only for screen readers', () => {
    expect(html).not.toMatch(/<div class="sr">/);
    expect(figure('Funnel checkout')).toMatch(/<table><caption class="sr">Funnel checkout, step by step<\/caption>/);
  });

  it('a share in a table keeps its number and "%" on one line, with the same text', () => {
    expect(html).toMatch(/<td class="n"><span class="nw">\d[\d.,]* %<\/span><\/td>/);
    expect(html).toMatch(/\.nw\{white-space:nowrap\}|\.nw[,{][^}]*white-space:nowrap/);
  });

  it('the chart text grows in the SVG\'s units on a narrow screen, where the chart is drawn at half size', () => {
    expect(figure('Funnel checkout')).toContain('<svg class="fit"');
    expect(html).toMatch(/@media \(max-width:30em\)\{svg\.fit text\{font-size:22px\}/);
  });

  it('each legend swatch stays on one line with its word', () => {
    const r = { ...report, vitals: { ...report.vitals, metrics: [{ metric: 'LCP', units: 3, good: { units: 2, rate: 0.5 }, 'needs-improvement': { units: 1, rate: 0 }, poor: { units: 0, rate: null } }] } } as unknown as Report;
    const out = renderHtml(r);
    expect(out).toContain('<span class="key"><span class="sw r-needs-improvement" aria-hidden="true"></span>needs improvement</span>');
    expect(out).toMatch(/\.key[,{][^}]*white-space:nowrap/);
    expect(out).toMatch(/<p class="legend">[^]*<\/p><div class="table"[^>]*><table><caption class="sr">Share of visitors who converted/);
  });
});

describe('finding 5: reflow at 320 px', () => {
  it('long words in prose break instead of pushing the page sideways, and a wide table scrolls in its own box', () => {
    expect(html).toMatch(/body\{[^}]*overflow-wrap:break-word/);
    expect(html).toContain('.table{overflow-x:auto');
    // Every table is in a named, focusable box (a keyboard can scroll it).
    const tables = html.match(/<table>/g)!.length;
    expect(html.match(/<div class="table" role="region" tabindex="0" aria-label="[^"]+"><table>/g)).toHaveLength(tables);
  });
});

describe('finding 10: printing', () => {
  it('has a print stylesheet that keeps headings with what follows and leaves the table boxes', () => {
    const print = /@media print\{(.*)\}`?/.exec(html)?.[1] ?? '';
    expect(print).toContain('h2,h3{break-after:avoid');
    expect(print).toContain('figure,tr,.verdict{break-inside:avoid}');
    expect(print).toContain('.table{overflow:visible}');
  });
});
