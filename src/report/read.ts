/**
 * What the report reads from the store, in as few passes as the questions allow: counts and
 * per-visitor aggregates are computed by SQLite (GROUP BY), and only the events that make up
 * sequences (funnel steps, cart and browse events) are brought into JavaScript, grouped per
 * visitor. Times are ms since the epoch; the store's ISO texts sort in time order, so the
 * range is applied on the text.
 */
import { IDENTIFY_WHERE, VITAL_COLUMNS } from '../server/schema';
import type { Database, Statement } from '../server/sqlite';
import type { ItemRecord } from './abandonment';
import { pageLoadOf, pageLoadsCounter, type PageLoads } from './vitals';
import { SIGNAL_EVENTS } from '../server/message';
import type { CampaignSessions, ChannelSessions, CreditedOrder } from './acquisition';
import type { Channel } from './channels';

export interface Range { from?: number; to?: number }

/** One event of a sequence: conversion name, time, and what carts need. */
export interface SeqEvent { event: string; t: number; value?: number; items?: readonly ItemRecord[]; url?: string; consent?: { analytics: string | null; ads: string | null }; /** The event's own currency (the cart's adds: a cart filled in EUR on a NOK shop). */ currency?: string }

/** A stored ISO time as ms since the epoch, computed by SQLite (cheaper than Date.parse per row). */
const MS = "CAST(round(unixepoch(timestamp, 'subsec') * 1000) AS INTEGER)";

const iso = (t: number | undefined, fallback: string) => (t === undefined ? fallback : new Date(t).toISOString());

export function rangeSql(range: Range): { where: string; args: string[] } {
  return { where: 'timestamp >= ? AND timestamp < ?', args: [iso(range.from, '0000'), iso(range.to, '9999')] };
}

/** The sign-in lookups: the visitors a user signed in on before or after a time (up to 20, the nearest first), and a visitor's sign-in just before or after it (its user). */
export const SIGN_IN_SQL = {
  // Distinct visitors, each by its latest (or first) sign-in: a site calls identify() on every page.
  userBefore: `SELECT anonymous_id FROM events INDEXED BY events_identify_user WHERE ${IDENTIFY_WHERE} AND user_id = ? AND timestamp <= ?
    GROUP BY anonymous_id ORDER BY max(timestamp) DESC, max(seq) DESC LIMIT 20`,
  userAfter: `SELECT anonymous_id FROM events INDEXED BY events_identify_user WHERE ${IDENTIFY_WHERE} AND user_id = ? AND timestamp > ?
    GROUP BY anonymous_id ORDER BY min(timestamp), min(seq) LIMIT 20`,
  visitorBefore: `SELECT user_id FROM events INDEXED BY events_identify_visitor WHERE ${IDENTIFY_WHERE} AND anonymous_id = ? AND timestamp <= ? ORDER BY timestamp DESC, seq DESC LIMIT 1`,
  visitorAfter: `SELECT user_id FROM events INDEXED BY events_identify_visitor WHERE ${IDENTIFY_WHERE} AND anonymous_id = ? AND timestamp > ? ORDER BY timestamp, seq LIMIT 1`,
} as const;

type UserVisitor = (seq: number) => string | undefined;
/** One resolver per connection while the store is unchanged: a report's passes resolve each event once. */
const resolvers = new WeakMap<Database, { stamp: string; of: UserVisitor }>();

/**
 * The visitor behind an event stored with a user id and no visitor: an order the shop's server
 * sent with the user id only (a phone order, one confirmed in the back office). It is the visitor
 * that user signed in on last at or before the event, as long as nobody else signed in there
 * since (a shared computer: Zoe's phone order is not Anna's, who signed in on it after her); else
 * the first visitor the user signed in on after the event, when nobody had signed in there before
 * it (the person ordered by phone, then signed in on the site). Sign-ins are identify calls with
 * both ids, found through their two partial indexes (schema 10). A user who never signed in on
 * the site has no visitor: the event stays in the conversion's count and in no visitor's journey.
 * User ids are compared exactly (an e-mail used as the user id too).
 */
