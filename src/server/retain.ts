/**
 * Retention (`measureplan retain --days N`): the store keeps what happened in the last N days and
 * deletes everything older, as a data-protection policy asks (storage limitation) and as GA4's
 * retention setting does for its own data.
 *
 * What goes: events whose time (the browser's, corrected for its clock's skew at ingest) is before
 * the cutoff, with their messages as received; quarantined messages and abandonment hand-offs
 * received or made before it; the relay's record of refusals for deleted events or older than it.
 * Summaries kept at ingest follow, so that a report over the store afterwards equals one over a
 * store that never held the deleted events: a visitor whose events all went loses their row, one
 * with events on both sides of the cutoff is recounted from what stays, and the deleted page
 * loads leave `vital_pages`. So do sessions (`sessions`): one whose events all went loses its row,
 * one the cutoff cuts is summarised again from its first event that stays and the click ids of
 * the events that stay.
 *
 * The events are gone through in slices of `chunk` rows by `seq`, one short write transaction
 * each, so a running collect server's commits wait milliseconds, never the whole pass; what the
 * server stores meanwhile is reached by the same walk (new rows have higher `seq`). Deleted
 * content is overwritten (`secure_delete`) and the write-ahead log emptied at the end. The file is
 * not rewritten: SQLite reuses the freed pages for new events.
 */
import { pageLoadOf, pageLoadsCounter } from '../report/vitals';
import { recountVisitorsSql, summarise, VITAL_COLUMNS, type Summary } from './schema';
import { addClicks, carriedClicks, recountSessions, sessionRebuilder, type Clicks } from './sessions';
import { CLICK_KINDS } from '../report/channels';
import type { Database } from './sqlite';

const DAY = 86_400_000;
/** Events read (and deleted) per transaction: at most about 0.2 s of the store's write lock. */
const CHUNK = 2_000;

/** A hundred years: more is no date a store holds (and past year 275,760 no date at all). */
export const MAX_DAYS = 36_500;

/** `--days` / `--retain-days` as typed: a whole number from 1 to MAX_DAYS, else undefined. */
export const daysOf = (text: string): number | undefined => {
  const n = /^\s*\d+\s*$/.test(text) ? Number(text) : NaN;
  return Number.isSafeInteger(n) && n >= 1 && n <= MAX_DAYS ? n : undefined;
};

/** Fewer days than this loses the ad clicks `measureplan offline` matches phone orders with (90 days at most before the order). */
export const OFFLINE_LOOKBACK_DAYS = 90;
/** The warning for a retention shorter than that. */
export const shortRetention = (days: number) => (days < OFFLINE_LOOKBACK_DAYS
  ? `keeping ${days} day${days === 1 ? '' : 's'}, fewer than ${OFFLINE_LOOKBACK_DAYS}: phone orders can no longer be matched to ad clicks older than that (measureplan offline looks back up to ${OFFLINE_LOOKBACK_DAYS} days), and reports cover at most ${days} day${days === 1 ? '' : 's'}.`
  : undefined);

export interface RetainOptions {
  /** Keep the last `days` days (a whole number, 1 or more). */
  days: number;
  /** The time the days count back from (ms); default now. */
  now?: number;
  /** Count what would go, delete nothing. */
  dryRun?: boolean;
  /** Events read (and deleted) per transaction. */
  chunk?: number;
  /** Told after each slice: `done` of about `of` events gone through. */
  progress?: (p: { done: number; of: number }) => void;
}

export interface Retained {
  /** Events before this time (ISO 8601) are deleted. */
  cutoff: string;
  days: number;
  events: number;
  quarantined: number;
  handoffs: number;
  /** Visitor summaries: `removed` (every event of theirs deleted), `recounted` (events on both sides). */
  visitors: { removed: number; recounted: number };
  /** Events left, and the time of the oldest of them (null when none is left). */
  kept: { events: number; oldest: string | null };
  /** The write-ahead log was emptied (false: a reader, such as a running report, held it). */
  checkpointed: boolean;
  dryRun: boolean;
}

type EventRow = [seq: number, timestamp: string, event: string | null, metric: string | null, value: number | null, rating: string | null, anonymousId: string | null, session: string | null, ...clickIds: unknown[]];

