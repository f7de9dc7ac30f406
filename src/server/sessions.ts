/**
 * The `sessions` table (schema 11): one row per visitor's session, kept at ingest, so that the
 * report's channels need not read every event's campaign columns. A row holds what the session's
 * first event (by time) says of where the visitor came from: its campaign (utm_source, utm_medium,
 * utm_campaign) and the host of the other site that sent the visitor; the ad click its channel
 * counts, if any (kind and a short digest of the id); the channel decided from them
 * (src/report/channels.ts); and the session's first and last event.
 *
 * Beside it, `session_clicks` (schema 12): every ad click id any event of the session carried
 * (kind, digest, the first time one carried it). The tracker sends a click id on every event for
 * 90 days after the click, and a new one beside it after another ad click, so a session's new
 * click is decided against the visitor's earlier sessions (carriedClicks): among the click ids on
 * its first event, the first (in CLICK_KINDS order) that no earlier session carried; none when
 * they all were (a return visit, its channel decided without a click).
 * A session is the tracker's (`context.measureplan.session_id`, a new one after 30 minutes
 * without activity): events without one (page views, identify calls, a shop server's orders) make none.
 */
import { createHash } from 'node:crypto';
import type { Database } from './sqlite';
import type { Row } from './message';
import type { EventColumn } from './schema';
import { channelOf, CLICK_KINDS, referrerHost, type ClickKind } from '../report/channels';

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

/** Every ad click id a session's events carried (schema 12): one row per kind and digest, with the first time. */
export const SESSION_CLICKS_TABLE_SQL = `CREATE TABLE IF NOT EXISTS session_clicks (
    anonymous_id TEXT NOT NULL,
    session_id TEXT NOT NULL,
    click TEXT NOT NULL,
    click_ref TEXT NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (anonymous_id, session_id, click, click_ref)
  ) WITHOUT ROWID;
  DELETE FROM session_clicks;`;

/** An ad click id a session carried: its kind, its digest, the first time an event of the session carried it. */
export type SeenClick = [click: ClickKind, ref: string, seen: string];
/** What a commit (or a pass over stored events) gathered of one session: its row, and its click ids by `kind ref`. */
export interface SessionDraft { summary: SessionSummary; clicks: Map<string, SeenClick> }

const CLICK_COLUMNS: readonly EventColumn[] = CLICK_KINDS.map((k) => `context_measureplan_click_ids_${k}` as const);
/** The event columns a session's first event is summarised from (the same for a row and a stored event). */
const FIRST_COLUMNS: readonly EventColumn[] = [
  'context_campaign_source', 'context_campaign_medium', 'context_campaign_name', 'context_page_referrer', 'context_page_url', ...CLICK_COLUMNS,
];

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/**
 * A click id's digest: enough to tell two clicks apart, not the id an ad platform takes. The
 * tracker sends the same id on every event for 90 days, so the last few are remembered.
 */
const digests = new Map<string, string>();
function digest(id: string): string {
  let d = digests.get(id);
  if (d === undefined) {
    if (digests.size >= 1024) digests.clear();
    d = createHash('sha256').update(id).digest('base64url').slice(0, 12);
    digests.set(id, d);
  }
  return d;
}

/** Adds the click ids of an event at `t` (its CLICK_KINDS columns' values, in order) to `clicks`, keeping each one's first time. */
export function addClicks(clicks: Map<string, SeenClick>, t: string, values: readonly unknown[]): void {
  for (let i = 0; i < CLICK_KINDS.length; i++) {
    const id = text(values[i]);
    if (!id) continue;
    const kind = CLICK_KINDS[i]!;
    const ref = digest(id);
    const key = `${kind} ${ref}`;
    const had = clicks.get(key);
    if (!had) clicks.set(key, [kind, ref, t]);
    else if (t < had[2]) had[2] = t;
  }
}

/**
 * What an event says of its session's origin, from its FIRST_COLUMNS values in order. Its click
 * is the first kind the event carried: the session's click until carriedClicks decides it
 * against the visitor's earlier sessions.
 */
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

/** `d` with one more event of its session: the earliest event's origin (the first stored on a tie), the last time, every click id. */
export function summariseSession(d: SessionDraft | undefined, row: Row): SessionDraft {
  const t = row.timestamp;
  const clicks = d?.clicks ?? new Map<string, SeenClick>();
  // Most events carry no click id: the columns are read only when one does.
  for (const c of CLICK_COLUMNS) {
    if (row[c] != null) { addClicks(clicks, t, CLICK_COLUMNS.map((k) => row[k])); break; }
  }
  const s = d?.summary;
  if (!s || t < s[0]) {
    const next = origin(t, FIRST_COLUMNS.map((c) => row[c]));
    if (s && s[1] > t) next[1] = s[1];
    if (!d) return { summary: next, clicks };
    d.summary = next;
  } else if (t > s[1]) s[1] = t;
  return d!;
}