export function userVisitor(db: Database): UserVisitor {
  // Another connection's commit changes data_version, this connection's own total_changes().
  const stamp = `${db.pragma('data_version', { simple: true })}:${db.prepare('SELECT total_changes()').pluck().get()}`;
  const had = resolvers.get(db);
  if (had?.stamp === stamp) return had.of;
  const row = db.prepare('SELECT user_id, timestamp FROM events WHERE seq = ?').raw();
  const q = Object.fromEntries(Object.entries(SIGN_IN_SQL).map(([k, sql]) => [k, db.prepare(sql).pluck()])) as Record<keyof typeof SIGN_IN_SQL, Statement>;
  const known = new Map<number, string | undefined>();
  const resolve = (userId: string, t: string): string | undefined => {
    for (const v of q.userBefore.all(userId, t) as string[]) if (q.visitorBefore.get(v, t) === userId) return v;
    for (const v of q.userAfter.all(userId, t) as string[]) if (q.visitorBefore.get(v, t) === undefined && q.visitorAfter.get(v, t) === userId) return v;
    return undefined;
  };
  const of: UserVisitor = (seq) => {
    if (known.has(seq)) return known.get(seq);
    const [userId, t] = (row.get(seq) as [string | null, string] | undefined) ?? [];
    const v = userId ? resolve(userId, t!) : undefined;
    known.set(seq, v);
    return v;
  };
  resolvers.set(db, { stamp, of });
  return of;
}

/** The events of `events` in the range stored without a visitor: their rows and times (ms), through their own small index. */
function strays(db: Database, events: readonly string[], range: Range): [number, number][] {
  const r = rangeSql(range);
  return db.prepare(`SELECT seq, ${MS} FROM events INDEXED BY events_strays
    WHERE anonymous_id IS NULL AND event IN (${events.map(() => '?').join(', ')}) AND ${r.where}`).raw().all(...events, ...r.args) as [number, number][];
}

/** Each visitor's last time (ms) for any of `events` in the range, the user-only events' visitors included. */
export function lastTimes(db: Database, events: readonly string[], range: Range): Map<string, number> {
  const out = new Map<string, number>();
  if (!events.length) return out;
  const r = rangeSql(range);
  const rows = db.prepare(`SELECT anonymous_id, max(timestamp) FROM events INDEXED BY events_report WHERE event IN (${events.map(() => '?').join(', ')}) AND ${r.where} GROUP BY 1`).raw().all(...events, ...r.args) as [string | null, string][];
  let stray = false;
  for (const [v, t] of rows) if (v !== null) out.set(v, Date.parse(t)); else stray = true;
  if (stray) {
    const of = userVisitor(db);
    for (const [seq, t] of strays(db, events, range)) {
      const v = of(seq);
      if (v !== undefined && !(out.get(v)! >= t)) out.set(v, t);
    }
  }
  return out;
}

export interface ConversionCount { event: string; events: number; visitors: number; value: number | null; /** Events with a value. */ valued: number }

/** Counts per conversion, on the report index alone (`events_report`). */
export function conversionCounts(db: Database, events: readonly string[], range: Range): ConversionCount[] {
  if (!events.length) return [];
  const r = rangeSql(range);
  const rows = db.prepare(`SELECT event, count(*) AS events, count(DISTINCT anonymous_id) AS visitors, sum(value) AS value, count(value) AS valued, count(*) - count(anonymous_id) AS strays
    FROM events INDEXED BY events_report WHERE event IN (${events.map(() => '?').join(', ')}) AND ${r.where} GROUP BY event`).all(...events, ...r.args) as (ConversionCount & { strays: number })[];
  // A conversion with user-only events (a server's orders) counts their visitors too, once each.
  return rows.map(({ strays: n, ...c }) => (n ? { ...c, visitors: visitorsWith(db, c.event, range).size } : c));
}

/** Value sums in a currency other than the plan's, per conversion: money in two currencies is not one sum. */
export interface ForeignValue { event: string; currency: string; events: number; value: number }

/**
 * The values of `events` sent in another currency than `currency` (the conversion's own
 * `currency` property, such as an order in EUR on a NOK shop). Reads the table row of each valued
 * event, which the report index does not cover: the valued conversions only, a small share of a store.
 */
