/**
 * The store's schema and its migrations. Column names follow the Segment/RudderStack warehouse
 * schema (`id` = messageId, `anonymous_id`, `received_at`, `context_*` flattened with `_`,
 * properties as bare columns), so the report's SQL runs against their `tracks` tables through a
 * view (docs/store.md). Indexes are few on purpose: each one costs ingest time (a visitor index
 * on random ids halved the insert rate here). The one report index is ordered by event and time
 * (so inserts land near its end) and covers the columns the report's heavy queries read, so
 * those run on the index alone, never on the wide rows. Each migration runs once, in a transaction, recorded in
 * `schema_migrations` and in `PRAGMA user_version`; a store newer than this build is refused.
 */
import { StoreError, type Database } from './sqlite';
import { VITAL_NAMES, vitalBucketSql } from '../report/vitals';
import { carriedClicks, recountSessions, SESSIONS_TABLE_SQL } from './sessions';
import { FIRST_CLICKS_SQL } from './first-clicks';

/**
 * The columns a message is flattened into, in insert order (`seq` aside). The message itself is
 * kept whole in `events_raw` under the same `seq`: apart, so that scans of `events` read lean rows.
 */
export const EVENT_COLUMNS = [
  'id', 'type', 'event', 'event_text', 'name', 'anonymous_id', 'user_id', 'email',
  'timestamp', 'original_timestamp', 'sent_at', 'received_at',
  'context_page_url', 'context_page_path', 'context_page_title', 'context_page_referrer',
  'context_campaign_source', 'context_campaign_medium', 'context_campaign_name', 'context_campaign_term', 'context_campaign_content',
  'context_user_agent', 'context_locale', 'context_library_name', 'context_library_version',
  'context_measureplan_kind', 'context_measureplan_session_id',
  'context_measureplan_consent_analytics', 'context_measureplan_consent_ads',
  'context_measureplan_click_ids_gclid', 'context_measureplan_click_ids_gbraid', 'context_measureplan_click_ids_wbraid',
  'context_measureplan_click_ids_fbclid', 'context_measureplan_click_ids_li_fat_id', 'context_measureplan_click_ids_msclkid',
  'context_measureplan_experiments',
  'value', 'currency', 'transaction_id', 'item_id', 'item_name', 'item_category', 'items', 'price', 'quantity',
  'funnel', 'funnel_step', 'funnel_steps', 'experiment_id', 'variant_id',
  'metric_name', 'metric_value', 'metric_rating',
] as const;
export type EventColumn = (typeof EVENT_COLUMNS)[number];
/** Columns added after schema version 1 (each by its migration). */
const ADDED_IN_3: readonly EventColumn[] = ['price', 'quantity'];
const V1_COLUMNS = EVENT_COLUMNS.filter((c) => !ADDED_IN_3.includes(c));

const REAL = new Set<EventColumn>(['value', 'metric_value', 'price']);
const INTEGER = new Set<EventColumn>(['funnel_step', 'funnel_steps', 'quantity']);
const columnType = (c: EventColumn) => (REAL.has(c) ? 'REAL' : INTEGER.has(c) ? 'INTEGER' : 'TEXT');

/** The visitors table's worst rating per metric: 1 good, 2 needs improvement, 3 poor. */
export const VITAL_COLUMNS = ['lcp', 'inp', 'cls', 'fcp', 'ttfb'] as const;
export const SEVERITY: Readonly<Record<string, number>> = { good: 1, 'needs-improvement': 2, poor: 3 };
const SEVERITY_SQL = "CASE metric_rating WHEN 'good' THEN 1 WHEN 'needs-improvement' THEN 2 WHEN 'poor' THEN 3 END";

/**
 * The report index's columns: ordered by event and time (new entries land near its end), then
 * everything the report's heavy queries read, so that they never open the wide rows.
 */
