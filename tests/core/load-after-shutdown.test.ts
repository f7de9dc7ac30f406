// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrackerEvents } from '../../src/core/types';
import { journeyPlan } from '../journey/journey-plan';

const tick = () => new Promise((r) => setTimeout(r, 20));
const scripts = (host: string) => document.querySelectorAll(`script[src*="${host}"]`).length;
/** Fresh modules per test: load-script.ts keeps a page-wide cache of URLs (jsdom never loads them). */
const fresh = async () => ({
  createTracker: (await import('../../src/core/create')).createTracker,
  ga4: (await import('../../adapters/ga4/index')).ga4,
  meta: (await import('../../adapters/meta/index')).meta,
  loadScript: (await import('../../src/core/load-script')).loadScript,
  linkedin: (await import('../../adapters/linkedin/index')).linkedin,
});

beforeEach(() => {
  vi.resetModules();
  localStorage.clear();
  for (const k of ['__measureplanGtag', 'dataLayer', 'gtag', 'fbq', '_fbq']) delete (window as any)[k];
  for (const s of document.querySelectorAll('script')) s.remove();
});

describe('vendor scripts after a shutdown() that cancelled a queued insert', () => {
  it('GA4: a tracker started after the shutdown one (SPA re-init, React StrictMode) gets gtag.js', async () => {
    const { createTracker, ga4 } = await fresh();
    const a = createTracker({ plan: journeyPlan(), adapters: [ga4()] });
    await a.shutdown(); // gtag.js insert still queued: cancelled
    await tick();
    createTracker({ plan: journeyPlan(), adapters: [ga4()] });
    await tick();
    expect(scripts('googletagmanager.com')).toBe(1); // HEAD: 0 (window.__measureplanGtag.p already settled)
  });

  it('Meta: a tracker created right after shutdown() gets fbevents.js', async () => {
    const { createTracker, meta } = await fresh();
    const a = createTracker({ plan: journeyPlan(), adapters: [meta()] });
    await a.shutdown();
    const b = createTracker({ plan: journeyPlan(), adapters: [meta()] }); // gets A's cached, about-to-be-cancelled promise
    const errors: TrackerEvents['error'][] = [];
    b.on('error', (e) => errors.push(e));
    await tick();
    expect(scripts('connect.facebook.net')).toBe(1); // HEAD: 0, B's fbq queue is never read
    expect(errors).toEqual([]);
  });

  it('loadScript: another caller of the same URL, still live, is not cancelled by the first caller\'s signal', async () => {
    const { loadScript } = await fresh();
    const first = new AbortController();
    loadScript('https://vendor.test/tag.js', undefined, first.signal).catch(() => undefined);
    const second = loadScript('https://vendor.test/tag.js', undefined, new AbortController().signal);
    let rejected: unknown;
    second.catch((e) => { rejected = e; });
    first.abort();
    await tick();
    expect(rejected).toBeUndefined(); // HEAD: "was not loaded: the tracker was shut down"
    expect(scripts('vendor.test')).toBe(1);
  });
});

describe('vendor scripts after a withdrawal that came before their insert (consent QA 2026-12-06)', () => {
  it('a grant taken back in the same task requests no tag: LinkedIn\'s would count a page view as it runs', async () => {
    const { createTracker, ga4, linkedin } = await fresh();
    const plan: any = journeyPlan();
    plan.destinations.linkedin = { partnerId: '1234567' };
    plan.consent = { default: { analytics: 'denied', ads: 'denied' } };
    const t = createTracker({ plan, adapters: [ga4(), linkedin()] });
    const errors: TrackerEvents['error'][] = [];
    t.on('error', (e) => errors.push(e));
    t.consent({ analytics: 'granted', ads: 'granted' });
    t.consent({ analytics: 'denied', ads: 'denied' });
    await tick();
    expect(scripts('licdn.com')).toBe(0);
    expect(scripts('googletagmanager.com')).toBe(0);
    expect(errors).toEqual([]);
  });
});
