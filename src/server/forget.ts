/**
 * Erasing one person from the store (`measureplan forget`), for a data-subject request: every
 * event, quarantined message, abandonment hand-off and summary that belongs to them, found from
 * what identifies them (an e-mail address, a user id, a browser's anonymous id).
 *
 * Who they are: the given ids, plus every anonymous id that was ever seen on an event with their
 * user id or e-mail (the browsers they signed in on). An e-mail address identifies them wherever
 * the store holds it: in the `email` column, as a user id (`userId: "kari@example.com"`), and
 * anywhere in a message as received (a page URL `?email=kari%40example.com`, a property). A
 * browser shared with someone else is erased whole: what it did before the sign-in cannot be told
 * apart, and erasing too much is the safe side of such a request. A browser that only *names* the
 * address in a message is theirs when it never signed in as anyone (they followed a link from
 * their mailbox); when it signed in as someone else (a colleague, a support agent, a friend who
 * typed their address in a form), only the messages that name the address are erased, and the
 * rest of that other person's data stays. The `email` column of an event other than an identify
 * (`properties.email`: a form field) counts as such a mention, not as their e-mail: only the
 * `traits.email` of an identify, and a user id that is the address, tie a user id to them.
 *
 * The deleted content is overwritten (SQLite's `secure_delete`), and the write-ahead log is
 * checkpointed. SQLite may still hold older copies of their rows in free space inside pages (left
 * when the server moved rows between pages as the store grew): the file is searched for their
 * ids and addresses, and rewritten (VACUUM) when one is found in a row of theirs or in no row
 * (not when it only sits inside other people's longer values). Then it is searched again: what is
 * still found is located in the tables (`left`), and the erasure is `complete` only when none of
 * it is theirs. Summaries kept at ingest follow: the visitors' rows go, and their page loads leave
 * `vital_pages`. What the relay had already forwarded cannot be recalled from here; the result
 * says how much, per target.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { pageLoadOf, pageLoadsCounter } from '../report/vitals';
import { foldEmail } from './message';
import { shownUrl } from './delivery';
import { recountVisitorsSql } from './schema';
import { recountSessions } from './sessions';
import type { Database } from './sqlite';

export interface Person {
  emails?: readonly string[];
  userIds?: readonly string[];
  anonymousIds?: readonly string[];
}

/** What the file check still found after the erasure, and where. */
export interface Leftover {
  /** Their address or id that the file still holds. */
  text: string;
  /** The table whose rows hold it, or `file` when no row of the tables forget reads does. */
  table: string;
  rows: number;
  /**
   * Whether those rows are theirs: the id itself, the whole address (`theirs: false`: the text is
   * only part of other, longer values, such as `xkari@example.com` or `user-12` for `user-1`).
   */
  theirs: boolean;
  /** Up to 10 of the rows' keys (`seq`, or the table's key), to look at them. */
  keys: (string | number)[];
}

export interface Forgotten {
  /** The ids the erasure covered: the given ones and the browsers linked to them. */
  anonymousIds: string[];
  userIds: string[];
  events: number;
  /**
   * Of `events`: those found by the address in their message as received (a page URL, a property;
   * whole, or percent-encoded as `%40`), where no id or e-mail field of the event names them.
   */
  eventsFoundInMessages: number;
  /** Of `anonymousIds`: browsers linked to them only because a message from them names the address (never signed in as anyone). */
  browsersFoundInMessages: string[];
  /**
   * Of `events`: messages naming the address from other people (signed in as someone else, or with
   * another user id and no browser). Only these events are erased; those browsers' other events
   * stay, and their visitor summaries are recounted from what stays.
   */
  othersNamingAddress: { events: number; browsers: number };
  quarantined: number;
  handoffs: number;
  visitors: number;
  /** Events of theirs that a relay target had received before (it must be asked to delete them too). */
  forwarded: { target: string; events: number }[];
  /** The write-ahead log was checkpointed into the store and emptied: no old copy of a page is left. */
  checkpointed: boolean;
  /** The store file was rewritten (VACUUM): their ids were still found in it, other than inside other people's longer values. */
  vacuumed: boolean;
  /** Their ids are still in the file's free space: the rewrite could not run (the reason). */
  copiesLeft?: string;
  /** What the file check still finds after the erasure (and the rewrite), and where. */
  left: Leftover[];
  /**
   * The store file holds nothing of theirs any more: the log was emptied, and the file check found
   * none of their ids or addresses (or only inside other people's longer values). Not set for a dry run.
   */
  complete?: boolean;
  dryRun: boolean;
}

