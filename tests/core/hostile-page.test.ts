// @vitest-environment jsdom
/**
 * "Never break the host page", with every real adapter: hostile arguments to every method, a
 * page whose libraries put an enumerable key on Object.prototype, and Prototype.js's Array#toJSON.
 */
import 'fake-indexeddb/auto';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import type { TrackerEvents } from '../../src/core/types';
import { ga4 } from '../../adapters/ga4';
import { googleAds } from '../../adapters/google-ads';
import { meta } from '../../adapters/meta';
import { linkedin } from '../../adapters/linkedin';
import { microsoftAds } from '../../adapters/microsoft-ads';
import { collector } from '../../adapters/collector';
import { example } from '../plan/fixtures';

let bodies: string[] = [];
const server = setupServer(http.post('http://localhost:3000/collect', async ({ request }) => {
  bodies.push(await request.text());
  return new HttpResponse(null, { status: 200 });
}));
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const open: { shutdown(): Promise<void> }[] = [];
beforeEach(() => {
  bodies = [];
  localStorage.clear();
  history.replaceState(null, '', '/?utm_source=news&utm_medium=email');
  for (const k of ['dataLayer', 'gtag', '__measureplanGtag', 'fbq', '_fbq', 'lintrk', '_linkedin_data_partner_ids', 'uetq']) delete (window as any)[k];
});
afterEach(async () => { await Promise.all(open.splice(0).map((t) => t.shutdown())); });

function everything() {
  const plan = example('webshop');
  plan.consent = { default: { analytics: 'granted', ads: 'granted' } };
  const tracker = createTracker({ plan, adapters: [ga4(), googleAds(), meta(), linkedin(), microsoftAds(), collector({ flushInterval: 10 })] });
  open.push(tracker);
  const errors: TrackerEvents['error'][] = [];
  tracker.on('error', (e) => errors.push(e));
  return { tracker, errors };
}
const tent = { item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 };
const settle = () => new Promise((r) => setTimeout(r, 60));

describe('a page with an enumerable key on Object.prototype', () => {
  beforeEach(() => { (Object.prototype as any).polluted = 'by a page library'; });
  afterEach(() => { delete (Object.prototype as any).polluted; });

  it('still gets its conversions, and no destination receives the inherited key', async () => {
    const { tracker, errors } = everything();
    tracker.track('add_to_cart', { item_id: 'SKU-1', item_name: 'Tent', value: 2499, quantity: 1 });
    tracker.track('purchase', { transaction_id: 'T-1', value: 2499, items: [tent] });
    await tracker.flush();
    await settle();
    expect(errors).toEqual([]);
    const events = (window as any).dataLayer.filter((c: IArguments) => c[0] === 'event' && c[2].send_to?.startsWith('G-')).map((c: IArguments) => [c[1], Object.keys(c[2])]);
    expect(events.map((e: unknown[]) => e[0])).toEqual(['add_to_cart', 'purchase']);
    for (const [, keys] of events) expect(keys).not.toContain('polluted');
    const meta = (window as any).fbq.queue.filter((c: unknown[]) => c[0] === 'track' && c[1] !== 'PageView');
    expect(meta.map((c: unknown[]) => c[1])).toEqual(['AddToCart', 'Purchase']);
    const sent = bodies.flatMap((b) => JSON.parse(b).batch);
    expect(sent.map((m: { event: string }) => m.event)).toEqual(['add_to_cart', 'purchase']);
    expect(bodies.join('')).not.toContain('polluted');
    expect(sent[0].context.campaign).toEqual({ source: 'news', medium: 'email' });
  });
});