const REPORT_INDEX_5 = ['event', 'timestamp', 'anonymous_id', 'value', 'item_id', 'item_name', 'item_category', 'price', 'quantity', 'metric_name', 'metric_rating'];
/** Since version 6 it also covers `metric_value`: a dated report reads the 75th percentile of each web vital from it. */
const REPORT_INDEX_6 = [...REPORT_INDEX_5, 'metric_value'];
/** Since version 7 it also covers `currency`: a cart filled in another currency than the plan's is reported in it. */
const REPORT_INDEX = [...REPORT_INDEX_6, 'currency'];

/** A visitor's row in `visitors`, from `first_seen` on: first and last seen, events, worst rating per web vital. */
export type Summary = [first: string, last: string, events: number, ...worst: (number | null)[]];

/** `s` with one more event of its visitor (a new summary when undefined), as ingest counts it. */
export function summarise(s: Summary | undefined, t: string, event: unknown, metric: unknown, rating: unknown): Summary {
  if (!s) s = [t, t, 0, ...VITAL_COLUMNS.map(() => null)];
  if (t < s[0]) s[0] = t;
  if (t > s[1]) s[1] = t;
  s[2]++;
  if (event === 'web_vital' && typeof metric === 'string' && typeof rating === 'string') {
    const i = VITAL_COLUMNS.indexOf(metric.toLowerCase() as (typeof VITAL_COLUMNS)[number]);
    const sev = SEVERITY[rating];
    if (i >= 0 && sev && sev > ((s[3 + i] as number | null) ?? 0)) s[3 + i] = sev;
  }
  return s;
}

/**
 * Rewrites the summaries of `n` visitors (the statement's parameters: their anonymous ids) from
 * the events the store holds for them, as the migration that made the table does; a visitor
 * with no event left has no row.
 */
export const recountVisitorsSql = (n: number) => `INSERT INTO visitors (anonymous_id, first_seen, last_seen, events, ${VITAL_COLUMNS.join(', ')})
  SELECT anonymous_id, min(timestamp), max(timestamp), count(*), ${VITAL_COLUMNS.map((m) => `max(CASE WHEN event = 'web_vital' AND metric_name = '${m.toUpperCase()}' THEN ${SEVERITY_SQL} END)`).join(', ')}
  FROM events WHERE anonymous_id IN (${Array.from({ length: n }, () => '?').join(', ')}) GROUP BY anonymous_id`;

/** The web_vital rows the page-load distribution counts: a known metric with a value ≥ 0. */
export const VITAL_PAGE_WHERE = `event = 'web_vital' AND metric_name IN (${VITAL_NAMES.map((m) => `'${m}'`).join(', ')}) AND metric_value >= 0`;

/** `fill`: run after `sql`, in the same transaction, for what SQL alone does not compute (a URL's host). */
interface Migration { version: number; description: string; sql: string; fill?: (db: Database) => void }

