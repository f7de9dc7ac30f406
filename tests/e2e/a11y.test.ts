/**
 * Accessibility of the HTML people read, in a real browser: the report (with a crowd's data and
 * from an empty store), the plan document (webshop and leadgen) and the debug panel on a host
 * page (the built dist/measureplan.iife.js with `?measureplan_debug=1`).
 *
 * axe-core checks WCAG 2.0/2.1/2.2 A and AA rules; the rest are what axe cannot see: every chart
 * has a text equivalent with its numbers, ratings are written in words and not only coloured,
 * SVG text has contrast, table headers have a scope, headings go in order, and the debug panel
 * is a labelled region that keyboard users reach and that never takes the page's focus.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { checkFile } from '../../src/cli/check';
import { renderHtml as renderDocument } from '../../src/cli/document';
import { planDocument } from '../../src/cli/plan-document';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { pct } from '../../src/report/format';
import { renderHtml } from '../../src/report/html';
import { formatCount } from '../../src/report/stats';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
// @ts-expect-error plain ESM helpers without types
import { syntheticMessages } from '../../scripts/crowd/synthetic.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { ROOT } from '../support/bundle.mjs';
// @ts-expect-error plain ESM helpers without types
import { startServer } from '../support/server.mjs';
// @ts-expect-error plain ESM helpers without types
import { installVendorFakes } from '../support/vendor-fakes.mjs';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** One line per violation: `rule (impact): target — summary`, so a failure says what and where. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async (tags) => {
    const result = await (window as any).axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return result.violations.map((v: any) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n: any) => ({ target: JSON.stringify(n.target), summary: n.failureSummary.replace(/\s+/g, ' ').slice(0, 200) })) }));
  }, TAGS);
  const lines = violations.flatMap((v: any) => v.nodes.map((n: any) => `${v.id} (${v.impact}): ${n.target} — ${n.summary}`));
  if (lines.length) console.log(`axe on ${page.url()}: ${violations.map((v: any) => `${v.id} ×${v.nodes.length}`).join(', ')}\n  ${lines.join('\n  ')}`);
  return lines;
}

/** WCAG's contrast ratio of two `rgb(...)` colours (alpha ignored). */
const CONTRAST = `(a, b) => {
  const lum = (c) => { const [r, g, b] = c.match(/[\\d.]+/g).slice(0, 3).map((v) => { v /= 255; return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}`;

/**
 * What axe does not check on a whole page: lang, title, one h1 and headings that never skip a
 * level; every table with a caption and header cells: in `<thead>` (the columns' headers by
 * HTML's table model) or with a scope.
 */
async function structure(page: Page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    title: document.title.trim(),
    headings: [...document.querySelectorAll('h1,h2,h3,h4,h5,h6')].map((h) => Number(h.tagName[1])),
    thWithoutScope: [...document.querySelectorAll('th')].filter((th) => !th.closest('thead') && !['col', 'row'].includes(th.getAttribute('scope') ?? '')).map((th) => th.outerHTML.slice(0, 80)),
    tablesWithoutColumnHeaders: [...document.querySelectorAll('table')].filter((t) => !t.tHead || [...t.tHead.rows[0]!.cells].some((c) => c.tagName !== 'TH')).length,
    tablesWithoutCaption: [...document.querySelectorAll('table')].filter((t) => !t.caption?.textContent?.trim() && !t.getAttribute('aria-label')).map((t) => t.outerHTML.slice(0, 80)),
  }));
}

function expectGoodStructure(s: Awaited<ReturnType<typeof structure>>) {
  expect.soft(s.lang).toBe('en');
  expect.soft(s.title).not.toBe('');
  expect.soft(s.headings[0]).toBe(1);
  expect.soft(s.headings.filter((l) => l === 1)).toHaveLength(1);
  s.headings.forEach((l, i) => { if (i) expect.soft(l, `heading ${i} (h${l}) after h${s.headings[i - 1]}`).toBeLessThanOrEqual(s.headings[i - 1]! + 1); });
  expect.soft(s.thWithoutScope).toEqual([]);
  expect.soft(s.tablesWithoutColumnHeaders).toBe(0);
  expect.soft(s.tablesWithoutCaption).toEqual([]);
}