describe('hostile arguments', () => {
  const trap = new Proxy({}, { get() { throw new Error('trap'); }, ownKeys() { throw new Error('trap'); }, has() { throw new Error('trap'); } });
  const loop: Record<string, unknown> = { item_id: 'SKU-1' };
  loop.self = loop;
  const values: unknown[] = [undefined, null, 0, NaN, Infinity, '', 'x'.repeat(100_000), true, Symbol('s'), 10n, [], [1], {}, trap, loop,
    { get transaction_id() { throw new Error('getter'); }, value: 1 }, { items: trap }, { items: [trap] }, { items: [null] }, { items: 'x' },
    { items: [{ item_id: 10n }] }, Object.create(null), { toString() { throw new Error('toString'); } }, () => 1, new Date(), /re/];
  const names: unknown[] = ['purchase', 'add_to_cart', 'phone_click', '__proto__', 'constructor', 'toString', undefined, null, 1, Symbol('n'), trap, {}];

  it('no method throws into the caller or leaves a rejected promise, and the tracker goes on working', async () => {
    const { tracker, errors } = everything();
    const t = tracker as any;
    const thrown: string[] = [];
    const rejected: unknown[] = [];
    const onRejection = (e: unknown) => { rejected.push(e); };
    process.on('unhandledRejection', onRejection);
    const call = (what: string, f: () => unknown) => {
      try {
        const r = f();
        if (r instanceof Promise) r.catch((e) => thrown.push(`${what} rejected: ${e}`));
      } catch (e) { thrown.push(`${what}: ${e}`); }
    };
    try {
      names.forEach((n, i) => values.forEach((v, j) => call(`track(names[${i}], values[${j}])`, () => t.track(n, v))));
      for (const v of values) {
        for (const m of ['identify', 'consent', 'page', 'funnel', 'variant']) call(m, () => t[m](v, v));
        call('experiment', () => t.experiment(v, v));
        call('on', () => t.on(v, v));
      }
      for (const n of ['__proto__', 'constructor', 'hasOwnProperty']) call(`on(${n})`, () => t.on(n, () => undefined)());
      call('throwing listeners', () => { t.on('event', () => { throw new Error('listener'); }); t.on('error', () => { throw new Error('listener'); }); });
      await tracker.flush();
      await settle();
      expect(thrown).toEqual([]);
      expect(rejected).toEqual([]);
      expect(errors.some((e) => e.path === 'on')).toBe(true);
      // Still working: a valid conversion goes through after all that.
      bodies = [];
      tracker.track('phone_click');
      await tracker.flush();
      await settle();
      expect(bodies.flatMap((b) => JSON.parse(b).batch).map((m: { event: string }) => m.event)).toEqual(['phone_click']);
    } finally { process.off('unhandledRejection', onRejection); }
  });
});

describe('a page with Prototype.js 1.6 (Array.prototype.toJSON, as on old Magento 1 shops)', () => {
  // What Prototype 1.6 installs: an array serialises itself as a JSON text, so JSON.stringify
  // nests a string where an array belongs.
  const prototypeToJSON = function (this: unknown[]) { return '[' + this.map((x) => JSON.stringify(x)).join(', ') + ']'; };
  beforeEach(() => { Object.defineProperty(Array.prototype, 'toJSON', { value: prototypeToJSON, writable: true, configurable: true, enumerable: true }); });
  afterEach(() => { delete (Array.prototype as any).toJSON; });

  it('the collector receives items as a list, the stored cart stays a list, and the page keeps its toJSON', async () => {
    const { tracker, errors } = everything();
    tracker.track('purchase', { transaction_id: 'T-9', value: 2499, items: [tent] });
    tracker.track('add_to_cart', { item_id: 'SKU-2', item_name: 'Stove', value: 499, quantity: 1 });
    await tracker.flush();
    await settle();
    expect(errors).toEqual([]);
    const messages = bodies.flatMap((b) => JSON.parse(b).batch);
    const purchase = messages.find((m: any) => m.event === 'purchase');
    expect(purchase.properties.items).toEqual([tent]);
    window.dispatchEvent(new Event('pagehide')); // the journey writes its cart
    const stored = JSON.parse(localStorage.getItem('mp_cart') ?? 'null');
    expect(Array.isArray(stored?.items)).toBe(true);
    expect((Array.prototype as any).toJSON).toBe(prototypeToJSON);
  });
});

