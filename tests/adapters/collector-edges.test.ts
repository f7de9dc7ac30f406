// @vitest-environment jsdom
/**
 * The collector's delivery rules at their edges (a full disk, a corrected clock, beacons at the
 * keepalive limit, a denial without indexedDB.databases(), Retry-After as a date), each found by a
 * review. Set-up as in collector.test.ts (msw, fake timers for setTimeout only, fake-indexeddb).
 */
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
type Batch = { batch: any[]; sentAt: string; writeKey?: string };
let received: Batch[] = [];
let respond: (body: Batch) => Response | Promise<Response> = () => new HttpResponse(null, { status: 200 });
const server = setupServer(http.post(URL_, async ({ request }) => {
  const body = JSON.parse(await request.text()) as Batch;
  received.push(body);
  return respond(body);
}));
const ids = () => received.flatMap((b) => b.batch.map((m) => m.messageId));
const events = () => received.flatMap((b) => b.batch.map((m) => m.event));

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
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  server.resetHandlers();
  vi.useRealTimers();
  vi.restoreAllMocks();
  delete (navigator as any).sendBeacon;
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
const settle = async (ms = 0) => { for (let i = 0; i < 20; i++) { await vi.advanceTimersByTimeAsync(ms / 20); await new Promise((r) => setImmediate(r)); } };
function hide() {
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
  document.dispatchEvent(new Event('visibilitychange'));
  Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
}
function stubBeacon(ok = true): string[] {
  const bodies: string[] = [];
  (navigator as any).sendBeacon = (url: string, body: string) => { expect(url).toBe(URL_); bodies.push(body); return ok; };
  return bodies;
}
/** The stored outbox records (messages per record flattened to their ids). */
const outbox = async () => {
  const { createStore, entries } = await import('idb-keyval');
  return (await entries(createStore('measureplan', 'outbox'))).flatMap(([, v]: [unknown, any]) => (v?.e ?? []).map((e: [string]) => e[0]));
};

describe('collector edge cases: IndexedDB failing mid-way', () => {
  it('a QuotaExceededError on one write does not leave delivered messages in IndexedDB for the next page to send again', async () => {
    respond = () => new HttpResponse(null, { status: 503 });
    const first = page({ flushInterval: 60_000 });
    first.tracker.track('phone_click');
    first.adapter.pending(); // the collector's own task: built and queued
    await settle(10);
    expect(await outbox()).toHaveLength(1); // stored

    // The disk fills up: the next put fails with QuotaExceededError.
    const proto = (globalThis as any).IDBObjectStore.prototype;
    const put = proto.put;
    let failed = 0;
    vi.spyOn(proto, 'put').mockImplementation(function (this: any, ...args: unknown[]) {
      if (!failed++) throw new DOMException('quota', 'QuotaExceededError');
      return put.apply(this, args);
    });
    first.tracker.track('visited_pricing');
    first.adapter.pending();
    await settle(10);
    expect(failed).toBe(1);

    // The endpoint is back: both are delivered and confirmed.
    respond = () => new HttpResponse(null, { status: 200 });
    await first.tracker.flush();
    await settle(10);
    expect(events()).toEqual(expect.arrayContaining(['phone_click', 'visited_pricing']));
    const delivered = new Set(ids());
    await first.tracker.shutdown();

    received = [];
    page(); // a reload
    await settle(2000);
    expect(ids().filter((id) => delivered.has(id))).toEqual([]); // never sent again
  });
});

describe('collector edge cases: clock changes', () => {
  it('unsent events of a page whose clock was ahead are delivered by the next page after the clock was corrected', async () => {
    const real = Date.now();
    const now = vi.spyOn(Date, 'now').mockReturnValue(real + 3_600_000); // the device clock is an hour fast
    respond = () => new HttpResponse(null, { status: 503 });
    const first = page();
    first.tracker.track('phone_click');
    await settle(1000);
    expect(received.length).toBeGreaterThan(0); // tried, refused with 503
    await first.tracker.shutdown();
    expect(await outbox()).toHaveLength(1); // waits in IndexedDB

    now.mockReturnValue(real + 60_000); // NTP corrects the clock; the visitor comes back a minute later
    respond = () => new HttpResponse(null, { status: 200 });
    received = [];
    const second = page();
    await settle(2000);
    expect(events()).toEqual(['phone_click']);
    expect(second.adapter.pending()).toBe(0);
  });
});

