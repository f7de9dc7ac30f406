// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { createDedupe, DEDUPE_MAX, hash64 } from '../../src/core/dedupe';
import { localStore } from '../../src/core/storage';
import type { Adapter, ConversionEvent, TrackerEvents } from '../../src/core/types';
import { example } from '../plan/fixtures';
import { fakeLocks, orderRace, twoTabStores } from './two-tabs';

const DAY = 86_400_000;
const items = [{ item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 }];
const order = (id: string) => ({ transaction_id: id, value: 2499, items });

function recorder(name: Adapter['name'], category: Adapter['category']) {
  const sent: ConversionEvent[] = [];
  const adapter: Adapter = { name, category, load: () => undefined, send: (e) => { sent.push(e); } };
  return { adapter, sent };
}

/** One page of the shop: a tracker on the webshop plan with a recorder per destination category. */
function page(options: { consent?: Record<string, string>; plan?: any; debug?: boolean } = {}) {
  const plan = options.plan ?? example('webshop');
  if (options.consent) plan.consent = { default: options.consent };
  const ga4 = recorder('ga4', 'analytics');
  const meta = recorder('meta', 'ads');
  const collector = recorder('collector', 'analytics');
  const tracker = createTracker({ plan, adapters: [ga4.adapter, meta.adapter, collector.adapter], debug: options.debug });
  const duplicates: TrackerEvents['duplicate'][] = [];
  const skipped: TrackerEvents['skipped'][] = [];
  const accepted: TrackerEvents['event'][] = [];
  tracker.on('duplicate', (d) => duplicates.push(d));
  tracker.on('skipped', (s) => skipped.push(s));
  tracker.on('event', (e) => accepted.push(e));
  const ids = () => [...ga4.sent, ...meta.sent, ...collector.sent].map((e) => e.id);
  return { tracker, ga4, meta, collector, duplicates, skipped, accepted, ids };
}
const granted = { analytics: 'granted', ads: 'granted' };

function installLocks() {
  const fake = fakeLocks();
  Object.defineProperty(navigator, 'locks', { value: fake.locks, configurable: true });
  return fake;
}

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => { localStorage.clear(); history.replaceState(null, '', '/checkout/done'); });
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  delete (navigator as any).locks;
});

describe.each([
  ['with Web Locks', true],
  ['without Web Locks (write-then-verify)', false],
])('dedupe %s', (_, withLocks) => {
  beforeEach(() => { if (withLocks) installLocks(); });

  it('forwards a key once across reloads (new trackers on the same storage), and a new key again', async () => {
    const first = page({ consent: granted });
    first.tracker.track('purchase', order('FS-1001'));
    await first.tracker.flush();
    expect(first.ids()).toEqual(['purchase:FS-1001', 'purchase:FS-1001', 'purchase:FS-1001']);
    for (let reload = 0; reload < 3; reload++) {
      const again = page({ consent: granted });
      again.tracker.track('purchase', order('FS-1001'));
      await again.tracker.flush();
      expect(again.ids()).toEqual([]);
      expect(again.accepted).toEqual([]);
      expect(again.duplicates).toEqual([{ conversion: 'purchase', key: 'FS-1001', event: expect.objectContaining({ id: 'purchase:FS-1001' }) }]);
    }
    const next = page({ consent: granted });
    next.tracker.track('purchase', order('FS-1002'));
    await next.tracker.flush();
    expect(next.ga4.sent.map((e) => e.id)).toEqual(['purchase:FS-1002']);
    expect(next.meta.sent.map((e) => e.id)).toEqual(['purchase:FS-1002']);
  });

  it('two tabs claiming the same key at the same moment: exactly one forwards it', async () => {
    const a = page({ consent: granted });
    const b = page({ consent: granted });
    a.tracker.track('purchase', order('FS-2001'));
    b.tracker.track('purchase', order('FS-2001'));
    await Promise.all([a.tracker.flush(), b.tracker.flush()]);
    expect(a.ga4.sent.length + b.ga4.sent.length).toBe(1);
    expect(a.meta.sent.length + b.meta.sent.length).toBe(1);
    expect(a.collector.sent.length + b.collector.sent.length).toBe(1);
    expect(a.duplicates.length + b.duplicates.length).toBe(1);
    // …and a second order in both tabs at once goes through, once.
    a.tracker.page();
    b.tracker.page();
    a.tracker.track('purchase', order('FS-2002'));
    b.tracker.track('purchase', order('FS-2002'));
    await Promise.all([a.tracker.flush(), b.tracker.flush()]);
    expect([...a.ga4.sent, ...b.ga4.sent].map((e) => e.id)).toEqual(['purchase:FS-2001', 'purchase:FS-2002']);
  });

  it('pending claims are decided before shutdown() resolves', async () => {
    const t = page({ consent: granted });
    t.tracker.track('purchase', order('FS-3001'));
    await t.tracker.shutdown();
    expect(t.ga4.sent).toHaveLength(1);
  });
});