export function foreignValues(db: Database, events: readonly string[], currency: string | undefined, range: Range): ForeignValue[] {
  if (!events.length || !currency) return [];
  const r = rangeSql(range);
  return db.prepare(`SELECT event, currency, count(*) AS events, sum(value) AS value
    FROM events INDEXED BY events_report WHERE event IN (${events.map(() => '?').join(', ')}) AND ${r.where}
      AND value IS NOT NULL AND currency IS NOT NULL AND currency <> ? GROUP BY event, currency ORDER BY event, currency`).all(...events, ...r.args, currency) as ForeignValue[];
}

/** Events, visitors (distinct anonymous ids), first and last event: one pass over the report index. */
export function totals(db: Database, range: Range): { events: number; visitors: number; first: string | null; last: string | null } {
  // All time: the visitors table the collect server keeps counts the visitors without a pass over
  // the events. The first and last event come from the events themselves (the visitors table
  // leaves out events without an anonymous id, such as a server's userId-only purchase): per
  // event name, the first and last entry of the report index, which is ordered by event and time.
  // The recursive query walks from one event name to the next (one index seek each, a few dozen
  // names, the last one NULL: pages and identify calls), so no entry in between is read.
  if (range.from === undefined && range.to === undefined) {
    const visitors = db.prepare('SELECT count(*) FROM visitors').pluck().get() as number;
    const span = db.prepare(`WITH RECURSIVE names(e) AS (
        SELECT (SELECT min(event) FROM events INDEXED BY events_report)
        UNION ALL SELECT (SELECT min(event) FROM events INDEXED BY events_report WHERE event > names.e) FROM names WHERE names.e IS NOT NULL)
      SELECT min(first) AS first, max(last) AS last FROM (SELECT
        (SELECT min(timestamp) FROM events INDEXED BY events_report WHERE event IS names.e) AS first,
        (SELECT max(timestamp) FROM events INDEXED BY events_report WHERE event IS names.e) AS last FROM names)`).get() as { first: string | null; last: string | null };
    return { events: db.prepare('SELECT count(*) FROM events').pluck().get() as number, visitors, ...span };
  }
  const r = rangeSql(range);
  const t = db.prepare(`SELECT count(*) AS events, count(DISTINCT anonymous_id) AS visitors, min(timestamp) AS first, max(timestamp) AS last,
    count(*) - count(anonymous_id) AS strays
    FROM events INDEXED BY events_report WHERE ${r.where}`).get(...r.args) as { events: number; visitors: number; first: string | null; last: string | null; strays: number };
  const { strays: n, ...out } = t;
  if (n) {
    // A conversion sent with the user id only counts for the visitor who signed in as that user
    // (userVisitor), so that visitor is one of the range's too, though their own visit was not in it.
    const of = userVisitor(db);
    const joined = new Set<string>();
    const rows = db.prepare(`SELECT seq FROM events INDEXED BY events_strays WHERE anonymous_id IS NULL AND event IS NOT NULL AND ${r.where}`).pluck().all(...r.args) as number[];
    for (const seq of rows) { const v = of(seq); if (v !== undefined) joined.add(v); }
    // Counted already when their first or last event is in the range; not when all of it lies
    // outside; only a visitor whose events span the range is looked for in it.
    const [from, to] = r.args;
    const seenSpan = db.prepare('SELECT first_seen, last_seen FROM visitors WHERE anonymous_id = ?').raw();
    const unsure: string[] = [];
    for (const v of joined) {
      const [first, last] = (seenSpan.get(v) as [string, string] | undefined) ?? ['', ''];
      if ((first >= from! && first < to!) || (last >= from! && last < to!)) continue;
      if (first && first < from! && last >= to!) unsure.push(v); else out.visitors++;
    }
    if (unsure.length) {
      const seen = db.prepare(`SELECT count(DISTINCT anonymous_id) FROM events INDEXED BY events_report WHERE ${r.where} AND anonymous_id IN (SELECT value FROM json_each(?))`).pluck().get(...r.args, JSON.stringify(unsure)) as number;
      out.visitors += unsure.length - seen;
    }
  }
  return out;
}

/**
 * The visitors who had `event` in the range (on the report index alone), and the visitors of its
 * user-only events (see userVisitor).
 */