describe('a page whose library defines Array.prototype.toJSON with defineProperty (hostile QA 2026-12-06)', () => {
  const toJSON = function (this: unknown[]) { return 'list of ' + this.length; };
  afterEach(() => { try { delete (Array.prototype as any).toJSON; } catch { /* not configurable: left for the process */ } });

  it('keeps it as the page defined it: not enumerable, so for…in over the page\'s arrays sees no extra key', async () => {
    Object.defineProperty(Array.prototype, 'toJSON', { value: toJSON, writable: true, configurable: true, enumerable: false });
    const { tracker, errors } = everything();
    tracker.track('purchase', { transaction_id: 'T-d1', value: 2499, items: [tent] });
    await tracker.flush();
    await settle();
    expect(errors).toEqual([]);
    expect(Object.getOwnPropertyDescriptor(Array.prototype, 'toJSON')).toEqual({ value: toJSON, writable: true, configurable: true, enumerable: false });
    const keys: string[] = [];
    for (const k in [1]) keys.push(k);
    expect(keys).toEqual(['0']);
    const purchase = bodies.flatMap((b) => JSON.parse(b).batch).find((m: any) => m.event === 'purchase');
    expect(purchase.properties.items).toEqual([tent]);
  });
});

describe('an object whose values sit behind getters or on its prototype (hostile QA 2026-12-06)', () => {
  const sentMessage = (name: string) => bodies.flatMap((b) => JSON.parse(b).batch).find((m: any) => m.event === name);
  const ga4Params = (name: string) => (window as any).dataLayer.find((c: IArguments) => c[0] === 'event' && c[1] === name && c[2].send_to?.startsWith('G-'))?.[2];

  it('an order class with #private fields and getters: its values are checked and sent, under its dedupe id', async () => {
    class Order {
      #id: string; #total: number;
      constructor(id: string, total: number) { this.#id = id; this.#total = total; }
      get transaction_id() { return this.#id; }
      get value() { return this.#total; }
      get items() { return [tent]; }
    }
    const { tracker, errors } = everything();
    tracker.track('purchase', new Order('T-7', 2499) as never);
    await tracker.flush();
    await settle();
    expect(errors).toEqual([]);
    const m = sentMessage('purchase');
    expect(m.properties).toMatchObject({ transaction_id: 'T-7', value: 2499, items: [tent] });
    expect(m.messageId).not.toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4/); // derived from the transaction id, not random
    expect(ga4Params('purchase')).toMatchObject({ transaction_id: 'T-7', value: 2499, currency: 'NOK' });
  });

  it('inherited data (Object.create) and items that are class instances with getters', async () => {
    class Line { constructor(private sku: string, private p: number) {} get item_id() { return this.sku; } get price() { return this.p; } get quantity() { return 1; } }
    const { tracker, errors } = everything();
    tracker.track('purchase', Object.create({ transaction_id: 'T-2', value: 10, items: [new Line('SKU-9', 10)] }));
    await tracker.flush();
    await settle();
    expect(errors).toEqual([]);
    const m = sentMessage('purchase');
    expect(m.properties).toMatchObject({ transaction_id: 'T-2', value: 10 });
    expect(m.properties.items).toEqual([expect.objectContaining({ item_id: 'SKU-9', price: 10, quantity: 1 })]);
    expect(ga4Params('purchase').items).toEqual([expect.objectContaining({ item_id: 'SKU-9', price: 10, quantity: 1 })]);
  });

  it('reads each value once: a getter cannot pass the check with one value and send another', async () => {
    let reads = 0;
    const { tracker, errors } = everything();
    tracker.track('purchase', { transaction_id: 'T-4', items: [tent], get value() { return ++reads === 1 ? 10 : 'ten'; } } as never);
    await tracker.flush();
    await settle();
    expect(reads).toBe(1);
    expect(errors).toEqual([]);
    expect(sentMessage('purchase').properties.value).toBe(10);
  });

  it('never reads a value a page library put on Object.prototype for a class instance', async () => {
    (Object.prototype as any).coupon = 'POLLUTED';
    try {
      class Order { get transaction_id() { return 'T-5'; } get value() { return 5; } get items() { return [tent]; } }
      const { tracker, errors } = everything();
      tracker.track('purchase', new Order() as never);
      await tracker.flush();
      await settle();
      expect(errors).toEqual([]);
      expect(bodies.join('')).not.toContain('POLLUTED');
    } finally { delete (Object.prototype as any).coupon; }
  });
});
