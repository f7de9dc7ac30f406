// @vitest-environment jsdom
/**
 * The collector's outbox with several tabs of one shop open at once (QA in real Chromium: each tab
 * sent the other tabs' unsent messages again; an add_to_cart the endpoint had confirmed was posted
 * again by the second tab ~580 ms later, 5 of 5 rounds). A page takes over the stored messages of a
 * page that has gone (closed, crashed), never those of a live one, which sends them itself.
 *
 * Each page holds a Web Lock while it is open (adapters/collector/queue.ts): another page takes its
 * stored records over only once that lock can be taken. Tabs here are trackers sharing this
 * window's IndexedDB and one lock manager, as the tabs of an origin do (jsdom has no
 * `navigator.locks`: a small one stands in). A tab is closed by shutdown(), as in the other
 * collector tests; a crash is a page whose locks the browser released without it. No lease runs
 * out, so no clock is moved for a closed page: its lock is free as soon as it has gone.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { collector } from '../../adapters/collector/index';
import { createQueue } from '../../adapters/collector/queue';
import { createTracker } from '../../src/core/create';
import { example } from '../plan/fixtures';

const URL_ = 'http://localhost:3000/collect';
let received: string[] = [];
let status = 200;
let held: ((r: Response) => void)[] | undefined;
const server = setupServer(http.post(URL_, async ({ request }) => {
  const batch = (JSON.parse(await request.text()) as { batch: { messageId: string }[] }).batch;
  if (status === 200) received.push(...batch.map((m) => m.messageId));
  if (held) return new Promise<Response>((r) => held!.push(r)); // answered by answer()
  return new HttpResponse(null, { status });
}));

/**
 * navigator.locks as browsers have it, for what the collector asks of it: exclusive locks granted in
 * the order asked, `ifAvailable` (answered with null at once when held), `signal` (a waiting request
 * aborted). One manager for every page of this window, as for every tab of an origin.
 */
function lockManager() {
  const holders = new Map<string, object>();
  const waiting = new Map<string, (() => void)[]>();
  const release = (name: string) => { holders.delete(name); waiting.get(name)?.shift()?.(); };
  return {
    holders,
    /** The browser releases the locks of a page that crashed: it never let them go itself. */
    crash(names: string[]) { for (const n of names) release(n); },
    request(name: string, ...args: unknown[]): Promise<unknown> {
      const fn = args.pop() as (lock: unknown) => unknown;
      const o = (args[0] ?? {}) as { ifAvailable?: boolean; signal?: AbortSignal };
      return new Promise((resolve, reject) => {
        const grant = () => {
          const me = {};
          holders.set(name, me);
          Promise.resolve().then(() => fn({ name, mode: 'exclusive' })).then(resolve, reject)
            .finally(() => { if (holders.get(name) === me) release(name); });
        };
        const queue = waiting.get(name) ?? [];
        waiting.set(name, queue);
        if (!holders.has(name) && !queue.length) grant();
        else if (o.ifAvailable) Promise.resolve().then(() => fn(null)).then(resolve, reject);
        else {
          queue.push(grant);
          o.signal?.addEventListener('abort', () => {
            const i = queue.indexOf(grant);
            if (i >= 0) { queue.splice(i, 1); reject(new DOMException('aborted', 'AbortError')); }
          });
        }
      });
    },
  };
}
let locks: ReturnType<typeof lockManager>;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());
const open: { shutdown(): Promise<void> }[] = [];
beforeEach(() => {
  (globalThis as any).indexedDB = new IDBFactory();
  localStorage.clear();
  received = [];
  status = 200;
  held = undefined;
  locks = lockManager();
  Object.defineProperty(navigator, 'locks', { configurable: true, value: locks });
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
});
afterEach(async () => {
  answer();
  await Promise.all(open.splice(0).map((t) => t.shutdown()));
  vi.useRealTimers();
  delete (navigator as any).locks;
});

/** One tab's page: a tracker with the collector (flush interval 1 s). */
function tab() {
  const adapter = collector({ flushInterval: 1000 });
  const tracker = createTracker({ plan: { ...example('webshop'), consent: { default: { analytics: 'granted' as const, ads: 'denied' as const } } }, adapters: [adapter] });
  open.push(tracker);
  return { tracker, adapter };
}
/** Lets IndexedDB, fetch and msw settle, moving fake time on by `ms`. */
const settle = async (ms = 0) => { for (let i = 0; i < 20; i++) { await vi.advanceTimersByTimeAsync(ms / 20); await new Promise((r) => setImmediate(r)); } };
/** Answers the requests held so far (and lets later ones through). */
function answer() { const h = held ?? []; held = undefined; for (const r of h) r(new HttpResponse(null, { status: 200 })); }
const addToCart = (t: ReturnType<typeof tab>) => t.tracker.track('add_to_cart', { item_id: 'SKU-2', item_name: 'Stove', value: 499, quantity: 1 });
/** How many times each messageId reached the endpoint, in the order they first arrived. */
const times = () => [...received.reduce((n, id) => n.set(id, (n.get(id) ?? 0) + 1), new Map<string, number>()).values()];

