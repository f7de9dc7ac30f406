/**
 * The ad click ids the store has seen for the visitors the orders name, read in a few queries.
 *
 * The events table has no index on `anonymous_id` (it would halve the insert rate), so nothing
 * here looks visitors up one by one: the wanted visitors, users and click ids go into temporary
 * tables (with their own index), and one scan over the events that carry a click id keeps the
 * rows of those visitors, grouped in SQL. E-mail addresses are mapped to visitors by one more
 * scan, only when an order has an e-mail and no click id of its own.
 *
 * A visitor id may be given in full or as its first 8 or more characters (a reference short
 * enough to read out on the phone): the scan also keeps the rows whose anonymous_id starts with
 * those 8 characters, and the rest of the comparison happens here. Dashes in a reference do not
 * count (`3f2a-9c1e` is read out in groups; a tracker id has its first dash after 8 characters).
 *
 * Click ids carried without `ads` consent are left out (see ADS_ALLOWED), and so are values that
 * cannot be click ids (clickIdProblem).
 *
 * When a click happened is not stored: an event carries the click ids of the visit, kept by the
 * tracker for 90 days. The first event that carried a click id is the best known time of the
 * click (the landing page view, when the collector receives page views).
 */
import { IDENTIFY_WHERE } from '../server/schema';
import type { Database } from '../server/sqlite';
import { clickIdProblem } from './match';
import { emailKey } from './normalise';
import { CLICK_KINDS, type ClickKind } from './orders';

export interface Click {
  kind: ClickKind;
  id: string;
  /** The first time (ms) an event carried this click id: the click happened then or before. */
  firstSeen: number;
  lastSeen: number;
}

export interface ClickIndex {
  /** anonymous_id → that visitor's click ids. */
  byVisitor: Map<string, Click[]>;
  /** A visitor id as the order gives it (in full, or its start) → the store's visitors it names, among those with clicks. */
  visitorIds: Map<string, Set<string>>;
  /** user_id → the click ids of every visitor identified as that user. */
  byUser: Map<string, Click[]>;
  /** `${kind}:${id}` → when the click id was first and last seen, whoever carried it. */
  byId: Map<string, Click>;
  /** A click id's kind, when the store knows it (any kind, for the click ids written on orders). */
  kindOf: Map<string, ClickKind>;
  /** Canonical e-mail (emailKey) → the visitors and users identified with it. */
  emails: Map<string, { visitors: Set<string>; users: Set<string> }>;
  /**
   * Visitors whose latest event says ads denied (withdrawn since, or Global Privacy Control), and
   * their click ids (`${kind}:${id}`): none is used, not even one written on an order.
   */
  withdrawn: Set<string>;
  /** The latest ads consent the store has of the visitors found and named (Google's Ad User Data for their orders). */
  consent: Map<string, 'granted' | 'denied'>;
  /** A visitor → the other visitors signed in as one of its users (the person's other devices), for their consent. */
  linked: Map<string, Set<string>>;
}

export interface Wanted {
  visitors: Iterable<string>;
  emails: Iterable<string>;
  clickIds: Iterable<string>;
}

export const emptyIndex = (): ClickIndex => ({ byVisitor: new Map(), visitorIds: new Map(), byUser: new Map(), byId: new Map(), kindOf: new Map(), emails: new Map(), withdrawn: new Set(), consent: new Map(), linked: new Map() });

/** The shortest start of a visitor id that is looked up (8 hex digits: about 4 billion values). */
export const VISITOR_PREFIX = 8;

/** A visitor reference compared without case, spaces or dashes: `3F2A-9C1E` is `3f2a9c1e`. */
export const compactRef = (v: string): string => v.toLowerCase().replace(/[\s-]+/g, '');

/** The 8-character starts under which a given reference is looked up: as written, and without its dashes. */
const startsOf = (v: string): string[] => [...new Set([v.toLowerCase(), compactRef(v)].filter((x) => x.length >= VISITOR_PREFIX).map((x) => x.slice(0, VISITOR_PREFIX)))];

/**
 * Click ids are ads data: one that an event carried while the visitor had not granted `ads`
 * (denied, or not decided yet) is never used, nor any of a visitor whose latest event says ads
 * denied. Events without a consent record (sent by another client than the tracker) are taken as
 * they come.
 */
const ADS_ALLOWED = "coalesce(context_measureplan_consent_ads, 'granted') = 'granted'";

const column = (k: ClickKind) => `context_measureplan_click_ids_${k}`;
const time = (iso: string) => Date.parse(iso);

