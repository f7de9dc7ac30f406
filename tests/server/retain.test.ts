/**
 * `measureplan retain --days N`: the store keeps the last N days. A report over the retained store
 * equals one over a store that never held the older events; the summaries kept at ingest stay
 * what counting the events again gives, even while the server stores new events during the pass;
 * the relay keeps its place; a dry run changes nothing; the command's words and exit codes.
 */
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport } from '../../src/report/build';
import { vitalBucketSql } from '../../src/report/vitals';
import { toOutcome } from '../../src/server/message';
import { retain } from '../../src/server/retain';
import { startRetention } from '../../src/server/retention';
import { startWebhook } from '../../src/server/webhook';
import { SEVERITY, VITAL_COLUMNS, VITAL_PAGE_WHERE } from '../../src/server/schema';
import { openStore, type Store } from '../../src/server/store';
import { bin, ensureBuilt, root, run } from '../cli/helpers';
import { PLAN, post, readStore, startCollect, tempStore } from './helpers';
// @ts-expect-error plain ESM helper without types
import { syntheticMessages } from '../../scripts/crowd/synthetic.mjs';

const DAY = 86_400_000;
const plan = (parsePlan(JSON.parse(readFileSync(join(root, 'examples/plans/webshop.json'), 'utf8'))) as { plan: Plan }).plan;
const dirs: ReturnType<typeof tempStore>[] = [];
beforeAll(ensureBuilt);
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

function storeWith(messages: Record<string, any>[]): { s: Store; file: string } {
  const d = tempStore();
  dirs.push(d);
  const s = openStore(d.db);
  write(s, messages);
  return { s, file: d.db };
}
/** Stores messages as the server does, each received at its own time (its timestamp). */
function write(s: Store, messages: Record<string, any>[]) {
  s.write([messages.map((m) => toOutcome(m, {}, m.timestamp ?? new Date().toISOString(), plan))]);
}

/** The summaries as counting the events again gives them (the migrations' own queries). */
function recounted(s: Store) {
  const severity = `CASE metric_rating ${Object.entries(SEVERITY).map(([k, n]) => `WHEN '${k}' THEN ${n}`).join(' ')} END`;
  return {
    visitors: s.db.prepare(`SELECT anonymous_id, min(timestamp) AS first_seen, max(timestamp) AS last_seen, count(*) AS events,
      ${VITAL_COLUMNS.map((m) => `max(CASE WHEN event = 'web_vital' AND metric_name = '${m.toUpperCase()}' THEN ${severity} END) AS ${m}`).join(', ')}
      FROM events WHERE anonymous_id IS NOT NULL GROUP BY anonymous_id ORDER BY anonymous_id`).all(),
    pages: s.db.prepare(`SELECT metric_name AS metric, ${vitalBucketSql()} AS bucket, count(*) AS pages FROM events WHERE ${VITAL_PAGE_WHERE} GROUP BY 1, 2 ORDER BY 1, 2`).all(),
  };
}
const kept = (s: Store) => ({
  visitors: s.db.prepare(`SELECT anonymous_id, first_seen, last_seen, events, ${VITAL_COLUMNS.join(', ')} FROM visitors ORDER BY anonymous_id`).all(),
  pages: s.db.prepare('SELECT metric, bucket, pages FROM vital_pages ORDER BY 1, 2').all(),
});
const reportOf = (s: Store, now: number) => ({ ...buildReport(s.db, plan, { now }), generated_at: undefined });