export function visitorsWith(db: Database, event: string, range: Range): Set<string> {
  const r = rangeSql(range);
  const ids = db.prepare(`SELECT DISTINCT anonymous_id FROM events INDEXED BY events_report WHERE event = ? AND ${r.where}`).pluck().all(event, ...r.args) as (string | null)[];
  const out = new Set<string>();
  for (const v of ids) if (v !== null) out.add(v);
  if (out.size < ids.length) {
    const of = userVisitor(db);
    for (const [seq] of strays(db, [event], range)) { const v = of(seq); if (v !== undefined) out.add(v); }
  }
  return out;
}

export interface SequenceOptions {
  /** Events whose products are needed in full, with names and quantities (carts). */
  withItems?: ReadonlySet<string>;
  /** The page URL and the consent of each event (the webhook's product links and consent state). */
  extras?: boolean;
  /**
   * Events whose products without a quantity of their own take the whole line out of the cart
   * (the cart's removes, as the tracker treats them): their quantity stays unset instead of 1.
   */
  wholeLine?: ReadonlySet<string>;
}

/**
 * Per visitor, the time-ordered events of the given names, read from the report index alone:
 * event, time, visitor, value and the product's columns. The events whose products are needed in
 * full (`withItems`: the cart's adds and removes) take them from those columns, or from their
 * `items` list, whose rows alone are opened (found through the partial `events_items` index).
 * With `extras` (the page URL and consent, for the webhook) every row is opened.
 */
