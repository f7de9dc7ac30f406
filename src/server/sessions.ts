/**
 * The `sessions` table (schema 11): one row per visitor's session, kept at ingest, so that the
 * report's channels need not read every event's campaign columns. A row holds what the session's
 * first event (by time) says of where the visitor came from: its campaign (utm_source, utm_medium,
 * utm_campaign) and the host of the other site that sent the visitor; the ad click its channel
 * counts, if any (kind and a short digest of the id); the channel decided from them
 * (src/report/channels.ts); and the session's first and last event.
 *
 * Since schema 12 a row also lists every ad click id any event of the session carried (`clicks`:
 * kind, digest, the first time one carried it). The tracker sends a click id on every event for
 * 90 days after the click, and a new one beside it after another ad click, so a session's new
 * click is decided against the visitor's earlier sessions (carriedClicks; at ingest, sessionWriter
 * asks first-clicks.ts): among the click ids on its first event, the first (in CLICK_KINDS order)
 * that no earlier session carried; none when they all were (a return visit, its channel decided
 * without a click). The list is a column of
 * the row, not a table of its own: a session's row is written by every commit that has its
 * events anyway, where a row per click id was one more insert at a random place of a key.
 * A session is the tracker's (`context.measureplan.session_id`, a new one after 30 minutes
 * without activity): events without one (page views, identify calls, a shop server's orders) make none.
 */
import { createHash } from 'node:crypto';
import type { Database } from './sqlite';
import type { Row } from './message';
import type { EventColumn } from './schema';
import { channelOf, CLICK_KINDS, referrerHost, type ClickKind } from '../report/channels';
import { firstClicks, type FirstClicks } from './first-clicks';

/** The columns of `sessions` after its key (anonymous_id, session_id), in insert order. */
export const SESSION_COLUMNS = ['started', 'last_seen', 'channel', 'source', 'medium', 'campaign', 'referrer_host', 'click', 'click_ref', 'clicks'] as const;
/** A session's row from `started` on. */
export type SessionSummary = [started: string, last: string, channel: string, source: string | null, medium: string | null, campaign: string | null, referrer: string | null, click: string | null, clickRef: string | null, clicks: string | null];

/** The table as schema 11 made it; schema 12 adds `clicks`. */
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

/** An ad click id a session carried: its kind, its digest, the first time an event of the session carried it. */
export type SeenClick = [click: ClickKind, ref: string, seen: string];
/** A session's click ids by `kind ref`. */
export type Clicks = Map<string, SeenClick>;

const CLICK_COLUMNS: readonly EventColumn[] = CLICK_KINDS.map((k) => `context_measureplan_click_ids_${k}` as const);
/** The event columns a session's first event is summarised from (the same for a row and a stored event). */
const FIRST_COLUMNS: readonly EventColumn[] = [
  'context_campaign_source', 'context_campaign_medium', 'context_campaign_name', 'context_page_referrer', 'context_page_url', ...CLICK_COLUMNS,
];
const RANK: Readonly<Record<string, number>> = Object.fromEntries(CLICK_KINDS.map((k, i) => [k, i]));

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

/** Adds the click ids of an event at `t` (its CLICK_KINDS columns' values, in order) to `clicks`, keeping each one's first time; true when one is new or earlier. */
export function addClicks(clicks: Clicks, t: string, values: readonly unknown[]): boolean {
  let grew = false;
  for (let i = 0; i < CLICK_KINDS.length; i++) {
    const id = text(values[i]);
    if (id) grew = addClick(clicks, [CLICK_KINDS[i]!, digest(id), t]) || grew;
  }
  return grew;
}

function addClick(clicks: Clicks, c: SeenClick): boolean {
  const key = `${c[0]} ${c[1]}`;
  const had = clicks.get(key);
  if (!had) { clicks.set(key, [...c]); return true; }
  if (c[2] >= had[2]) return false;
  had[2] = c[2];
  return true;
}

/** Whether `a` comes before `b` in a `clicks` list: by CLICK_KINDS order, then by digest. */
const listedBefore = (a: SeenClick, b: SeenClick) => RANK[a[0]]! - RANK[b[0]]! < 0 || (a[0] === b[0] && a[1] < b[1]);