describe('retain', () => {
  // 400 shoppers over 40 days of the webshop (carts, orders, an experiment, web vitals).
  const START = Date.UTC(2026, 9, 1);
  const NOW = START + 40 * DAY;
  const synthetic: Record<string, any>[] = [...syntheticMessages({ shoppers: 400, seed: 11, days: 40, start: START, identify: 0.3 })];
  // Some shoppers of the first days come back 5 days before NOW: their summaries straddle the cutoff.
  const returning = [...new Set(synthetic.filter((m) => m.timestamp < new Date(START + 5 * DAY).toISOString()).map((m) => m.anonymousId))].slice(0, 20);
  const crowd = [...synthetic, ...returning.map((v, i) => ({
    type: 'track', event: 'view_item', anonymousId: v, messageId: `back-${i}`, timestamp: new Date(NOW - 5 * DAY + i * 60_000).toISOString(),
    properties: { item_id: 'tind-shell-jacket', item_name: 'Tind shell jacket', item_category: 'jackets', value: 2499 }, context: { measureplan: { kind: 'micro' } },
  }))];
  // The crowd's store is written once and copied for each test that takes it as it is.
  const crowdDir = tempStore();
  beforeAll(() => { const s = openStore(crowdDir.db); write(s, crowd); s.close(); });
  afterAll(() => crowdDir.remove());
  function crowdStore(): { s: Store; file: string } {
    const d = tempStore();
    dirs.push(d);
    copyFileSync(crowdDir.db, d.db);
    return { s: openStore(d.db), file: d.db };
  }

  it('leaves the store as if it had never held the older events: the same report, visitors and page loads', () => {
    const cutoff = new Date(NOW - 25 * DAY).toISOString();
    const young = crowd.filter((m) => m.timestamp >= cutoff);
    expect(young.length).toBeGreaterThan(100);
    expect(crowd.length - young.length).toBeGreaterThan(100);
    const all = crowdStore().s;
    const fresh = storeWith(young).s;
    const before = kept(all);
    const r = retain(all.db, { days: 25, now: NOW, chunk: 97 });

    expect(r.cutoff).toBe(cutoff);
    expect(r.events).toBe(crowd.length - young.length);
    expect(r.kept.events).toBe(young.length);
    expect(r.kept.oldest).toBe(young.map((m) => m.timestamp).sort()[0]);
    expect(returning.length).toBe(20);
    expect(r.visitors.recounted).toBe(20); // the shoppers who came back across the cutoff
    expect(r.visitors.removed).toBeGreaterThan(0);
    expect(kept(all)).not.toEqual(before);
    expect(kept(all)).toEqual(kept(fresh));
    expect(kept(all)).toEqual(recounted(all));
    expect(reportOf(all, NOW)).toEqual(reportOf(fresh, NOW));
    expect(all.db.prepare('SELECT count(*) FROM events_raw').pluck().get()).toBe(young.length);
    expect(r.checkpointed).toBe(true);
    // A second run finds nothing more.
    expect(retain(all.db, { days: 25, now: NOW })).toMatchObject({ events: 0, visitors: { removed: 0, recounted: 0 } });
    all.close();
    fresh.close();
  });

  it('a dry run counts what the run then deletes, and changes nothing', () => {
    const { s } = crowdStore();
    const before = { ...kept(s), events: s.db.prepare('SELECT count(*) FROM events').pluck().get() };
    const dry = retain(s.db, { days: 10, now: NOW, dryRun: true });
    expect({ ...kept(s), events: s.db.prepare('SELECT count(*) FROM events').pluck().get() }).toEqual(before);
    const wet = retain(s.db, { days: 10, now: NOW });
    expect({ ...dry, dryRun: false, checkpointed: true }).toEqual(wet);
    s.close();
  });

  it('quarantined messages, hand-offs and relay refusals older than the cutoff go; newer ones stay; the relay keeps its place when every event goes', () => {
    const old = new Date(NOW - 30 * DAY).toISOString();
    const recent = new Date(NOW - DAY).toISOString();
    const { s } = storeWith([
      { type: 'track', event: 'view_item', anonymousId: 'a', messageId: 'old-1', timestamp: old, properties: { item_id: 'x' } },
      { type: 'track', event: 'view_item', anonymousId: 'a', messageId: 'old-2', timestamp: old, properties: { item_id: 'x' } },
      { type: 'track', anonymousId: 'q', messageId: 'q-old', timestamp: old, properties: {} }, // no event name: quarantined
      { type: 'track', anonymousId: 'q', messageId: 'q-new', timestamp: recent, properties: {} },
    ]);
    const handoff = s.db.prepare(`INSERT INTO webhook_outbox (id, kind, visitor, email, payload, status, created_at) VALUES (?, 'cart', 'a', 'kari@example.com', '{}', 'delivered', ?)`);
    handoff.run('cart:a:old', old);
    handoff.run('cart:a:new', recent);
    s.db.prepare(`INSERT INTO relay_state (target, position, delivered) VALUES ('https://api.segment.io/v1/batch', 2, 2)`).run();
    s.db.prepare(`INSERT INTO relay_rejected (target, event_seq, message_id, status, reason, at) VALUES ('https://api.segment.io/v1/batch', 1, 'old-1', 400, 'bad', ?)`).run(recent);

    const r = retain(s.db, { days: 7, now: NOW });
    expect(r).toMatchObject({ events: 2, quarantined: 1, handoffs: 1, visitors: { removed: 1, recounted: 0 }, kept: { events: 0, oldest: null } });
    expect(s.db.prepare('SELECT message_id FROM quarantine').pluck().all()).toEqual(['q-new']);
    expect(s.db.prepare('SELECT id FROM webhook_outbox').pluck().all()).toEqual(['cart:a:new']);
    expect(s.db.prepare('SELECT count(*) FROM relay_rejected').pluck().get()).toBe(0);
    // SQLite numbers the next event 1 again: the relay, at 2 before, must not skip it.
    expect(s.db.prepare('SELECT position FROM relay_state').pluck().get()).toBe(0);
    write(s, [{ type: 'track', event: 'view_item', anonymousId: 'b', messageId: 'new-1', timestamp: recent, properties: { item_id: 'x' } }]);
    expect(s.db.prepare('SELECT seq FROM events').pluck().all()).toEqual([1]);
    s.close();
  });

  it('events the server stores while the pass runs are counted in: a returning visitor, and an outbox delivered days late', () => {
    const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
    let k = 0;
    const vital = (v: string, daysAgo: number, value: number) => ({
      type: 'track', event: 'web_vital', anonymousId: v, messageId: `v${++k}`, timestamp: at(daysAgo),
      properties: { metric_name: 'LCP', metric_value: value, metric_rating: value <= 2500 ? 'good' : value <= 4000 ? 'needs-improvement' : 'poor' },
      context: { measureplan: { kind: 'signal' } },
    });
    const view = (v: string, daysAgo: number) => ({ type: 'track', event: 'view_item', anonymousId: v, messageId: `e${++k}`, timestamp: at(daysAgo), properties: { item_id: 'x' } });
    // s: straddles the cutoff, its poor LCP is old (its worst rating becomes "good"); o: only old; n: only new.
    const { s } = storeWith([vital('s', 20, 5000), view('s', 20), ...Array.from({ length: 30 }, (_, i) => view('o', 20 + i / 10)), vital('s', 2, 1200), view('n', 1)]);
    let stored = 0;
    const r = retain(s.db, {
      days: 10, now: NOW, chunk: 4,
      // Between two slices, as the running server would: s comes back; o's outbox, held for
      // days, arrives with an old event and a new one; l, never seen, sends an old one.
      progress: () => { if (stored++ === 1) write(s, [view('s', 0), view('o', 19), view('o', 0), view('l', 15)]); },
    });
    expect(stored).toBeGreaterThan(2);
    expect(kept(s)).toEqual(recounted(s));
    expect(s.db.prepare('SELECT anonymous_id, events, lcp FROM visitors ORDER BY 1').raw().all()).toEqual([['n', 1, null], ['o', 1, null], ['s', 2, 1]]);
    expect(s.db.prepare('SELECT count(*) FROM events WHERE timestamp < ?').pluck().get(r.cutoff)).toBe(0);
    s.close();
  });

  it('the newest events are old: an event the server stores while the pass runs takes a freed number, and the walk, the summary and the relay still see it (QA diffread10)', async () => {
    const at = (daysAgo: number) => new Date(NOW - daysAgo * DAY).toISOString();
    const view = (v: string, id: string, daysAgo: number) => ({ type: 'track', event: 'view_item', anonymousId: v, messageId: id, timestamp: at(daysAgo), properties: { item_id: 'x' } });
    const { s, file } = storeWith([view('s', 's-old', 40), view('s', 's-new', 2), view('b', 'b1', 1)]);
    write(s, [view('o', 'o1', 50), view('o', 'o2', 50)]); // seq 4 and 5: the newest rows, delivered late and old
    s.db.prepare(`INSERT INTO relay_state (target, position, delivered) VALUES ('https://api.segment.io/v1/batch', 5, 5)`).run();
    const server = openStore(file); // the collect server's own connection
    let stored = false;
    // Once the walk has gone through everything, before the final transaction: the server stores s's next event.
    retain(s.db, { days: 30, now: NOW, chunk: 2, progress: ({ done, of }) => { if (done >= of && !stored) { stored = true; write(server, [view('s', 's-next', 0)]); } } });
    expect(stored).toBe(true);
    const seq = server.db.prepare("SELECT seq FROM events WHERE id = 's-next'").pluck().get() as number;
    expect(seq).toBeLessThanOrEqual(5); // a number the deleted rows had
    expect(server.db.prepare('SELECT position FROM relay_state').pluck().get()).toBeLessThan(seq);
    expect(kept(server)).toEqual(recounted(server));
    expect(server.db.prepare("SELECT events FROM visitors WHERE anonymous_id = 's'").pluck().get()).toBe(2);
    server.close();
    s.close();
  });

  describe('the abandonment hand-off (collect --webhook) after retention', () => {
    const now = Date.now();
    let k = 0;
    // (The webshop plan's remove_from_cart takes an item_id only: anything more is quarantined.)
    const ev = (event: string, t: number, sku: string) => ({
      type: 'track', event, anonymousId: 'v', messageId: `c${++k}`, timestamp: new Date(t).toISOString(),
      properties: event === 'remove_from_cart' ? { item_id: sku } : { item_id: sku, item_name: sku, value: 100, currency: 'NOK' },
      context: { page: { url: `https://shop.example/p/${sku}` }, measureplan: { kind: 'micro' } },
    });
    const signIn = (t: number) => ({ type: 'identify', anonymousId: 'v', userId: 'u-v', messageId: `id${++k}`, timestamp: new Date(t).toISOString(), traits: { email: 'kari@example.com' } });
    /** One check of the store by `collect --webhook` at time `at`: what it posts. */
    const check = async (s: Store, at: number) => {
      const posts: { id: string; items: { item_id: string }[] }[] = [];
      const w = startWebhook({ store: s, plan, url: 'http://127.0.0.1:9/hook', everyMs: 1e9, now: () => at, fetch: (async (_u: unknown, init: { body: string }) => { posts.push(JSON.parse(init.body)); return new Response('ok'); }) as never });
      // Its first check runs as it starts (detect, then the posts): done once nothing is pending;
      // 300 ms at most, as before, when something stays pending.
      for (const end = Date.now() + 300; w.stats().pending > 0 && Date.now() < end;) await new Promise((ok) => setTimeout(ok, 5));
      await w.stop();
      return posts.map((p) => `${p.id.split(':')[0]} ${p.items.map((i) => i.item_id).join('+')}`);
    };

    it('a cart handed over is not handed over again once retention deleted its first add (QA diffread10)', async () => {
      const { s } = storeWith([ev('add_to_cart', now - 15 * DAY, 'jacket'), signIn(now - 13.8 * DAY), ev('add_to_cart', now - 13.7 * DAY, 'boots')]);
      expect(await check(s, now - 13 * DAY)).toEqual(['cart jacket+boots']);
      expect(retain(s.db, { days: 14, now }).events).toBe(1); // the jacket's add
      expect(await check(s, now)).toEqual([]);
      s.close();
    });

    it('a cart emptied after its hand-off, then a new cart: the new one is still handed over once retention deleted the old first add (QA diffread11)', async () => {
      const { s } = storeWith([signIn(now - 14.5 * DAY), ev('add_to_cart', now - 14.5 * DAY + 60_000, 'jacket')]);
      expect(await check(s, now - 13.9 * DAY)).toEqual(['cart jacket']);
      write(s, [ev('remove_from_cart', now - 13.5 * DAY, 'jacket'), signIn(now - 3 * DAY), ev('add_to_cart', now - 3 * DAY + 60_000, 'boots')]);
      expect(retain(s.db, { days: 14, now }).events).toBe(2);
      expect(await check(s, now)).toEqual(['cart boots']);
      s.close();
    });

    /** What the hand-off posts now, on the store as it is and on a copy after `retain --days 14`. */
    const withAndWithout = async (messages: Record<string, any>[]) => {
      const { s, file } = storeWith([signIn(now - 14.5 * DAY), ev('add_to_cart', now - 14.5 * DAY + 60_000, 'jacket')]);
      expect(await check(s, now - 13.9 * DAY)).toEqual(['cart jacket']);
      write(s, messages);
      s.close();
      const d = tempStore();
      dirs.push(d);
      copyFileSync(file, d.db);
      const control = openStore(file);
      const retained = openStore(d.db);
      retain(retained.db, { days: 14, now });
      const posted = { control: await check(control, now), retained: await check(retained, now) };
      control.close();
      retained.close();
      return posted;
    };

    it('emptied, then a new cart holding one of the old products again: handed over, with or without retention (QA diffread12)', async () => {
      const r = await withAndWithout([ev('remove_from_cart', now - 13.5 * DAY, 'jacket'), signIn(now - 3 * DAY), ev('add_to_cart', now - 3 * DAY + 60_000, 'jacket'), ev('add_to_cart', now - 3 * DAY + 120_000, 'boots')]);
      expect(r).toEqual({ control: ['cart jacket+boots'], retained: ['cart jacket+boots'] });
    });

    it('continued (boots added), then its first product removed: the same cart, handed over already, with or without retention (QA diffread12)', async () => {
      const r = await withAndWithout([ev('add_to_cart', now - 13 * DAY, 'boots'), ev('remove_from_cart', now - 12.9 * DAY, 'jacket')]);
      expect(r).toEqual({ control: [], retained: [] });
    });
  });

  it('a pass stopped half-way leaves exact counts, and the next pass finishes the summaries', () => {
    const { s } = crowdStore();
    const counts = () => s.db.prepare('SELECT v.anonymous_id, v.events, count(e.seq) FROM visitors v LEFT JOIN events e ON e.anonymous_id = v.anonymous_id GROUP BY 1 HAVING v.events != count(e.seq)').all();
    let slices = 0;
    expect(() => retain(s.db, { days: 25, now: NOW, chunk: 500, progress: () => { if (++slices === 3) throw new Error('stopped'); } })).toThrow('stopped');
    expect(s.db.prepare('SELECT count(*) FROM events WHERE timestamp < ?').pluck().get(new Date(NOW - 25 * DAY).toISOString())).toBeGreaterThan(0);
    expect(counts()).toEqual([]);
    retain(s.db, { days: 25, now: NOW });
    expect(kept(s)).toEqual(recounted(s));
    s.close();
  });

  it('collect\'s daily pass runs in a worker thread and stops between two slices when the server stops', async () => {
    const { s, file } = storeWith(crowd.map((m) => ({ ...m, timestamp: new Date(Date.parse(m.timestamp) - 90 * DAY).toISOString() })));
    s.close();
    const results: unknown[] = [];
    const worker = pathToFileURL(join(root, 'dist/retain-worker.js'));
    // Slices of 10 events: the pass takes seconds, and is stopped well inside it.
    const retention = startRetention({ file, days: 30, firstMs: 0, chunk: 10, onResult: (r) => results.push(r), workerUrl: worker });
    await new Promise((ok) => setTimeout(ok, 300));
    const t0 = Date.now();
    await retention.stop();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(results).toEqual([]); // stopped: no result, no error
    const after = openStore(file, { mustExist: true });
    const left = after.db.prepare('SELECT count(*) FROM events').pluck().get() as number;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(crowd.length);
    expect(after.db.prepare('SELECT sum(events) FROM visitors').pluck().get()).toBe(after.db.prepare('SELECT count(*) FROM events WHERE anonymous_id IS NOT NULL').pluck().get());
    retain(after.db, { days: 30 });
    expect(kept(after)).toEqual(recounted(after));
    expect(after.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(0);

    write(after, [{ type: 'track', event: 'view_item', anonymousId: 'x', messageId: 'x-old', timestamp: new Date(Date.now() - 40 * DAY).toISOString(), properties: { item_id: 'x' } }]);
    after.close();
    const again = startRetention({ file, days: 30, firstMs: 0, onResult: (r) => results.push(r), workerUrl: worker });
    const end = Date.now() + 10_000;
    while (results.length === 0 && Date.now() < end) await new Promise((ok) => setTimeout(ok, 50));
    await again.stop();
    expect(results).toEqual([expect.objectContaining({ ok: true, result: expect.objectContaining({ events: 1, days: 30, visitors: { removed: 1, recounted: 0 } }) })]);
  }, 30_000);

  it('refuses a number of days that is not a whole number from 1 to 36500', () => {
    const { s } = storeWith([]);
    for (const days of [0, -1, 1.5, NaN, 36_501]) expect(() => retain(s.db, { days })).toThrow(RangeError);
    expect(retain(s.db, { days: 36_500 }).events).toBe(0);
    s.close();
  });
});

describe('measureplan retain', () => {
  const recent = () => new Date(Date.now() - DAY).toISOString();
  const old = () => new Date(Date.now() - 500 * DAY).toISOString();
  function shopStore() {
    const { s, file } = storeWith([
      { type: 'track', event: 'view_item', anonymousId: 'a', messageId: 'c-old', timestamp: old(), properties: { item_id: 'x' } },
      { type: 'track', event: 'view_item', anonymousId: 'a', messageId: 'c-new', timestamp: recent(), properties: { item_id: 'x' } },
      { type: 'track', event: 'view_item', anonymousId: 'b', messageId: 'c-old-b', timestamp: old(), properties: { item_id: 'x' } },
    ]);
    s.close();
    return file;
  }

  it('deletes what is older than --days and says what it did; --dry-run only counts', () => {
    const file = shopStore();
    const dry = run(['retain', '--db', file, '--days', '425', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain('(dry run: nothing deleted)');
    expect(dry.stdout).toContain('would delete 2 events, 0 quarantined messages, 0 abandonment hand-offs');
    expect(dry.stdout).toContain('visitors 1 summary would go (every event of theirs was older), 1 summary would be recounted from the events that stay');
    const r = run(['retain', '--db', file, '--days', '425']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^measureplan retain: .*events\.db, keeping 425 days: everything before \d{4}-\d\d-\d\d \d\d:\d\d UTC\n/);
    expect(r.stdout).toContain('deleted 2 events');
    expect(r.stdout).toContain('kept     1 event, the oldest from ');
    const again = run(['retain', '--db', file, '--days', '425', '--format', 'json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ days: 425, events: 0, kept: { events: 1 }, dryRun: false });
    expect(again.code).toBe(0);
  });

  it('usage mistakes exit 2 and delete nothing; a missing store is never created (exit 1)', () => {
    const file = shopStore();
    for (const args of [['--days', '30'], ['--db', file], ['--db', file, '--days', '0'], ['--db', file, '--days', '1.5'], ['--db', file, '--days', '30d'], ['--db', file, '--days', '36501'], ['--db', file, '--days', '100000000'], ['--db', file, '--days', '30', 'extra']]) {
      const r = run(['retain', ...args]);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/--db|--days|file names/);
    }
    const check = openStore(file, { mustExist: true });
    expect(check.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(3);
    check.close();
    const missing = join(dirs[0]!.dir, 'nope.db');
    const r = run(['retain', '--db', missing, '--days', '30']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('there is no such file');
    expect(existsSync(missing)).toBe(false);
  });

  it('runs beside a collect server that keeps storing: its requests all succeed, and the summaries match the events after', async () => {
    const d = tempStore();
    dirs.push(d);
    const server = await startCollect(['--db', d.db, '--plan', PLAN, '--quiet']);
    const msg = (v: string, i: number, daysAgo: number) => ({
      type: 'track', event: 'view_item', anonymousId: v, messageId: `${v}-${daysAgo}-${i}`,
      timestamp: new Date(Date.now() - daysAgo * DAY + i).toISOString(), properties: { item_id: 'tind-shell-jacket' },
    });
    const statuses: number[] = [];
    for (let b = 0; b < 40; b++) statuses.push((await post(`${server.url}/v1/batch`, { batch: Array.from({ length: 100 }, (_, i) => msg(`v${(b * 100 + i) % 300}`, b * 100 + i, 60)) })).status);
    const retaining = spawn(process.execPath, [bin, 'retain', '--db', d.db, '--days', '30'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    retaining.stdout.on('data', (c) => { out += c; });
    retaining.stderr.on('data', (c) => { out += c; });
    const exited = new Promise<number | null>((ok) => retaining.once('exit', ok));
    let running = true;
    void exited.then(() => { running = false; });
    // While it runs: returning visitors (v0…v299 straddle the cutoff now) and new ones.
    for (let i = 0; running || i < 5; i++) statuses.push((await post(`${server.url}/v1/batch`, { batch: [msg(`v${i % 300}`, i, 0), msg(`new${i}`, i, 1)] })).status);
    expect(await exited, out).toBe(0);
    expect(out).toContain('deleted 4,000 events');
    expect(await server.stop()).toBe(0);
    expect(new Set(statuses)).toEqual(new Set([200]));
    const s = openStore(d.db, { mustExist: true });
    expect(kept(s)).toEqual(recounted(s));
    expect(s.db.prepare('SELECT count(*) FROM events WHERE timestamp < ?').pluck().get(new Date(Date.now() - 30 * DAY).toISOString())).toBe(0);
    expect(readStore(d.db, (db) => db.prepare("SELECT count(*) FROM events WHERE anonymous_id LIKE 'new%'").pluck().get())).toBeGreaterThan(4);
    s.close();
  }, 60_000);

  it('collect --retain-days runs the same pass in the server, soon after it starts, and says what it deleted', async () => {
    const file = shopStore();
    const server = await startCollect(['--db', file, '--plan', PLAN, '--retain-days', '425']);
    expect(server.output()).toContain('  retention  425 days: older events are deleted 5 s after start, then daily');
    const end = Date.now() + 20_000;
    while (!server.output().includes('retention:') && Date.now() < end) await new Promise((ok) => setTimeout(ok, 100));
    expect(server.output()).toMatch(/retention: deleted 2 events older than \d{4}-\d\d-\d\d, 0 quarantined, 0 hand-offs; 1 visitor summary removed, 1 recounted/);
    // Requests are answered while it runs, and after.
    expect((await post(`${server.url}/v1/batch`, { batch: [{ type: 'track', event: 'view_item', anonymousId: 'c', messageId: 'c-1', timestamp: recent(), properties: { item_id: 'x' } }] })).status).toBe(200);
    expect(await server.stop()).toBe(0);
    const s = openStore(file, { mustExist: true });
    expect(s.db.prepare('SELECT id FROM events ORDER BY seq').pluck().all()).toEqual(['c-new', 'c-1']);
    expect(kept(s)).toEqual(recounted(s));
    s.close();
  }, 40_000);

  it('warns when fewer than 90 days are kept: phone orders could no longer be matched to older ad clicks', () => {
    const file = shopStore();
    const r = run(['retain', '--db', file, '--days', '30', '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('measureplan retain: keeping 30 days, fewer than 90: phone orders can no longer be matched to ad clicks older than that (measureplan offline looks back up to 90 days), and reports cover at most 30 days.');
    expect(run(['retain', '--db', file, '--days', '90', '--dry-run']).stderr).toBe('');
  });

  it('collect refuses a --retain-days that is not a whole number of 1 or more', () => {
    const r = run(['collect', '--retain-days', '0', '--port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--retain-days "0" is not a whole number of days from 1 to 36500.');
    expect(run(['collect', '--retain-days', '99999999', '--port', '0']).code).toBe(2);
  });

  it('another program\'s SQLite file is refused by retain and forget (exit 1), and left as it was (QA diffread10)', () => {
    const d = tempStore();
    dirs.push(d);
    const other = new Database(d.db);
    other.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (1299)");
    other.close();
    const before = readFileSync(d.db);
    for (const args of [['retain', '--db', d.db, '--days', '425'], ['forget', '--db', d.db, '--email', 'kari@example.com']]) {
      const r = run(args);
      expect(r.code, args[0]).toBe(1);
      expect(r.stderr).toContain('is not a measureplan store (it has no schema version).');
    }
    expect(readFileSync(d.db).equals(before)).toBe(true);
    expect(existsSync(`${d.db}-wal`)).toBe(false);
  });

  it('is listed in measureplan --help', () => {
    expect(run(['--help']).stdout).toMatch(/retain\s+keep the last N days in the store/);
  });
});