/** Every text drawn in an SVG chart against the page's white: axe does not measure SVG text. */
async function svgTextContrast(page: Page): Promise<string[]> {
  return page.evaluate(`(() => {
    const contrast = ${CONTRAST};
    return [...document.querySelectorAll('svg text')].map((t) => [t.textContent, getComputedStyle(t).fill])
      .filter(([, fill]) => contrast(fill, 'rgb(255, 255, 255)') < 4.5).map(([text, fill]) => text + ' in ' + fill);
  })()`);
}

/** Tabs once and describes the focused element (through shadow roots) and whether its focus shows. */
async function tab(page: Page) {
  await page.keyboard.press('Tab');
  return page.evaluate(`(() => {
    const contrast = ${CONTRAST};
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    if (!el || el === document.body) return null;
    const s = getComputedStyle(el);
    let bg = 'rgb(255, 255, 255)';
    for (let e = el; e; e = e.parentElement || (e.getRootNode() && e.getRootNode().host)) { const b = getComputedStyle(e).backgroundColor; if (b && !b.startsWith('rgba(0, 0, 0, 0)') && b !== 'transparent') { bg = b; break; } }
    return {
      tag: el.tagName.toLowerCase(),
      name: (el.getAttribute('aria-label') || el.textContent || '').trim(),
      focusVisible: el.matches(':focus-visible'),
      outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2 ? contrast(s.outlineColor, bg) : 0,
    };
  })()`) as Promise<{ tag: string; name: string; focusVisible: boolean; outline: number } | null>;
}

let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'mp-a11y-'));
const planText = readFileSync(join(ROOT, 'examples/plans/webshop.json'), 'utf8');
const plan = (parsePlan(planText) as { plan: Plan }).plan;
let report: Report;
let empty: Report;

beforeAll(async () => {
  const store = openStore(join(dir, 'store.db'), { sync: 'normal' });
  const messages = [...syntheticMessages({ shoppers: 2000, seed: 3, days: 14, start: Date.UTC(2026, 10, 1), identify: 0.3, plan: JSON.parse(planText) })] as Record<string, unknown>[];
  const at = new Date(Date.UTC(2026, 10, 20)).toISOString();
  for (let i = 0; i < messages.length; i += 500) store.write([messages.slice(i, i + 500).map((m) => toOutcome(m, {}, at, plan))]);
  report = buildReport(store.db, plan, { now: Date.UTC(2026, 10, 20) });
  store.close();
  writeFileSync(join(dir, 'report.html'), renderHtml(report));
  const none = openStore(join(dir, 'empty.db'), { sync: 'normal' });
  empty = buildReport(none.db, plan, { now: Date.UTC(2026, 10, 20) });
  none.close();
  writeFileSync(join(dir, 'empty.html'), renderHtml(empty));
  for (const name of ['webshop', 'leadgen']) {
    const file = `examples/plans/${name}.json`;
    writeFileSync(join(dir, `${name}.html`), renderDocument(planDocument(checkFile(join(ROOT, file)).plan!, file)));
  }
  browser = await launch();
}, 120_000);
afterAll(async () => { await browser?.close(); rmSync(dir, { recursive: true, force: true }); });

async function openFile(name: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
  await page.route((url) => url.protocol !== 'file:', (r) => r.abort());
  await page.goto(`file://${join(dir, name)}`);
  return page;
}