export function sequences(db: Database, events: readonly string[], range: Range, options: SequenceOptions = {}): Map<string, SeqEvent[]> {
  const out = new Map<string, SeqEvent[]>();
  if (!events.length) return out;
  const { withItems = new Set<string>(), extras = false, wholeLine = new Set<string>() } = options;
  const r = rangeSql(range);
  // Each event's store position beside it: events of the same ms keep the order they were
  // stored in (an add to cart and the order of a "buy now" click), whichever query read them.
  const order = new Map<string, number[]>();
  // An event stored with a user id only (a server's order) joins the journey of that user's
  // visitor. The resolver is made before the reads: the connection runs nothing else while it iterates.
  const stray = userVisitor(db);
  const add = (v: string, e: SeqEvent, at: number) => {
    let seq = out.get(v);
    if (!seq) { out.set(v, (seq = [])); order.set(v, []); }
    seq.push(e);
    order.get(v)!.push(at);
  };

  if (extras) {
    const sql = `SELECT seq, anonymous_id, event, ${MS} AS t, value, item_id, item_name, item_category, quantity, price, items,
      context_page_url, context_measureplan_consent_analytics, context_measureplan_consent_ads, currency
      FROM events WHERE event IN (${events.map(() => '?').join(', ')}) AND ${r.where}`;
    type Row = [number, string | null, string, number, number | null, string | null, string | null, string | null, number | null, number | null, string | null, string | null, string | null, string | null, string | null];
    for (const [seq, v, event, t, value, itemId, itemName, itemCategory, qty, price, items, url, analytics, ads, currency] of db.prepare(sql).raw().iterate(...events, ...r.args) as Iterable<Row>) {
      const who = v ?? stray(seq);
      if (who === undefined) continue;
      const e: SeqEvent = { event, t };
      if (value !== null) e.value = value;
      if (currency) e.currency = currency;
      const whole = wholeLine.has(event);
      const list = items ? itemsOf(items, whole) : itemId !== null ? [columnsItem(itemId, itemName, itemCategory, qty, price, value, whole)] : undefined;
      if (list) e.items = list;
      if (url) e.url = url;
      if (analytics || ads) e.consent = { analytics: analytics ?? null, ads: ads ?? null };
      add(who, e, seq);
    }
  } else {
    // The product lists of the events that need them in full: few rows, each opened once.
    const detailed = events.filter((e) => withItems.has(e));
    const lists = new Map<number, string>();
    if (detailed.length) {
      const sql = `SELECT seq, items FROM events INDEXED BY events_items
        WHERE items IS NOT NULL AND event IN (${detailed.map(() => '?').join(', ')}) AND ${r.where}`;
      for (const [seq, items] of db.prepare(sql).raw().iterate(...detailed, ...r.args) as Iterable<[number, string]>) lists.set(seq, items);
    }
    // The most rows of a report come through here (every product view), so each costs little:
    // five columns, the time made ms by SQLite, and one product's list shared by its rows (read only).
    const lean = events.filter((e) => !withItems.has(e));
    if (lean.length) {
      const shared = new Map<string, readonly ItemRecord[]>();
      // `seq` is the rowid, which every index entry holds: still read from the index alone.
      const sql = `SELECT anonymous_id, seq, event, ${MS} AS t, value, item_id FROM events INDEXED BY events_report
        WHERE event IN (${lean.map(() => '?').join(', ')}) AND ${r.where}`;
      for (const [v, seq, event, t, value, itemId] of db.prepare(sql).raw().iterate(...lean, ...r.args) as Iterable<[string | null, number, string, number, number | null, string | null]>) {
        const who = v ?? stray(seq);
        if (who === undefined) continue;
        const e: SeqEvent = { event, t };
        if (value !== null) e.value = value;
        if (itemId !== null) {
          let items = shared.get(itemId);
          if (!items) shared.set(itemId, (items = [{ item_id: itemId, quantity: 1 }]));
          e.items = items;
        }
        add(who, e, seq);
      }
    }
    // The cart's adds and removes: their products in full, from the index's product columns or
    // their items list.
    if (detailed.length) {
      const sql = `SELECT seq, anonymous_id, event, ${MS} AS t, value, item_id, item_name, item_category, quantity, price, currency
        FROM events INDEXED BY events_report WHERE event IN (${detailed.map(() => '?').join(', ')}) AND ${r.where}`;
      type Row = [number, string | null, string, number, number | null, string | null, string | null, string | null, number | null, number | null, string | null];
      for (const [seq, v, event, t, value, itemId, itemName, itemCategory, qty, price, currency] of db.prepare(sql).raw().iterate(...detailed, ...r.args) as Iterable<Row>) {
        const who = v ?? stray(seq);
        if (who === undefined) continue;
        const e: SeqEvent = { event, t };
        if (value !== null) e.value = value;
        if (currency) e.currency = currency;
        const json = lists.get(seq);
        const whole = wholeLine.has(event);
        const items = json !== undefined ? itemsOf(json, whole) : itemId !== null ? [columnsItem(itemId, itemName, itemCategory, qty, price, value, whole)] : undefined;
        if (items) e.items = items;
        add(who, e, seq);
      }
    }
  }
  // Each visitor's events in time order, equal times in store order.
  for (const [v, list] of out) {
    const at = order.get(v)!;
    const cmp = (i: number, j: number) => list[i]!.t - list[j]!.t || at[i]! - at[j]!;
    if (!list.some((_, i) => i > 0 && cmp(i, i - 1) < 0)) continue;
    const idx = list.map((_, i) => i).sort(cmp);
    out.set(v, idx.map((i) => list[i]!));
  }
  return out;
}

/**
 * One product, described by the event's own columns (as the tracker derives it). Without a
 * quantity it is 1, or unset for a `whole` line (a remove without one takes the whole line).
 */
function columnsItem(itemId: string, itemName: string | null, itemCategory: string | null, qty: number | null, price: number | null, value: number | null, whole = false): ItemRecord {
  const q = Number(qty ?? 1) || 1;
  const it: ItemRecord = { item_id: itemId };
  if (!(whole && qty === null)) it.quantity = q;
  if (itemName !== null) it.item_name = itemName;
  if (itemCategory !== null) it.item_category = itemCategory;
  if (price !== null) it.price = price; else if (value !== null) it.price = value / q;
  return it;
}

/** Names and categories of products, from one event of `event` that names each (for the few listed). */
export function productNames(db: Database, event: string, ids: Iterable<string>): Map<string, { item_name?: string; item_category?: string }> {
  const out = new Map<string, { item_name?: string; item_category?: string }>();
  const q = db.prepare('SELECT item_name, item_category FROM events WHERE event = ? AND item_id = ? AND item_name IS NOT NULL LIMIT 1').raw();
  for (const id of new Set(ids)) {
    const row = q.get(event, id) as [string | null, string | null] | undefined;
    if (row) out.set(id, { ...(row[0] ? { item_name: row[0] } : {}), ...(row[1] ? { item_category: row[1] } : {}) });
  }
  return out;
}

