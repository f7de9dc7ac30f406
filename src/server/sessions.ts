/**
 * The `sessions` table (schema 11): one row per visitor's session, kept at ingest, so that the
 * report's channels need not read every event's campaign columns. A row holds what the session's
 * first event (by time) says of where the visitor came from: its campaign (utm_source, utm_medium,
 * utm_campaign), the host of the other site that sent the visitor, and the kind of ad click id it
 * carried, with a short digest of that id; the channel decided from them (src/report/channels.ts);
 * and the session's first and last event. The tracker sends a click id on every event for 90 days
 * after the click: a session whose click id an earlier session of the visitor had already is a
 * return visit, not a new ad click, and its channel is decided without it (the digest tells).
 * A session is the tracker's (`context.measureplan.session_id`, a new one after 30 minutes
 * without activity): events without one (page views, identify calls, a shop server's orders) make none.
 */
import { createHash } from 'node:crypto';
import type { Database } from './sqlite';
import type { Row } from './message';
import type { EventColumn } from './schema';
import { channelOf, CLICK_KINDS, referrerHost } from '../report/channels';

/** The columns of `sessions` after its key (anonymous_id, session_id), in insert order. */
export const SESSION_COLUMNS = ['started', 'last_seen', 'channel', 'source', 'medium', 'campaign', 'referrer_host', 'click', 'click_ref'] as const;
/** A session's row from `started` on. */
export type SessionSummary = [started: string, last: string, channel: string, source: string | null, medium: string | null, campaign: string | null, referrer: string | null, click: string | null, clickRef: string | null];