describe('dedupe: the cross-tab lock', () => {
  it('claims under navigator.locks "measureplan-dedupe", one tab at a time', async () => {
    const locks = installLocks();
    const tabs = [page({ consent: granted }), page({ consent: granted }), page({ consent: granted })];
    for (const t of tabs) t.tracker.track('purchase', order('FS-4001'));
    await Promise.all(tabs.map((t) => t.tracker.flush()));
    expect(locks.requests).toEqual(['measureplan-dedupe', 'measureplan-dedupe', 'measureplan-dedupe']);
    expect(locks.overlapped()).toBe(false);
    expect(tabs.flatMap((t) => t.ga4.sent)).toHaveLength(1);
    // A later page knows the key from storage, without asking for the lock.
    const later = page({ consent: granted });
    later.tracker.track('purchase', order('FS-4001'));
    expect(later.duplicates).toHaveLength(1);
    expect(locks.requests).toHaveLength(3);
  });

  it('claims made together share one lock: 30 orders at once are decided in one hold, not one after another (performance review 2026-12-06)', async () => {
    const locks = installLocks();
    const plan: any = example('webshop');
    delete plan.conversions.purchase.limit; // a page that records many orders (a back office, a kiosk)
    const t = page({ consent: granted, plan });
    for (let i = 0; i < 30; i++) t.tracker.track('purchase', order(`FS-42${String(i).padStart(2, '0')}`));
    await t.tracker.flush();
    expect(locks.requests).toEqual(['measureplan-dedupe']);
    expect(t.ga4.sent).toHaveLength(30);
    // One after another, 30 holds of 200 ms would have taken six seconds before flush() resolved.
  });

  it('a lock that fails falls back to write-then-verify, and never throws', async () => {
    Object.defineProperty(navigator, 'locks', { value: { request: () => Promise.reject(new Error('SecurityError')) }, configurable: true });
    const a = page({ consent: granted });
    const b = page({ consent: granted });
    expect(() => a.tracker.track('purchase', order('FS-4101'))).not.toThrow();
    b.tracker.track('purchase', order('FS-4101'));
    await Promise.all([a.tracker.flush(), b.tracker.flush()]);
    expect(a.ga4.sent.length + b.ga4.sent.length).toBe(1);
  });
});

describe('dedupe: tabs whose storage sees the other tab late (5 ms)', () => {
  const race = async (withLocks: boolean, offset: number) => {
    const r = orderRace(5, withLocks);
    const now = Date.now();
    r.claim(0, 'FS-1', now);
    await later(offset);
    r.claim(1, 'FS-1', now);
    return r.count();
  };
  for (const withLocks of [true, false]) {
    it(`${withLocks ? 'Web Locks (held after the write)' : 'write-then-verify'}: exactly one of two tabs wins, whenever the second starts`, async () => {
      for (const offset of [0, 1, 3, 6, 20, 45, 55, 120]) expect(await race(withLocks, offset), `second tab ${offset} ms later`).toBe(1);
    });
  }

  it('write-then-verify: two tabs claiming different keys at the same moment both win (no conversion is lost)', async () => {
    const [sa, sb] = twoTabStores(5);
    const a = createDedupe(sa);
    const b = createDedupe(sb);
    a.allow(true);
    b.allow(true);
    const wins: boolean[] = [];
    a.claim('purchase', 'FS-1', undefined, Date.now(), (first) => wins.push(first));
    b.claim('purchase', 'FS-2', undefined, Date.now(), (first) => wins.push(first));
    await Promise.all([a.settled(), b.settled()]);
    expect(wins).toEqual([true, true]);
  });
});