/** An `items` list as stored; with `whole`, an item without a quantity keeps it unset (see columnsItem). */
function itemsOf(json: string, whole = false): ItemRecord[] | undefined {
  let parsed: unknown;
  try { parsed = JSON.parse(json); } catch { return undefined; }
  if (!Array.isArray(parsed)) return undefined;
  const items: ItemRecord[] = [];
  for (const raw of parsed) {
    if (!raw || typeof raw !== 'object' || typeof (raw as ItemRecord).item_id !== 'string') continue;
    const it = raw as Record<string, unknown>;
    const price = it.price != null ? Number(it.price) : undefined;
    items.push({
      item_id: it.item_id as string,
      ...(typeof it.item_name === 'string' ? { item_name: it.item_name } : {}),
      ...(typeof it.item_category === 'string' ? { item_category: it.item_category } : {}),
      ...(price !== undefined && Number.isFinite(price) ? { price } : {}),
      ...(whole && it.quantity == null ? {} : { quantity: Number(it.quantity ?? 1) || 1 }),
    });
  }
  return items;
}

type Rating = 'good' | 'needs-improvement' | 'poor';
const SEVERITY: Record<string, number> = { good: 1, 'needs-improvement': 2, poor: 3 };

/**
 * Page experience from the web_vital signals: each visitor's worst rating per metric, and the
 * page loads per metric and value bucket (their 75th percentile). All time, from the summaries
 * the collect server keeps at ingest; a dated range, from one pass over the report index.
 */
export function readVitals(db: Database, range: Range): { worst: Map<string, Record<string, Rating>>; pages: PageLoads[] } {
  const out = new Map<string, Record<string, Rating>>();
  const pages = pageLoadsCounter();
  if (range.from === undefined && range.to === undefined) {
    const names = [undefined, 'good', 'needs-improvement', 'poor'] as const;
    const rows = db.prepare(`SELECT anonymous_id, ${VITAL_COLUMNS.join(', ')} FROM visitors WHERE ${VITAL_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' OR ')}`).raw().iterate() as Iterable<[string, ...(number | null)[]]>;
    for (const [v, ...worst] of rows) {
      const rec: Record<string, Rating> = {};
      worst.forEach((w, i) => { if (w) rec[VITAL_COLUMNS[i]!.toUpperCase()] = names[w]!; });
      out.set(v, rec);
    }
    for (const [metric, bucket, n] of db.prepare('SELECT metric, bucket, pages FROM vital_pages').raw().iterate() as Iterable<[string, number, number]>) pages.add(metric, bucket, n);
    return { worst: out, pages: pages.result() };
  }
  const r = rangeSql(range);
  const rows = db.prepare(`SELECT anonymous_id, metric_name, metric_rating, metric_value FROM events INDEXED BY events_report
    WHERE event = 'web_vital' AND ${r.where}`).raw().iterate(...r.args) as Iterable<[string | null, string | null, string | null, number | null]>;
  for (const [v, metric, rating, value] of rows) {
    const page = pageLoadOf('web_vital', metric, value);
    if (page) pages.add(...page);
    if (v === null || metric === null || rating === null || !SEVERITY[rating]) continue;
    let rec = out.get(v);
    if (!rec) out.set(v, (rec = {}));
    const had = rec[metric];
    if (!had || SEVERITY[rating]! > SEVERITY[had]!) rec[metric] = rating as Rating;
  }
  return { worst: out, pages: pages.result() };
}

/** A visitor's exposure to one experiment: the variant, when, and whether they saw another variant too. */
export interface Exposure { variant: string; t: number; mixed?: boolean }

