// @vitest-environment jsdom
/**
 * Ads granted on one page, denied on the next (consent QA 2026-12-07, real Chromium): what the
 * first page stored or stashed under its grant went to the collector with its click ids from the
 * second page, which had started with ads denied. The collector now sends it without them, and
 * rewrites it where it waits.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { entries, createStore } from 'idb-keyval';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { createTracker } from '../../src/core/create';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
let up = false;
/** What the endpoint answers once up. */
let answer = 200;
const bodies: string[] = [];
const server = setupServer(http.post(URL_, async ({ request }) => {
  if (!up) return new HttpResponse(null, { status: 503 });
  bodies.push(await request.text());
  return new HttpResponse(null, { status: answer });
}));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => { (globalThis as any).indexedDB = new IDBFactory(); localStorage.clear(); up = false; answer = 200; bodies.length = 0; });
afterEach(() => history.replaceState(null, '', '/'));
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));
// The plan's default is no grant: the visitor decides on each page (the banner's cookie).
const undecided = () => ({ ...example('webshop'), consent: { default: { analytics: 'denied' as const, ads: 'denied' as const } } });
const outbox = async () => JSON.stringify(await entries(createStore('measureplan', 'outbox')));
/** A page landed on from an ad with `gclid`, both granted, the endpoint down: its events are stored. */
async function earlierPage(gclid: string, track: (t: ReturnType<typeof createTracker>) => void) {
  history.replaceState(null, '', `/landing?gclid=${gclid}&utm_source=google`);
  const first = createTracker({ plan: undecided(), adapters: [collector({ flushInterval: 1 })] });
  first.consent({ analytics: 'granted', ads: 'granted' });
  await tick();
  track(first);
  await tick(100);
  expect(await outbox()).toContain(gclid);
  await first.shutdown();
}
/** The next page, the endpoint up, with the visitor's answer read at its top; resolves once it has sent. */
async function nextPage(decision: { analytics: 'granted'; ads: 'granted' | 'denied' }, errors: unknown[] = []) {
  history.replaceState(null, '', '/next');
  up = true;
  const next = createTracker({ plan: undecided(), adapters: [collector({ flushInterval: 1 })] });
  next.on('error', (e) => errors.push(e));
  next.consent(decision);
  await next.flush();
  await tick(100);
  await next.flush();
  return next;
}

it('a page that starts with ads denied sends an earlier page\'s stored events without their click ids, and keeps none stored', async () => {
  await earlierPage('GCLID-EARLIER', (t) => { t.track('phone_click'); t.track('add_to_cart', { item_id: 'SKU-1', value: 10 } as never); });
  const next = await nextPage({ analytics: 'granted', ads: 'denied' }); // the banner's cookie, read at the top of the page
  const sent = bodies.join('\n');
  expect(sent).toContain('SKU-1'); // the earlier page's events arrive
  expect(sent).toContain('utm_source=google'); // with the rest of their URL
  expect(sent).not.toContain('GCLID-EARLIER');
  expect(sent).not.toContain('click_ids');
  expect(await outbox()).not.toContain('GCLID-EARLIER'); // delivered, and so deleted
  await next.shutdown();
});

it('with ads granted again on the next page, they keep the click ids they were tracked with', async () => {
  await earlierPage('GCLID-KEPT', (t) => t.track('phone_click'));
  const next = await nextPage({ analytics: 'granted', ads: 'granted' });
  expect(bodies.join('\n')).toContain('GCLID-KEPT');
  await next.shutdown();
});

it('a batch the endpoint refuses is reported in the error event as it was sent, without the click ids (third read 2026-12-07)', async () => {
  await earlierPage('GCLID-REFUSED', (t) => t.track('phone_click'));
  answer = 400;
  const errors: unknown[] = [];
  const next = await nextPage({ analytics: 'granted', ads: 'denied' }, errors);
  expect(JSON.stringify(errors)).toContain('refused a batch');
  expect(JSON.stringify(errors)).not.toContain('GCLID-REFUSED');
  await next.shutdown();
});

it('a first "ads denied" answer after the outbox was restored is no withdrawal: nothing is rewritten then (third read: a 409 ms task with 12,000 restored), and nothing goes with a click id', async () => {
  await earlierPage('GCLID-FIRST', (t) => t.track('phone_click'));
  history.replaceState(null, '', '/next');
  const plan = { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } };
  const next = createTracker({ plan, adapters: [collector({ flushInterval: 1 })] });
  await tick(100); // restored, the endpoint still down
  next.consent({ ads: 'denied' }); // the visitor's first answer on ads
  await tick(50);
  expect(await outbox()).toContain('GCLID-FIRST'); // left as stored: stripped when it is sent
  up = true;
  await tick(1200); // the retry after the failed send (a backoff of 0.5-1 s)
  await next.flush();
  expect(bodies.join('\n')).toContain('phone_click');
  expect(bodies.join('\n')).not.toContain('GCLID-FIRST');
  await next.shutdown();
});
