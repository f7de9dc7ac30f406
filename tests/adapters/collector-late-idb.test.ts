// @vitest-environment jsdom
/**
 * An IndexedDB whose open answers after the outbox gave up on it (OPEN_MS, 5 s; 6 s here): the page
 * works from memory, and what it had started must not land when the database opens after all
 * (second read 2026-12-07: a delivered event was sent again by the next page, and a withdrawn one
 * stayed stored for a later grant).
 *
 * On fake timers (setTimeout, setInterval, Date): the outbox's 5 s give-up and the database's 6 s
 * answer are the tracker's own timers, run in order without waiting them out. IndexedDB
 * (fake-indexeddb, on setImmediate) and fetch (msw) stay real: wait() advances the clock in 5 ms
 * steps and lets their real tasks run between two steps.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { createTracker } from '../../src/core/create';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
let received: any[] = [];
const server = setupServer(http.post(URL_, async ({ request }) => { received.push(JSON.parse(await request.text())); return new HttpResponse(null, { status: 200 }); }));
const ids = () => received.flatMap((b) => b.batch.map((m: any) => m.event + ' ' + m.messageId));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
let real: IDBFactory;
/** The same profile, whose first open answers `delay` ms late (the upgrade itself runs at once), as in Safari 14's bug. */
const slow = (delay: number) => ({
  opened: 0,
  open(name: string, v?: number) {
    const r = real.open(name, v);
    if (this.opened++) return r;
    const fake: any = { get result() { return r.result; }, get error() { return r.error; } };
    r.onupgradeneeded = (e: any) => fake.onupgradeneeded?.(e);
    r.onsuccess = (e: any) => setTimeout(() => fake.onsuccess?.(e), delay);
    r.onerror = (e: any) => fake.onerror?.(e);
    return fake;
  },
  databases: () => real.databases(),
});
beforeEach(() => { real = new IDBFactory(); received = []; localStorage.clear(); vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }); });
afterEach(() => { vi.useRealTimers(); vi.restoreAllMocks(); });
const plan = (analytics: 'granted' | 'denied') => ({ ...example('webshop'), consent: { default: { analytics, ads: 'denied' as const } } });
/** `ms` of the page's time: the fake clock in 5 ms steps, each followed by a few real tasks (IndexedDB, fetch). */
async function wait(ms: number): Promise<void> {
  for (let t = 0; t < ms; t += 5) {
    await vi.advanceTimersByTimeAsync(5);
    for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
  }
}
async function stored(): Promise<string[]> {
  const { createStore, values } = await import('idb-keyval');
  (globalThis as any).indexedDB = real;
  const v = await values(createStore('measureplan', 'outbox'));
  return v.flatMap((r: any) => r.e.map((e: any) => JSON.parse(e[2]).event + ' ' + e[0]));
}

it('an event delivered while the database was given up is not written when it opens, nor sent again by the next page', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  (globalThis as any).indexedDB = slow(6000);
  const t1 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })], debug: true });
  t1.track('phone_click');
  await wait(1000);
  await wait(6500); // the database opens at 6 s
  await t1.shutdown();
  received = [];
  (globalThis as any).indexedDB = real;
  const t2 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })] });
  await wait(1500);
  await t2.shutdown();
  expect(ids()).toEqual([]); // delivered by page 1 already
}, 20_000);

it('an analytics withdrawal after the give-up leaves nothing stored for a later grant to send', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  (globalThis as any).indexedDB = slow(6000);
  let down = true;
  server.use(http.post(URL_, () => (down ? HttpResponse.error() : new HttpResponse(null, { status: 200 })))); // endpoint unreachable on page 1
  const t1 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })], debug: true });
  t1.track('phone_click');
  await wait(5500); // given up on IndexedDB at 5 s
  t1.consent({ analytics: 'denied' }); // the visitor withdraws: "deletes what the outbox holds"
  await wait(2000); // the database opened at 6 s
  const left = await stored();
  await t1.shutdown();
  server.resetHandlers();
  down = false;
  received = [];
  (globalThis as any).indexedDB = real;
  const t2 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })] }); // granted again on a later visit
  await wait(1500);
  await t2.shutdown();
  expect(left).toEqual([]);
  expect(ids()).toEqual([]);
}, 20_000);

it('a withdrawal before the give-up still deletes what an earlier page stored, once the database opens', async () => {
  vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  (globalThis as any).indexedDB = real;
  let down = true;
  server.use(http.post(URL_, () => (down ? HttpResponse.error() : new HttpResponse(null, { status: 200 }))));
  const t0 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })] });
  t0.track('phone_click'); // an earlier page, its endpoint unreachable: stored for the next page
  await wait(500);
  await t0.shutdown();
  expect((await stored()).length).toBe(1);
  (globalThis as any).indexedDB = slow(6000);
  const t1 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })], debug: true });
  await wait(2000);
  t1.consent({ analytics: 'denied' }); // withdrawn while the database is still opening
  await wait(6000); // the outbox gave up at 5 s; the database opened at 6 s
  expect(await stored()).toEqual([]);
  await t1.shutdown();
  server.resetHandlers();
  down = false;
  received = [];
  (globalThis as any).indexedDB = real;
  const t2 = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 100 })] }); // granted again later
  await wait(1500);
  await t2.shutdown();
  expect(ids()).toEqual([]);
}, 20_000);
