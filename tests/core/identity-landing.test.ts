/**
 * Where the visitor's campaign and ad click come from when there are several addresses to read
 * (the script tag: the address now, the landing page it saw, the address the document was loaded
 * as). Second read 2026-12-07: the utm were mixed key by key into a campaign nobody came from,
 * and an npm tracker created again later in the document took the landing's old click as new.
 */
// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { afterEach, expect, it, vi } from 'vitest';
import { createIdentity } from '../../src/core/identity';
import { localStore } from '../../src/core/storage';
import { createTracker } from '../../src/index';

afterEach(() => { vi.restoreAllMocks(); localStorage.clear(); history.replaceState(null, '', '/'); });

it('takes the campaign whole from the first address that has one, and the ad click likewise', () => {
  const id = createIdentity(localStore(() => undefined), ['?utm_source=newsletter', '?gclid=A&utm_source=google&utm_medium=cpc&utm_campaign=spring'], Date.now());
  expect(id.utm()).toEqual({ utm_source: 'newsletter' });
  expect(id.clickIds(Date.now())).toEqual({ gclid: 'A' });
});

it('an npm tracker created again on a later route does not take the landing address\'s click as a new one', async () => {
  const plan = {
    version: 1, name: 'npm', currency: 'NOK',
    destinations: { collector: { url: '/collect' } },
    consent: { default: { analytics: 'granted', ads: 'granted' } },
    conversions: { lead: { kind: 'macro', send: { collector: {} } } },
  } as const;
  vi.stubGlobal('fetch', vi.fn(async () => new Response('{}')));
  // The document was loaded from an ad click A; a newer click B (another tab) is stored since.
  vi.spyOn(performance, 'getEntriesByType').mockImplementation(((type: string) => (type === 'navigation' ? [{ name: 'http://localhost:3000/?gclid=A' }] : [])) as never);
  history.replaceState(null, '', '/account');
  const first = createTracker({ plan });
  first.consent({ analytics: 'granted', ads: 'granted' });
  await first.shutdown();
  localStorage.setItem('mp_clk', JSON.stringify({ gclid: { v: 'B', t: Date.now() } }));
  const again = createTracker({ plan });
  again.consent({ analytics: 'granted', ads: 'granted' });
  expect(again.clickIds()).toEqual({ gclid: 'B' });
  await again.shutdown();
});