describe('the HTML report', () => {
  it('with data: no axe violation, headings in order, tables captioned with header cells, SVG text readable', async () => {
    const page = await openFile('report.html');
    expect.soft(await axe(page)).toEqual([]);
    expectGoodStructure(await structure(page));
    expect(await svgTextContrast(page)).toEqual([]);
    await page.close();
  });

  it('from an empty store: no axe violation, the same structure', async () => {
    const page = await openFile('empty.html');
    expect.soft(await axe(page)).toEqual([]);
    expectGoodStructure(await structure(page));
    await page.close();
  });

  it('gives every chart a text equivalent with its numbers', async () => {
    const page = await openFile('report.html');
    const charts = await page.locator('svg').evaluateAll((svgs: Element[]) => svgs.map((s) => ({
      role: s.getAttribute('role'), label: s.getAttribute('aria-label') ?? '',
      // The numbers a screen reader gets besides the label: the figure's caption and tables, unless hidden from it too.
      more: [...(s.closest('figure')?.querySelectorAll('figcaption, table') ?? [])]
        .filter((t) => !t.closest('[aria-hidden="true"]') && getComputedStyle(t).display !== 'none' && getComputedStyle(t).visibility !== 'hidden')
        .map((t) => t.textContent).join(' '),
    })));
    expect(charts.length).toBe(report.funnels.length + report.experiments.length + 1);
    for (const c of charts) {
      expect(c.role).toBe('img');
      expect(c.label).not.toBe('');
    }
    const said = (start: string) => { const c = charts.find((x) => x.label.startsWith(start)); expect(c, start).toBeDefined(); return `${c!.label} ${c!.more}`; };
    for (const f of report.funnels) {
      const text = said(`Funnel ${f.name}`);
      for (const s of f.steps) {
        expect(text).toContain(s.event);
        expect(text).toContain(formatCount(s.visitors));
        expect(text).toContain(pct(s.fromFirst));
      }
    }
    for (const e of report.experiments) {
      const text = said(`Experiment ${e.name}`);
      for (const v of e.variants.filter((x) => x.rate !== null)) {
        expect(text).toContain(v.name);
        expect(text).toContain(pct(v.rate));
        expect(text).toContain(`${pct(v.low)} – ${pct(v.high)}`);
      }
    }
    const vitals = said('Conversion rate by Core Web Vitals rating');
    for (const m of report.vitals.metrics.filter((x) => x.units)) {
      expect(vitals).toContain(m.metric);
      for (const k of ['good', 'needs-improvement', 'poor'] as const) if (m[k].rate !== null) expect(vitals).toContain(pct(m[k].rate));
    }
    await page.close();
  });

  it('writes ratings in words, not only in colour, and hides the colour swatches from screen readers', async () => {
    const page = await openFile('report.html');
    // Under each bar of the vitals chart, its rating in words.
    const bars = await page.locator('svg[aria-label="Conversion rate by Core Web Vitals rating"] rect').count();
    const words = await page.locator('svg[aria-label="Conversion rate by Core Web Vitals rating"] text.rating').allTextContents();
    expect(bars).toBeGreaterThan(0);
    expect(words.length).toBe(bars);
    for (const w of words) expect(['good', 'needs improvement', 'poor']).toContain(w);
    // The page-load table's rating column is words.
    const ratings = await page.locator('table:has(th:text-is("rating")) tbody tr td:last-child').allTextContents();
    expect(ratings.length).toBeGreaterThan(0);
    for (const r of ratings) expect(['good', 'needs improvement', 'poor', '—']).toContain(r.trim());
    // Swatches are decoration next to the words.
    expect(await page.locator('.sw:not([aria-hidden="true"])').count()).toBe(0);
    // Every coloured verdict says its outcome in words.
    for (const v of await page.locator('.verdict').allTextContents()) expect(v.length).toBeGreaterThan(20);
    await page.close();
  });
});

describe('the plan document', () => {
  for (const name of ['webshop', 'leadgen']) {
    it(`${name}: no axe violation, headings in order, scoped table headers, a named navigation with visible focus`, async () => {
      const page = await openFile(`${name}.html`);
      expect.soft(await axe(page)).toEqual([]);
      expectGoodStructure(await structure(page));
      expect(await page.locator('nav').getAttribute('aria-label')).toBeTruthy();
      const first = await tab(page);
      expect(first?.tag).toBe('a');
      expect(first?.name).not.toBe('');
      expect(first?.focusVisible).toBe(true);
      expect(first?.outline).toBeGreaterThanOrEqual(3);
      await page.close();
    });
  }
});

