// @vitest-environment jsdom
/**
 * The browser docs against the code: each test holds a concrete claim of docs/*.md (quoted) where
 * the code did otherwise.
 */
import 'fake-indexeddb/auto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { createRecorder } from '../../src/testing/recorder';
import type { VitalsHooks } from '../../src/journey/vitals-types';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('docs/page-experience.md: GA4 gets gtag(\'event\', \'LCP\', { value, metric_id, metric_value, metric_delta, metric_rating, debug_target })', () => {
  const plan = (currency?: string) => ({
    version: 1, name: 'vitals', ...(currency ? { currency } : {}),
    destinations: { ga4: { measurementId: 'G-F1X2Y3Z4W5' } },
    consent: { default: { analytics: 'granted', ads: 'granted' } },
    conversions: { signup: { kind: 'micro', send: { ga4: { event: 'sign_up' } } } },
    vitals: { send: { ga4: {} } },
  });
  const lcp = { name: 'LCP', value: 3197.4, rating: 'needs-improvement', id: 'v6-1', navigationType: 'navigate', target: '#hero' } as const;

  it.each([['NOK'], [undefined]])('the metric\'s value goes as `value`, with no currency (plan currency %s)', async (currency) => {
    const { recorder, adapters } = createRecorder();
    const t = createTracker({ plan: plan(currency) as any, adapters, loadVitals: async () => ({ startVitals: (h: VitalsHooks) => h.final(lcp) }) });
    await vi.waitFor(() => expect(recorder.calls('ga4').filter((c) => c[1] === 'LCP')).toHaveLength(1));
    const [, , params] = recorder.calls('ga4').find((c) => c[1] === 'LCP')!;
    // HEAD: { currency: 'NOK', value: 3197.4, … } (a load time as money), or without a plan currency no value at all and a warning.
    expect(params).toMatchObject({ value: 3197.4, metric_id: 'v6-1', metric_value: 3197.4, metric_delta: 3197.4, metric_rating: 'needs-improvement', debug_target: '#hero' });
    expect(params).not.toHaveProperty('currency');
    expect(recorder.warnings()).toEqual([]);
    await t.shutdown();
  });
});

describe('docs/script-tag.md: the stub snippet, before the tag has loaded', () => {
  const W = window as any;
  const PLAN = {
    version: 1, name: 'stub', currency: 'NOK',
    destinations: { collector: { url: '/collect' } },
    consent: { default: { analytics: 'granted', ads: 'granted' } },
    conversions: {
      purchase: { kind: 'macro', properties: { value: { type: 'number' } }, value: 'value', send: { collector: {} } },
      landing: { kind: 'micro', trigger: { on: 'page_view', path: '*' }, send: { collector: {} } },
    },
    experiments: { free_shipping_banner: { variants: ['control', 'banner'], goal: 'purchase' } },
  };
  /** The stub exactly as the docs print it (src/loader/stub.min.js). */
  const stub = () => new Function(readFileSync('src/loader/stub.min.js', 'utf8'))();
  const boot = () => import('../../src/loader/index');

  beforeEach(() => {
    vi.resetModules();
    document.head.innerHTML = '';
    delete W.measureplan;
    localStorage.clear();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.stubGlobal('fetch', vi.fn(async () => new Response('{}', { status: 200 })));
    const inline = document.createElement('script');
    inline.type = 'application/json';
    inline.setAttribute('data-measureplan-plan', '');
    inline.textContent = JSON.stringify(PLAN);
    document.head.appendChild(inline);
  });
  afterEach(async () => {
    try { await W.measureplan?.shutdown?.(); } catch { /* ignore */ }
    vi.unstubAllGlobals();
  });

  it('has every method of the browser API, so none throws before the tag has loaded; `ready` is there and settles with the tag\'s', async () => {
    stub();
    const mp = W.measureplan;
    // DESIGN.md "The browser API": no method ever throws into the caller. HEAD: shutdown, clickIds,
    // variant, funnel, cart and ready were missing (TypeError).
    const ready: Promise<boolean> = mp.ready;
    expect(ready).toBeInstanceOf(Promise);
    expect(() => {
      mp.consent({ analytics: 'granted' });
      mp.track('purchase', { value: 1 });
      mp.page();
      mp.identify('u-1');
      mp.experiment('checkout_copy', 'short');
      mp.flush();
      mp.on('event', () => undefined);
      // journey.md: "a question asked before the tag has loaded gets undefined"
      expect([mp.clickIds(), mp.variant('free_shipping_banner'), mp.funnel('checkout'), mp.cart()]).toEqual([undefined, undefined, undefined, undefined]);
    }).not.toThrow();
    await boot();
    expect(await ready).toBe(true);
    expect(await W.measureplan.ready).toBe(true);
  });

  it('a shutdown() queued by the stub is applied in order and keeps the plan\'s triggers off', async () => {
    stub();
    const events: string[] = [];
    const errors: string[] = [];
    W.measureplan.on('event', (e: any) => events.push(e.event.name));
    W.measureplan.on('error', (e: any) => errors.push(`${e.path}: ${e.reason}`));
    W.measureplan.track('purchase', { value: 5 });
    W.measureplan.shutdown();
    await boot();
    expect(await W.measureplan.ready).toBe(true);
    await wait(50);
    // The page_view trigger (`landing`) is not installed after the shutdown: it tracks nothing, and nothing is reported as sent after it.
    expect(events).toEqual(['purchase']);
    expect(errors).toEqual([]);
  });

  it('a question asked of the stub is not asked again when the queue is replayed: variant() records no exposure the page never showed', async () => {
    stub();
    const exposures: unknown[] = [];
    W.measureplan.on('exposure', (e: unknown) => exposures.push(e));
    expect(W.measureplan.variant('free_shipping_banner')).toBeUndefined();
    await boot();
    expect(await W.measureplan.ready).toBe(true);
    await wait(20);
    expect(exposures).toEqual([]);
    expect(localStorage.getItem('mp_exp')).toBeNull();
  });
});

describe('every pasted stub snippet is the current one', () => {
  it('README, docs and the demo shop print src/loader/stub.min.js exactly', () => {
    const current = readFileSync('src/loader/stub.min.js', 'utf8').trim();
    const files = ['README.md', 'docs/script-tag.md', 'docs/getting-started.md', 'docs/storefront.md',
      ...readdirSync('examples/storefront', { recursive: true }).map(String).filter((f) => f.endsWith('.html')).map((f) => `examples/storefront/${f}`)];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      const pasted = text.match(/!function\s*\(w,\s*n\)[^\n<]*?\(window,\s*["']measureplan["']\)/g) ?? [];
      expect(pasted.length, `${f} has no stub`).toBeGreaterThan(0);
      for (const p of pasted) expect(p, f).toBe(current);
    }
  });
});