/** The `clicks` column: a JSON list of [kind, digest, first time], in CLICK_KINDS order then by digest (one text for one set); null for none. */
export function clicksText(clicks: Clicks): string | null {
  if (!clicks.size) return null;
  return JSON.stringify([...clicks.values()].sort((a, b) => RANK[a[0]]! - RANK[b[0]]! || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)));
}

/**
 * A row's `clicks` as a map; undefined when the text is no such list (a row edited by hand): one
 * bad row must not fail every commit it shares with the visitor's events, so its visitor's
 * sessions are counted again from the events instead (carriedClicks). Only the form clicksText
 * writes is such a list: an empty text or list, an id twice or out of order (which would be
 * decided otherwise than a recount decides it) is not.
 */
function parseClicks(text: string | null): Clicks | undefined {
  const clicks: Clicks = new Map();
  if (text === null) return clicks;
  let list: unknown;
  try { list = JSON.parse(text); } catch { return undefined; }
  if (!Array.isArray(list) || !list.length) return undefined;
  let last: SeenClick | undefined;
  for (const c of list as unknown[]) {
    if (!Array.isArray(c) || c.length !== 3 || !Object.hasOwn(RANK, c[0]) || typeof c[1] !== 'string' || typeof c[2] !== 'string') return undefined;
    if (last && !listedBefore(last, c as SeenClick)) return undefined;
    clicks.set(`${c[0]} ${c[1]}`, (last = c as SeenClick));
  }
  return clicks;
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
  return [t, t, channelOf({ source: so, medium: me, campaign: ca, referrer: host, click }), so, me, ca, host, click, ref, null];
}

/** The key of a row's session (visitor and session id), or undefined when it has none. */
export function sessionKey(row: Row): [string, string] | undefined {
  const v = row.anonymous_id;
  const s = row.context_measureplan_session_id;
  return typeof v === 'string' && v && typeof s === 'string' && s ? [v, s] : undefined;
}

/**
 * A session's key as one text, for a map: the visitor's id is prefixed by its length, as both ids
 * may hold any character (a newline between them made visitor "a\nb"'s session "c" and visitor
 * "a"'s session "b\nc" one session).
 */
export const sessionMapKey = (visitor: string, session: string) => `${visitor.length}:${visitor}${session}`;

/** What a commit gathered of one session: its row (without `clicks`), and its click ids (none: most sessions). */
export interface SessionDraft { summary: SessionSummary; clicks?: Clicks }

/** `d` with one more event of its session: the earliest event's origin (the first stored on a tie), the last time, every click id. */
export function summariseSession(d: SessionDraft | undefined, row: Row): SessionDraft {
  const t = row.timestamp;
  let clicks = d?.clicks;
  // Most events carry no click id: the columns are read only when one does.
  for (const c of CLICK_COLUMNS) {
    if (row[c] != null) { addClicks((clicks ??= new Map()), t, CLICK_COLUMNS.map((k) => row[k])); break; }
  }
  const s = d?.summary;
  if (!s || t < s[0]) {
    const next = origin(t, FIRST_COLUMNS.map((c) => row[c]));
    if (s && s[1] > t) next[1] = s[1];
    if (!d) return { summary: next, clicks };
    d.summary = next;
    d.clicks = clicks;
  } else {
    if (t > s[1]) s[1] = t;
    d!.clicks = clicks;
  }
  return d!;
}

const INSERT_SESSION_SQL = `INSERT INTO sessions (anonymous_id, session_id, ${SESSION_COLUMNS.join(', ')}) VALUES (?, ?, ${SESSION_COLUMNS.map(() => '?').join(', ')})`;

/**
 * Writes a commit's sessions: each session's row inserted, or, when it is stored already, read
 * by its key and updated if the commit changed it (an earlier first event replaces the origin;
 * the last time grows; the click ids join the row's). Then it decides again the click of the
 * sessions whose click may have changed: each one the commit gave a click id (new to it, or seen
 * earlier in it) or moved the start of while it carried one, and each session that so lost the
 * place of the first to carry one of its ids (first-clicks.ts). A session appended to a
 * visitor's history is the only one decided, whatever their count; a late session inserted
 * before others decides at most one more per click id. Ingest and recountSessions so decide
 * alike, whatever order the events arrive in. (Plain statements cost SQLite less than one
 * upsert answering with RETURNING, which fills a temporary table.)
 */
