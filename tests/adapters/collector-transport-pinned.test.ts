// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): the collector's transport (adapters/collector/transport.ts, index.ts send()).
 * Kills T6 (the 30 s give-up on a hung request made 300 s), T10 (backoff jitter no longer within
 * [50 %, 100 %] of the step) and T11 (the keepalive budget never given back when a request ends:
 * after 64 KiB sent on a page, every later request went without keepalive, so one still in flight
 * when the visitor leaves is cancelled).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { backoff, post, TIMEOUT_MS } from '../../adapters/collector/transport';
import { createTracker } from '../../src/core/create';
import { example } from '../plan/fixtures';

beforeEach(() => { (globalThis as any).indexedDB = new IDBFactory(); localStorage.clear(); });
afterEach(() => { vi.unstubAllGlobals(); vi.restoreAllMocks(); });

it('gives up a request unanswered after 30 s', async () => {
  expect(TIMEOUT_MS).toBe(30_000);
  const timeout = vi.spyOn(AbortSignal, 'timeout');
  vi.stubGlobal('fetch', vi.fn(async () => new Response(null, { status: 200 })));
  await post('http://localhost/collect', '{}', {}, true);
  expect(timeout).toHaveBeenCalledWith(30_000);
});

it('backoff: 1 s, 2 s, 4 s … each between half and all of its step', () => {
  vi.spyOn(Math, 'random').mockReturnValue(0);
  expect([0, 1, 2].map((a) => backoff(a))).toEqual([500, 1000, 2000]);
  vi.spyOn(Math, 'random').mockReturnValue(0.999999);
  expect(Math.round(backoff(2))).toBe(4000);
});

it('every ordinary POST of a long page keeps keepalive: the budget is given back as requests end', async () => {
  const flags: boolean[] = [];
  vi.stubGlobal('fetch', vi.fn(async (_u: string, init: RequestInit) => { flags.push(!!init.keepalive); return new Response(null, { status: 200 }); }));
  const plan = { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } };
  const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 60_000, url: 'http://localhost:3000/collect' } as any)] });
  // view_item has no limit: 15 POSTs of 20 events with a 300-character name each (~10 KiB each).
  let n = 0;
  for (let round = 0; round < 15; round++) {
    for (let i = 0; i < 20; i++) tracker.track('view_item', { item_id: `SKU-${n++}`, item_name: 'y'.repeat(300) } as never);
    await tracker.flush();
  }
  const sent = (vi.mocked(fetch).mock.calls as any[]).reduce((s, [, init]) => s + String(init.body).length, 0);
  expect(sent).toBeGreaterThan(2 * 65536); // well over the keepalive budget in all
  expect(flags.length).toBeGreaterThan(0);
  expect(flags.every(Boolean)).toBe(true);
  await tracker.shutdown();
});

// Kills T14 (index.ts:149 every request sent with keepalive, whatever is already in flight):
// keepalive requests share 64 KiB in flight in the browsers (fetch fails past it); the second of
// two large batches in flight goes without keepalive.
it('two large batches in flight: only what fits the keepalive budget goes with keepalive', async () => {
  const flags: boolean[] = [];
  const hold: (() => void)[] = [];
  vi.stubGlobal('fetch', vi.fn((_u: string, init: RequestInit) => { flags.push(!!init.keepalive); return new Promise<Response>((r) => hold.push(() => r(new Response(null, { status: 200 })))); }));
  const plan = { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } };
  const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 60_000, batchSize: 50, url: 'http://localhost:3000/collect' } as any)] });
  for (let n = 0; n < 100; n++) tracker.track('view_item', { item_id: `SKU-${n}`, item_name: 'y'.repeat(300) } as never);
  await new Promise((r) => setTimeout(r, 100)); // all taken into the outbox: batches of 50 (~48 KB each)
  const done = tracker.flush();
  for (let i = 0; i < 50 && flags.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
  const bodies = (vi.mocked(fetch).mock.calls as any[]).map(([, init]) => String(init.body).length);
  expect(bodies.length).toBe(2);
  expect(bodies[0]! + bodies[1]!).toBeGreaterThan(60_000);
  expect(flags).toEqual([true, false]);
  while (hold.length) hold.shift()!();
  await done;
  await tracker.shutdown();
});

it('a browser that refuses keepalive to the endpoint gets the request without it, and from then on (compat QA 2026-12-07)', async () => {
  const seen: boolean[] = [];
  vi.stubGlobal('fetch', vi.fn(async (_u: string, init: RequestInit) => {
    seen.push(!!init.keepalive);
    if (init.keepalive) throw new TypeError('Failed to fetch'); // Chrome before 81: keepalive with a preflight
    return new Response(null, { status: 200 });
  }));
  const url = 'https://collector.example/refuses-keepalive';
  expect(await post(url, '{}', {}, true)).toEqual({ kind: 'ok' });
  expect(await post(url, '{}', {}, true)).toEqual({ kind: 'ok' });
  expect(seen).toEqual([true, false, false]);
});

it('offline, a failed keepalive request is no reason to stop using keepalive', async () => {
  const seen: boolean[] = [];
  vi.stubGlobal('fetch', vi.fn(async (_u: string, init: RequestInit) => { seen.push(!!init.keepalive); throw new TypeError('Failed to fetch'); }));
  const url = 'https://collector.example/offline';
  expect(await post(url, '{}', {}, true)).toEqual({ kind: 'retry' });
  expect(await post(url, '{}', {}, true)).toEqual({ kind: 'retry' });
  expect(seen).toEqual([true, false, true, false]);
});