/** Each visitor's first exposure per experiment: variant and time; `mixed` when they saw more than one variant. */
export function exposures(db: Database, range: Range): Map<string, Map<string, Exposure>> {
  const r = rangeSql(range);
  // On the exposures index alone, already in GROUP BY order: no row is opened, nothing is sorted.
  // The first exposure as "time variant" (ISO times sort in time order and hold no space), and the
  // lowest and highest variant: two aggregates more, still on the index, without a sort.
  const rows = db.prepare(`SELECT experiment_id, anonymous_id AS v, min(timestamp || ' ' || variant_id), min(variant_id), max(variant_id)
    FROM events INDEXED BY events_exposures WHERE event = 'experiment_viewed' AND ${r.where} GROUP BY experiment_id, v`).raw().all(...r.args) as [string, string | null, string | null, string | null, string | null][];
  const out = new Map<string, Map<string, Exposure>>();
  for (const [exp, v, first, lo, hi] of rows) {
    if (v === null || !exp || !first || !lo) continue;
    const at = first.indexOf(' ');
    const e: Exposure = { variant: first.slice(at + 1), t: Date.parse(first.slice(0, at)) };
    if (lo !== hi) e.mixed = true;
    let m = out.get(exp);
    if (!m) out.set(exp, (m = new Map()));
    m.set(v, e);
  }
  return out;
}

/**
 * Who each visitor is, where known: the user of their latest identify call, with the latest
 * e-mail that user was identified with (one pass). Not the greatest values: on a shared computer
 * where Zoe signed in and then Anna, the visitor is Anna (late read 2026-12-07: Anna's cart went
 * out with Zoe's e-mail).
 */
export function identities(db: Database, visitors: Iterable<string>): Map<string, { userId?: string; email?: string }> {
  const wanted = new Set(visitors);
  const out = new Map<string, { userId?: string; email?: string }>();
  if (!wanted.size) return out;
  // identify calls (no event name: found through the report index) carry who the visitor is.
  const rows = db.prepare(`SELECT anonymous_id, user_id, email FROM events
    WHERE event IS NULL AND type = 'identify' AND anonymous_id IS NOT NULL ORDER BY anonymous_id, timestamp, seq`).raw().iterate() as Iterable<[string, string | null, string | null]>;
  for (const [v, userId, email] of rows) {
    if (!wanted.has(v)) continue;
    const was = out.get(v);
    // Another user: what the last one was identified with is theirs, not this one's.
    const same = !userId || was?.userId === undefined || was.userId === userId;
    out.set(v, { ...(userId ? { userId } : was?.userId ? { userId: was.userId } : {}), ...(email ? { email } : same && was?.email ? { email: was.email } : {}) });
  }
  return out;
}

/** Sessions that have part of the range (a session the range cuts counts, with the channel of its landing). */
const sessionRange = (range: Range) => ({ where: 'started < ? AND last_seen >= ?', args: [iso(range.to, '9999'), iso(range.from, '0000')] });

/**
 * Sessions and visitors per channel, and sessions per campaign (utm_campaign with its source and
 * medium), from the `sessions` table the collect server keeps: one row per session, no event read.
 */
export function sessionCounts(db: Database, range: Range): { channels: ChannelSessions[]; campaigns: CampaignSessions[] } {
  const r = sessionRange(range);
  const channels = db.prepare(`SELECT channel, count(*) AS sessions, count(DISTINCT anonymous_id) AS visitors FROM sessions WHERE ${r.where} GROUP BY channel`).all(...r.args) as ChannelSessions[];
  // A campaign's channel: the one most of its sessions had (a click id can set one apart; SQLite
  // takes the bare column from the row of the one max()).
  const campaigns = db.prepare(`SELECT campaign, source, medium, channel, max(n) AS most, sum(n) AS sessions FROM (
      SELECT campaign, source, medium, channel, count(*) AS n FROM sessions WHERE campaign IS NOT NULL AND ${r.where} GROUP BY 1, 2, 3, 4)
    GROUP BY campaign, source, medium`).raw().all(...r.args) as [string, string | null, string | null, Channel, number, number][];
  return { channels, campaigns: campaigns.map(([campaign, source, medium, channel, , sessions]) => ({ campaign, source, medium, channel, sessions })) };
}

/**
 * The events of `events` in the range (the orders), each with the session it is credited to: the
 * visitor's last session at or before it, of those that have part of the range, that did not come
 * direct, else their last one (one seek in the sessions table's key per order). Visitor, time, and
 * the value of those in `valued` (the conversions the plan gives a value) with its currency. An
 * order the shop's server sent with the user id only joins that user's visitor (see userVisitor).
 */