/**
 * Adds a commit's summaries to the table: an earlier first event replaces the origin, the last
 * time grows. It answers the session's first time: the summary's own when the row is new or took
 * its origin (its start moved: the order of the visitor's sessions may have changed).
 */
export const UPSERT_SESSION_SQL = `INSERT INTO sessions (anonymous_id, session_id, ${SESSION_COLUMNS.join(', ')}) VALUES (?, ?, ${SESSION_COLUMNS.map(() => '?').join(', ')})
  ON CONFLICT(anonymous_id, session_id) DO UPDATE SET
  ${SESSION_COLUMNS.slice(2).map((c) => `${c} = CASE WHEN excluded.started < started THEN excluded.${c} ELSE ${c} END`).join(', ')},
  started = min(started, excluded.started), last_seen = max(last_seen, excluded.last_seen)
  RETURNING started`;

/** Adds a click id to a session's record, or moves its first time earlier; changes nothing (0 changes) otherwise. */
const UPSERT_CLICK_SQL = `INSERT INTO session_clicks (anonymous_id, session_id, click, click_ref, seen) VALUES (?, ?, ?, ?, ?)
  ON CONFLICT(anonymous_id, session_id, click, click_ref) DO UPDATE SET seen = excluded.seen WHERE excluded.seen < seen`;

/**
 * Writes a commit's sessions: one upsert per session, one per click id it carried; then decides
 * again the click of every session of each visitor whose sessions' order or click ids it changed
 * (a new session with a click id, a new click id or an earlier first time for one, a session
 * with click ids whose start moved). Ingest and recountSessions so decide alike, whatever order
 * the events arrive in.
 */
export function sessionWriter(db: Database): (sessions: Iterable<readonly [visitor: string, session: string, draft: SessionDraft]>) => void {
  const upsert = db.prepare(UPSERT_SESSION_SQL).pluck();
  const upsertClick = db.prepare(UPSERT_CLICK_SQL);
  const hasClicks = db.prepare('SELECT 1 FROM session_clicks WHERE anonymous_id = ? AND session_id = ? LIMIT 1').pluck();
  const recheck = carriedClicks(db);
  return (sessions) => {
    const changed = new Set<string>();
    for (const [v, id, { summary, clicks }] of sessions) {
      const moved = upsert.get(v, id, ...summary) === summary[0];
      let more = false;
      for (const c of clicks.values()) if (upsertClick.run(v, id, ...c).changes) more = true;
      // A session that got only later events, and no new click id, changes no session's click.
      if (more || (moved && (clicks.size > 0 || hasClicks.get(v, id) !== undefined))) changed.add(v);
    }
    for (const v of changed) recheck(v);
  };
}

/** Deletes the sessions, and their click ids, of the visitors an SQL condition on `anonymous_id` selects. */
export function dropSessions(db: Database, where: string, args: readonly unknown[] = []): void {
  db.prepare(`DELETE FROM session_clicks WHERE ${where}`).run(...args);
  db.prepare(`DELETE FROM sessions WHERE ${where}`).run(...args);
}

const SESSION_EVENT = "anonymous_id IS NOT NULL AND anonymous_id <> '' AND context_measureplan_session_id IS NOT NULL AND context_measureplan_session_id <> ''";

/**
 * Writes the sessions of the events `where` selects (an SQL condition on `events` with its
 * arguments) from the events themselves: the schema 12 migration fills the tables so, and an
 * erasure or a retention pass counts again the sessions of the visitors whose events it took
 * (their rows deleted first). Each session's first event is found by one pass (time, then store
 * order), then read by its row; its click ids by a second pass over the events that carry one.
 */
export function recountSessions(db: Database, where: string, args: readonly unknown[] = []): number {
  const firsts = db.prepare(`SELECT anonymous_id, context_measureplan_session_id, min(timestamp || ' ' || printf('%020d', seq)), max(timestamp)
    FROM events WHERE ${SESSION_EVENT} AND (${where})
    GROUP BY anonymous_id, context_measureplan_session_id`).raw().all(...args) as [string, string, string, string][];
  const rebuild = sessionRebuilder(db);
  for (const [v, s, key, last] of firsts) rebuild.put(v, s, Number(key.slice(key.lastIndexOf(' ') + 1)), last);
  // The tracker sends the same ids on every event: grouped by them, each combination is digested once.
  const carried = db.prepare(`SELECT anonymous_id, context_measureplan_session_id, min(timestamp), ${CLICK_COLUMNS.join(', ')}
    FROM events WHERE ${SESSION_EVENT} AND (${CLICK_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' OR ')}) AND (${where})
    GROUP BY anonymous_id, context_measureplan_session_id, ${CLICK_COLUMNS.join(', ')}`).raw();
  let session: [string, string, Map<string, SeenClick>] | undefined;
  const flush = () => { if (session) for (const c of session[2].values()) rebuild.click(session[0], session[1], c); };
  for (const [v, s, t, ...ids] of carried.all(...args) as [string, string, string, ...unknown[]][]) {
    if (!session || session[0] !== v || session[1] !== s) { flush(); session = [v, s, new Map()]; }
    addClicks(session[2], t, ids);
  }
  flush();
  rebuild.done();
  return firsts.length;
}