/** A long pass: `searched` of `of` messages read so far; `rewriting` before the file is rewritten. */
export type Progress = { searched: number; of: number } | { rewriting: true };

const list = (xs: readonly string[]) => xs.map(() => '?').join(', ') || 'NULL';

// Characters that can continue an address on either side: `a@b.com` is not in `xa@b.com` or `a@b.com.au`.
const LOCAL = /[\p{L}\p{N}._%+-]/u;
// An apostrophe inside a local part (`o'brien@…`) continues it too; after a space or `=` it quotes the address (`'kari@…'`).
const APOSTROPHE = /[\p{L}\p{N}._%+-]'$/u;
const DOMAIN = /[\p{L}\p{N}_-]/u;
// A JSON escape right before the address (`"Hi\nkari@…"`) ends the previous word.
const ESCAPED = /\\(?:[nrtbf"\\/]|u[0-9a-f]{4})$/;

/** Whether the (lower-case) text holds the address as a whole address. */
function whole(t: string, address: string): boolean {
  for (let i = t.indexOf(address); i >= 0; i = t.indexOf(address, i + 1)) {
    const end = i + address.length;
    const before = i === 0 || (!LOCAL.test(t[i - 1]!) && !APOSTROPHE.test(t.slice(Math.max(0, i - 2), i))) || ESCAPED.test(t.slice(Math.max(0, i - 6), i));
    const after = end === t.length || !(DOMAIN.test(t[end]!) || (t[end] === '.' && end + 1 < t.length && DOMAIN.test(t[end + 1]!)));
    if (before && after) return true;
  }
  return false;
}

/** Percent-escapes decoded as a browser would (`%40` → `@`, `%C3%B8` → `ø`); a run that is no UTF-8 keeps its non-ASCII bytes escaped. */
const decoded = (t: string) => t.replace(/(?:%[0-9a-f]{2})+/gi, (run) => {
  try {
    return decodeURIComponent(run);
  } catch {
    return run.replace(/%([0-7][0-9a-f])/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
  }
});

/**
 * Whether a message as received names the address (already folded), as a whole address, in any
 * case: as written, or percent-encoded as in a URL (`kari%40example.com`; `%2Bkari%40…` is
 * `+kari@…`, another address).
 */
function mentions(text: unknown, address: unknown): number {
  if (typeof text !== 'string' || typeof address !== 'string' || !address) return 0;
  const t = text.normalize('NFC').toLowerCase();
  if (whole(t, address)) return 1;
  return t.includes('%') && whole(decoded(t).normalize('NFC').toLowerCase(), address) ? 1 : 0;
}

/**
 * LIKE patterns that every text naming the address matches, in whatever case and however a URL
 * encoded it: its longest stretches of ASCII letters and digits (which every encoder leaves as they
 * are; `.`, `-` and `_` may come as `%2E`, `%2D`, `%5F`, which `mentions` decodes), without `i`
 * and `k` (`İ` and the Kelvin sign fold to them). SQLite compares them
 * without calling into JavaScript, and without ASCII case; only the messages that match all of
 * them are read by `mentions`.
 */
function patterns(address: string): string[] {
  return (address.match(/[a-hjl-z0-9]{3,}/g) ?? []).sort((a, b) => b.length - a.length).slice(0, 3).map((s) => `%${s}%`);
}

const CHUNK = 25_000;

/**
 * The events (`seq`) in (after, to] whose message as received names one of the addresses: a pass
 * over `events_raw` (about 1 GB of messages for 1,000,000 events), in ranges of `seq`, so that
 * the caller can tell how far it got.
 */
function naming(db: Database, emails: readonly string[], after: number, to: number, step = CHUNK, progress?: (p: Progress) => void): number[] {
  if (!emails.length || to <= after) return [];
  const args: string[] = [];
  const where = emails.map((e) => {
    const like = patterns(e);
    args.push(...like, e);
    return `(${like.map(() => "raw LIKE ? ESCAPE '\\' AND ").join('')}measureplan_mentions(raw, ?))`;
  }).join(' OR ');
  const chunk = db.prepare(`SELECT count(*), json_group_array(seq) FILTER (WHERE ${where}) FROM events_raw WHERE seq > ? AND seq <= ?`).raw();
  // Counted from the id index (0.1 s for 1,000,000 events), not from the messages.
  const of = progress ? (db.prepare('SELECT count(*) FROM events').pluck().get() as number) : 0;
  const found: number[] = [];
  let searched = 0;
  for (let from = after; from < to; from += step) {
    const [n, seqs] = chunk.get(...args, from, Math.min(from + step, to)) as [number, string];
    searched += n;
    found.push(...(JSON.parse(seqs) as number[]));
    progress?.({ searched, of: Math.max(of, searched) });
  }
  progress?.({ searched, of: searched });
  return found;
}

type EventRow = [seq: number, event: string | null, metric: string | null, value: number | null, email: string | null, anonymousId: string | null, theirs: number, direct: number, inField: number];

/** What the search knows so far (it only grows). */
interface Who {
  emails: string[];
  users: Set<string>;
  anon: Set<string>;
  /** Events whose message names one of the addresses. */
  named: Set<number>;
  /** Browsers linked only through a message naming the address. */
  byMention: Set<string>;
  /** Browsers whose messages name the address, signed in as someone else. */
  others: Set<string>;
}

/**
 * Their ids and events among the events after `after` (0: all). Two rounds: the e-mail gives the
 * user ids it was seen with (as the `traits.email` of an identify, or as the user id itself), and those give
 * every browser the person signed in on. No further: a browser's other user ids are other people.
 * A browser that sent a message naming the address is theirs when it never signed in as anyone
 * else. There is no index on these columns (each would cost every insert, and an erasure is
 * rare): each round is a pass over the events. After `after` > 0, a browser not seen before that
 * names the address cannot be judged from its recent events alone: undefined, search them all.
 */
function search(db: Database, w: Who, after: number): EventRow[] | undefined {
  const { emails, users, anon } = w;
  const named = JSON.stringify([...w.named]);
  const folded = (col: string) => `measureplan_fold(${col}) IN (${list(emails)})`;
  // What ties an event to them: their user id, a user id that is the address, or the address as
  // the e-mail of an identify (`traits.email`).
  const direct = () => {
    const u = [...users];
    const byAddress = emails.length ? ` OR (instr(user_id, '@') > 0 AND ${folded('user_id')}) OR (type = 'identify' AND email IS NOT NULL AND ${folded('email')})` : '';
    return { sql: `(user_id IN (${list(u)})${byAddress})`, args: emails.length ? [...u, ...emails, ...emails] : u };
  };
  // The address in the e-mail field of another event (`properties.email`: a gift or referral form
  // names someone) is a mention, as in the message: it ties the browser to them only when that
  // browser never signed in as anyone else.
  const field = emails.length ? { sql: `(type <> 'identify' AND email IS NOT NULL AND ${folded('email')})`, args: emails } : { sql: '0', args: [] };
  const mention = { sql: `(seq IN (SELECT value FROM json_each(?)) OR ${field.sql})`, args: [named, ...field.args] };
  // Signed in as someone: a user id (theirs are matched by `direct` first), or an e-mail that is not the address.
  const someone = { sql: `(user_id IS NOT NULL OR (email IS NOT NULL AND ${emails.length ? `NOT ${folded('email')}` : '1'}))`, args: emails };
  let d = direct();
  const candidates = new Set<string>();
  const first = db.prepare(`SELECT DISTINCT anonymous_id, user_id, ${d.sql}, ${someone.sql} FROM events
    WHERE seq > ? AND (${d.sql} OR ${mention.sql})`).raw().all(...d.args, ...someone.args, after, ...d.args, ...mention.args) as [string | null, string | null, number, number][];
  for (const [a, id, theirs, signedIn] of first) {
    if (theirs) { if (a) anon.add(a); if (id) users.add(id); } else if (a) (signedIn ? w.others : candidates).add(a);
  }
  const fresh = [...candidates].filter((a) => !anon.has(a) && !w.others.has(a));
  if (after > 0 && fresh.length) return undefined;
  d = direct();
  const second = db.prepare(`SELECT DISTINCT anonymous_id, ${d.sql} FROM events
    WHERE seq > ? AND (${d.sql} OR (anonymous_id IN (${list(fresh)}) AND ${someone.sql}))`).raw().all(...d.args, after, ...d.args, ...fresh, ...someone.args) as [string | null, number][];
  for (const [a, theirs] of second) if (a) (theirs ? anon : w.others).add(a);
  for (const a of fresh) if (!anon.has(a) && !w.others.has(a)) { anon.add(a); w.byMention.add(a); }
  const a = [...anon];
  d = direct();
  const theirs = `(anonymous_id IN (${list(a)}) OR ${d.sql})`;
  return db.prepare(`SELECT seq, event, metric_name, metric_value, email, anonymous_id, ${theirs}, ${d.sql}, ${field.sql} FROM events
    WHERE seq > ? AND (${theirs} OR ${mention.sql})`).raw().all(...a, ...d.args, ...d.args, ...field.args, after, ...a, ...d.args, ...mention.args) as EventRow[];
}

export interface ForgetOptions {
  dryRun?: boolean;
  progress?: (p: Progress) => void;
  /** Events read per step of the pass over the messages, with a progress report after each (tests make it small). */
  chunk?: number;
}

/** Of the events `seqs`, how many each relay target had received (a refused event never was). */
function forwarded(db: Database, seqs: number[]): Forgotten['forwarded'] {
  const refused = new Map<string, Set<number>>();
  for (const [target, seq] of db.prepare('SELECT target, event_seq FROM relay_rejected').raw().all() as [string, number][]) {
    if (!refused.has(target)) refused.set(target, new Set());
    refused.get(target)!.add(seq);
  }
  const out: Forgotten['forwarded'] = [];
  for (const { target, position } of db.prepare('SELECT target, position FROM relay_state').all() as { target: string; position: number }[]) {
    // An event the target refused (relay_rejected) is behind its position but was never delivered.
    const n = seqs.filter((s) => s <= position && !refused.get(target)?.has(s)).length;
    // Shown without query values (a key in the URL is no business of the person or the log).
    if (n) out.push({ target: shownUrl(target), events: n });
  }
  return out;
}

/**
 * Who the person is in the store and what is theirs: the search both `forget` and `exportPerson`
 * make. `rows`: their events and the events naming their address (`theirs` tells them apart).
 */
function find(db: Database, person: Person, chunk: number, progress?: (p: Progress) => void) {
  const emails = [...new Set((person.emails ?? []).map(foldEmail).filter(Boolean))];
  const users = new Set([...new Set(person.userIds ?? [])].filter(Boolean));
  // A user id that is an e-mail address is that address too: where it is the user id, and where a message names it.
  for (const u of users) if (/^[^\s@]+@[^\s@]+$/.test(u.trim()) && !emails.includes(foldEmail(u))) emails.push(foldEmail(u));
  const anon = new Set((person.anonymousIds ?? []).filter(Boolean));
  const who: Who = { emails, users, anon, named: new Set(), byMention: new Set(), others: new Set() };
  db.function('measureplan_fold', { deterministic: true }, (s: unknown) => (typeof s === 'string' ? foldEmail(s) : null));
  db.function('measureplan_mentions', { deterministic: true }, mentions);

  // The long search runs before the write lock is taken, so the server's commits wait only for
  // the deletes; what it stores meanwhile (after `last`) is searched again under the lock.
  const last = (db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number);
  for (const s of naming(db, emails, 0, last, chunk, progress)) who.named.add(s);
  const rows = new Map<number, EventRow>();
  for (const r of search(db, who, 0)!) rows.set(r[0], r);

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
  return { emails, users, anon, who, last, rows, quarantine, handoffs, visitors };
}

export function forget(db: Database, person: Person, { dryRun = false, progress, chunk = CHUNK }: ForgetOptions = {}): Forgotten {
  const { emails, users, anon, who, last, rows, quarantine, handoffs, visitors } = find(db, person, chunk, progress);
  const count = (table: string, q: { where: string; args: unknown[] }) => db.prepare(`SELECT count(*) FROM ${table} WHERE ${q.where}`).pluck().get(...q.args) as number;

  /** Browsers of other people that lose the events naming the address (their summary is recounted). */
  const othersTouched = () => new Set([...rows.values()].filter((r) => !r[6] && r[5] !== null && !anon.has(r[5])).map((r) => r[5]!));

  const result: Forgotten = {
    anonymousIds: [], userIds: [], events: 0, eventsFoundInMessages: 0, browsersFoundInMessages: [], othersNamingAddress: { events: 0, browsers: 0 },
    quarantined: 0, handoffs: 0, visitors: 0, forwarded: [], checkpointed: false, vacuumed: false, left: [], dryRun,
  };
  const done = () => {
    result.anonymousIds = [...anon];
    result.userIds = [...users];
    result.events = rows.size;
    result.eventsFoundInMessages = [...rows.values()].filter((r) => !r[7] && (who.named.has(r[0]) || r[8])).length;
    result.browsersFoundInMessages = [...who.byMention].filter((a) => anon.has(a));
    result.othersNamingAddress = { events: [...rows.values()].filter((r) => !r[6] && !(r[5] !== null && anon.has(r[5]))).length, browsers: othersTouched().size };
    return result;
  };
  if (dryRun) {
    Object.assign(result, { quarantined: count('quarantine', quarantine()), handoffs: count('webhook_outbox', handoffs()), visitors: count('visitors', visitors()), forwarded: forwarded(db, [...rows.keys()]) });
    return done();
  }

  // Deleted content is overwritten with zeros, not left in free space for a file reader to find.
  db.pragma('secure_delete = ON');
  const delEvent = db.prepare('DELETE FROM events WHERE seq = ?');
  const delRaw = db.prepare('DELETE FROM events_raw WHERE seq = ?');
  const delRejected = db.prepare('DELETE FROM relay_rejected WHERE event_seq = ?');
  const lessPages = db.prepare('UPDATE vital_pages SET pages = pages - ? WHERE metric = ? AND bucket = ?');
  // The addresses as the erased rows held them (`Øyvind@…`, with a tab): the file is searched for those too.
  const stored = new Set<string>();
  db.transaction(() => {
    // Under the write lock: what the server stored since the search, and (rarely) a new link.
    const [u0, a0] = [users.size, anon.size];
    const top = db.prepare('SELECT coalesce(max(seq), 0) FROM events_raw').pluck().get() as number;
    for (const s of naming(db, emails, last, top, chunk)) who.named.add(s);
    const recent = search(db, who, last);
    for (const r of (!recent || users.size > u0 || anon.size > a0 ? search(db, who, 0)! : recent)) rows.set(r[0], r);
    const seqs = [...rows.keys()];
    result.forwarded = forwarded(db, seqs);
    const pages = pageLoadsCounter();
    for (const [, event, metric, value, email] of rows.values()) {
      if (email && emails.includes(foldEmail(email))) stored.add(email);
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
    // Their sessions' summaries (where they came from: campaign, referring site, ad click ids' digests).
    db.prepare(`DELETE FROM sessions WHERE ${v.where}`).run(...v.args);
    // Other people's browsers that lost only the events naming the address: their summary is
    // counted again from the events they keep (as the migration that made the table does).
    const touched = [...othersTouched()];
    if (touched.length) {
      db.prepare(`DELETE FROM visitors WHERE anonymous_id IN (${list(touched)})`).run(...touched);
      db.prepare(recountVisitorsSql(touched.length)).run(...touched);
      db.prepare(`DELETE FROM sessions WHERE anonymous_id IN (${list(touched)})`).run(...touched);
      recountSessions(db, `anonymous_id IN (${list(touched)})`, touched);
    }
    // `seq` is a rowid without AUTOINCREMENT: with the newest events gone, SQLite hands their
    // numbers out again, and a relay whose position is past them would skip those new events.
    const top2 = db.prepare('SELECT coalesce(max(seq), 0) FROM events').pluck().get() as number;
    db.prepare('UPDATE relay_state SET position = ? WHERE position > ?').run(top2, top2);
  }).immediate();
  // The old pages are still in the write-ahead log (and the store, until checkpointed): copy the
  // new ones back and empty the log. A reader holding an old snapshot (a running report) blocks it.
  const checkpoint = () => (db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').raw().get() as [number, number, number])[0] === 0;
  result.checkpointed = checkpoint();
  const erased = rows.size + result.quarantined + result.handoffs + result.visitors > 0;
  if (result.checkpointed && db.name !== ':memory:') {
    const needles = needlesOf([...emails, ...stored], [...users, ...anon]);
    const found = inFile(db.name, needles);
    // Where the file holds them: a text that only sits inside other people's longer values
    // (`nicola@…` for `cola@…`) is explained by those live rows, and would be found again after
    // every rewrite. Only a text that is theirs, or in no row forget reads (a copy in free space),
    // makes the file worth rewriting.
    let left = found.length ? locate(db, found, chunk, progress) : [];
    if (left.some((l) => l.theirs)) {
      // Copies left in free space by page splits and moves before the server turned secure_delete
      // on (stores written by an older measureplan): only rewriting the file removes them.
      progress?.({ rewriting: true });
      try {
        db.exec('VACUUM');
        result.vacuumed = true;
        result.checkpointed = checkpoint();
        const again = result.checkpointed ? inFile(db.name, needles) : [];
        // Still there after the rewrite: in live rows. Say where, and whether those rows are theirs.
        left = again.length ? locate(db, again, chunk, progress) : [];
      } catch (e) {
        // The erasure itself is committed: only the rewrite failed (the store stayed locked).
        result.copiesLeft = (e as Error).message;
        left = [];
      }
    }
    result.left = left;
  }
  // Nothing erased and nothing rewritten: a blocked checkpoint leaves no old page of theirs behind.
  result.complete = (result.checkpointed || (!erased && !result.vacuumed)) && !result.copiesLeft && !result.left.some((l) => l.theirs);
  return done();
}

/** One text the file is searched for: an address (as given, as stored, percent-encoded) or an id. */
interface Needle { text: string; bytes: Buffer; address?: string; id?: string }

/** Ids shorter than 8 bytes are not searched: such bytes turn up by chance in a binary file. */
function needlesOf(addresses: string[], ids: string[]): Needle[] {
  const out = new Map<string, Needle>();
  const add = (text: string, kind: { address?: string; id?: string }) => {
    const bytes = asciiLower(Buffer.from(text));
    if (bytes.length < 8) return;
    const key = bytes.toString('latin1');
    const n = out.get(key) ?? { text, bytes };
    Object.assign(n, kind);
    out.set(key, n);
  };
  for (const a of addresses) {
    const folded = foldEmail(a);
    add(a, { address: folded });
    add(a.replace('@', '%40'), { address: folded });
  }
  for (const id of ids) add(id, { id });
  return [...out.values()];
}

/** The needles the store file holds (ASCII case ignored), read once through. */
function inFile(file: string, needles: Needle[]): Needle[] {
  if (!needles.length) return [];
  const found = new Set<Needle>();
  const overlap = Math.max(...needles.map((n) => n.bytes.length)) - 1;
  const chunk = Buffer.alloc(8 << 20);
  const fd = openSync(file, 'r');
  try {
    let kept = 0;
    for (let pos = 0; ;) {
      const n = readSync(fd, chunk, kept, chunk.length - kept, pos);
      if (!n) return [...found];
      pos += n;
      const view = chunk.subarray(0, kept + n);
      asciiLower(view, kept);
      for (const needle of needles) if (!found.has(needle) && view.includes(needle.bytes)) found.add(needle);
      if (found.size === needles.length) return [...found];
      kept = Math.min(overlap, view.length);
      view.copyWithin(0, view.length - kept);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * ASCII capitals to lower case, in place. Four bytes at a time (twice as fast as byte by byte
 * over a 2 GB store): a byte is a capital when it is below 0x80, and adding 0x3f reaches 0x80
 * (≥ 'A') while adding 0x25 does not (≤ 'Z'); its 0x20 bit is then set.
 */
function asciiLower(b: Buffer, from = 0): Buffer {
  const lower = (i: number) => { if (b[i]! >= 65 && b[i]! <= 90) b[i] = b[i]! + 32; };
  let i = from;
  for (; i < b.length && (b.byteOffset + i) % 4; i++) lower(i);
  if (i >= b.length) return b;
  const words = new Uint32Array(b.buffer, b.byteOffset + i, (b.length - i) >>> 2);
  for (let j = 0; j < words.length; j++) {
    const w = words[j]!;
    const h = w & 0x7f7f7f7f;
    const capitals = ~w & ((h + 0x3f3f3f3f) ^ (h + 0x25252525)) & 0x80808080;
    if (capitals) words[j] = w ^ (capitals >>> 2);
  }
  for (i += words.length * 4; i < b.length; i++) lower(i);
  return b;
}

/**
 * Where the texts the file still holds are: first the rows that are theirs by the erasure's own
 * rules (the id in its column or as a JSON text, the whole address), then, for a text no such row
 * holds, the rows that hold it inside a longer value (`xkari@…`: someone else). A text in neither
 * is reported in the `file` itself (theirs, to be safe).
 */
function locate(db: Database, found: Needle[], step: number, progress?: (p: Progress) => void): Leftover[] {
  const subjects = new Map<string, { address?: string; id?: string; texts: string[] }>();
  for (const n of found) {
    for (const [key, kind] of [[n.address, { address: n.address }], [n.id, { id: n.id }]] as const) {
      if (!key) continue;
      const s = subjects.get(key) ?? { texts: [] };
      Object.assign(s, kind);
      s.texts.push(n.text);
      subjects.set(key, s);
    }
  }
  const keys = (sql: string, ...args: unknown[]) => db.prepare(sql).pluck().all(...args) as (string | number)[];
  const top = db.prepare('SELECT coalesce(max(seq), 0) FROM events_raw').pluck().get() as number;
  const out: Leftover[] = [];
  for (const [text, s] of subjects) {
    const theirs = new Map<string, Set<string | number>>();
    const add = (table: string, ks: (string | number)[]) => { if (ks.length) theirs.set(table, new Set([...(theirs.get(table) ?? []), ...ks])); };
    if (s.address) {
      const a = s.address;
      add('events', keys("SELECT seq FROM events WHERE (instr(user_id, '@') > 0 AND measureplan_fold(user_id) = ?) OR (email IS NOT NULL AND measureplan_fold(email) = ?)", a, a));
      add('events_raw', naming(db, [a], 0, top, step, progress));
      add('quarantine', keys('SELECT seq FROM quarantine WHERE measureplan_mentions(raw, ?)', a));
      add('webhook_outbox', keys('SELECT id FROM webhook_outbox WHERE (email IS NOT NULL AND measureplan_fold(email) = ?) OR measureplan_mentions(payload, ?)', a, a));
      add('relay_rejected', keys('SELECT event_seq FROM relay_rejected WHERE measureplan_mentions(reason, ?)', a));
    }
    if (s.id) {
      const id = s.id;
      add('events', keys('SELECT seq FROM events WHERE anonymous_id = ? OR user_id = ?', id, id));
      add('events_raw', keys('SELECT seq FROM events_raw WHERE instr(raw, json_quote(?)) > 0', id));
      add('quarantine', keys('SELECT seq FROM quarantine WHERE anonymous_id = ? OR instr(raw, json_quote(?)) > 0', id, id));
      add('visitors', keys('SELECT anonymous_id FROM visitors WHERE anonymous_id = ?', id));
      add('sessions', keys('SELECT session_id FROM sessions WHERE anonymous_id = ?', id));
      add('webhook_outbox', keys('SELECT id FROM webhook_outbox WHERE visitor = ? OR instr(payload, json_quote(?)) > 0', id, id));
    }
    const entries = [...theirs].map(([table, ks]) => ({ text, table, rows: ks.size, theirs: true, keys: [...ks].slice(0, 10) }));
    if (!entries.length) {
      // Only inside longer values: the same tables, as text (LIKE ignores ASCII case, as the file check does).
      const like = s.texts.map((t) => `%${t.replace(/[\\%_]/g, '\\$&')}%`);
      const where = (cols: string[]) => cols.flatMap((c) => like.map(() => `${c} LIKE ? ESCAPE '\\'`)).join(' OR ');
      const args = (cols: string[]) => cols.flatMap(() => like);
      for (const [table, key, cols] of [
        ['events_raw', 'seq', ['raw']], ['quarantine', 'seq', ['raw']], ['visitors', 'anonymous_id', ['anonymous_id']], ['sessions', 'session_id', ['anonymous_id']],
        ['webhook_outbox', 'id', ['visitor', 'email', 'payload']], ['relay_rejected', 'event_seq', ['message_id', 'reason']],
      ] as const) {
        const ks = keys(`SELECT ${key} FROM ${table} WHERE ${where([...cols])}`, ...args([...cols]));
        if (ks.length) entries.push({ text, table, rows: ks.length, theirs: false, keys: ks.slice(0, 10) });
      }
    }
    out.push(...(entries.length ? entries : [{ text, table: 'file', rows: 0, theirs: true, keys: [] }]));
  }
  return out;
}

/** What the store holds about one person, for an access request (`measureplan export`). */
export interface Exported {
  /** The ids the search covered: the given ones and the browsers linked to them. */
  anonymousIds: string[];
  userIds: string[];
  emails: string[];
  /** Their events, oldest first, each with its message as the server received it. */
  events: { seq: number; timestamp: string; received_at: string; message: unknown }[];
  /** Their messages kept out of the report (refused by the plan), as received (cut at 32 KB). */
  quarantined: { received_at: string; reason: string; message: unknown }[];
  /** Abandoned carts and browses handed to the shop's e-mail tool about them. */
  handoffs: { id: string; kind: string; email: string | null; status: string; created_at: string; delivered_at: string | null; payload: unknown }[];
  /** The per-visitor summaries of their browsers that nobody else signed in on. */
  visitors: Record<string, unknown>[];
  /** The per-session summaries of those browsers (where each visit came from). */
  sessions: Record<string, unknown>[];
  /** Where the relay had sent their events (the recipients, which an access request asks for). */
  forwarded: { target: string; events: number }[];
  /** Other people's events that name their address: not included (they are other people's data). */
  othersNamingAddress: number;
  /**
   * Their browsers on which someone else signed in too (a shared computer). Of those browsers'
   * events only the ones under their own user id are included: `otherPeople` events under another
   * user id, and `unattributed` events sent while nobody was signed in, are left out.
   */
  sharedBrowsers: string[];
  leftOutOnSharedBrowsers: { otherPeople: number; unattributed: number };
}

const parsed = (raw: string | null): unknown => {
  if (raw === null) return null;
  try { return JSON.parse(raw); } catch { return raw; }
};

/**
 * What the store holds about the person, found as `forget` finds it; nothing is changed. Where
 * `forget` erases on the safe side (a shared browser whole), an access request must not hand
 * over other people's data: only what is theirs by their ids, and a browser's anonymous events
 * only when nobody else signed in on it.
 */
export function exportPerson(db: Database, person: Person, { progress, chunk = CHUNK }: Omit<ForgetOptions, 'dryRun'> = {}): Exported {
  const { emails, users, anon, rows, handoffs } = find(db, person, chunk, progress);
  const ids = [...users];
  const browsers = [...anon];
  // `x NOT IN (NULL)` is never true: with no user id of theirs, every user id is someone else's.
  const notTheirs = (x: string) => (ids.length ? `${x} NOT IN (${list(ids)})` : '1');
  // Their addresses: the ones given, and those their own sign-ins (under their user ids) gave.
  const mine = [...new Set([...emails, ...(db.prepare(`SELECT DISTINCT measureplan_fold(email) FROM events WHERE type = 'identify' AND email IS NOT NULL AND user_id IN (${list(ids)})`).pluck().all(...ids) as string[])])];
  const notMine = (x: string) => (mine.length ? `measureplan_fold(${x}) NOT IN (${list(mine)})` : '1');
  // Shared: someone else signed in on it, under another user id, or with another address and no user id of theirs.
  const shared = new Set(db.prepare(`SELECT DISTINCT anonymous_id FROM events WHERE anonymous_id IN (${list(browsers)})
    AND ((user_id IS NOT NULL AND ${notTheirs('user_id')}) OR (type = 'identify' AND email IS NOT NULL AND ${notMine('email')} AND (user_id IS NULL OR ${notTheirs('user_id')})))`)
    .pluck().all(...browsers, ...ids, ...mine, ...ids) as string[]);
  const own = browsers.filter((a) => !shared.has(a));
  const event = db.prepare('SELECT e.seq, e.timestamp, e.received_at, e.user_id, e.anonymous_id, r.raw FROM events e JOIN events_raw r ON r.seq = e.seq WHERE e.seq = ?').raw();
  const leftOut = { otherPeople: 0, unattributed: 0 };
  const events: Exported['events'] = [];
  for (const r of [...rows.values()].filter((x) => x[6]).sort((a, b) => a[0] - b[0])) {
    const [seq, timestamp, received, userId, browser, raw] = event.get(r[0]) as [number, string, string, string | null, string | null, string];
    // Theirs by their user id (or an address that is theirs); else a browser's anonymous event, on a browser only they used.
    if (!(r[7] || (userId !== null && users.has(userId)) || (userId === null && (browser === null || !shared.has(browser))))) {
      if (userId !== null) leftOut.otherPeople++; else leftOut.unattributed++;
      continue;
    }
    events.push({ seq, timestamp, received_at: received, message: parsed(raw) });
  }
  // Quarantined messages: by a browser only they used, or by their user id or address in the
  // message's own fields (a text search, as forget's, would also find other people's messages
  // that merely contain the text).
  const quarantined = (db.prepare(`SELECT received_at, reason, raw FROM quarantine WHERE (anonymous_id IN (${list(own)})
      AND NOT (json_valid(raw) AND ((json_extract(raw, '$.userId') IS NOT NULL AND ${notTheirs("json_extract(raw, '$.userId')")})
        OR (json_extract(raw, '$.traits.email') IS NOT NULL AND ${notMine("json_extract(raw, '$.traits.email')")}))))
    OR (json_valid(raw) AND (json_extract(raw, '$.userId') IN (${list(ids)}) OR measureplan_fold(json_extract(raw, '$.traits.email')) IN (${list(mine)})))
    ORDER BY seq`).raw().all(...own, ...ids, ...mine, ...ids, ...mine) as [string, string, string | null][])
    .map(([received, reason, raw]) => ({ received_at: received, reason, message: parsed(raw) }));
  const h = handoffs();
  const handed = (db.prepare(`SELECT id, kind, email, status, created_at, delivered_at, payload FROM webhook_outbox WHERE ${h.where} ORDER BY created_at`).all(...h.args) as Exported['handoffs'])
    .filter((x) => x.email === null || mine.includes(foldEmail(x.email)))
    .map((x) => ({ ...x, payload: parsed(x.payload as string) }));
  return {
    anonymousIds: browsers.sort(),
    userIds: ids.sort(),
    emails,
    events,
    quarantined,
    handoffs: handed,
    visitors: db.prepare(`SELECT * FROM visitors WHERE anonymous_id IN (${list(own)}) ORDER BY first_seen`).all(...own) as Record<string, unknown>[],
    sessions: db.prepare(`SELECT * FROM sessions WHERE anonymous_id IN (${list(own)}) ORDER BY started, anonymous_id, session_id`).all(...own) as Record<string, unknown>[],
    forwarded: forwarded(db, events.map((e) => e.seq)),
    othersNamingAddress: [...rows.values()].filter((x) => !x[6]).length,
    sharedBrowsers: [...shared].sort(),
    leftOutOnSharedBrowsers: leftOut,
  };
}