export const SESSIONS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS sessions (
    anonymous_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    started TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    channel TEXT NOT NULL,
    source TEXT, medium TEXT, campaign TEXT,
    referrer_host TEXT,
    click TEXT, click_ref TEXT,
    PRIMARY KEY (anonymous_id, session_id)
  ) WITHOUT ROWID;
  DELETE FROM sessions;`;

/** The event columns a session's first event is summarised from (the same for a row and a stored event). */
const FIRST_COLUMNS: readonly EventColumn[] = [
  'context_campaign_source', 'context_campaign_medium', 'context_campaign_name', 'context_page_referrer', 'context_page_url',
  ...CLICK_KINDS.map((k) => `context_measureplan_click_ids_${k}` as const),
];

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** A click id's digest: enough to tell two clicks apart, not the id an ad platform takes. */
const digest = (id: string) => createHash('sha256').update(id).digest('base64url').slice(0, 12);

/** What an event says of its session's origin, from its FIRST_COLUMNS values in order. */
function origin(t: string, values: readonly unknown[]): SessionSummary {
  const [source, medium, campaign, referrer, page, ...clicks] = values;
  let click: string | null = null;
  let ref: string | null = null;
  for (let i = 0; i < CLICK_KINDS.length; i++) {
    const id = text(clicks[i]);
    if (id) { click = CLICK_KINDS[i]!; ref = digest(id); break; }
  }
  const host = referrerHost(referrer, page);
  const [so, me, ca] = [text(source), text(medium), text(campaign)];
  return [t, t, channelOf({ source: so, medium: me, campaign: ca, referrer: host, click }), so, me, ca, host, click, ref];
}

/** The key of a row's session (visitor and session id), or undefined when it has none. */
export function sessionKey(row: Row): [string, string] | undefined {
  const v = row.anonymous_id;
  const s = row.context_measureplan_session_id;
  return typeof v === 'string' && v && typeof s === 'string' && s ? [v, s] : undefined;
}

/** `s` with one more event of its session: the earliest event's origin (the first stored on a tie), the last time. */
export function summariseSession(s: SessionSummary | undefined, row: Row): SessionSummary {
  const t = row.timestamp;
  if (!s || t < s[0]) {
    const next = origin(t, FIRST_COLUMNS.map((c) => row[c]));
    if (s && s[1] > t) next[1] = s[1];
    return next;
  }
  if (t > s[1]) s[1] = t;
  return s;
}

/**
 * Adds a commit's summaries to the table: an earlier first event replaces the origin, the last
 * time grows. It answers the session's first time: the summary's own when the row is new or took
 * its origin (only then can its click id make another session's a carried one).
 */
export const UPSERT_SESSION_SQL = `INSERT INTO sessions (anonymous_id, session_id, ${SESSION_COLUMNS.join(', ')}) VALUES (?, ?, ${SESSION_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(anonymous_id, session_id) DO UPDATE SET
  ${SESSION_COLUMNS.slice(2).map((c) => `${c} = CASE WHEN excluded.started < started THEN excluded.${c} ELSE ${c} END`).join(', ')},
  started = min(started, excluded.started), last_seen = max(last_seen, excluded.last_seen)
  RETURNING started`;

/**
 * Writes the sessions of the events `where` selects (an SQL condition on `events` with its
 * arguments) from the events themselves: the schema 11 migration fills the table so, and an
 * erasure or a retention pass counts again the sessions of the visitors whose events it took
 * (their rows deleted first). Each session's first event is found by one pass (time, then store
 * order), then read by its row.
 */
export function recountSessions(db: Database, where: string, args: readonly unknown[] = []): number {
  const firsts = db.prepare(`SELECT anonymous_id, context_measureplan_session_id, min(timestamp || ' ' || printf('%020d', seq)), max(timestamp)
    FROM events WHERE anonymous_id IS NOT NULL AND anonymous_id <> '' AND context_measureplan_session_id IS NOT NULL AND context_measureplan_session_id <> '' AND (${where})
    GROUP BY anonymous_id, context_measureplan_session_id`).raw().all(...args) as [string, string, string, string][];
  const rebuild = sessionRebuilder(db);
  for (const [v, s, key, last] of firsts) rebuild.put(v, s, Number(key.slice(key.lastIndexOf(' ') + 1)), last);
  rebuild.done();
  return firsts.length;
}

/**
 * Writes sessions from their first event (by its row number) and their last time, replacing
 * their rows; `done()` then decides again the channels of the visitors whose sessions carry a
 * click id (see carriedClicks).
 */
export function sessionRebuilder(db: Database): { put(visitor: string, session: string, firstSeq: number, last: string): void; done(): void } {
  const first = db.prepare(`SELECT timestamp, ${FIRST_COLUMNS.join(', ')} FROM events WHERE seq = ?`).raw();
  const drop = db.prepare('DELETE FROM sessions WHERE anonymous_id = ? AND session_id = ?');
  const put = db.prepare(UPSERT_SESSION_SQL).pluck();
  const clicked = new Set<string>();
  return {
    put(visitor, session, firstSeq, last) {
      const row = first.get(firstSeq) as [string, ...unknown[]] | undefined;
      drop.run(visitor, session);
      if (!row) return;
      const [t, ...values] = row;
      const summary = origin(t, values);
      summary[1] = last;
      put.get(visitor, session, ...summary);
      if (summary[8] !== null) clicked.add(visitor);
    },
    done() {
      const recheck = carriedClicks(db);
      for (const v of clicked) recheck(v);
      clicked.clear();
    },
  };
}

/**
 * Decides again the channel of a visitor's sessions that carry a click id, in the order they
 * started: the first with an id had the click; a later one with the same id (the tracker keeps
 * it 90 days) is a return visit, whose channel is decided without it. Run for each visitor a
 * commit gave a session with a click id (sessions can arrive out of order: a browser's queue
 * sent late). One seek in the table's key per visitor.
 */
export function carriedClicks(db: Database): (visitor: string) => void {
  const list = db.prepare(`SELECT session_id, channel, source, medium, campaign, referrer_host, click, click_ref FROM sessions
    WHERE anonymous_id = ? AND click_ref IS NOT NULL ORDER BY started, session_id`).raw();
  const set = db.prepare('UPDATE sessions SET channel = ? WHERE anonymous_id = ? AND session_id = ?');
  return (visitor) => {
    const seen = new Set<string>();
    for (const [id, was, source, medium, campaign, referrer, click, ref] of list.all(visitor) as (string | null)[][]) {
      const carried = seen.has(ref!);
      seen.add(ref!);
      const channel = channelOf({ source, medium, campaign, referrer, click: carried ? null : click });
      if (channel !== was) set.run(channel, visitor, id);
    }
  };
}
