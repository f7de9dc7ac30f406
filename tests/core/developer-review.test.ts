// @vitest-environment jsdom
/**
 * What a developer installing from npm hit (developer QA 2026-12-06): createTracker throwing into
 * the caller, an adapter factory not called, a failed send reported as sent, a banner's `true`
 * taken silently, and error messages that read "not number".
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { Adapter } from '../../src/core/types';
import { ga4 } from '../../adapters/ga4/index';

const plan = {
  version: 1, name: 'Shop', currency: 'NOK',
  destinations: { ga4: { measurementId: 'G-F1X2Y3Z4W5' } },
  consent: { default: { analytics: 'granted', ads: 'granted' } },
  conversions: {
    signup: { kind: 'micro', send: { ga4: { event: 'sign_up' } } },
    purchase: { kind: 'macro', value: 'value', properties: { value: { type: 'number' }, items: { type: 'items', optional: true } }, send: { ga4: { event: 'purchase' } } },
  },
} as const;

/** An adapter recording what it is given, as GA4. */
const recording = (sent: string[], send?: () => void): Adapter => ({ name: 'ga4', category: 'analytics', load() {}, send: send ?? ((e) => { sent.push(e.name); }) });

let errors: string[];
beforeEach(() => { localStorage.clear(); errors = []; vi.spyOn(console, 'error').mockImplementation((m: string) => { errors.push(String(m)); }); });
afterEach(() => vi.restoreAllMocks());

it('never throws from createTracker: a failure while starting is said once and the tracker does nothing', () => {
  const hostile = { get send(): never { throw new Error('boom'); } } as unknown as Adapter;
  const t = createTracker({ plan, adapters: [hostile] });
  expect(() => t.track('signup')).not.toThrow();
  expect(errors).toEqual([expect.stringMatching(/^measureplan: could not start, tracks nothing: boom/)]);
  expect(() => createTracker({ plan, adapters: [hostile], strict: true })).toThrow('boom');
});

it('says which adapter is a factory not called, and keeps the others working', () => {
  const sent: string[] = [];
  const t = createTracker({ plan, adapters: [ga4 as unknown as Adapter, recording(sent)] });
  t.track('signup');
  expect(errors).toEqual(['measureplan: adapters[0] is not an adapter: call it, ga4()']);
  expect(sent).toEqual(['signup']);
});

it('says that an object of adapters is no list', () => {
  const sent: string[] = [];
  const t = createTracker({ plan, adapters: { ga4: recording(sent) } as unknown as Adapter[] });
  t.track('signup');
  expect(sent).toEqual([]);
  expect(errors).toEqual(['measureplan: adapters[0] is not an adapter (a list: [ga4(), collector()])']);
});

it('reports a send that threw as an error, never as sent', () => {
  const t = createTracker({ plan, adapters: [recording([], () => { throw new Error('gtag is not a function'); })] });
  const seen: string[] = [];
  t.on('error', (e) => seen.push(`error ${e.path}`));
  t.on('sent', (e) => seen.push(`sent ${e.destination}`));
  t.track('signup');
  expect(seen).toEqual(['error adapters.ga4.send']);
});

it('reports a consent call that decides nothing (true, "yes", {}) and changes nothing', () => {
  const sent: string[] = [];
  const t = createTracker({ plan: { ...plan, consent: { default: { analytics: 'denied', ads: 'denied' } } }, adapters: [recording(sent)] });
  const reasons: string[] = [];
  t.on('error', (e) => reasons.push(`${e.path}: ${e.reason}`));
  for (const bad of [{ analytics: true }, { analytics: 'yes' }, {}, 'granted', null]) t.consent(bad as never);
  t.consent({ ads: 'pending' }); // undecided, in the tracker's own word: nothing to report
  t.track('signup');
  expect(reasons.filter((r) => r.startsWith('consent:'))).toHaveLength(5);
  expect(sent).toEqual([]);
  // A valid category counts beside a wrong one, which is reported.
  t.consent({ analytics: 'granted', ads: 'accepted' } as never); // the held one goes now
  expect(reasons.filter((r) => r.startsWith('consent:'))).toHaveLength(6);
  expect(sent).toEqual(['signup']);
});

it('words value and item mistakes plainly, one problem once', () => {
  const t = createTracker({ plan, adapters: [recording([])] });
  const reasons: string[] = [];
  t.on('error', (e) => reasons.push(e.reason));
  t.track('purchase', { value: NaN });
  t.track('purchase', { value: 10, items: [{ item_id: 5 as unknown as string }] });
  expect(reasons).toEqual([
    'value must be a number, not NaN; the conversion was not sent',
    'items[0].item_id must be a text; the conversion was not sent',
  ]);
});