/**
 * Writes sessions from their first event (by its row number) and their last time, replacing
 * their rows and click ids (`click` adds those back); `done()` then decides again the clicks of
 * the visitors whose sessions had or have click ids (see carriedClicks).
 */
export function sessionRebuilder(db: Database): {
  put(visitor: string, session: string, firstSeq: number, last: string): void;
  click(visitor: string, session: string, click: SeenClick): void;
  drop(visitor: string, session: string): void;
  done(): void;
} {
  const first = db.prepare(`SELECT timestamp, ${FIRST_COLUMNS.join(', ')} FROM events WHERE seq = ?`).raw();
  const dropRow = db.prepare('DELETE FROM sessions WHERE anonymous_id = ? AND session_id = ?');
  const dropClicks = db.prepare('DELETE FROM session_clicks WHERE anonymous_id = ? AND session_id = ?');
  const put = db.prepare(UPSERT_SESSION_SQL).pluck();
  const putClick = db.prepare(UPSERT_CLICK_SQL);
  const clicked = new Set<string>();
  const drop = (visitor: string, session: string) => {
    dropRow.run(visitor, session);
    if (dropClicks.run(visitor, session).changes) clicked.add(visitor);
  };
  return {
    put(visitor, session, firstSeq, last) {
      const row = first.get(firstSeq) as [string, ...unknown[]] | undefined;
      drop(visitor, session);
      if (!row) return;
      const [t, ...values] = row;
      const summary = origin(t, values);
      summary[1] = last;
      put.get(visitor, session, ...summary);
    },
    click(visitor, session, c) {
      putClick.run(visitor, session, ...c);
      clicked.add(visitor);
    },
    drop,
    done() {
      const recheck = carriedClicks(db);
      for (const v of clicked) recheck(v);
      clicked.clear();
    },
  };
}

const RANK: Readonly<Record<string, number>> = Object.fromEntries(CLICK_KINDS.map((k, i) => [k, i]));

/**
 * Decides again the click, and so the channel, of a visitor's sessions that carried click ids,
 * in the order they started (then by session id). A session's click is, among the click ids on
 * its first event (its `seen` is the session's start), the first in CLICK_KINDS order whose kind
 * and digest no earlier session of the visitor carried on any of its events; none when every
 * one was carried before (a return visit: the tracker keeps an id 90 days), and its channel is
 * then decided without a click. A click id first seen later in a session never decides that
 * session's channel (it did not land with it), but an earlier session carrying it makes a later
 * session's copy a return. One seek in each table's key per visitor.
 */
export function carriedClicks(db: Database): (visitor: string) => void {
  const list = db.prepare(`SELECT s.session_id, s.started, s.channel, s.source, s.medium, s.campaign, s.referrer_host, s.click, s.click_ref, c.click, c.click_ref, c.seen
    FROM sessions s JOIN session_clicks c ON c.anonymous_id = s.anonymous_id AND c.session_id = s.session_id
    WHERE s.anonymous_id = ? ORDER BY s.started, s.session_id`).raw();
  const set = db.prepare('UPDATE sessions SET channel = ?, click = ?, click_ref = ? WHERE anonymous_id = ? AND session_id = ?');
  type Listed = [id: string, started: string, channel: string, source: string | null, medium: string | null, campaign: string | null, referrer: string | null, click: string | null, ref: string | null, kind: string, kindRef: string, seen: string];
  return (visitor) => {
    const rows = list.all(visitor) as Listed[];
    const earlier = new Set<string>();
    for (let i = 0, j = 0; i < rows.length; i = j) {
      const [id, started, was, source, medium, campaign, referrer, wasClick, wasRef] = rows[i]!;
      let pick: Listed | undefined;
      for (j = i; j < rows.length && rows[j]![0] === id; j++) {
        const r = rows[j]!;
        if (r[11] <= started && !earlier.has(`${r[9]} ${r[10]}`) && (!pick || RANK[r[9]]! < RANK[pick[9]]!)) pick = r;
      }
      for (let k = i; k < j; k++) earlier.add(`${rows[k]![9]} ${rows[k]![10]}`);
      const click = pick?.[9] ?? null;
      const ref = pick?.[10] ?? null;
      const channel = channelOf({ source, medium, campaign, referrer, click });
      if (channel !== was || click !== wasClick || ref !== wasRef) set.run(channel, click, ref, visitor, id);
    }
  };
}