/** The rows of the `events_orders` partial index; a query must say it the same way to use the index. */
export const ORDER_WHERE = "(context_measureplan_kind = 'macro' OR transaction_id IS NOT NULL)";
/** A sign-in: an identify call that names both the user and the visitor (schema 10's `events_identify_user`). */
export const IDENTIFY_WHERE = "type = 'identify' AND user_id IS NOT NULL AND anonymous_id IS NOT NULL";

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events (warehouse column names), quarantine, relay position and rejects, warehouse-style views',
    sql: `
      CREATE TABLE events (
        seq INTEGER PRIMARY KEY,
        ${V1_COLUMNS.map((c) => `${c} ${columnType(c)}${c === 'id' || c === 'type' || c === 'timestamp' || c === 'received_at' ? ' NOT NULL' : ''}`).join(',\n        ')}
      );
      CREATE TABLE events_raw (seq INTEGER PRIMARY KEY, raw TEXT NOT NULL);
      CREATE UNIQUE INDEX events_id ON events (id);
      CREATE INDEX events_report ON events (event, timestamp, anonymous_id, value, metric_name, metric_rating);
      CREATE TABLE quarantine (
        seq INTEGER PRIMARY KEY,
        message_id TEXT UNIQUE,
        received_at TEXT NOT NULL,
        type TEXT,
        event TEXT,
        anonymous_id TEXT,
        reason TEXT NOT NULL,
        path TEXT,
        raw TEXT
      );
      CREATE TABLE relay_state (
        target TEXT PRIMARY KEY,
        position INTEGER NOT NULL DEFAULT 0,
        delivered INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT
      );
      CREATE TABLE relay_rejected (
        seq INTEGER PRIMARY KEY,
        target TEXT NOT NULL,
        event_seq INTEGER NOT NULL,
        message_id TEXT,
        status INTEGER,
        reason TEXT,
        at TEXT NOT NULL
      );
      CREATE VIEW tracks AS SELECT * FROM events WHERE type = 'track';
      CREATE VIEW pages AS SELECT * FROM events WHERE type = 'page';
      CREATE VIEW identifies AS SELECT * FROM events WHERE type = 'identify';
    `,
  },
  {
    version: 2,
    description: 'webhook_outbox: abandoned carts and browses handed to the shop\'s e-mail tool, once each',
    sql: `
      CREATE TABLE webhook_outbox (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        visitor TEXT NOT NULL,
        email TEXT,
        payload TEXT NOT NULL,
        status TEXT NOT NULL,
        reason TEXT,
        created_at TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        delivered_at TEXT
      );
      CREATE INDEX webhook_outbox_status ON webhook_outbox (status, next_attempt_at);
      CREATE INDEX webhook_outbox_email ON webhook_outbox (email, created_at);
    `,
  },
  {
    version: 3,
    description: 'price and quantity columns; the report index also covers item_id (carts and browses read from it)',
    sql: `
      ALTER TABLE events ADD COLUMN price REAL;
      ALTER TABLE events ADD COLUMN quantity INTEGER;
      DROP INDEX events_report;
      CREATE INDEX events_report ON events (event, timestamp, anonymous_id, value, item_id, metric_name, metric_rating);
    `,
  },
  {
    version: 4,
    description: 'visitors: one summary row per visitor (first and last seen, events, worst Core Web Vitals), kept at ingest',
    sql: `
      CREATE TABLE visitors (
        anonymous_id TEXT PRIMARY KEY,
        first_seen TEXT NOT NULL,
        last_seen TEXT NOT NULL,
        events INTEGER NOT NULL,
        lcp INTEGER, inp INTEGER, cls INTEGER, fcp INTEGER, ttfb INTEGER
      ) WITHOUT ROWID;
      INSERT INTO visitors
      SELECT anonymous_id, min(timestamp), max(timestamp), count(*),
        ${VITAL_COLUMNS.map((m) => `max(CASE WHEN event = 'web_vital' AND metric_name = '${m.toUpperCase()}' THEN ${SEVERITY_SQL} END)`).join(',\n        ')}
      FROM events WHERE anonymous_id IS NOT NULL GROUP BY anonymous_id;
    `,
  },
  {
    version: 5,
    description: 'the report index also covers product names, categories, prices and quantities (carts read from it); partial indexes over experiment exposures and over events with an items list',
    // The partial indexes hold only their own rows (exposures; events with an `items` list), so
    // ingest of every other event pays nothing for them.
    sql: `
      DROP INDEX events_report;
      CREATE INDEX events_report ON events (${REPORT_INDEX_5.join(', ')});
      CREATE INDEX events_exposures ON events (experiment_id, anonymous_id, variant_id, timestamp) WHERE event = 'experiment_viewed';
      CREATE INDEX events_items ON events (event, timestamp) WHERE items IS NOT NULL;
    `,
  },
  {
    version: 6,
    description: 'vital_pages: page loads per web vital and value bucket (the 75th percentile), kept at ingest; the report index also covers metric_value',
    // On an existing store this rebuilds the report index once, then fills vital_pages from it:
    // 8.6 s for 1,000,000 events here (docs/performance.md).
    sql: `
      DROP INDEX events_report;
      CREATE INDEX events_report ON events (${REPORT_INDEX_6.join(', ')});
      CREATE TABLE vital_pages (
        metric TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        pages INTEGER NOT NULL,
        PRIMARY KEY (metric, bucket)
      ) WITHOUT ROWID;
      INSERT INTO vital_pages
      SELECT metric_name, ${vitalBucketSql()}, count(*) FROM events INDEXED BY events_report
      WHERE ${VITAL_PAGE_WHERE} GROUP BY 1, 2;
    `,
  },
  {
    version: 7,
    description: 'the report index also covers currency (a cart filled in another currency is reported, and handed over, in it)',
    sql: `
      DROP INDEX events_report;
      CREATE INDEX events_report ON events (${REPORT_INDEX.join(', ')});
    `,
  },
  {
    version: 8,
    description: "each visitor's orders (macro conversions, events with an order number), for the hand-off's check of orders under names a plan has since changed",
    sql: `CREATE INDEX IF NOT EXISTS events_orders ON events (anonymous_id, timestamp) WHERE ${ORDER_WHERE};`,
  },
  {
    version: 9,
    description: "each user's orders, for the hand-off's check of an order the shop's server sent with the user id only, or made on another of the person's devices",
    sql: `CREATE INDEX IF NOT EXISTS events_orders_user ON events (user_id, timestamp) WHERE ${ORDER_WHERE};`,
  },
  {
    version: 10,
    description: "the sign-ins (identify calls with a visitor) by user and by visitor, and the events stored without a visitor, for the report's join of an event the shop's server sent with the user id only to the visitor who signed in as that user",
    sql: `CREATE INDEX IF NOT EXISTS events_identify_user ON events (user_id, timestamp) WHERE ${IDENTIFY_WHERE};
      CREATE INDEX IF NOT EXISTS events_identify_visitor ON events (anonymous_id, timestamp) WHERE ${IDENTIFY_WHERE};
      CREATE INDEX IF NOT EXISTS events_strays ON events (event, timestamp) WHERE anonymous_id IS NULL;`,
  },
  {
    version: 11,
    description: "sessions: one row per visitor's session (its first event's campaign, referring site and ad click kind; first and last event), kept at ingest, for the report's channels",
    // Filled by version 12's migration, which needs the click ids' table too.
    sql: SESSIONS_TABLE_SQL,
  },
  {
    version: 12,
    description: "sessions.clicks: every ad click id each session carried (kind, digest, first time), so that a new click beside one carried from an earlier visit, or one first seen after the landing, is told apart; the sessions filled again from the events",
    // On an existing store the table is filled from the events once: one pass for the sessions'
    // first events, one over the events with a click id (docs/performance.md).
    // The column is added only where it is missing, as version 11 creates its table only where it is.
    sql: 'DELETE FROM sessions;',
    // The code that fills it writes version 13's first_clicks too, so the table is made here where it is missing.
    fill: (db) => {
      if (!(db.pragma('table_info(sessions)') as { name: string }[]).some((c) => c.name === 'clicks')) db.exec('ALTER TABLE sessions ADD COLUMN clicks TEXT');
      db.exec(FIRST_CLICKS_SQL);
      recountSessions(db, '1');
    },
  },
  {
    version: 13,
    description: "first_clicks: for each visitor and ad click id, the session that carried it first, so that a commit decides a session's click by one seek per id instead of reading every earlier session of the visitor; filled from the sessions' click ids",
    // Filled from `sessions`, not the events: one pass over the sessions with click ids, by visitor.
    sql: FIRST_CLICKS_SQL,
    fill: (db) => {
      db.exec('DELETE FROM first_clicks');
      const decide = carriedClicks(db);
      for (const v of db.prepare('SELECT DISTINCT anonymous_id FROM sessions WHERE clicks IS NOT NULL').pluck().all() as string[]) decide(v);
    },
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** Brings the store to this build's schema; returns the versions it applied. */
export function migrate(db: Database): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > SCHEMA_VERSION) {
    throw new StoreError(`the store has schema version ${current}, newer than this measureplan (${SCHEMA_VERSION}).`, 'Upgrade measureplan to read it (npm install measureplan@latest).');
  }
  const applied: number[] = [];
  for (const m of MIGRATIONS) {
    if (m.version <= current) continue;
    db.transaction(() => {
      db.exec(m.sql);
      m.fill?.(db);
      db.prepare('INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)').run(m.version, m.description, new Date().toISOString());
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}
