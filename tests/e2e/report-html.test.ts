/**
 * The HTML report in a real browser: a synthetic crowd of 3,000 shoppers stored, reported and
 * opened from disk. It must render its charts with no console error and make no request at all.
 * The screenshot is taken in a temporary folder, removed after the test; with MP_KEEP_SCREENSHOT=1
 * the folder is kept (its path is printed) for a person to look at.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import type { Browser, ConsoleMessage, Route } from 'playwright-core';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
// @ts-expect-error plain ESM helpers without types
import { syntheticMessages } from '../../scripts/crowd/synthetic.mjs';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';

const dir = mkdtempSync(join(tmpdir(), 'mp-report-html-'));
afterAll(() => { if (process.env.MP_KEEP_SCREENSHOT !== '1') rmSync(dir, { recursive: true, force: true }); });

it('renders its charts with no console error and no request to any host', async () => {
  const planText = readFileSync('examples/plans/webshop.json', 'utf8');
  const plan = (parsePlan(planText) as { plan: Plan }).plan;
  const store = openStore(join(dir, 'store.db'), { sync: 'normal' });
  const messages = [...syntheticMessages({ shoppers: 3000, seed: 3, days: 14, start: Date.UTC(2026, 10, 1), identify: 0.3, plan: JSON.parse(planText) })] as Record<string, unknown>[];
  const at = new Date(Date.UTC(2026, 10, 20)).toISOString();
  for (let i = 0; i < messages.length; i += 500) store.write([messages.slice(i, i + 500).map((m) => toOutcome(m, {}, at, plan))]);
  const report = buildReport(store.db, plan, { now: Date.UTC(2026, 10, 20) });
  store.close();
  const file = join(dir, 'report.html');
  writeFileSync(file, renderHtml(report));

  const browser: Browser = await launch();
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    const problems: string[] = [];
    page.on('console', (m: ConsoleMessage) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e: Error) => problems.push(`page error: ${e.message}`));
    await page.route('**/*', (route: Route) => {
      if (route.request().url() !== `file://${file}`) problems.push(`request: ${route.request().url()}`);
      return route.continue();
    });
    await page.goto(`file://${file}`);
    expect(problems).toEqual([]);

    // The charts are there, with one mark per thing they show.
    const funnel = page.locator('svg[aria-label^="Funnel checkout"]');
    expect(await funnel.locator('rect.bar').count()).toBe(plan.funnels.checkout!.steps.length);
    const experiment = page.locator('svg[aria-label^="Experiment free_shipping_banner"]');
    expect(await experiment.locator('circle.dot').count()).toBe(2);
    expect(await page.locator('svg[aria-label="Conversion rate by Core Web Vitals rating"] rect').count()).toBeGreaterThanOrEqual(10);
    // Bars shrink down the funnel, and every chart has a size on the page.
    const widths = await funnel.locator('rect.bar').evaluateAll((els: Element[]) => els.map((e) => Number(e.getAttribute('width'))));
    expect(widths).toEqual([...widths].sort((a, b) => b - a));
    for (const svg of await page.locator('svg').all()) expect((await svg.boundingBox())!.height).toBeGreaterThan(40);
    await expect(page.locator('h2').allTextContents()).resolves.toEqual(expect.arrayContaining(['Conversions', 'Funnel checkout', 'Abandoned carts and browses', 'Experiment free_shipping_banner', 'Page experience and conversion', 'Quarantine']));

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    if (process.env.MP_KEEP_SCREENSHOT === '1') console.log(`report screenshot: ${shot}`);
  } finally {
    await browser.close();
  }
}, 120_000);