/** Reads the click ids of the wanted visitors, users (found by e-mail) and click ids, of `kinds`. */
export function readClicks(db: Database, wanted: Wanted, kinds: readonly ClickKind[]): ClickIndex {
  const index = emptyIndex();
  const given = new Set(wanted.visitors);
  const visitors = new Set(given);
  const prefixes = new Set([...given].flatMap(startsOf));
  const users = new Set<string>();
  const clickIds = new Set(wanted.clickIds);

  const emailKeys = new Set([...wanted.emails].map(emailKey).filter((e): e is string => !!e));
  if (emailKeys.size) {
    // Identify calls carry traits.email (the email column); some shops identify by the e-mail itself.
    const rows = db.prepare(`SELECT DISTINCT anonymous_id, user_id, email FROM events WHERE email IS NOT NULL OR instr(user_id, '@') > 0`).all() as { anonymous_id: string | null; user_id: string | null; email: string | null }[];
    for (const r of rows) {
      for (const address of [r.email, r.user_id]) {
        const key = address && emailKey(address);
        if (!key || !emailKeys.has(key)) continue;
        let who = index.emails.get(key);
        if (!who) index.emails.set(key, (who = { visitors: new Set(), users: new Set() }));
        if (r.anonymous_id) { who.visitors.add(r.anonymous_id); visitors.add(r.anonymous_id); }
        if (r.user_id) { who.users.add(r.user_id); users.add(r.user_id); }
      }
    }
    // The person's other devices: every visitor signed in as one of their users, with an e-mail
    // trait or without (a "no" to ads there is theirs too). Seeks in the sign-ins' index (schema 10).
    const byUser = visitorsOfUsers(db, [...index.emails.values()].flatMap((who) => [...who.users]));
    for (const who of index.emails.values()) for (const u of who.users) for (const v of byUser.get(u) ?? []) { who.visitors.add(v); visitors.add(v); }
  }
  if (!kinds.length || (!visitors.size && !users.size && !clickIds.size)) return index;

  // Every kind is read for the click ids written on the orders, so that a gclid in a `click_id`
  // column is known as one even on a Meta export; the visitors' clicks are kept for `kinds` only.
  const cols = CLICK_KINDS.map(column);
  db.exec(`CREATE TEMP TABLE IF NOT EXISTS offline_visitors (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS offline_users (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS offline_clicks (id TEXT PRIMARY KEY) WITHOUT ROWID;
    CREATE TEMP TABLE IF NOT EXISTS offline_prefixes (id TEXT PRIMARY KEY) WITHOUT ROWID;
    DELETE FROM temp.offline_visitors; DELETE FROM temp.offline_users; DELETE FROM temp.offline_clicks; DELETE FROM temp.offline_prefixes;`);
  const fill = db.transaction(() => {
    for (const [table, ids] of [['offline_visitors', visitors], ['offline_users', users], ['offline_clicks', clickIds], ['offline_prefixes', prefixes]] as const) {
      const insert = db.prepare(`INSERT OR IGNORE INTO temp.${table} (id) VALUES (?)`);
      for (const id of ids) insert.run(id);
    }
  });
  fill();

  // A visitor whose latest consent record says ads denied has withdrawn it since (or sends Global
  // Privacy Control): none of their clicks is used, an earlier one granted included (`withdrawn`).
  // Their latest record is looked up for the visitors found and those the orders name (also one
  // who never granted ads, so has no click row), in the same statement (SQLite takes the bare
  // column from the row of max(timestamp)). A granted latest record of a visitor without a click
  // row comes too: it is the consent their order carries to Google (Ad User Data).
  const sql = `WITH found AS (SELECT anonymous_id, user_id, ${cols.join(', ')}, min(timestamp) AS first_seen, max(timestamp) AS last_seen
    FROM events
    WHERE ${ADS_ALLOWED} AND (((${kinds.map((k) => `${column(k)} IS NOT NULL`).join(' OR ')}) AND (anonymous_id IN temp.offline_visitors OR user_id IN temp.offline_users
            OR lower(substr(anonymous_id, 1, ${VISITOR_PREFIX})) IN temp.offline_prefixes))
       OR ${cols.map((c) => `${c} IN temp.offline_clicks`).join(' OR ')})
    GROUP BY anonymous_id, user_id, ${cols.join(', ')}),
    latest AS (SELECT anonymous_id, context_measureplan_consent_ads AS ads, max(timestamp) FROM events
      WHERE context_measureplan_consent_ads IS NOT NULL AND (anonymous_id IN (SELECT anonymous_id FROM found) OR anonymous_id IN temp.offline_visitors
        OR lower(substr(anonymous_id, 1, ${VISITOR_PREFIX})) IN temp.offline_prefixes) GROUP BY anonymous_id)
    SELECT found.*, latest.ads AS latest_ads FROM found LEFT JOIN latest ON latest.anonymous_id = found.anonymous_id
    UNION ALL SELECT anonymous_id, NULL, ${cols.map(() => 'NULL').join(', ')}, NULL, NULL, ads FROM latest
      WHERE ads IN ('denied', 'granted') AND anonymous_id NOT IN (SELECT anonymous_id FROM found WHERE anonymous_id IS NOT NULL)`;
  const rows = db.prepare(sql).all() as Record<string, string | null>[];
  // Every visitor a short reference could name, with a click or without (none, or only under ads
  // denied): one of them is not enough to credit the order to the other (Node wing QA 2026-12-07).
  const sharing = prefixes.size
    ? db.prepare(`SELECT DISTINCT anonymous_id FROM events WHERE lower(substr(anonymous_id, 1, ${VISITOR_PREFIX})) IN temp.offline_prefixes`).pluck().all() as string[]
    : [];
  db.exec('DROP TABLE IF EXISTS temp.offline_visitors; DROP TABLE IF EXISTS temp.offline_users; DROP TABLE IF EXISTS temp.offline_clicks; DROP TABLE IF EXISTS temp.offline_prefixes;');

  // A given visitor id names the visitor with exactly that id, else those whose id starts with it.
  const byPrefix = new Map<string, string[]>();
  for (const v of given) for (const p of startsOf(v)) byPrefix.set(p, [...(byPrefix.get(p) ?? []), v]);
  const named = (anonymousId: string) => {
    const ids = given.has(anonymousId) ? [anonymousId] : [];
    const lower = anonymousId.toLowerCase();
    const compact = compactRef(anonymousId);
    for (const v of new Set(byPrefix.get(lower.slice(0, VISITOR_PREFIX)) ?? [])) {
      if (v !== anonymousId && (lower.startsWith(v.toLowerCase()) || compact.startsWith(compactRef(v)))) ids.push(v);
    }
    return ids;
  };

  const add = (map: Map<string, Click[]>, key: string, c: Click) => {
    let list = map.get(key);
    if (!list) map.set(key, (list = []));
    const same = list.find((x) => x.kind === c.kind && x.id === c.id);
    if (same) { same.firstSeen = Math.min(same.firstSeen, c.firstSeen); same.lastSeen = Math.max(same.lastSeen, c.lastSeen); } else list.push({ ...c });
  };
  for (const r of rows) {
    if (r.anonymous_id && (r.latest_ads === 'denied' || r.latest_ads === 'granted')) index.consent.set(r.anonymous_id, r.latest_ads);
    // A visitor found only for their consent (no click row): nothing more to read.
    if (r.first_seen === null && r.latest_ads === 'granted') continue;
    if (r.latest_ads === 'denied') {
      index.withdrawn.add(r.anonymous_id!);
      for (const kind of CLICK_KINDS) if (r[column(kind)]) index.withdrawn.add(`${kind}:${r[column(kind)]}`);
      continue;
    }
    // Rows kept only because their id starts with the same 8 characters as a wanted one: not wanted.
    const names = r.anonymous_id ? named(r.anonymous_id) : [];
    const wantedRow = names.length || visitors.has(r.anonymous_id ?? '') || users.has(r.user_id ?? '') || cols.some((c) => clickIds.has(r[c] ?? ''));
    if (!wantedRow) continue;
    const firstSeen = time(r.first_seen!);
    const lastSeen = time(r.last_seen!);
    if (!Number.isFinite(firstSeen) || !Number.isFinite(lastSeen)) continue;
    for (const kind of CLICK_KINDS) {
      const id = r[column(kind)];
      // The store keeps landing-URL parameters as they came: a crafted one is no click id.
      if (!id || clickIdProblem(id)) continue;
      if (!index.kindOf.has(id)) index.kindOf.set(id, kind);
      if (!kinds.includes(kind)) continue;
      const click: Click = { kind, id, firstSeen, lastSeen };
      if (r.anonymous_id) {
        add(index.byVisitor, r.anonymous_id, click);
        for (const v of names) {
          let set = index.visitorIds.get(v);
          if (!set) index.visitorIds.set(v, (set = new Set()));
          set.add(r.anonymous_id);
        }
      }
      if (r.user_id) add(index.byUser, r.user_id, click);
      const key = `${kind}:${id}`;
      const known = index.byId.get(key);
      if (known) { known.firstSeen = Math.min(known.firstSeen, firstSeen); known.lastSeen = Math.max(known.lastSeen, lastSeen); } else index.byId.set(key, { ...click });
    }
  }
  for (const id of sharing) {
    for (const v of named(id)) {
      let set = index.visitorIds.get(v);
      if (!set) index.visitorIds.set(v, (set = new Set()));
      set.add(id);
    }
  }
  linkDevices(db, index, [...given, ...[...index.visitorIds.values()].flatMap((set) => [...set]), ...index.byVisitor.keys(), ...[...index.emails.values()].flatMap((who) => [...who.visitors])]);
  return index;
}

