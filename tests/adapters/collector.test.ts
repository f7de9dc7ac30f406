// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { createTracker } from '../../src/core/create';
import type { TrackerEvents } from '../../src/core/types';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
type Batch = { batch: any[]; sentAt: string };
let received: Batch[] = [];
let respond: (body: Batch) => Response | Promise<Response> = () => new HttpResponse(null, { status: 200 });
const server = setupServer(http.post(URL_, async ({ request }) => {
  const body = JSON.parse(await request.text()) as Batch;
  received.push(body);
  return respond(body);
}));
const ids = () => received.flatMap((b) => b.batch.map((m) => m.messageId));

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
beforeEach(() => {
  (globalThis as any).indexedDB = new IDBFactory(); // a fresh browser profile per test
  localStorage.clear();
  received = [];
  respond = () => new HttpResponse(null, { status: 200 });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
const open: { shutdown(): Promise<void> }[] = [];
afterEach(async () => {
  // Pages of one test must not keep sending into the next one.
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  vi.useRealTimers();
});

const granted = () => ({ ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } });
function page(options: Parameters<typeof collector>[0] = {}) {
  const adapter = collector({ flushInterval: 1000, ...options });
  const tracker = createTracker({ plan: granted(), adapters: [adapter] });
  const errors: TrackerEvents['error'][] = [];
  tracker.on('error', (e) => errors.push(e));
  open.push(tracker);
  return { tracker, adapter, errors };
}
const items = [{ item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 }];
/** Lets IndexedDB, fetch and msw settle, moving fake time on by `ms`. */
const settle = async (ms = 0) => { for (let i = 0; i < 20; i++) { await vi.advanceTimersByTimeAsync(ms / 20); await new Promise((r) => setImmediate(r)); } };

describe('collector delivery', () => {
  it('POSTs Segment/RudderStack batch messages', async () => {
    history.replaceState(null, '', '/checkout/done?utm_source=newsletter');
    const { tracker } = page();
    tracker.identify('user-42', { plan: 'gold' });
    tracker.track('purchase', { transaction_id: 'T-1001', value: 2499, items });
    await settle(1000);
    expect(received).toHaveLength(1);
    const [identify, track] = received[0]!.batch;
    expect(new Date(received[0]!.sentAt).toISOString()).toBe(received[0]!.sentAt);
    expect(identify).toMatchObject({ type: 'identify', userId: 'user-42', traits: { plan: 'gold' } });
    expect(track).toEqual({
      type: 'track', event: 'purchase', messageId: 'purchase:T-1001', userId: 'user-42', anonymousId: expect.any(String), timestamp: expect.any(String),
      properties: { transaction_id: 'T-1001', value: 2499, items, currency: 'NOK', funnel: 'checkout', funnel_step: 4, funnel_steps: 4 },
      context: expect.objectContaining({
        library: { name: 'measureplan', version: '0.1.0' },
        page: expect.objectContaining({ path: '/checkout/done' }),
        campaign: { source: 'newsletter' },
        measureplan: expect.objectContaining({ kind: 'macro', session_id: expect.any(String) }),
      }),
    });
  });

  it('sends only the conversions whose send names the collector', async () => {
    const plan = granted();
    delete (plan.conversions.phone_click!.send as any).collector;
    const tracker = createTracker({ plan, adapters: [collector()] });
    tracker.track('phone_click');
    tracker.track('visited_pricing');
    await settle(1000);
    expect(received.flatMap((b) => b.batch.map((m) => m.event))).toEqual(['visited_pricing']);
  });

  it('retries a 500 with backoff and delivers once', async () => {
    let calls = 0;
    respond = () => (++calls === 1 ? new HttpResponse(null, { status: 500 }) : new HttpResponse(null, { status: 200 }));
    const { tracker } = page();
    tracker.track('phone_click');
    await settle(1000);
    expect(received).toHaveLength(1);
    await settle(1100); // first retry after 0.5–1 s
    expect(received).toHaveLength(2);
    await settle(60_000);
    expect(received).toHaveLength(2);
    expect(new Set(ids()).size).toBe(1);
  });

  it('honours Retry-After on 429', async () => {
    let calls = 0;
    respond = () => (++calls === 1 ? new HttpResponse(null, { status: 429, headers: { 'Retry-After': '5' } }) : new HttpResponse(null, { status: 200 }));
    const { tracker } = page();
    tracker.track('phone_click');
    await settle(1000);
    await settle(4500);
    expect(received).toHaveLength(1);
    await settle(1000);
    expect(received).toHaveLength(2);
  });

  it('drops a batch the endpoint refuses with 400, with an error event, and does not retry it', async () => {
    respond = () => new HttpResponse(null, { status: 400 });
    const { tracker, errors } = page();
    tracker.track('phone_click');
    await settle(1000);
    await settle(120_000);
    expect(received).toHaveLength(1);
    expect(errors).toEqual([expect.objectContaining({ destination: 'collector', reason: expect.stringContaining('HTTP 400') })]);
  });

  it('keeps events while offline and delivers them when back online', async () => {
    let online = false;
    server.use(http.post(URL_, async ({ request }) => {
      if (!online) return HttpResponse.error();
      received.push(JSON.parse(await request.text()));
      return new HttpResponse(null, { status: 200 });
    }));
    const { tracker } = page();
    tracker.track('phone_click');
    tracker.track('visited_pricing');
    await settle(10_000);
    expect(received).toHaveLength(0);
    online = true;
    window.dispatchEvent(new Event('online'));
    await settle(100);
    expect(ids()).toHaveLength(2);
    server.resetHandlers();
  });

  it('survives a reload: unsent events wait in IndexedDB and the next page delivers them, once', async () => {
    respond = () => new HttpResponse(null, { status: 503 });
    const first = page();
    first.tracker.track('purchase', { transaction_id: 'T-1', value: 1, items });
    first.tracker.track('phone_click');
    await settle(1000);
    await first.tracker.shutdown(); // the page goes away
    const failed = received.length;
    expect(failed).toBeGreaterThan(0);
    respond = () => new HttpResponse(null, { status: 200 });
    received = [];
    const second = page();
    await settle(100);
    expect(ids().sort()).toEqual(expect.arrayContaining(['purchase:T-1']));
    expect(ids()).toHaveLength(2);
    await settle(60_000);
    const third = page();
    await settle(2000);
    expect(ids()).toHaveLength(2); // delivered events are never sent again
    void second; void third;
  });

  it('hands the outbox to sendBeacon when the page is hidden, within 64 KiB', async () => {
    const beacons: string[] = [];
    (navigator as any).sendBeacon = (url: string, body: string) => { expect(url).toBe(URL_); beacons.push(body); return true; };
    const { tracker, adapter } = page({ flushInterval: 60_000 });
    for (let i = 0; i < 20; i++) tracker.track('phone_click');
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    expect(beacons).toHaveLength(1);
    expect(beacons[0]!.length).toBeLessThan(65_536);
    expect(JSON.parse(beacons[0]!).batch).toHaveLength(20);
    expect(adapter.pending()).toBe(0);
    await settle(120_000);
    expect(received).toHaveLength(0); // what the beacon took is not sent again
    delete (navigator as any).sendBeacon;
  });

  it('leaves what the beacon cannot take in IndexedDB for the next page', async () => {
    (navigator as any).sendBeacon = () => false;
    respond = () => new HttpResponse(null, { status: 200 });
    const { tracker } = page({ flushInterval: 60_000 });
    tracker.track('phone_click');
    await settle(10);
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    await settle(10); // the page is gone now (its next send was a minute away)
    expect(received).toHaveLength(0);
    void tracker;
    page();
    await settle(100);
    expect(ids()).toHaveLength(1);
    delete (navigator as any).sendBeacon;
  });

  it('bounds the outbox: the oldest are dropped and counted', async () => {
    respond = () => new HttpResponse(null, { status: 503 });
    const { tracker, adapter } = page({ maxQueue: 5, flushInterval: 60_000 });
    for (let i = 0; i < 8; i++) tracker.track('phone_click');
    expect(adapter.pending()).toBe(5);
    expect(adapter.dropped()).toBe(3);
  });

  it('batches a burst: 1,000 events in requests of at most 100, none twice', async () => {
    const { tracker } = page();
    for (let i = 0; i < 1000; i++) tracker.track('phone_click');
    await settle(2000);
    expect(received.every((b) => b.batch.length <= 100)).toBe(true);
    expect(ids()).toHaveLength(1000);
    expect(new Set(ids()).size).toBe(1000);
  });

  it('flush() delivers now and resolves when the outbox is empty', async () => {
    vi.useRealTimers();
    const { tracker, adapter } = page({ flushInterval: 60_000 });
    tracker.track('phone_click');
    await tracker.flush();
    expect(ids()).toHaveLength(1);
    expect(adapter.pending()).toBe(0);
  });
});
