/**
 * Server-side rendering evaluates the module that creates the tracker on the server too, once per
 * process (developer QA 2026-12-06): the built-in adapters sent conversions from the server, under
 * whichever user the last request identified, or failed on every call with a TypeError. Without a
 * window they are left out; an adapter of the app's own still runs. Node environment: no window.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter } from '../../src/core/types';
import { collector } from '../../adapters/collector/index';
import { ga4 } from '../../adapters/ga4/index';
import { meta } from '../../adapters/meta/index';

const plan = {
  version: 1, name: 'Shop',
  destinations: { collector: { url: 'https://shop.example/collect' }, ga4: { measurementId: 'G-F1X2Y3Z4W5' }, meta: { pixelId: '123456789012345' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: { signup: { kind: 'micro', send: { collector: {}, ga4: { event: 'sign_up' }, meta: { event: 'Lead' } } } },
} as const;

afterEach(() => vi.restoreAllMocks());

it('has no window here', () => { expect(typeof window).toBe('undefined'); });

it('sends nothing from the server through the built-in adapters, and reports nothing', async () => {
  const fetch = vi.spyOn(globalThis, 'fetch').mockResolvedValue(new Response('{}'));
  const t = createTracker({ plan, adapters: [collector(), ga4(), meta()] });
  const seen: string[] = [];
  t.on('error', (e) => seen.push(`error ${e.path}: ${e.reason}`));
  t.on('sent', (e) => seen.push(`sent ${e.destination}`));
  t.identify('alice', { email: 'alice@example.com' });
  t.track('signup');
  t.page();
  await t.flush();
  expect(fetch).not.toHaveBeenCalled();
  expect(seen).toEqual([]);
});

it("still runs an app's own adapter (a server-side destination, a test's recorder)", async () => {
  const sent: string[] = [];
  const own: Adapter = { name: 'collector', category: 'analytics', load() {}, send(e) { sent.push(e.name); } };
  const t = createTracker({ plan, adapters: [own] });
  t.track('signup');
  await t.flush();
  expect(sent).toEqual(['signup']);
});