describe('the debug panel', () => {
  let server: any;
  const out = join(ROOT, 'node_modules/.cache/measureplan-e2e-a11y');
  const STUB = readFileSync(join(ROOT, 'src/loader/stub.min.js'), 'utf8').trim();

  beforeAll(async () => {
    mkdirSync(out, { recursive: true });
    for (const f of readdirSync(join(ROOT, 'dist')).filter((n) => /^measureplan\.[\w.-]+\.js$/.test(n))) cpSync(join(ROOT, 'dist', f), join(out, f));
    writeFileSync(join(out, 'plan.json'), planText);
    // An accessible host page whose own button has the focus when the panel arrives.
    writeFileSync(join(out, 'index.html'), `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A shop</title>
<script>${STUB}</script><script async src="/measureplan.iife.js" data-plan="/plan.json"></script></head>
<body><main><h1>A shop</h1><p><a href="tel:+4722334455" id="call">Call us</a></p><button id="search" type="button">Search</button></main>
<script>document.getElementById('search').focus(); measureplan.consent({ analytics: 'granted', ads: 'pending' });</script></body></html>`);
    // A right-to-left shop: the panel (English, left to right) must not take the page's direction.
    writeFileSync(join(out, 'rtl.html'), `<!doctype html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>متجر الكويت</title>
<script>${STUB}</script><script async src="/measureplan.iife.js" data-plan="/plan.json"></script></head>
<body><main><h1>متجر الكويت</h1></main><script>measureplan.consent({ analytics: 'granted', ads: 'granted' });</script></body></html>`);
    server = await startServer({ root: out });
  });
  afterAll(async () => { await server?.close(); });

  it('has no axe violation open and closed, is a labelled region, keeps the page\'s focus and is reached by keyboard', async () => {
    const context = await browser.newContext();
    await installVendorFakes(context);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/?measureplan_debug=1`);
    await page.evaluate(() => (window as any).measureplan.ready);
    await page.waitForFunction(() => !!document.querySelector('measureplan-debug')?.shadowRoot?.querySelector('summary'));
    // A micro and a macro conversion waiting for ads consent, and a rejected call: the states the panel writes in words and colours.
    await page.evaluate(() => { const m = (window as any).measureplan; m.track('phone_click'); m.track('purchase', { transaction_id: 'T-1', value: 100, items: [{ item_id: 'SKU-1', quantity: 1 }] }); m.track('no_such_conversion'); });
    await expect.poll(() => page.evaluate(() => document.querySelector('measureplan-debug')!.shadowRoot!.querySelectorAll('tr').length)).toBeGreaterThanOrEqual(3);

    // The panel took nothing from the page: its button still has the focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('search');
    expect.soft(await axe(page)).toEqual([]);
    expect.soft(await page.getByRole('region', { name: 'measureplan debug' }).count()).toBe(1);
    // Statuses are words, not only colours.
    const statuses = await page.evaluate(() => [...document.querySelector('measureplan-debug')!.shadowRoot!.querySelectorAll('td:last-child div')].map((d) => d.textContent!));
    expect(statuses.length).toBeGreaterThan(0);
    for (const s of statuses) expect(s).toMatch(/^\w+: (sent|waiting for consent|not sent|\S+: )/);

    // Tab from the page's last control reaches the panel's header, with a focus ring that shows.
    const header = await tab(page);
    expect(header).toMatchObject({ tag: 'summary', focusVisible: true });
    expect(header!.name).toContain('measureplan debug');
    expect(header!.outline).toBeGreaterThanOrEqual(3);
    // The list scrolls: it is reachable too, so it can be scrolled with the keyboard.
    const list = await tab(page);
    expect(list).toMatchObject({ focusVisible: true });
    expect(list!.outline).toBeGreaterThanOrEqual(3);
    // Enter on the header closes and opens it; closed, it has no violation either.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (document.querySelector('measureplan-debug')!.shadowRoot!.querySelector('details') as HTMLDetailsElement).open)).toBe(false);
    expect.soft(await axe(page)).toEqual([]);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => (document.querySelector('measureplan-debug')!.shadowRoot!.querySelector('details') as HTMLDetailsElement).open)).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('reads left to right on a right-to-left page, and leaves the page right to left (intl QA 2026-12-07)', async () => {
    const context = await browser.newContext();
    await installVendorFakes(context);
    const page = await context.newPage();
    await page.goto(`${server.url}/rtl.html?measureplan_debug=1`);
    await page.evaluate(() => (window as any).measureplan.ready);
    await page.waitForFunction(() => !!document.querySelector('measureplan-debug')?.shadowRoot?.querySelector('summary'));
    await page.evaluate(() => (window as any).measureplan.track('phone_click'));
    await expect.poll(() => page.evaluate(() => document.querySelector('measureplan-debug')!.shadowRoot!.querySelectorAll('td').length)).toBeGreaterThan(0);
    const directions = await page.evaluate(() => {
      const root = document.querySelector('measureplan-debug')!.shadowRoot!;
      return { panel: [...root.querySelectorAll('summary, td, caption')].map((e) => getComputedStyle(e).direction), page: getComputedStyle(document.querySelector('main')!).direction };
    });
    expect(new Set(directions.panel)).toEqual(new Set(['ltr']));
    expect(directions.page).toBe('rtl');
    await context.close();
  });
});