export function sessionWriter(db: Database): (sessions: Iterable<readonly [visitor: string, session: string, draft: SessionDraft]>) => void {
  const read = db.prepare('SELECT started, last_seen, clicks FROM sessions WHERE anonymous_id = ? AND session_id = ?').raw();
  const insert = db.prepare(`${INSERT_SESSION_SQL} ON CONFLICT(anonymous_id, session_id) DO NOTHING`);
  const replace = db.prepare(`UPDATE sessions SET ${SESSION_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE anonymous_id = ? AND session_id = ?`);
  const extend = db.prepare('UPDATE sessions SET last_seen = ?, clicks = ? WHERE anonymous_id = ? AND session_id = ?');
  const setClick = db.prepare('UPDATE sessions SET channel = ?, click = ?, click_ref = ? WHERE anonymous_id = ? AND session_id = ?');
  const firsts = firstClicks(db);
  const decide = sessionDecider(db, firsts);
  const recheck = carriedClicks(db);
  return (sessions) => {
    /** Sessions to decide again, by visitor. */
    const again = new Map<string, Set<string>>();
    /** Visitors whose sessions are all decided again (a `clicks` edited by hand). */
    const whole = new Set<string>();
    const mark = (v: string, id: string) => {
      const ids = again.get(v);
      if (ids) ids.add(id); else again.set(v, new Set([id]));
    };
    const offer = (v: string, id: string, started: string, clicks: Iterable<SeenClick>) => {
      for (const c of clicks) {
        const lost = firsts.offer(v, c[0], c[1], started, id);
        if (typeof lost === 'string') mark(v, lost);
      }
      mark(v, id);
    };
    for (const [v, id, { summary, clicks }] of sessions) {
      summary[9] = clicks ? clicksText(clicks) : null;
      // Most sessions in a commit of many visitors are new; a browser's batch is one session.
      if (insert.run(v, id, ...summary).changes) {
        if (!clicks) continue;
        // Decided here, from what the commit holds: the click is the first id on its landing no earlier session carried.
        let pick: SeenClick | undefined;
        for (const c of clicks.values()) {
          const first = firsts.offer(v, c[0], c[1], summary[0], id);
          if (typeof first === 'string') mark(v, first);
          if (first !== false && c[2] <= summary[0] && (!pick || listedBefore(c, pick))) pick = c;
        }
        const click = pick?.[0] ?? null;
        const ref = pick?.[1] ?? null;
        if (click !== summary[7] || ref !== summary[8]) {
          setClick.run(channelOf({ source: summary[3], medium: summary[4], campaign: summary[5], referrer: summary[6], click }), click, ref, v, id);
        }
        continue;
      }
      const [started, last, listed] = read.get(v, id) as [started: string, last: string, clicks: string | null];
      const moved = summary[0] < started;
      // The row's ids are read when the commit brings ids or moves the start of a session that carried some.
      const needed = clicks !== undefined || (moved && listed !== null);
      const all = needed ? parseClicks(listed) : undefined;
      // A list edited by hand: left as it is, and the visitor counted again from the events (carriedClicks).
      if (needed && !all) whole.add(v);
      let grew = false;
      let list = listed;
      /** The ids new to the session. */
      const added: SeenClick[] = [];
      if (clicks && all) {
        for (const c of clicks.values()) {
          const isNew = !all.has(`${c[0]} ${c[1]}`);
          if (addClick(all, c)) { grew = true; if (isNew) added.push(c); }
        }
        if (grew) list = clicksText(all);
      }
      if (moved) {
        // An earlier first event (a browser's queue sent late): the origin is its, and the session may now be the first to carry its ids.
        if (last > summary[1]) summary[1] = last;
        summary[9] = list;
        replace.run(...summary, v, id);
        if (all?.size) offer(v, id, summary[0], all.values());
      } else if (summary[1] > last || grew) {
        extend.run(summary[1] > last ? summary[1] : last, list, v, id);
        // Only later events, and no new click id: no session's click changes.
        if (grew) offer(v, id, started, added);
      }
    }
    for (const v of whole) { recheck(v); again.delete(v); }
    for (const [v, ids] of again) {
      for (const id of ids) if (!decide(v, id)) { recheck(v); break; }
    }
  };
}