describe('dedupe: retention and storage', () => {
  it('forgets a key after its `days` (default 90), and forwards it again then', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-01-01T10:00:00Z'));
    const plan = () => { const p = example('webshop'); p.conversions.purchase!.dedupe = { key: 'transaction_id', days: 30 }; return p; };
    const sends = async (at: string, p = plan()) => {
      vi.setSystemTime(new Date(at));
      const t = page({ consent: granted, plan: p });
      t.tracker.track('purchase', order('FS-5001'));
      await t.tracker.flush();
      return t.ga4.sent.length;
    };
    expect(await sends('2026-01-01T10:00:00Z')).toBe(1);
    expect(await sends('2026-01-31T09:59:00Z')).toBe(0); // 29 days 23 hours later
    expect(await sends('2026-01-31T10:00:01Z')).toBe(1); // past 30 days: a new claim, for 30 more
    expect(await sends('2026-02-20T10:00:00Z')).toBe(0);
    localStorage.clear();
    expect(await sends('2026-01-01T10:00:00Z', example('webshop'))).toBe(1);
    expect(await sends('2026-03-31T09:00:00Z', example('webshop'))).toBe(0); // 89 days
    expect(await sends('2026-04-01T10:00:01Z', example('webshop'))).toBe(1); // past 90 days
  });

  it('stores a hash of the key, never the value itself', async () => {
    const t = page({ consent: granted });
    t.tracker.track('purchase', order('FS-5101'));
    await t.tracker.flush();
    const all = JSON.stringify({ ...localStorage });
    expect(all).not.toContain('FS-5101');
    const record = JSON.parse(localStorage.getItem('mp_dd')!);
    expect(record).toEqual([[hash64('purchase\nFS-5101'), expect.any(Number)]]);
    expect(record[0][0]).toMatch(/^[0-9a-z]{1,7}\.[0-9a-z]{1,7}$/);
    expect(localStorage.getItem('mp_ddc')).toBeNull(); // the fallback's claim is cleaned up
  });

  it('keeps at most 500 keys, dropping the oldest first, and drops expired ones when read', () => {
    const now = Date.now();
    const seeded = Array.from({ length: DEDUPE_MAX }, (_, i) => [String(i).padStart(16, '0'), now + DAY + i]);
    seeded[7]![1] = now - 1; // expired
    localStorage.setItem('mp_dd', JSON.stringify(seeded));
    const d = createDedupe(localStore(() => undefined));
    d.allow(true);
    // Keys claimed without storage (denied earlier on this page) join the record on a grant.
    const mem = createDedupe(localStore(() => undefined));
    const firsts: boolean[] = [];
    for (let i = 0; i < 3; i++) mem.claim('purchase', `M-${i}`, undefined, now, (first) => firsts.push(first));
    expect(firsts).toEqual([true, true, true]); // no storage: decided at once
    mem.allow(true);
    const list: [string, number][] = JSON.parse(localStorage.getItem('mp_dd')!);
    expect(list).toHaveLength(DEDUPE_MAX);
    expect(list.map((e) => e[0])).not.toContain(seeded[7]![0]); // expired: dropped
    expect(list[0]![0]).toBe(seeded[2]![0]); // 499 live + 3 new: the 2 oldest live ones went
    expect(list.slice(-3).map((e) => e[0])).toEqual([0, 1, 2].map((i) => hash64(`purchase\nM-${i}`)));
  });

  it('a full or blocked storage degrades to memory: the page still forwards once', async () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => { throw new DOMException('full', 'QuotaExceededError'); });
    const t = page({ consent: granted });
    expect(() => t.tracker.track('purchase', order('FS-5201'))).not.toThrow();
    await t.tracker.flush();
    t.tracker.page();
    t.tracker.track('purchase', order('FS-5201'));
    await t.tracker.flush();
    expect(t.ga4.sent).toHaveLength(1);
    expect(t.duplicates).toHaveLength(1);
  });
});

