/**
 * Erasing one person from the store (`measureplan forget`), for a data-subject request: every
 * event, quarantined message, abandonment hand-off and summary that belongs to them, found from
 * what identifies them (an e-mail address, a user id, a browser's anonymous id).
 *
 * Who they are: the given ids, plus every anonymous id that was ever seen on an event with their
 * user id or e-mail (the browsers they signed in on). A browser shared with someone else is
 * erased whole: what it did before the sign-in cannot be told apart, and erasing too much is the
 * safe side of such a request.
 *
 * The deleted content is overwritten (SQLite's `secure_delete`), and the write-ahead log is
 * checkpointed, so the store file no longer holds it. Summaries kept at ingest follow: the
 * visitors' rows go, and their page loads leave `vital_pages`. What the relay had already
 * forwarded cannot be recalled from here; the result says how much, per target.
 */
import { pageLoadOf } from '../report/vitals';
import type { Database } from './sqlite';

export interface Person {
  emails?: readonly string[];
  userIds?: readonly string[];
  anonymousIds?: readonly string[];
}

export interface Forgotten {
  /** The ids the erasure covered: the given ones and the browsers linked to them. */
  anonymousIds: string[];
  userIds: string[];
  events: number;
  quarantined: number;
  handoffs: number;
  visitors: number;
  /** Events of theirs that a relay target had received before (it must be asked to delete them too). */
  forwarded: { target: string; events: number }[];
  /** The write-ahead log was checkpointed into the store and emptied: no old copy of a page is left. */
  checkpointed: boolean;
  dryRun: boolean;
}

const norm = (email: string) => email.trim().toLowerCase();
const list = (xs: readonly string[]) => xs.map(() => '?').join(', ') || 'NULL';

export function forget(db: Database, person: Person, { dryRun = false } = {}): Forgotten {
  const emails = [...new Set((person.emails ?? []).map(norm).filter(Boolean))];
  const given = [...new Set(person.userIds ?? [])].filter(Boolean);
  const anon = new Set((person.anonymousIds ?? []).filter(Boolean));

  // One pass over the events for what identifies them (there is no index on these columns: each
  // would cost every insert, and an erasure is rare).
  // Two rounds: the e-mail gives the user ids it was seen with, and those give every browser the
  // person signed in on. No further: a browser's other user ids are other people.
  const userIds = new Set(given);
  for (let round = 0; round < 2; round++) {
    const users = [...userIds];
    const who = db.prepare(`SELECT DISTINCT anonymous_id, user_id FROM events WHERE user_id IN (${list(users)}) OR lower(trim(email)) IN (${list(emails)})`).raw().all(...users, ...emails) as [string | null, string | null][];
    for (const [a, u] of who) { if (a) anon.add(a); if (u && round === 0) userIds.add(u); }
  }
  const anonIds = [...anon];
  const users = [...userIds];

  const rows = db.prepare(`SELECT seq, event, metric_name, metric_value FROM events
    WHERE anonymous_id IN (${list(anonIds)}) OR user_id IN (${list(users)}) OR lower(trim(email)) IN (${list(emails)})`)
    .raw().all(...anonIds, ...users, ...emails) as [number, string | null, string | null, number | null][];
  const seqs = rows.map((r) => r[0]);

  // Quarantined messages: by the anonymous id kept beside them, or by their ids or e-mail address
  // anywhere in the message as received (a message cut at 32 KB is no JSON any more, and an
  // address can sit in any field): a text search, on the safe side of an erasure.
  const quoted = [...users, ...anonIds];
  const quarantineWhere = [`anonymous_id IN (${list(anonIds)})`, ...quoted.map(() => 'instr(raw, json_quote(?)) > 0'), ...emails.map(() => 'instr(lower(raw), ?) > 0')].join(' OR ');
  const quarantineArgs = [...anonIds, ...quoted, ...emails];
  const handoffWhere = `visitor IN (${list(anonIds)}) OR lower(trim(email)) IN (${list(emails)})`;
  const count = (sql: string, args: unknown[]) => db.prepare(sql).pluck().get(...args) as number;

  const forwarded: Forgotten['forwarded'] = [];
  for (const { target, position } of db.prepare('SELECT target, position FROM relay_state').all() as { target: string; position: number }[]) {
    const n = seqs.filter((s) => s <= position).length;
    if (n) forwarded.push({ target, events: n });
  }
  const result: Forgotten = {
    anonymousIds: anonIds, userIds: users, events: seqs.length,
    quarantined: count(`SELECT count(*) FROM quarantine WHERE ${quarantineWhere}`, quarantineArgs),
    handoffs: count(`SELECT count(*) FROM webhook_outbox WHERE ${handoffWhere}`, [...anonIds, ...emails]),
    visitors: count(`SELECT count(*) FROM visitors WHERE anonymous_id IN (${list(anonIds)})`, anonIds),
    forwarded, checkpointed: false, dryRun,
  };
  if (dryRun) return result;

  // Deleted content is overwritten with zeros, not left in free space for a file reader to find.
  db.pragma('secure_delete = ON');
  const pages = new Map<string, number>();
  for (const [, event, metric, value] of rows) {
    const page = pageLoadOf(event, metric, value);
    if (page) pages.set(page.join(' '), (pages.get(page.join(' ')) ?? 0) + 1);
  }
  const delEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  const delRaw = db.prepare('DELETE FROM events_raw WHERE seq = ?');
  const delRejected = db.prepare('DELETE FROM relay_rejected WHERE event_seq = ?');
  const lessPages = db.prepare('UPDATE vital_pages SET pages = pages - ? WHERE metric = ? AND bucket = ?');
  db.transaction(() => {
    for (const s of seqs) { delEvent.run(s); delRaw.run(s); delRejected.run(s); }
    for (const [key, n] of pages) { const [metric, bucket] = key.split(' '); lessPages.run(n, metric, Number(bucket)); }
    db.prepare('DELETE FROM vital_pages WHERE pages <= 0').run();
    db.prepare(`DELETE FROM quarantine WHERE ${quarantineWhere}`).run(...quarantineArgs);
    db.prepare(`DELETE FROM webhook_outbox WHERE ${handoffWhere}`).run(...anonIds, ...emails);
    db.prepare(`DELETE FROM visitors WHERE anonymous_id IN (${list(anonIds)})`).run(...anonIds);
  })();
  // The old pages are still in the write-ahead log (and the store, until checkpointed): copy the
  // new ones back and empty the log. A reader holding an old snapshot (a running report) blocks it.
  const [busy] = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').raw().get() as [number, number, number];
  result.checkpointed = busy === 0;
  return result;
}