/**
 * Decides again the click, and so the channel, of one session with click ids (carriedClicks says
 * the rule), asking first_clicks which of its ids an earlier session carried. False when its
 * `clicks` is no list or an id of it has no first carrier recorded: its visitor is then decided
 * whole (carriedClicks), which writes first_clicks anew.
 */
function sessionDecider(db: Database, firsts: FirstClicks): (visitor: string, id: string) => boolean {
  const row = db.prepare('SELECT started, channel, source, medium, campaign, referrer_host, click, click_ref, clicks FROM sessions WHERE anonymous_id = ? AND session_id = ?').raw();
  const set = db.prepare('UPDATE sessions SET channel = ?, click = ?, click_ref = ? WHERE anonymous_id = ? AND session_id = ?');
  return (visitor, id) => {
    const r = row.get(visitor, id) as [string, string, ...(string | null)[]] | undefined;
    if (!r) return true;
    const [started, was, source, medium, campaign, referrer, wasClick, wasRef, listed] = r;
    const clicks = parseClicks(listed ?? null);
    if (!clicks) return false;
    let pick: SeenClick | undefined;
    for (const c of clicks.values()) {
      // The list is in CLICK_KINDS order: the first id on the first event that is the session's own is the click.
      if (c[2] > started) continue;
      const first = firsts.first(visitor, c[0], c[1]);
      if (first === undefined) return false;
      if (first === id) { pick = c; break; }
    }
    const click = pick?.[0] ?? null;
    const ref = pick?.[1] ?? null;
    const channel = channelOf({ source, medium, campaign, referrer, click });
    if (channel !== was || click !== wasClick || ref !== wasRef) set.run(channel, click, ref, visitor, id);
    return true;
  };
}

const SESSION_EVENT = "anonymous_id IS NOT NULL AND anonymous_id <> '' AND context_measureplan_session_id IS NOT NULL AND context_measureplan_session_id <> ''";

/**
 * Writes the sessions of the events `where` selects (an SQL condition on `events` with its
 * arguments) from the events themselves: the schema 12 migration fills the table so, and an
 * erasure or a retention pass counts again the sessions of the visitors whose events it took
 * (their rows deleted first). Each session's first event is found by one pass (time, then store
 * order), then read by its row; its click ids by a pass over the events that carry one.
 */
export function recountSessions(db: Database, where: string, args: readonly unknown[] = []): number {
  // The tracker sends the same ids on every event: grouped by them, each combination is digested once.
  const carried = db.prepare(`SELECT anonymous_id, context_measureplan_session_id, min(timestamp), ${CLICK_COLUMNS.join(', ')}
    FROM events WHERE ${SESSION_EVENT} AND (${CLICK_COLUMNS.map((c) => `${c} IS NOT NULL`).join(' OR ')}) AND (${where})
    GROUP BY anonymous_id, context_measureplan_session_id, ${CLICK_COLUMNS.join(', ')}`).raw().all(...args) as [string, string, string, ...unknown[]][];
  const clicks = new Map<string, Clicks>();
  for (const [v, s, t, ...ids] of carried) {
    const key = sessionMapKey(v, s);
    let c = clicks.get(key);
    if (!c) clicks.set(key, (c = new Map()));
    addClicks(c, t, ids);
  }
  const firsts = db.prepare(`SELECT anonymous_id, context_measureplan_session_id, min(timestamp || ' ' || printf('%020d', seq)), max(timestamp)
    FROM events WHERE ${SESSION_EVENT} AND (${where})
    GROUP BY anonymous_id, context_measureplan_session_id`).raw().all(...args) as [string, string, string, string][];
  const rebuild = sessionRebuilder(db);
  for (const [v, s, key, last] of firsts) rebuild.put(v, s, Number(key.slice(key.lastIndexOf(' ') + 1)), last, clicks.get(sessionMapKey(v, s)));
  rebuild.done();
  return firsts.length;
}

/**
 * Writes sessions from their first event (by its row number; none: the row goes), their last
 * time and their click ids, replacing their rows; `done()` then decides again the clicks of the visitors whose
 * sessions had or have click ids (see carriedClicks).
 */
