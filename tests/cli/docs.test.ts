import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { example } from '../plan/fixtures';
import { ensureBuilt, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

const ID_KEYS: Record<string, string> = { ga4: 'measurementId', googleAds: 'conversionId', meta: 'pixelId', linkedin: 'partnerId', microsoftAds: 'tagId', collector: 'url' };
const TOOLS: Record<string, string> = { ga4: 'GA4', googleAds: 'Google Ads', meta: 'Meta', linkedin: 'LinkedIn', microsoftAds: 'Microsoft Ads', collector: 'Collector' };

describe('measureplan docs (Markdown)', () => {
  for (const name of ['webshop', 'leadgen'] as const) {
    it(`names every conversion, funnel step and destination of ${name}.json`, () => {
      const r = run(['docs', `examples/plans/${name}.json`]);
      expect(r.code, r.stderr).toBe(0);
      const plan = example(name);
      expect(r.stdout.startsWith(`# ${plan.name}\n`)).toBe(true);
      for (const [conversion, spec] of Object.entries<any>(plan.conversions)) {
        expect(r.stdout).toContain(`| \`${conversion}\` | ${spec.kind === 'macro' ? 'macro (goal)' : 'micro'} | ${spec.description} |`);
      }
      for (const [d, config] of Object.entries<any>(plan.destinations!)) {
        expect(r.stdout).toMatch(new RegExp(`^\\| ${TOOLS[d]} \\| .*\`${config[ID_KEYS[d]!].replace(/[/]/g, '\\/')}\``, 'm'));
      }
      for (const [funnel, f] of Object.entries<any>(plan.funnels ?? {})) {
        expect(r.stdout).toContain(`### \`${funnel}\``);
        (Array.isArray(f) ? f : f.steps).forEach((s: string, i: number) => expect(r.stdout).toContain(`${i + 1}. \`${s}\``));
      }
      for (const macro of Object.keys(plan.conversions).filter((c) => plan.conversions[c]!.kind === 'macro')) {
        expect(r.stdout).toContain(`### \`${macro}\``);
      }
    });
  }

  it('says how each conversion is recognised, its value, its goal and its name in each tool', () => {
    const shop = run(['docs', 'examples/plans/webshop.json']).stdout;
    expect(shop).toContain('| `newsletter_signup` | micro | Signed up to the newsletter | when a visitor submits the form `form.newsletter`; counted once per visitor | 15 NOK | `purchase` | GA4: sign_up · Meta: Subscribe · Collector |');
    expect(shop).toContain("| `purchase` | macro (goal) | Order completed in the webshop | tracked by the site's code; counted once per page; each `transaction_id` sent once, however often the page is loaded | the amount in the `value` property (NOK) | — |");
    // The abandoned-cart conversion is measureplan's own, not the site's code (marketer QA 2026-12-06).
    expect(shop).toContain('| tracked by measureplan when a visitor comes back to a cart left for 1 hour (see `abandonment.cart`) |');
    expect(shop).toContain("| `cart_abandoned` | `items` | list of products | filled by measureplan: the abandoned cart's products |");
    expect(shop).not.toMatch(/cart_abandoned.*site's code/);
    expect(shop).toContain('when a visitor views a page matching `/pricing*`');
    expect(shop).toContain("when a visitor clicks `a[href^='tel:']`");
    expect(shop).toContain('Google Ads: label AbC-D_efG1');
    expect(shop).toContain('LinkedIn: conversion 22222');
    expect(shop).toContain('Microsoft Ads: purchase (category checkout)');
    expect(shop).toContain('**analytics** is denied and **ads** is denied');
    const lead = run(['docs', 'examples/plans/leadgen.json']).stdout;
    expect(lead).toContain('when `.case-study-end` has been on screen for 1 second; counted once per page');
    const scrolled = example('leadgen') as any;
    scrolled.conversions.case_study_read.trigger = { on: 'scroll', percent: 75 };
    expect(run(['docs', tmp.file('scrolled.json', JSON.stringify(scrolled))]).stdout).toContain('when a visitor scrolls 75% of the way down a page');
    expect(lead).toContain('| `demo_request` | `company_size` | text, one of "1-10", "11-50", "51-250", "251+" (optional) | the form field `company_size` |');
    expect(lead).toContain('Endpoint `/collect` (also every page view)');
  });

  it('names the order-number deduplication and the consent platform (marketer QA 2026-12-06)', () => {
    const plan = example('webshop') as any;
    expect(plan.conversions.purchase.dedupe).toBe('transaction_id');
    plan.consent.cmp = 'cookiebot';
    const doc = run(['docs', tmp.file('once.json', JSON.stringify(plan))]).stdout;
    expect(doc).toContain("| `purchase` | macro (goal) | Order completed in the webshop | tracked by the site's code; counted once per page; each `transaction_id` sent once, however often the page is loaded |");
    expect(doc).toContain("measureplan reads the visitor's choice from the site's consent platform (Cookiebot) on every page.");
    expect(doc).toContain('A browser that sends Global Privacy Control ("do not sell or share") keeps ads denied, whatever is chosen in the banner.');
    plan.consent.gpc = 'banner';
    expect(run(['docs', tmp.file('gpc.json', JSON.stringify(plan))]).stdout).toContain('A browser that sends Global Privacy Control ("do not sell or share") is left to that banner, which must read the signal itself.');
    // Crawlers: said only when the plan measures them (the default skips them, docs/data-protection.md).
    const crawlers = 'Browsers that say they are crawlers (Googlebot, bingbot, AhrefsBot and the like) are measured like visitors, under the same consent, so they count in every tool this plan sends to.';
    expect(doc).not.toContain('crawlers');
    plan.bots = 'measure';
    expect(run(['docs', tmp.file('bots.json', JSON.stringify(plan))]).stdout).toContain(crawlers);
  });

  it('writes to --out and refuses an invalid plan', () => {
    const out = join(tmp.dir, 'plan.md');
    const r = run(['docs', 'examples/plans/webshop.json', '--out', out]);
    expect(r.code).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(run(['docs', 'examples/plans/webshop.json']).stdout);
    const broken = tmp.file('broken.json', JSON.stringify({ ...example('webshop'), version: 2 }, null, 2));
    const bad = run(['docs', broken]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`${broken}:3:14  error  version`);
    expect(bad.stdout).toBe('');
  });

  it('escapes Markdown in the plan\'s own words', () => {
    const plan = example('leadgen');
    plan.conversions.demo_request!.description = 'Asked for a demo | <b>now</b> *really*';
    const md = run(['docs', tmp.file('md.json', JSON.stringify(plan))]).stdout;
    expect(md).toContain('Asked for a demo \\| &lt;b&gt;now&lt;/b&gt; \\*really\\*'); // entities: no renderer reads a tag
  });
});

describe('measureplan docs --format html', () => {
  for (const name of ['webshop', 'leadgen'] as const) {
    it(`is one self-contained page naming everything in ${name}.json`, () => {
      const r = run(['docs', `examples/plans/${name}.json`, '--format', 'html']);
      expect(r.code, r.stderr).toBe(0);
      const html = r.stdout;
      const plan = example(name);
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`<h1 dir="auto">${plan.name}</h1>`);
      for (const conversion of Object.keys(plan.conversions)) expect(html).toContain(`<td><code>${conversion}</code></td>`);
      for (const [d, config] of Object.entries<any>(plan.destinations!)) {
        expect(html).toContain(`<td>${TOOLS[d]}</td>`);
        expect(html).toContain(`<code>${config[ID_KEYS[d]!]}</code>`);
      }
      expect(html).toMatch(/<style>[\s\S]+<\/style>/);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
      const refs = [...html.matchAll(/\b(?:src|href)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1]!);
      expect(refs.length).toBeGreaterThan(0); // the page's own table of contents
      for (const ref of refs) expect(ref, ref).toMatch(/^#[\w-]+$/);
    });
  }

  it('escapes the plan\'s text, so a description cannot inject markup', () => {
    const plan = example('webshop');
    plan.conversions.purchase!.description = '<script>alert("x")</script> & <a href="https://evil.example">';
    plan.name = 'Shop <img src=x onerror=alert(1)>';
    const html = run(['docs', tmp.file('xss.json', JSON.stringify(plan)), '--format', 'html']).stdout;
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;a href=&quot;https://evil.example&quot;&gt;');
    expect(html).toContain('<title>Shop &lt;img src=x onerror=alert(1)&gt;: measurement plan</title>');
    expect(html).not.toMatch(/<script|<img|<a href="http/);
    expect(html).toContain('<code>a[href^=&#39;tel:&#39;]</code>');
  });

  it('is chosen by an --out file ending in .html', () => {
    const out = join(tmp.dir, 'plan.html');
    expect(run(['docs', 'examples/plans/leadgen.json', '--out', out]).stdout).toContain('(HTML)');
    expect(readFileSync(out, 'utf8').startsWith('<!doctype html>')).toBe(true);
  });
});