describe('dedupe: consent', () => {
  it('stores nothing before analytics consent: the conversion waits for the decision, then is claimed', async () => {
    const t = page();
    t.tracker.track('purchase', order('FS-6001'));
    t.tracker.track('visited_pricing');
    expect(Object.keys(localStorage)).toEqual([]);
    t.tracker.consent({ ads: 'granted' }); // ads alone does not decide the record
    expect(t.meta.sent).toEqual([]);
    t.tracker.consent({ analytics: 'granted' });
    await t.tracker.flush();
    expect(t.ga4.sent.map((e) => e.name)).toEqual(['visited_pricing', 'purchase']);
    expect(t.meta.sent.map((e) => e.name)).toEqual(['purchase']);
    expect(localStorage.getItem('mp_dd')).toMatch(/^\[\["[0-9a-z]+\.[0-9a-z]+",\d+\]\]$/);
  });

  it('a reload whose consent arrives late (a consent platform) does not send the order again', async () => {
    const first = page({ consent: granted });
    first.tracker.track('purchase', order('FS-6101'));
    await first.tracker.flush();
    const reload = page(); // analytics and ads pending until the platform answers
    reload.tracker.track('purchase', order('FS-6101'));
    reload.tracker.consent({ analytics: 'granted', ads: 'granted' });
    await reload.tracker.flush();
    expect(reload.ids()).toEqual([]);
    expect(reload.duplicates).toHaveLength(1);
  });

  it('without analytics consent: memory only, for this page (a reload may send again)', async () => {
    const t = page({ consent: { analytics: 'denied', ads: 'granted' } });
    t.tracker.consent({ analytics: 'denied' });
    t.tracker.track('purchase', order('FS-6201'));
    expect(t.meta.sent.map((e) => e.id)).toEqual(['purchase:FS-6201']); // synchronous: no lock needed
    t.tracker.page();
    t.tracker.track('purchase', order('FS-6201'));
    expect(t.meta.sent).toHaveLength(1);
    expect(t.duplicates).toHaveLength(1);
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_dd'))).toEqual([]);
    const reload = page({ consent: { analytics: 'denied', ads: 'granted' } });
    reload.tracker.consent({ analytics: 'denied' });
    reload.tracker.track('purchase', order('FS-6201'));
    expect(reload.meta.sent).toHaveLength(1); // documented: without analytics storage, a new page cannot know
  });

  it('keys of a denied page join the record when analytics is granted later on it', async () => {
    const t = page({ consent: { analytics: 'denied', ads: 'granted' } });
    t.tracker.consent({ analytics: 'denied' });
    t.tracker.track('purchase', order('FS-6301'));
    t.tracker.consent({ analytics: 'granted' });
    const reload = page({ consent: granted });
    reload.tracker.track('purchase', order('FS-6301'));
    await reload.tracker.flush();
    expect(reload.ids()).toEqual([]);
  });

  it('an explicit denial deletes the record', async () => {
    const t = page({ consent: granted });
    t.tracker.track('purchase', order('FS-6401'));
    await t.tracker.flush();
    expect(localStorage.getItem('mp_dd')).not.toBeNull();
    t.tracker.consent({ analytics: 'denied' });
    expect(localStorage.getItem('mp_dd')).toBeNull();
    t.tracker.page();
    t.tracker.track('purchase', order('FS-6401')); // still known to this page
    expect(t.duplicates).toHaveLength(1);
  });
});

describe('dedupe: reporting and limits', () => {
  it('a duplicate is a `duplicate` event, a `skipped` one, and a debug warning; nothing is delivered', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    vi.spyOn(console, 'groupCollapsed').mockImplementation(() => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'groupEnd').mockImplementation(() => undefined);
    const first = page({ consent: granted, debug: true });
    first.tracker.track('purchase', order('FS-7001'));
    await first.tracker.flush();
    const again = page({ consent: granted, debug: true });
    const sent: unknown[] = [];
    again.tracker.on('sent', (s) => sent.push(s));
    again.tracker.track('purchase', order('FS-7001'));
    await again.tracker.flush();
    expect(again.duplicates).toEqual([{ conversion: 'purchase', key: 'FS-7001', event: expect.objectContaining({ name: 'purchase', transactionId: 'FS-7001' }) }]);
    expect(again.skipped).toEqual([{ conversion: 'purchase', reason: 'duplicate transaction_id FS-7001' }]);
    expect(sent).toEqual([]);
    expect(warn).toHaveBeenCalledWith('measureplan: purchase: not sent again (duplicate transaction_id FS-7001)');
  });

  it('`limit` keeps working beside it', async () => {
    const t = page({ consent: granted });
    t.tracker.track('purchase', order('FS-7101'));
    t.tracker.track('purchase', order('FS-7102')); // once_per_page: dropped by the limit, not claimed
    await t.tracker.flush();
    expect(t.skipped).toEqual([{ conversion: 'purchase', reason: 'limit once_per_page' }]);
    expect(t.duplicates).toEqual([]);
    t.tracker.page();
    t.tracker.track('purchase', order('FS-7101'));
    await t.tracker.flush();
    t.tracker.page();
    t.tracker.track('purchase', order('FS-7102'));
    await t.tracker.flush();
    expect(t.ga4.sent.map((e) => e.id)).toEqual(['purchase:FS-7101', 'purchase:FS-7102']);
    expect(t.duplicates.map((d) => d.key)).toEqual(['FS-7101']);
  });

  it('works on any conversion that declares it (leadgen: demo_request by lead_id); a conversion without a key value is not deduplicated', async () => {
    const plan = { ...example('leadgen'), consent: { default: granted } };
    const t = page({ plan });
    t.tracker.track('demo_request', { company_size: '11-50', lead_id: 'LEAD-0001' });
    t.tracker.track('demo_request', { company_size: '11-50', lead_id: 'LEAD-0001' });
    await t.tracker.flush();
    expect(t.accepted.map((e) => e.event.id)).toEqual(['demo_request:LEAD-0001']);
    const shop = page({ consent: granted });
    shop.tracker.track('phone_click');
    shop.tracker.track('phone_click');
    expect(shop.ga4.sent).toHaveLength(2); // no dedupe: synchronous as ever
  });
});
