/** The store's schema: versioned migrations, warehouse column names and views, refusals. */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { slug, toOutcome } from '../../src/server/message';
import { EVENT_COLUMNS, MIGRATIONS, SCHEMA_VERSION } from '../../src/server/schema';
import { openStore, walCheckpointPages } from '../../src/server/store';
import { tempStore, viewItem } from './helpers';

const dirs: ReturnType<typeof tempStore>[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });
const fresh = () => { const d = tempStore(); dirs.push(d); return d; };

describe('schema and migrations', () => {
  it('creates the schema once, records it, and opens it again without change', () => {
    const d = fresh();
    openStore(d.db).close();
    const s = openStore(d.db);
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(s.db.prepare('SELECT version FROM schema_migrations').pluck().all()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const columns = (s.db.prepare('PRAGMA table_info(events)').all() as { name: string }[]).map((c) => c.name);
    // The columns of later migrations come last (ALTER TABLE adds at the end).
    expect([...columns].sort()).toEqual(['seq', ...EVENT_COLUMNS].sort());
    for (const c of ['id', 'anonymous_id', 'user_id', 'event', 'event_text', 'timestamp', 'original_timestamp', 'sent_at', 'received_at', 'context_page_path']) expect(columns).toContain(c);
    s.close();
  });

  it('migrates a version-1 store to the current schema, keeping its events', () => {
    const d = fresh();
    const old = new Database(d.db);
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)');
    old.exec(MIGRATIONS[0]!.sql);
    old.prepare("INSERT INTO schema_migrations VALUES (1, 'v1', '2026-12-01')").run();
    old.pragma('user_version = 1');
    old.prepare("INSERT INTO events (id, type, timestamp, received_at) VALUES ('e1', 'track', '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z')").run();
    old.close();
    const s = openStore(d.db);
    expect(s.db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(s.db.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    expect(s.db.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1);
    expect(s.db.prepare('SELECT count(*) FROM webhook_outbox').pluck().get()).toBe(0);
    s.close();
  });

  it('refuses a store made by a newer measureplan, and a file that is not a store', () => {
    const d = fresh();
    openStore(d.db).close();
    const raw = new Database(d.db);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => openStore(d.db)).toThrow(/schema version 99, newer than this measureplan/);
    // Its hint says what to do about a newer store, not "is it a measureplan store?".
    expect(() => openStore(d.db)).toThrow(expect.objectContaining({ hint: 'Upgrade measureplan to read it (npm install measureplan@latest).' }));
    const other = fresh();
    const junk = new Database(other.db);
    junk.exec('CREATE TABLE events (x)');
    junk.close();
    expect(() => openStore(other.db)).toThrow(/cannot be used/);
  });

  it('keeps the warehouse views: tracks, pages and identifies', () => {
    const d = fresh();
    const s = openStore(d.db);
    const at = new Date().toISOString();
    s.write([[viewItem(), { type: 'page', messageId: 'p1', anonymousId: 'a' }, { type: 'identify', messageId: 'i1', userId: 'u' }].map((m) => toOutcome(m, {}, at, undefined))]);
    const n = (view: string) => s.db.prepare(`SELECT count(*) FROM ${view}`).pluck().get();
    expect([n('tracks'), n('pages'), n('identifies')]).toEqual([1, 1, 1]);
    s.close();
  });

  it('a reader (report, offline) asks for an old store to be migrated first, never misreads it', () => {
    const d = fresh();
    openStore(d.db).close();
    const raw = new Database(d.db);
    raw.pragma('user_version = 2');
    raw.close();
    expect(() => openStore(d.db, { readonly: true })).toThrow(new RegExp(`schema version 2; this measureplan reads version ${SCHEMA_VERSION}`));
  });

  it('a read-only store cannot be written and needs the file to exist', () => {
    const d = fresh();
    expect(() => openStore(d.db, { readonly: true })).toThrow(/cannot be opened/);
    openStore(d.db).close();
    const r = openStore(d.db, { readonly: true });
    expect(() => r.write([])).toThrow(/read-only/);
    r.close();
  });
});

describe('checkpoints of the write-ahead log', () => {
  it('come every 40,000 pages (160 MB), or as MEASUREPLAN_WAL_CHECKPOINT_PAGES says when it is a whole number of at least 100', () => {
    expect(walCheckpointPages({})).toBe(40_000);
    expect(walCheckpointPages({ MEASUREPLAN_WAL_CHECKPOINT_PAGES: '10000' })).toBe(10_000);
    for (const bad of ['', '99', '1e4', '-5000', '12.5', ' 5000', 'lots']) expect(walCheckpointPages({ MEASUREPLAN_WAL_CHECKPOINT_PAGES: bad }), bad).toBe(40_000);
    const dir = tempStore();
    const store = openStore(dir.db);
    try {
      expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(walCheckpointPages());
    } finally {
      store.close();
      dir.remove();
    }
  });
});

describe('the visitors summary kept at ingest', () => {
  it('equals what a pass over the events gives, across groups, repeats and visitors', () => {
    const d = fresh();
    const s = openStore(d.db);
    const at = new Date().toISOString();
    const vital = (v: string, t: string, name: string, rating: string) => viewItem({ anonymousId: v, timestamp: t, event: 'web_vital', properties: { metric_name: name, metric_value: 1, metric_rating: rating }, context: { measureplan: { kind: 'signal' } } });
    const a1 = viewItem({ anonymousId: 'a', timestamp: '2026-11-02T10:00:00.000Z' });
    const groups = [
      [a1, vital('a', '2026-11-02T10:00:01.000Z', 'LCP', 'good'), viewItem({ anonymousId: 'b', timestamp: '2026-11-01T09:00:00.000Z' })],
      [vital('a', '2026-11-01T08:00:00.000Z', 'LCP', 'poor'), vital('a', '2026-11-03T08:00:00.000Z', 'LCP', 'needs-improvement'), vital('b', '2026-11-01T09:00:01.000Z', 'CLS', 'good')],
      [a1, a1], // repeats: stored once, counted once
    ];
    for (const g of groups) s.write([g.map((m) => toOutcome(m, {}, at, undefined))]);
    const kept = s.db.prepare('SELECT * FROM visitors ORDER BY anonymous_id').all();
    expect(kept).toEqual([
      { anonymous_id: 'a', first_seen: '2026-11-01T08:00:00.000Z', last_seen: '2026-11-03T08:00:00.000Z', events: 4, lcp: 3, inp: null, cls: null, fcp: null, ttfb: null },
      { anonymous_id: 'b', first_seen: '2026-11-01T09:00:00.000Z', last_seen: '2026-11-01T09:00:01.000Z', events: 2, lcp: null, inp: null, cls: 1, fcp: null, ttfb: null },
    ]);
    // The migration that creates the table computes the same from the events.
    s.db.exec('DELETE FROM visitors');
    s.db.exec(MIGRATIONS.find((m) => m.version === 4)!.sql.replace(/CREATE TABLE visitors \([^;]+;/, ''));
    expect(s.db.prepare('SELECT * FROM visitors ORDER BY anonymous_id').all()).toEqual(kept);
    s.close();
  });
});

describe('a quarantined message sent again without its problem (QA finding 3)', () => {
  const plan = (parsePlan({
    version: 1, name: 'Q', destinations: { collector: { url: '/collect' } },
    conversions: { phone_click: { kind: 'micro', send: { collector: {} } } },
  }) as { plan: Plan }).plan;
  const click = (id: string, properties: Record<string, unknown>) => toOutcome(
    { type: 'track', event: 'phone_click', messageId: id, anonymousId: 'v1', timestamp: '2026-11-10T10:01:00.000Z', properties, context: { measureplan: { kind: 'micro' } } },
    {}, '2026-11-10T10:01:00.000Z', plan,
  );
  const ids = (s: ReturnType<typeof openStore>) => ({
    events: s.db.prepare('SELECT id FROM events ORDER BY id').pluck().all(),
    quarantine: s.db.prepare('SELECT message_id FROM quarantine ORDER BY message_id').pluck().all(),
  });

  it('leaves quarantine when it is stored: the store holds it once, as an event', () => {
    const d = fresh();
    const s = openStore(d.db);
    expect('quarantined' in click('q1', { x: 1 })).toBe(true);
    expect(s.write([[click('q1', { x: 1 }), click('q2', { x: 1 })]])).toEqual([{ stored: 0, duplicates: 0, quarantined: 2 }]);
    expect(ids(s)).toEqual({ events: [], quarantine: ['q1', 'q2'] });
    expect(s.write([[click('q1', {})]])).toEqual([{ stored: 1, duplicates: 0, quarantined: 0 }]);
    // q2 was never fixed: it stays.
    expect(ids(s)).toEqual({ events: ['q1'], quarantine: ['q2'] });
    expect(s.counts()).toEqual({ events: 1, quarantined: 1 });
    // Sent once more still broken, it is a repeat of the stored event, not quarantined again.
    expect(s.write([[click('q1', { x: 1 })]])).toEqual([{ stored: 0, duplicates: 1, quarantined: 0 }]);
    expect(ids(s)).toEqual({ events: ['q1'], quarantine: ['q2'] });
    s.close();
  });

  it('also when both arrive in one commit, in either order', () => {
    const d = fresh();
    const s = openStore(d.db);
    // The answers count no quarantine record that the same commit released (Node wing QA 2026-12-07).
    expect(s.write([[click('a', { x: 1 })], [click('a', {}), click('b', {})], [click('b', { x: 1 })]])).toEqual([
      { stored: 0, duplicates: 1, quarantined: 0 },
      { stored: 2, duplicates: 0, quarantined: 0 },
      { stored: 0, duplicates: 1, quarantined: 0 },
    ]);
    expect(ids(s)).toEqual({ events: ['a', 'b'], quarantine: [] });
    expect(s.counts()).toEqual({ events: 2, quarantined: 0 });
    s.close();
  });
});

describe('messages', () => {
  it("slugs event names the warehouse's way", () => {
    expect(slug('purchase')).toBe('purchase');
    expect(slug('Order Completed')).toBe('order_completed');
    expect(slug('addToCart')).toBe('add_to_cart');
  });

  it('takes the first item for the product columns and keeps the list', () => {
    const m = viewItem({ event: 'purchase', properties: { transaction_id: 'T1', value: 10, items: [{ item_id: 'a', item_name: 'A', price: 10 }, { item_id: 'b' }] } });
    const o = toOutcome(m, {}, new Date().toISOString(), undefined);
    expect('row' in o && o.row).toMatchObject({ item_id: 'a', item_name: 'A', transaction_id: 'T1', value: 10 });
    expect('row' in o && JSON.parse(o.row.items as string)).toHaveLength(2);
  });

  it('merges batch-level context into each message, the message winning', () => {
    const o = toOutcome({ type: 'page', messageId: 'x', anonymousId: 'a', context: { locale: 'nb-NO' } }, { context: { locale: 'en', userAgent: 'UA' } }, new Date().toISOString(), undefined);
    expect('row' in o && o.row).toMatchObject({ context_locale: 'nb-NO', context_user_agent: 'UA' });
  });
});