it.each([
  ['after A stored it, before A sends it', false],
  ['while A\'s request is on its way', true],
])('two live tabs: tab B opening %s does not send tab A\'s add_to_cart; every messageId reaches the endpoint once', async (_, inFlight) => {
  const a = tab();
  addToCart(a);
  a.tracker.track('phone_click');
  await settle(10); // stored in A's next task
  if (inFlight) { held = []; await settle(1000); expect(held).toHaveLength(1); }
  const b = tab(); // the second tab opens meanwhile
  b.tracker.track('visited_pricing');
  await settle(100);
  answer();
  await settle(2000);
  expect(times()).toEqual([1, 1, 1]); // A's two messages and B's own, each once
  expect(a.adapter.pending()).toBe(0);
  expect(b.adapter.pending()).toBe(0);
  await settle(60_000); // and nothing later either
  expect(received).toHaveLength(3);
});

it('a tab closed before it could send: a tab opened later delivers its messages, once', async () => {
  status = 503;
  const a = tab();
  addToCart(a);
  a.tracker.track('phone_click');
  await settle(1000); // A's request is refused
  await a.tracker.shutdown(); // A is closed: its messages wait in IndexedDB
  status = 200;
  const b = tab();
  await settle(100);
  expect(times()).toEqual([1, 1]);
  await settle(60_000);
  const c = tab(); // a later page: delivered messages are not sent again
  await settle(2000);
  expect(times()).toEqual([1, 1]);
  void b; void c;
});

it('a tab open while another one is closed with unsent messages takes them over then, and sends them once', async () => {
  status = 503;
  const a = tab();
  addToCart(a);
  await settle(1000); // refused: A backs off and retries
  const b = tab(); // B opens while A lives: A's message is A's to send
  await settle(100);
  expect(b.adapter.pending()).toBe(0);
  await a.tracker.shutdown(); // A is closed before its retry
  status = 200;
  await settle(100);
  expect(received).toHaveLength(1); // B sent it as A went
  await settle(60_000);
  expect(received).toHaveLength(1);
  expect(b.adapter.pending()).toBe(0);
});

it('a tab that crashed (its locks released by the browser, no pagehide) leaves its messages to a live tab, once', async () => {
  const before = new Set(locks.holders.keys());
  const crashed = createQueue(20_000, () => {}, locks); // a page's outbox, with no page left to send it
  crashed.add('m1', JSON.stringify({ type: 'track', event: 'phone_click', messageId: 'm1', properties: {} }));
  crashed.add('m2', JSON.stringify({ type: 'track', event: 'phone_click', messageId: 'm2', properties: {} }));
  await crashed.persist();
  const its = [...locks.holders.keys()].filter((n) => !before.has(n));
  expect(its).toHaveLength(1); // its lock, held from its first record
  const b = tab();
  await settle(2000);
  expect(received).toEqual([]); // alive as far as B can tell
  locks.crash(its);
  await settle(100);
  expect(received.sort()).toEqual(['m1', 'm2']);
  await settle(60_000);
  expect(received).toHaveLength(2);
  void b;
});

it('a tab that took over a closed tab\'s messages keeps them from a third tab while it lives', async () => {
  status = 503;
  const a = tab();
  addToCart(a);
  await settle(1000);
  await a.tracker.shutdown();
  const b = tab(); // takes A's message over; the endpoint still refuses it
  await settle(100);
  expect(b.adapter.pending()).toBe(1);
  const c = tab(); // a third tab: B lives, so the message is B's to send
  await settle(100);
  expect(c.adapter.pending()).toBe(0);
  status = 200;
  await settle(60_000);
  expect(received).toHaveLength(1); // by B's retry, not by C
  expect(c.adapter.pending()).toBe(0);
});

it.each([
  ['without Web Locks (an older browser, a page over http)', undefined],
  ['with a lock manager that never answers (a broken polyfill)', { request: () => new Promise(() => {}) }],
])('%s, a tab closed before it could send still has its messages delivered by the next, once', async (_, manager) => {
  Object.defineProperty(navigator, 'locks', { configurable: true, value: manager });
  status = 503;
  const a = tab();
  addToCart(a);
  await settle(2000); // stored (after the lock manager's second, if it never answers), refused
  await a.tracker.shutdown();
  status = 200;
  const b = tab();
  await settle(2000);
  expect(received).toHaveLength(1);
  await settle(60_000);
  expect(received).toHaveLength(1);
  expect(b.adapter.pending()).toBe(0);
});

it('a page back from the back/forward cache holds a lock again: a tab opened next leaves what it stores from then on (diff read 2026-12-06)', async () => {
  const msg = (id: string) => JSON.stringify({ type: 'track', event: 'phone_click', messageId: id, properties: {} });
  const a = createQueue(20_000, () => {}, locks);
  a.leave(); // pagehide: into the cache, its lock let go
  a.back(); // pageshow, persisted
  a.add('m3', msg('m3'));
  await a.persist();
  await settle(10);
  const b = tab(); // opened after the restore: A lives, so m3 is A's to send
  await settle(2000);
  expect(b.adapter.pending()).toBe(0);
  expect(received).toEqual([]);
  a.leave();
});
