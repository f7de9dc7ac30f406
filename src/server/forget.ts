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
 * checkpointed. SQLite may still hold older copies of their rows in free space inside pages (left
 * when the server moved rows between pages as the store grew): the file is searched for their
 * ids, and rewritten (VACUUM) when one is found. Summaries kept at ingest follow: the visitors'
 * rows go, and their page loads leave `vital_pages`. What the relay had already forwarded cannot
 * be recalled from here; the result says how much, per target.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { pageLoadOf, pageLoadsCounter } from '../report/vitals';
import { foldEmail } from './message';
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
  /** The store file was rewritten (VACUUM): their ids were still found in its free space. */
  vacuumed: boolean;
  /** Their ids are still in the file's free space: the rewrite could not run (the reason). */
  copiesLeft?: string;
  dryRun: boolean;
}

const list = (xs: readonly string[]) => xs.map(() => '?').join(', ') || 'NULL';

// Characters that can continue an address on either side: `a@b.com` is not in `xa@b.com` or `a@b.com.au`.
const LOCAL = /[\p{L}\p{N}._%+-]/u;
const DOMAIN = /[\p{L}\p{N}_-]/u;
// A JSON escape right before the address (`"Hi\nkari@…"`) ends the previous word.
const ESCAPED = /\\(?:[nrtbf"\\/]|u[0-9a-f]{4})$/;

/** Whether a message as received names the address (already folded), as a whole address, in any case. */
function mentions(text: unknown, address: unknown): number {
  if (typeof text !== 'string' || typeof address !== 'string' || !address) return 0;
  const t = text.toLowerCase();
  for (let i = t.indexOf(address); i >= 0; i = t.indexOf(address, i + 1)) {
    const end = i + address.length;
    const before = i === 0 || !LOCAL.test(t[i - 1]!) || ESCAPED.test(t.slice(Math.max(0, i - 6), i));
    const after = end === t.length || !(DOMAIN.test(t[end]!) || (t[end] === '.' && end + 1 < t.length && DOMAIN.test(t[end + 1]!)));
    if (before && after) return 1;
  }
  return 0;
}

type EventRow = [seq: number, event: string | null, metric: string | null, value: number | null, email: string | null];

/**
 * Their ids and events among the events after `after` (0: all). Two rounds: the e-mail gives the
 * user ids it was seen with, and those give every browser the person signed in on. No further:
 * a browser's other user ids are other people. There is no index on these columns (each would
 * cost every insert, and an erasure is rare): each round is a pass over the events.
 */
function search(db: Database, emails: string[], users: Set<string>, anon: Set<string>, after: number): EventRow[] {
  const byEmail = `(email IS NOT NULL AND measureplan_fold(email) IN (${list(emails)}))`;
  for (let round = 0; round < 2; round++) {
    const u = [...users];
    const who = db.prepare(`SELECT DISTINCT anonymous_id, user_id FROM events WHERE seq > ? AND (user_id IN (${list(u)}) OR ${byEmail})`).raw().all(after, ...u, ...emails) as [string | null, string | null][];
    for (const [a, id] of who) { if (a) anon.add(a); if (id && round === 0) users.add(id); }
  }
  const a = [...anon];
  const u = [...users];
  return db.prepare(`SELECT seq, event, metric_name, metric_value, email FROM events
    WHERE seq > ? AND (anonymous_id IN (${list(a)}) OR user_id IN (${list(u)}) OR ${byEmail})`).raw().all(after, ...a, ...u, ...emails) as EventRow[];
}

export function forget(db: Database, person: Person, { dryRun = false } = {}): Forgotten {
  const emails = [...new Set((person.emails ?? []).map(foldEmail).filter(Boolean))];
  const users = new Set([...new Set(person.userIds ?? [])].filter(Boolean));
  const anon = new Set((person.anonymousIds ?? []).filter(Boolean));
  db.function('measureplan_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldEmail(s) : null));
  db.function('measureplan_mentions', { deterministic: true }, mentions);

  // The long search runs before the write lock is taken, so the server's commits wait only for
  // the deletes; what it stores meanwhile (after `last`) is searched again under the lock.
  const last = (db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number);
  const rows = new Map<number, EventRow>();
  for (const r of search(db, emails, users, anon, 0)) rows.set(r[0], r);

  // Quarantined messages: by the anonymous id kept beside them, or by their ids or e-mail address
  // anywhere in the message as received (a message cut at 32 KB is no JSON any more, and an
  // address can sit in any field): a text search, on the safe side of an erasure.
  const quarantine = () => {
    const a = [...anon];
    const quoted = [...users, ...a];
    return {
      where: [`anonymous_id IN (${list(a)})`, ...quoted.map(() => 'instr(raw, json_quote(?)) > 0'), ...emails.map(() => 'measureplan_mentions(raw, ?)')].join(' OR '),
      args: [...a, ...quoted, ...emails],
    };
  };
  const handoffs = () => ({ where: `visitor IN (${list([...anon])}) OR (email IS NOT NULL AND measureplan_fold(email) IN (${list(emails)}))`, args: [...anon, ...emails] });
  const visitors = () => ({ where: `anonymous_id IN (${list([...anon])})`, args: [...anon] });
  const count = (table: string, q: { where: string; args: unknown[] }) => db.prepare(`SELECT count(*) FROM ${table} WHERE ${q.where}`).pluck().get(...q.args) as number;

  const forwardedOf = (seqs: number[]): Forgotten['forwarded'] => {
    const refused = new Map<string, Set<number>>();
    for (const [target, seq] of db.prepare('SELECT target, event_seq FROM relay_rejected').raw().all() as [string, number][]) {
      if (!refused.has(target)) refused.set(target, new Set());
      refused.get(target)!.add(seq);
    }
    const out: Forgotten['forwarded'] = [];
    for (const { target, position } of db.prepare('SELECT target, position FROM relay_state').all() as { target: string; position: number }[]) {
      // An event the target refused (relay_rejected) is behind its position but was never delivered.
      const n = seqs.filter((s) => s <= position && !refused.get(target)?.has(s)).length;
      if (n) out.push({ target, events: n });
    }
    return out;
  };

  const result: Forgotten = {
    anonymousIds: [], userIds: [], events: 0, quarantined: 0, handoffs: 0, visitors: 0, forwarded: [], checkpointed: false, vacuumed: false, dryRun,
  };
  const done = () => {
    result.anonymousIds = [...anon];
    result.userIds = [...users];
    result.events = rows.size;
    return result;
  };
  if (dryRun) {
    Object.assign(result, { quarantined: count('quarantine', quarantine()), handoffs: count('webhook_outbox', handoffs()), visitors: count('visitors', visitors()), forwarded: forwardedOf([...rows.keys()]) });
    return done();
  }

  // Deleted content is overwritten with zeros, not left in free space for a file reader to find.
  db.pragma('secure_delete = ON');
  const delEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  const delRaw = db.prepare('DELETE FROM events_raw WHERE seq = ?');
  const delRejected = db.prepare('DELETE FROM relay_rejected WHERE event_seq = ?');
  const lessPages = db.prepare('UPDATE vital_pages SET pages = pages - ? WHERE metric = ? AND bucket = ?');
  const stored = new Set<string>();
  db.transaction(() => {
    // Under the write lock: what the server stored since the search, and (rarely) a new link.
    const [u0, a0] = [users.size, anon.size];
    for (const r of search(db, emails, users, anon, last)) rows.set(r[0], r);
    if (users.size > u0 || anon.size > a0) for (const r of search(db, emails, users, anon, 0)) rows.set(r[0], r);
    const seqs = [...rows.keys()];
    result.forwarded = forwardedOf(seqs);
    const pages = pageLoadsCounter();
    for (const [, event, metric, value, email] of rows.values()) {
      if (email) stored.add(email);
      const page = pageLoadOf(event, metric, value);
      if (page) pages.add(...page);
    }
    for (const s of seqs) { delEvent.run(s); delRaw.run(s); delRejected.run(s); }
    for (const [metric, bucket, n] of pages.rows()) lessPages.run(n, metric, bucket);
    db.prepare('DELETE FROM vital_pages WHERE pages <= 0').run();
    const q = quarantine();
    const h = handoffs();
    const v = visitors();
    result.quarantined = db.prepare(`DELETE FROM quarantine WHERE ${q.where}`).run(...q.args).changes;
    result.handoffs = db.prepare(`DELETE FROM webhook_outbox WHERE ${h.where}`).run(...h.args).changes;
    result.visitors = db.prepare(`DELETE FROM visitors WHERE ${v.where}`).run(...v.args).changes;
    // `seq` is a rowid without AUTOINCREMENT: with the newest events gone, SQLite hands their
    // numbers out again, and a relay whose position is past them would skip those new events.
    const top = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number;
    db.prepare('UPDATE relay_state SET position = ? WHERE position > ?').run(top, top);
  }).immediate();
  // The old pages are still in the write-ahead log (and the store, until checkpointed): copy the
  // new ones back and empty the log. A reader holding an old snapshot (a running report) blocks it.
  const checkpoint = () => (db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').raw().get() as [number, number, number])[0] === 0;
  result.checkpointed = checkpoint();
  const erased = rows.size + result.quarantined + result.handoffs + result.visitors > 0;
  if (erased && result.checkpointed && db.name !== ':memory:' && inFile(db.name, [...emails, ...stored, ...users, ...anon])) {
    // Copies left in free space by page splits and moves before the server turned secure_delete
    // on (stores written by an older measureplan): only rewriting the file removes them.
    try {
      db.exec('VACUUM');
      result.vacuumed = true;
      result.checkpointed = checkpoint();
    } catch (e) {
      // The erasure itself is committed: only the rewrite failed (the store stayed locked).
      result.copiesLeft = (e as Error).message;
    }
  }
  return done();
}

/**
 * Whether the store file holds one of the texts (ASCII case ignored). Ids shorter than 8 bytes
 * are not searched: such bytes turn up by chance in a binary file.
 */
function inFile(file: string, texts: string[]): boolean {
  const needles = texts.map((t) => asciiLower(Buffer.from(t))).filter((b) => b.length >= 8);
  if (!needles.length) return false;
  const overlap = Math.max(...needles.map((b) => b.length)) - 1;
  const chunk = Buffer.alloc(8 << 20);
  const fd = openSync(file, 'r');
  try {
    let kept = 0;
    for (let pos = 0; ;) {
      const n = readSync(fd, chunk, kept, chunk.length - kept, pos);
      if (!n) return false;
      pos += n;
      const view = chunk.subarray(0, kept + n);
      asciiLower(view, kept);
      if (needles.some((b) => view.includes(b))) return true;
      kept = Math.min(overlap, view.length);
      view.copyWithin(0, view.length - kept);
    }
  } finally {
    closeSync(fd);
  }
}

function asciiLower(b: Buffer, from = 0): Buffer {
  for (let i = from; i < b.length; i++) if (b[i]! >= 65 && b[i]! <= 90) b[i] = b[i]! + 32;
  return b;
}