describe('collector edge cases: page hidden', () => {
  it('one event larger than the keepalive budget does not keep the small events behind it from the beacon', async () => {
    const beacons = stubBeacon();
    const { tracker, adapter, errors } = page({ flushInterval: 60_000 });
    tracker.track('view_item', { item_id: 'HUGE', item_name: 'x'.repeat(70_000) }); // > 64 KiB on its own
    for (let i = 0; i < 3; i++) tracker.track('phone_click');
    hide();
    const beaconed = beacons.flatMap((b) => (JSON.parse(b) as Batch).batch.map((m) => m.event));
    expect(beacons.every((b) => new TextEncoder().encode(b).length <= 60_000)).toBe(true);
    expect(beaconed).toEqual(['phone_click', 'phone_click', 'phone_click']); // they fit: they go
    expect(adapter.pending()).toBe(1); // the big one waits for an ordinary request
    expect(errors).toEqual([]);
  });

  it('a batch whose items fit the budget but whose envelope does not: what fits still goes by beacon', async () => {
    // Measure one message as the collector serialises it (the item name's length is what varies).
    const probe = stubBeacon();
    const p0 = page({ flushInterval: 60_000 });
    p0.tracker.track('view_item', { item_id: 'P-0', item_name: '' });
    hide();
    const base = JSON.stringify((JSON.parse(probe[0]!) as Batch).batch[0]).length;
    await p0.tracker.shutdown();
    // Two messages of S bytes: take() counts 2S + 2 <= 60,000; the body is 2S + 1 + its ~48-byte envelope > 60,000.
    const S = 29_985;
    const beacons = stubBeacon();
    const { tracker, adapter } = page({ flushInterval: 60_000 });
    for (const id of ['P-1', 'P-2', 'P-3']) tracker.track('view_item', { item_id: id, item_name: 'x'.repeat(S - base) });
    hide();
    expect(beacons.length).toBeGreaterThan(0); // at least one of them fits by itself (30 kB)
    expect(beacons.every((b) => new TextEncoder().encode(b).length <= 60_000)).toBe(true);
    expect(adapter.pending()).toBeLessThan(3);
  });

  it('Retry-After as an HTTP date is honoured', async () => {
    let calls = 0;
    const when = () => new Date(Date.now() + 8000).toUTCString(); // 8 s (at most 1 s less by rounding)
    respond = () => (++calls === 1 ? new HttpResponse(null, { status: 503, headers: { 'Retry-After': when() } }) : new HttpResponse(null, { status: 200 }));
    // Date is real here while setTimeout is fake: the time the header names is 7–8 s of fake time away.
    const { tracker, adapter } = page();
    tracker.track('phone_click');
    await settle(1000);
    expect(received).toHaveLength(1);
    await settle(6000);
    expect(received).toHaveLength(1); // not before the date, though backoff alone would be 0.5–1 s
    await settle(3000);
    expect(received).toHaveLength(2);
    expect(adapter.pending()).toBe(0);
  });
});

describe('collector edge cases: consent', () => {
  it('an analytics denial deletes the outbox this page stored, also where indexedDB.databases() is missing (Firefox < 126)', async () => {
    (indexedDB as any).databases = undefined;
    respond = () => new HttpResponse(null, { status: 503 });
    const { tracker, adapter } = page({ flushInterval: 60_000 });
    tracker.track('phone_click');
    adapter.pending();
    await settle(10);
    expect(await outbox()).toHaveLength(1); // stored under the grant
    tracker.consent({ analytics: 'denied', ads: 'denied' });
    await settle(10);
    expect(await outbox()).toEqual([]); // docs/collector.md: "deletes what the outbox holds, from this page"
  });

  it('control: with indexedDB.databases() the same denial deletes the outbox', async () => {
    respond = () => new HttpResponse(null, { status: 503 });
    const { tracker, adapter } = page({ flushInterval: 60_000 });
    tracker.track('phone_click');
    adapter.pending();
    await settle(10);
    expect(await outbox()).toHaveLength(1);
    tracker.consent({ analytics: 'denied', ads: 'denied' });
    await settle(10);
    expect(await outbox()).toEqual([]);
  });
});
