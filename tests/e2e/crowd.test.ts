/**
 * The crowd of simulated shoppers (scripts/crowd/browser.mjs) in the real Fjellsport shop, in
 * headless Chromium: a dozen planned journeys chosen to cover the banner's three answers, orders,
 * a left cart and the return to it an hour later (Playwright's fake clock), and what the
 * collector stored from them. Also holds the synthetic messages (scripts/crowd/synthetic.mjs) to
 * the keys of the real ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error plain ESM helpers without types
import { startStorefront } from '../../scripts/storefront-server.mjs';
// @ts-expect-error plain ESM helpers without types
import { runCrowd } from '../../scripts/crowd/browser.mjs';
// @ts-expect-error plain ESM helpers without types
import { planCrowd } from '../../scripts/crowd/journeys.mjs';
// @ts-expect-error plain ESM helpers without types
import { syntheticMessages } from '../../scripts/crowd/synthetic.mjs';

let shop: any;
let dir: string;
let summary: any;
let events: any[];

/** Twelve journeys of a planned crowd, picked so that each case the test checks occurs. */
function pickJourneys() {
  const pool = planCrowd({ shoppers: 3000, seed: 7 });
  const chosen = new Map<number, any>();
  const left = (j: any) => j.cart.length - (j.remove ? 1 : 0);
  const want = (n: number, f: (j: any) => boolean) => { for (const j of pool) { if (n <= 0) break; if (!chosen.has(j.index) && f(j)) { chosen.set(j.index, j); n--; } } };
  want(2, (j) => j.consent === 'none' && j.views.length > 0 && j.cart.length > 0); // they browse and fill a cart, and send nothing
  want(1, (j) => j.consent === 'none' && (j.newsletter || j.phone || j.pricing));
  want(1, (j) => j.consent === 'analytics' && !!j.landing.query.gclid && j.views.length > 0);
  want(3, (j) => j.consent !== 'none' && j.checkout && j.purchaseRoll < j.purchase.control); // buy whatever the variant
  want(1, (j) => j.consent === 'all' && !j.checkout && left(j) > 0 && j.comeBackAfterMin !== null && j.recover); // back after an hour, and buys
  want(1, (j) => j.consent === 'all' && !!j.remove && left(j) > 0);
  want(1, (j) => j.consent === 'all' && j.newsletter);
  want(1, (j) => j.consent === 'all' && j.phone);
  want(1, (j) => j.consent === 'all' && j.landing.page === 'product' && j.views.length > 1);
  return [...chosen.values()];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mp-crowd-'));
  shop = await startStorefront({ port: 0, dataFile: join(dir, 'events.ndjson') });
  const journeys = pickJourneys();
  expect(journeys).toHaveLength(12);
  summary = await runCrowd({ url: shop.url, journeys, concurrency: 3 });
  events = shop.events().filter((m: any) => m.type === 'track');
}, 300_000);
afterAll(async () => {
  await shop?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('a crowd of twelve shoppers in the real shop', () => {
  it('runs every shopper to the end', () => {
    expect(summary.failures).toEqual([]);
    expect(summary.failed).toBe(0);
    expect(summary.shoppers).toBe(12);
    expect(summary.intended.purchase).toBeGreaterThanOrEqual(4);
    expect(summary.results.filter((r: any) => r.returned === 'yes').length).toBeGreaterThanOrEqual(1);
  });

  it('stores, for each shopper who consented, exactly the conversions their actions cause', () => {
    for (const r of summary.results.filter((x: any) => x.consent !== 'none')) {
      expect(r.anonymousId, `shopper ${r.index}`).toMatch(/^[0-9a-f-]{36}$/);
      const stored = events.filter((m) => m.anonymousId === r.anonymousId && m.context.measureplan.kind !== 'signal').map((m) => m.event).sort();
      expect(stored, `shopper ${r.index}`).toEqual([...r.steps].sort());
      // Every page left a record of its Core Web Vitals.
      expect(events.some((m) => m.anonymousId === r.anonymousId && m.event === 'web_vital')).toBe(true);
    }
  });

  it('hears nothing from shoppers who chose "Only necessary"', () => {
    const denied = summary.results.filter((r: any) => r.consent === 'none');
    expect(denied.length).toBe(3);
    for (const r of denied) {
      expect(r.steps.length).toBeGreaterThan(0); // they did browse
      expect(r.anonymousId).toBeUndefined();
      expect(r.storedKeys).toBe(0);
      expect(r.collectRequests).toBe(0);
    }
    const consenting = new Set(summary.results.filter((r: any) => r.consent !== 'none').map((r: any) => r.anonymousId));
    expect(new Set(events.map((m) => m.anonymousId))).toEqual(consenting);
  });

  it('has a view_item before every purchase, from the same visitor, and each order once under its own id', () => {
    const purchases = events.filter((m) => m.event === 'purchase');
    expect(purchases.length).toBe(summary.intended.purchase);
    for (const p of purchases) {
      expect(events.some((m) => m.event === 'view_item' && m.anonymousId === p.anonymousId && m.timestamp < p.timestamp)).toBe(true);
      expect(p.messageId).toBe(`purchase:${p.properties.transaction_id}`);
    }
    for (const r of summary.results) for (const order of r.orders) {
      if (r.consent === 'none') continue;
      expect(purchases.filter((p) => p.properties.transaction_id === order && p.anonymousId === r.anonymousId)).toHaveLength(1);
    }
    const ids = shop.events().map((m: any) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('records the experiment exposure at most once per visitor, and the variant the crowd saw', () => {
    const exposures = events.filter((m) => m.event === 'experiment_viewed');
    expect(exposures.length).toBeGreaterThan(0);
    expect(new Set(exposures.map((m) => m.anonymousId)).size).toBe(exposures.length);
    for (const x of exposures) {
      const r = summary.results.find((y: any) => y.anonymousId === x.anonymousId);
      expect(x.properties.variant_id).toBe(r.variant);
    }
  });

  it('reports a cart left for more than an hour when its shopper comes back, in a new session', () => {
    const back = summary.results.find((r: any) => r.returned === 'yes' && r.consent !== 'none');
    const left = events.find((m) => m.event === 'cart_abandoned' && m.anonymousId === back.anonymousId);
    const first = events.find((m) => m.anonymousId === back.anonymousId);
    expect(Date.parse(left.timestamp) - Date.parse(first.timestamp)).toBeGreaterThan(3_600_000);
    expect(left.context.measureplan.session_id).not.toBe(first.context.measureplan.session_id);
    expect(left.properties.items.length).toBeGreaterThan(0);
  });

  it('sends an analytics-only visitor\'s messages without the click id: not in click_ids, not in the URLs', () => {
    const r = summary.results.find((x: any) => x.consent === 'analytics');
    const mine = events.filter((m) => m.anonymousId === r.anonymousId);
    expect(mine.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine)).not.toMatch(/gclid/);
    for (const m of mine) {
      expect(m.context.measureplan).not.toHaveProperty('click_ids');
      expect(m.context.measureplan.consent).toEqual({ analytics: 'granted', ads: 'denied' });
      expect(m.context.campaign?.source).toBe('google'); // UTM parameters stay for the session
    }
    expect(mine[0]!.context.page.url).toMatch(/utm_source=google/);
  });

  it('matches the synthetic messages key for key', () => {
    const synthetic = new Map<string, any>();
    for (const m of syntheticMessages({ shoppers: 2000, seed: 1 })) if (!synthetic.has(m.event)) synthetic.set(m.event, m);
    const keys = (o: any) => Object.keys(o ?? {}).sort();
    const MP = ['kind', 'session_id', 'click_ids', 'consent', 'experiments', 'vitals'];
    for (const real of events) {
      const fake = synthetic.get(real.event);
      expect(fake, real.event).toBeDefined();
      const { sentAt, receivedAt, ...message } = real;
      expect(keys(message), real.event).toEqual(keys(fake));
      expect(keys(real.properties), real.event).toEqual(keys(fake.properties));
      expect(keys(real.context).filter((k) => k !== 'campaign'), real.event).toEqual(keys(fake.context).filter((k) => k !== 'campaign'));
      expect(keys(real.context.page)).toEqual(keys(fake.context.page));
      for (const k of keys(real.context.measureplan)) expect(MP).toContain(k);
      // click_ids come with an ads grant only, in both.
      for (const m of [real, fake]) expect('click_ids' in m.context.measureplan, real.event).toBe(m.context.measureplan.consent?.ads === 'granted');
      const but = (o: any) => keys(o).filter((k) => k !== 'click_ids');
      if (real.context.measureplan.kind === 'signal') expect(but(real.context.measureplan)).toEqual(but(fake.context.measureplan));
    }
  });
});