/**
 * The person's other devices: for each visitor an order may concern, the visitors signed in as
 * one of its users (through the sign-ins' indexes, schema 10), and the latest ads consent of those
 * not read yet, so that a "no" on any device of the person counts (final read 2026-12-07: an
 * order naming the laptop went to LinkedIn though the phone, signed in as the same user, said no).
 */
function linkDevices(db: Database, index: ClickIndex, visitors: readonly string[]): void {
  const ids = [...new Set(visitors)];
  if (!ids.length) return;
  const users = db.prepare(`SELECT DISTINCT anonymous_id, user_id FROM events INDEXED BY events_identify_visitor
    WHERE ${IDENTIFY_WHERE} AND anonymous_id IN (SELECT value FROM json_each(?))`).raw().all(JSON.stringify(ids)) as [string, string][];
  const byUser = visitorsOfUsers(db, users.map(([, u]) => u));
  for (const [v, u] of users) {
    let set = index.linked.get(v);
    if (!set) index.linked.set(v, (set = new Set()));
    for (const w of byUser.get(u) ?? []) if (w !== v) set.add(w);
  }
  const unread = [...new Set([...byUser.values()].flat())].filter((v) => !index.consent.has(v));
  if (!unread.length) return;
  const latest = db.prepare(`SELECT anonymous_id, context_measureplan_consent_ads, max(timestamp) FROM events
    WHERE context_measureplan_consent_ads IS NOT NULL AND anonymous_id IN (SELECT value FROM json_each(?)) GROUP BY anonymous_id`).raw().all(JSON.stringify(unread)) as [string, string, string][];
  for (const [v, ads] of latest) if (ads === 'denied' || ads === 'granted') index.consent.set(v, ads);
}