const list = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export function retain(db: Database, { days, now = Date.now(), dryRun = false, chunk = CHUNK, progress }: RetainOptions): Retained {
  if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new RangeError(`days must be a whole number from 1 to ${MAX_DAYS}, not ${days}`);
  const cutoff = new Date(now - days * DAY).toISOString();
  const result: Retained = {
    cutoff, days, events: 0, quarantined: 0, handoffs: 0, visitors: { removed: 0, recounted: 0 },
    kept: { events: 0, oldest: null }, checkpointed: false, dryRun,
  };

  // Visitors seen on both sides of the cutoff: their summary is recounted from the events that
  // stay, gathered along the walk. Each slice already takes its deleted events off the counts (a
  // visitor whose count reaches 0 loses the row), so a pass stopped half-way leaves exact counts,
  // and the next pass, which finds the same visitors on both sides, recounts the rest.
  const straddling = new Set(db.prepare('SELECT anonymous_id FROM visitors WHERE first_seen < ? AND last_seen >= ?').pluck().all(cutoff, cutoff) as string[]);
  const summaries = new Map<string, Summary>();
  const add = ([, t, event, metric, , rating, v]: EventRow) => { summaries.set(v!, summarise(summaries.get(v!), t, event, metric, rating)); };
  if (!dryRun) db.pragma('secure_delete = ON');
  // Sessions the cutoff cuts: their first event that stays (time, then row), their last, and the click ids those carry, gathered along the walk.
  const cutSessions = new Map<string, { first?: [string, number]; last?: string; clicks: Clicks }>();
  for (const [v, id] of db.prepare('SELECT anonymous_id, session_id FROM sessions WHERE started < ? AND last_seen >= ?').raw().all(cutoff, cutoff) as [string, string][]) cutSessions.set(JSON.stringify([v, id]), { clicks: new Map() });
  const keepSession = ([seq, t, , , , , v, id, ...clickIds]: EventRow) => {
    const c = v !== null && id !== null ? cutSessions.get(JSON.stringify([v, id])) : undefined;
    if (!c) return;
    addClicks(c.clicks, t, clickIds);
    if (!c.first || t < c.first[0] || (t === c.first[0] && seq < c.first[1])) c.first = [t, seq];
    if (!c.last || t > c.last) c.last = t;
  };
  const slice = db.prepare(`SELECT seq, timestamp, event, metric_name, metric_value, metric_rating, anonymous_id, context_measureplan_session_id, ${CLICK_KINDS.map((k) => `context_measureplan_click_ids_${k}`).join(', ')} FROM events WHERE seq > ? ORDER BY seq LIMIT ?`).raw();
  const delEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  const delRaw = db.prepare('DELETE FROM events_raw WHERE seq = ?');
  const delRejected = db.prepare('DELETE FROM relay_rejected WHERE event_seq = ?');
  const lessPages = db.prepare('UPDATE vital_pages SET pages = pages - ? WHERE metric = ? AND bucket = ?');
  const of = db.prepare('SELECT count(*) FROM events').pluck().get() as number;
  const maxSeq = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck();
  const toTop = db.prepare('UPDATE relay_state SET position = ? WHERE position > ?');
  const fewer = db.prepare('UPDATE visitors SET events = events - ? WHERE anonymous_id = ?');
  const dropEmpty = db.prepare('DELETE FROM visitors WHERE anonymous_id = ? AND events <= 0');
  /** Visitors that lost an event. */
  const gone = new Set<string>();

  /** One slice after `after`: its old events deleted (or counted), its kept ones summed for the straddling visitors; the slice's last seq. */
  const step = (after: number): number | undefined => {
    const rows = slice.all(after, chunk) as EventRow[];
    if (!rows.length) return undefined;
    const pages = pageLoadsCounter();
    const lost = new Map<string, number>();
    for (const r of rows) {
      const v = r[6];
      if (r[1] >= cutoff) {
        if (v !== null && straddling.has(v)) add(r);
        if (cutSessions.size) keepSession(r);
        continue;
      }
      result.events++;
      if (v !== null) { gone.add(v); lost.set(v, (lost.get(v) ?? 0) + 1); }
      if (dryRun) continue;
      const page = pageLoadOf(r[2], r[3], r[4]);
      if (page) pages.add(...page);
      delEvent.run(r[0]);
      delRaw.run(r[0]);
      delRejected.run(r[0]);
    }
    for (const [metric, bucket, n] of pages.rows()) lessPages.run(n, metric, bucket);
    const last = rows[rows.length - 1]![0];
    if (dryRun) return last;
    for (const [v, n] of lost) { fewer.run(n, v); result.visitors.removed += dropEmpty.run(v).changes; }
    // `seq` is a rowid without AUTOINCREMENT: with the newest events gone, SQLite hands their
    // numbers out again as soon as this transaction ends. The walk goes on from the highest number
    // left, so that it sees an event stored with such a number, and so does the relay, whose
    // position past them would skip it.
    const top = maxSeq.get() as number;
    if (top >= last) return last;
    toTop.run(top, top);
    return top;
  };

  let at = 0;
  let done = 0;
  const inTransaction = db.transaction(step);
  for (let next = dryRun ? step(at) : inTransaction.immediate(at); next !== undefined; next = dryRun ? step(at) : inTransaction.immediate(at)) {
    at = next;
    done = Math.min(done + chunk, of);
    progress?.({ done, of });
  }

  const summary = db.prepare('SELECT last_seen FROM visitors WHERE anonymous_id = ?').pluck();
  const finish = () => {
    // What the server stored since the last slice, under the same lock as the summaries' rewrite.
    for (let next = step(at); next !== undefined; next = step(at)) at = next;
    const drop = db.prepare('DELETE FROM visitors WHERE anonymous_id = ?');
    const late: string[] = [];
    for (const v of gone) {
      if (straddling.has(v)) continue;
      const last = summary.get(v) as string | undefined;
      if (last === undefined) continue; // its count reached 0 in a slice: the row went there
      // Every event of theirs was old: the row goes (in a dry run, the count would reach 0).
      // Otherwise they were stored while the walk ran (a new event, or an old one delivered days
      // late): counted again from the events themselves.
      if (last < cutoff) { result.visitors.removed++; if (!dryRun) drop.run(v); } else late.push(v);
    }
    result.visitors.recounted = straddling.size + late.length;
    if (dryRun) return;
    const put = db.prepare(`INSERT INTO visitors (anonymous_id, first_seen, last_seen, events, ${VITAL_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ${list(VITAL_COLUMNS.length)})`);
    for (const v of straddling) {
      drop.run(v);
      const s = summaries.get(v);
      if (s) put.run(v, ...s);
    }
    for (let i = 0; i < late.length; i += 500) {
      const ids = late.slice(i, i + 500);
      db.prepare(`DELETE FROM visitors WHERE anonymous_id IN (${list(ids.length)})`).run(...ids);
      db.prepare(recountVisitorsSql(ids.length)).run(...ids);
    }
    db.prepare('DELETE FROM vital_pages WHERE pages <= 0').run();
    // Sessions: those whose events all went lose their row; a cut one is summarised from its first event that stays.
    // A later session with the same click id as a deleted one was a return visit; now it is the click.
    const lostClicks = db.prepare('SELECT DISTINCT anonymous_id FROM sessions WHERE last_seen < ? AND clicks IS NOT NULL').pluck().all(cutoff) as string[];
    db.prepare('DELETE FROM sessions WHERE last_seen < ?').run(cutoff);
    const recheck = carriedClicks(db);
    for (const v of lostClicks) recheck(v);
    const rebuild = sessionRebuilder(db);
    for (const [key, c] of cutSessions) {
      const [v, id] = JSON.parse(key) as [string, string];
      rebuild.put(v, id, c.first?.[1], c.last ?? '', c.clicks);
    }
    rebuild.done();
    // A session still older than the cutoff was stored while the walk ran (a browser's queue sent late): counted from its events.
    const lateSessions = db.prepare('SELECT DISTINCT anonymous_id FROM sessions WHERE started < ?').pluck().all(cutoff) as string[];
    for (let i = 0; i < lateSessions.length; i += 500) {
      const ids = lateSessions.slice(i, i + 500);
      db.prepare(`DELETE FROM sessions WHERE anonymous_id IN (${list(ids.length)})`).run(...ids);
      recountSessions(db, `anonymous_id IN (${list(ids.length)})`, ids);
    }
    result.quarantined = db.prepare('DELETE FROM quarantine WHERE received_at < ?').run(cutoff).changes;
    result.handoffs = db.prepare('DELETE FROM webhook_outbox WHERE created_at < ?').run(cutoff).changes;
    db.prepare('DELETE FROM relay_rejected WHERE at < ?').run(cutoff);
  };
  if (dryRun) {
    finish();
    result.quarantined = db.prepare('SELECT count(*) FROM quarantine WHERE received_at < ?').pluck().get(cutoff) as number;
    result.handoffs = db.prepare('SELECT count(*) FROM webhook_outbox WHERE created_at < ?').pluck().get(cutoff) as number;
  } else {
    db.transaction(finish).immediate();
  }

  const left = db.prepare('SELECT count(*), min(timestamp) FROM events WHERE timestamp >= ?').raw().get(cutoff) as [number, string | null];
  result.kept = { events: left[0], oldest: left[1] };
  if (!dryRun) result.checkpointed = (db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').raw().get() as [number, number, number])[0] === 0;
  return result;
}