export function sessionRebuilder(db: Database): { put(visitor: string, session: string, firstSeq: number | undefined, last: string, clicks?: Clicks): void; done(): void } {
  const first = db.prepare(`SELECT timestamp, ${FIRST_COLUMNS.join(', ')} FROM events WHERE seq = ?`).raw();
  const drop = db.prepare('DELETE FROM sessions WHERE anonymous_id = ? AND session_id = ? RETURNING clicks').pluck();
  const put = db.prepare(INSERT_SESSION_SQL);
  const clicked = new Set<string>();
  return {
    put(visitor, session, firstSeq, last, clicks) {
      const row = firstSeq === undefined ? undefined : first.get(firstSeq) as [string, ...unknown[]] | undefined;
      if (drop.get(visitor, session) != null) clicked.add(visitor);
      if (!row) return;
      const [t, ...values] = row;
      const summary = origin(t, values);
      summary[1] = last;
      summary[9] = clicks ? clicksText(clicks) : null;
      put.run(visitor, session, ...summary);
      if (summary[9] !== null) clicked.add(visitor);
    },
    done() {
      const recheck = carriedClicks(db);
      for (const v of clicked) recheck(v);
      clicked.clear();
    },
  };
}

/**
 * Decides again the click, and so the channel, of a visitor's sessions that carried click ids,
 * in the order they started (then by session id). A session's click is, among the click ids on
 * its first event (those first seen at the session's start), the first in CLICK_KINDS order
 * whose kind and digest no earlier session of the visitor carried on any of its events; none
 * when every one was carried before (a return visit: the tracker keeps an id 90 days), and its
 * channel is then decided without a click. A click id first seen later in a session never
 * decides that session's channel (it did not land with it), but an earlier session carrying it
 * makes a later session's copy a return. One seek in the table's key per visitor, then every
 * session of theirs that carried an id: a commit decides only the sessions it changed
 * (sessionWriter); this is for an erasure, a retention pass, a migration and a hand-edited row.
 * It writes the visitor's first_clicks anew.
 */
export function carriedClicks(db: Database): (visitor: string) => void {
  const forgetRows = db.prepare('DELETE FROM sessions WHERE anonymous_id = ?');
  const firsts = firstClicks(db);
  // Ordered here, not by SQLite: an ORDER BY on a column outside the key sorts in a temporary table, for the few sessions of one visitor.
  const list = db.prepare(`SELECT session_id, started, channel, source, medium, campaign, referrer_host, click, click_ref, clicks FROM sessions
    WHERE anonymous_id = ? AND clicks IS NOT NULL`).raw();
  const set = db.prepare('UPDATE sessions SET channel = ?, click = ?, click_ref = ? WHERE anonymous_id = ? AND session_id = ?');
  const byStart = (a: (string | null)[], b: (string | null)[]) => (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : a[0]! < b[0]! ? -1 : a[0]! > b[0]! ? 1 : 0);
  return (visitor) => {
    firsts.clear(visitor);
    const earlier = new Set<string>();
    for (const [id, started, was, source, medium, campaign, referrer, wasClick, wasRef, listed] of (list.all(visitor) as (string | null)[][]).sort(byStart)) {
      const parsed = parseClicks(listed ?? null);
      if (!parsed) {
        // A row edited by hand: the visitor's sessions are counted again from their events (this decides them again).
        forgetRows.run(visitor);
        recountSessions(db, 'anonymous_id = ?', [visitor]);
        return;
      }
      // The list is in CLICK_KINDS order: the first new one on the first event is the click.
      const clicks = [...parsed.values()];
      const pick = clicks.find((c) => c[2] <= started! && !earlier.has(`${c[0]} ${c[1]}`));
      for (const c of clicks) {
        const key = `${c[0]} ${c[1]}`;
        if (!earlier.has(key)) { earlier.add(key); firsts.put(visitor, c[0], c[1], started!, id!); }
      }
      const click = pick?.[0] ?? null;
      const ref = pick?.[1] ?? null;
      const channel = channelOf({ source, medium, campaign, referrer, click });
      if (channel !== was || click !== wasClick || ref !== wasRef) set.run(channel, click, ref, visitor, id);
    }
  };
}