/** An order the site tracked online too: its first conversion, and whether the browser could send it to the ad platforms. */
export interface OnlineOrder { id: string; event: string; timestamp: string; ads: boolean }

/**
 * The orders of `ids` that the store holds as tracked online (a conversion whose `transaction_id`
 * is the order number), each with its first such conversion: its id (the event id the browser
 * gave it at every vendor, Meta's `eventID`), and whether ads consent let the browser send it to
 * the ad platforms (granted, or no consent record: another client than the tracker sent it).
 */
export function onlineOrders(db: Database, ids: ReadonlySet<string>): Map<string, OnlineOrder> {
  const found = new Map<string, OnlineOrder>();
  if (!ids.size) return found;
  db.exec('CREATE TEMP TABLE IF NOT EXISTS offline_orders (id TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.offline_orders;');
  const insert = db.prepare('INSERT OR IGNORE INTO temp.offline_orders (id) VALUES (?)');
  db.transaction(() => { for (const id of ids) insert.run(id); })();
  const rows = db.prepare(`SELECT transaction_id, id, event, timestamp, ${ADS_ALLOWED} AS ads FROM events
    WHERE type = 'track' AND transaction_id IN temp.offline_orders ORDER BY timestamp DESC`).all() as { transaction_id: string; id: string; event: string; timestamp: string; ads: number }[];
  db.exec('DROP TABLE IF EXISTS temp.offline_orders;');
  for (const r of rows) {
    const ads = !!r.ads || !!found.get(r.transaction_id)?.ads; // any of its conversions sent with ads consent
    found.set(r.transaction_id, { id: r.id, event: r.event, timestamp: r.timestamp, ads }); // the earliest last
  }
  return found;
}

/** The visitors each of `users` signed in on (one query, through the sign-ins' index of schema 10). */
function visitorsOfUsers(db: Database, users: readonly string[]): Map<string, string[]> {
  const byUser = new Map<string, string[]>();
  const ids = [...new Set(users)];
  if (!ids.length) return byUser;
  const rows = db.prepare(`SELECT DISTINCT user_id, anonymous_id FROM events INDEXED BY events_identify_user
    WHERE ${IDENTIFY_WHERE} AND user_id IN (SELECT value FROM json_each(?))`).raw().all(JSON.stringify(ids)) as [string, string][];
  for (const [u, v] of rows) byUser.set(u, [...(byUser.get(u) ?? []), v]);
  return byUser;
}