export function creditedOrders(db: Database, events: readonly string[], valued: ReadonlySet<string>, range: Range): CreditedOrder[] {
  if (!events.length) return [];
  const r = rangeSql(range);
  const from = iso(range.from, '0000');
  const pick = (visitor: string, t: string) => `SELECT session_id FROM sessions WHERE anonymous_id = ${visitor} AND started <= ${t} AND last_seen >= ?
    ORDER BY channel = 'direct', started DESC, session_id DESC LIMIT 1`;
  // The orders from the report index, each joined to its session in SQLite (not a call per order).
  const rows = db.prepare(`SELECT o.anonymous_id, o.seq, o.event, o.timestamp, o.value, o.currency, s.channel, s.campaign, s.source, s.medium
    FROM (SELECT anonymous_id, seq, event, timestamp, value, currency FROM events INDEXED BY events_report WHERE event IN (${events.map(() => '?').join(', ')}) AND ${r.where}) AS o
    LEFT JOIN sessions AS s ON s.anonymous_id = o.anonymous_id AND s.session_id = (${pick('o.anonymous_id', 'o.timestamp')})`)
    .raw().all(...events, ...r.args, from) as [string | null, number, string, string, number | null, string | null, Channel | null, string | null, string | null, string | null][];
  let of: ((seq: number) => string | undefined) | undefined;
  let credit: Statement | undefined;
  return rows.map(([v, seq, event, t, value, currency, channel, campaign, source, medium]) => {
    let visitor: string | undefined = v ?? undefined;
    if (v === null) {
      // A user-only order: its visitor found through the sign-ins, then their session, one by one (they are few).
      visitor = (of ??= userVisitor(db))(seq);
      credit ??= db.prepare(`SELECT channel, campaign, source, medium FROM sessions WHERE anonymous_id = ? AND session_id = (${pick('?', '?')})`).raw();
      if (visitor !== undefined) [channel, campaign, source, medium] = (credit.get(visitor, visitor, t, from) as [Channel, string | null, string | null, string | null] | undefined) ?? [null, null, null, null];
    }
    return { visitor, channel: channel ?? undefined, campaign, source, medium, value: valued.has(event) ? value : null, currency };
  });
}

export interface QuarantineReason { reason: string; event: string | null; count: number; first: string; example: string | null }

/**
 * What is in quarantine, by reason. A message that was stored later (sent again without its
 * problem) is counted above, not here: the collect server takes it out of quarantine when it
 * stores it, and a store written before it did so still has its row, which is left out here.
 */
/**
 * Stored conversions whose names the plan no longer has (renamed or removed since they were
 * stored under an earlier plan): counted by name, as the report leaves them out (plan QA 2026-12-06).
 */
export function outsidePlan(db: Database, range: Range, known: readonly string[]): { total: number; events: { event: string; count: number }[] } {
  const names = [...known, ...SIGNAL_EVENTS];
  const r = rangeSql(range);
  const rows = db.prepare(`SELECT event, count(*) AS count FROM events WHERE type = 'track' AND ${r.where} AND event NOT IN (${names.map(() => '?').join(', ')})
    GROUP BY event ORDER BY count DESC, event`).all(...r.args, ...names) as { event: string; count: number }[];
  return { total: rows.reduce((n, r) => n + r.count, 0), events: rows.slice(0, 20) };
}

export function quarantineReasons(db: Database, range: Range): { total: number; reasons: QuarantineReason[] } {
  const args = [iso(range.from, '0000'), iso(range.to, '9999')];
  const where = 'received_at >= ? AND received_at < ? AND NOT EXISTS (SELECT 1 FROM events WHERE events.id = quarantine.message_id)';
  const reasons = db.prepare(`SELECT reason, event, count(*) AS count, min(received_at) AS first, min(message_id) AS example
    FROM quarantine WHERE ${where} GROUP BY reason, event ORDER BY count DESC LIMIT 50`).all(...args) as QuarantineReason[];
  const total = db.prepare(`SELECT count(*) FROM quarantine WHERE ${where}`).pluck().get(...args) as number;
  return { total, reasons };
}
