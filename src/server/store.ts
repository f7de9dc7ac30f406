/**
 * The embedded store: one SQLite file in WAL mode (readers in other processes, such as
 * `measureplan report`, never block the writer). Every write is one transaction; the caller
 * acknowledges a request only after `write()` returned, so an acknowledged event is on disk.
 */
import { accessSync, closeSync, constants, fdatasync, openSync, realpathSync, statSync } from 'node:fs';
import { makeFolders } from './folders';
import { dirname, resolve } from 'node:path';
import type { Outcome, Quarantined, Row } from './message';
import { EVENT_COLUMNS, migrate, SCHEMA_VERSION, summarise, VITAL_COLUMNS, type Summary } from './schema';
import { pageLoadOf, pageLoadsCounter, type PageLoadsCounter } from '../report/vitals';
import { sqlite, StoreError, type Database } from './sqlite';
import { sessionKey, sessionMapKey, sessionWriter, summariseSession, type SessionDraft } from './sessions';

export interface StoreOptions {
  /**
   * `full` (default): each commit is fsynced, so an acknowledged event survives a power cut too.
   * `normal`: it survives the server being killed (kill -9), not a power cut; faster commits.
   */
  sync?: 'full' | 'normal';
  /**
   * With `sync: 'full'`: a commit returns once SQLite has written it, and `synced()` waits, on a
   * thread of libuv's pool, until the write-ahead log is on disk. The collect server answers after
   * that, so the same durability no longer holds its only thread during the fsync: it reads and
   * checks the next requests meanwhile (docs/store.md). Writers that answer nobody leave it off.
   */
  syncOffThread?: boolean;
  readonly?: boolean;
  /** Refuse a file that does not exist instead of creating it (`forget`; a read-only open always does). */
  mustExist?: boolean;
  /** Told before an older store is brought up to date (a migration can rebuild an index: seconds on a large store). */
  onMigrate?: (from: number, to: number) => void;
}

/** What one request's messages came to, once committed. */
export interface Written { stored: number; duplicates: number; quarantined: number }

export interface Store {
  readonly db: Database;
  readonly file: string;
  /** The schema versions this open brought an older store through, and how long it took. */
  readonly migrated?: { from: number; to: number; ms: number };
  /** Commits every group's outcomes in one transaction; one result per group. */
  write(groups: readonly (readonly Outcome[])[]): Written[];
  /**
   * Only with `syncOffThread`: resolves once every commit made before the call is on disk (one
   * fdatasync of the write-ahead log, shared by the commits that wait for the same one); rejects
   * with a StoreError when the disk refuses.
   */
  synced?(): Promise<void>;
  counts(): { events: number; quarantined: number };
  /** Throws when the store cannot be written now (a read-only file, a full disk, a lock held elsewhere). */
  probe(): void;
  /**
   * Throws a StoreError when the file at the store's path, or its -wal, is no longer the one opened
   * (deleted or replaced while the server runs): SQLite would go on committing to the unlinked
   * file, and every acknowledged event would be lost. Two stat calls; before every commit.
   */
  check?(): void;
  close(): void;
}

/** A write that changes nothing: the header's schema version, rewritten as it is. */
const rewriteVersion = (db: Database) => { db.pragma(`user_version = ${db.pragma('user_version', { simple: true }) as number}`); };

/**
 * How long a statement waits for another connection's write lock before SQLite says it is busy:
 * 5 s, or the whole milliseconds in MEASUREPLAN_BUSY_TIMEOUT_MS (docs/collect.md; the test suite
 * sets it low rather than wait out real 5 s locks).
 */
export function busyTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.MEASUREPLAN_BUSY_TIMEOUT_MS;
  return v !== undefined && /^\d{1,9}$/.test(v) ? Number(v) : 5000;
}

/**
 * The write-ahead log's pages between checkpoints: 40,000 (160 MB), or the whole number of pages
 * (at least 100) in MEASUREPLAN_WAL_CHECKPOINT_PAGES, for a disk that cannot spare the room
 * (docs/collect.md).
 */
export function walCheckpointPages(env: NodeJS.ProcessEnv = process.env): number {
  const v = env.MEASUREPLAN_WAL_CHECKPOINT_PAGES;
  return v !== undefined && /^\d{3,9}$/.test(v) && Number(v) >= 100 ? Number(v) : 40_000;
}

export function openStore(file: string, { sync = 'full', readonly = false, mustExist = false, onMigrate, syncOffThread = false }: StoreOptions = {}): Store {
  const Driver = sqlite();
  const path = file === ':memory:' ? file : resolve(file);
  let db: Database;
  let migrated: Store['migrated'];
  if (path !== ':memory:') {
    // SQLite's own words for these ("disk I/O error", "unable to open database file") send people
    // looking for a disk fault.
    let isFolder = false;
    let exists = true;
    try { isFolder = statSync(path).isDirectory(); } catch (e) { exists = !['ENOENT', 'ENOTDIR'].includes((e as NodeJS.ErrnoException).code ?? ''); }
    if (isFolder) throw new StoreError(`${file} is a folder, not a store.`, 'Give --db the store file in it, such as measureplan.db.');
    if (!exists && (readonly || mustExist)) throw new StoreError(`the store ${file} cannot be opened: there is no such file.`, 'Check the --db path: the collect server creates the file when it first starts.');
  }
  try {
    if (path !== ':memory:' && !readonly) makeFolders(dirname(path));
    db = new Driver(path, { readonly, fileMustExist: readonly || mustExist });
  } catch (e) {
    throw new StoreError(`the store ${file} cannot be opened: ${(e as Error).message}`, readonly ? 'Check the --db path: the collect server creates the file when it first starts.' : 'Check that the folder exists and is writable.');
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs()}`);
    if (!readonly) {
      const from = db.pragma('user_version', { simple: true }) as number;
      // forget and retain open an existing store: another program's SQLite file must not become
      // one (its journal switched to WAL, measureplan's tables added) and be reported a success.
      if (mustExist && from === 0) throw new StoreError(`${file} is not a measureplan store (it has no schema version).`, 'Give the --db file that measureplan collect writes.');
      db.pragma('journal_mode = WAL');
      // Off the thread, only write() commits without SQLite's fsync (below).
      db.pragma(`synchronous = ${sync === 'normal' ? 'NORMAL' : 'FULL'}`);
      // A checkpoint runs inside the commit that crosses the threshold and stalls the requests
      // grouped in it: checkpointing every 40 MB of WAL instead of SQLite's 4 MB measured 15 %
      // more durable ingest here, every 160 MB about 10 % more again (docs/store.md).
      db.pragma(`wal_autocheckpoint = ${walCheckpointPages()}`);
      // Rows that SQLite moves between pages as the store grows would leave their old bytes in
      // free space, where an erasure (measureplan forget) cannot reach them. FAST zeroes them
      // in the pages being written anyway, at no extra I/O (docs/performance.md).
      db.pragma('secure_delete = FAST');
      // A new store (version 0) is created, not migrated: nothing to tell.
      if (from > 0 && from < SCHEMA_VERSION) onMigrate?.(from, SCHEMA_VERSION);
      const t0 = Date.now();
      if (migrate(db).length && from > 0) migrated = { from, to: SCHEMA_VERSION, ms: Date.now() - t0 };
      // SQLite opens a file it may not write read-only, without a word: the collect server would
      // then say it is listening and answer every post 503 (a backup restored as another user).
      rewriteVersion(db);
    }
  } catch (e) {
    db.close();
    throw unusable(file, e, readonly);
  }
  if (readonly) {
    // The first read of the file: SQLite opens any file lazily, so a text file fails only here.
    let version: number;
    try {
      version = db.pragma('user_version', { simple: true }) as number;
    } catch (e) {
      db.close();
      throw unusable(file, e, readonly);
    }
    if (version === 0) {
      db.close();
      throw new StoreError(`${file} is not a measureplan store (it has no schema version).`, 'Give the --db file that measureplan collect writes.');
    }
    if (version !== SCHEMA_VERSION) {
      db.close();
      throw new StoreError(
        `the store ${file} has schema version ${version}; this measureplan reads version ${SCHEMA_VERSION}.`,
        version < SCHEMA_VERSION ? 'Start measureplan collect on it once (with this measureplan): it brings the store up to date.' : 'Upgrade measureplan to read it.',
      );
    }
  }
  const refuse = () => { throw new Error('read-only store'); };
  if (readonly) return { db, file: path, write: refuse, counts: () => counts(db), probe: refuse, close: () => db.close() };

  const columns = EVENT_COLUMNS;
  const insertRaw = db.prepare('INSERT INTO events_raw (seq, raw) VALUES (?, ?)');
  const insertEvent = db.prepare(`INSERT INTO events (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')}) ON CONFLICT(id) DO NOTHING`);
  const insertQuarantine = db.prepare(`INSERT INTO quarantine (message_id, received_at, type, event, anonymous_id, reason, path, raw)
    VALUES (@message_id, @received_at, @type, @event, @anonymous_id, @reason, @path, @raw) ON CONFLICT(message_id) DO NOTHING`);
  const isStored = db.prepare('SELECT 1 FROM events WHERE id = ?').pluck();
  const ownerOf = db.prepare('SELECT anonymous_id FROM events WHERE id = ?').pluck();
  // A message quarantined before and stored now (sent again without its problem) leaves quarantine:
  // the report would otherwise count it twice, once as stored and once as "not counted". One
  // statement per commit, each id looked up through the quarantine's unique message_id index.
  const release = db.prepare('DELETE FROM quarantine WHERE message_id IN (SELECT value FROM json_each(?))');
  // That statement builds a temporary index of the commit's ids first (8 % of SQLite's work in a
  // commit of 800 new events): it runs only when quarantine holds a message with an id at all.
  const holdsAny = db.prepare('SELECT 1 FROM quarantine WHERE message_id IS NOT NULL LIMIT 1').pluck();
  const values = (row: Row) => columns.map((c) => row[c] ?? null);
  // The per-visitor summary: one upsert per visitor and commit group (a browser's batch is one visitor).
  const keep = (c: string) => `${c} = nullif(max(coalesce(${c}, 0), coalesce(excluded.${c}, 0)), 0)`;
  const upsertVisitor = db.prepare(`INSERT INTO visitors (anonymous_id, first_seen, last_seen, events, ${VITAL_COLUMNS.join(', ')}) VALUES (?, ?, ?, ?, ${VITAL_COLUMNS.map(() => '?').join(', ')})
    ON CONFLICT(anonymous_id) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
    events = events + excluded.events, ${VITAL_COLUMNS.map(keep).join(', ')}`);
  const summariseRow = (seen: Map<string, Summary>, row: Row) => {
    const v = row.anonymous_id;
    if (typeof v === 'string') seen.set(v, summarise(seen.get(v), row.timestamp, row.event, row.metric_name, row.metric_rating));
  };
  // The per-session summary (the report's channels): one upsert per session and commit group.
  const writeSessions = sessionWriter(db);
  const summariseSessionRow = (sessions: Map<string, [string, string, SessionDraft]>, row: Row) => {
    const key = sessionKey(row);
    if (!key) return;
    const k = sessionMapKey(key[0], key[1]);
    const had = sessions.get(k);
    if (had) summariseSession(had[2], row);
    else sessions.set(k, [key[0], key[1], summariseSession(undefined, row)]);
  };
  // Page loads per web vital and value bucket (the report's 75th percentile): one upsert per bucket and commit group.
  const upsertVitalPages = db.prepare('INSERT INTO vital_pages (metric, bucket, pages) VALUES (?, ?, ?) ON CONFLICT(metric, bucket) DO UPDATE SET pages = pages + excluded.pages');
  const countPage = (pages: PageLoadsCounter, row: Row) => {
    const page = pageLoadOf(row.event, row.metric_name, row.metric_value);
    if (page) pages.add(...page);
  };
  const receivedAt = (r: Quarantined) => r.received_at ?? new Date().toISOString();
  /**
   * A repeat of a stored id from another visitor: a conversion's event id can be guessed
   * (`purchase:<order number>`), and anyone may post first. Kept in quarantine, where the report
   * shows it, rather than dropped as a retry (security review 2026-12-06); true when it is new there.
   */
  const claimedByAnother = (row: Row): boolean => {
    const owner = ownerOf.get(row.id) as string | null | undefined;
    if (owner == null || row.anonymous_id == null || owner === row.anonymous_id) return false;
    return insertQuarantine.run({
      message_id: `${row.id} from ${row.anonymous_id}`, received_at: row.received_at ?? new Date().toISOString(), type: row.type, event: row.event ?? null,
      anonymous_id: row.anonymous_id, reason: 'an event with this messageId is stored already, from another visitor (an event id can be guessed: one of the two may be forged)', path: 'messageId', raw: row.raw,
    }).changes > 0;
  };

  const writeAll = db.transaction((groups: readonly (readonly Outcome[])[]) => {
    const seen = new Map<string, Summary>();
    const sessions = new Map<string, [string, string, SessionDraft]>();
    const pages = pageLoadsCounter();
    const stored: string[] = [];
    /** Quarantined by this commit, with the answer that counted it: a copy stored later in it releases them. */
    const held = new Map<string, Written>();
    const written = groups.map((outcomes) => {
      const w: Written = { stored: 0, duplicates: 0, quarantined: 0 };
      for (const o of outcomes) {
        if ('row' in o) {
          const r = insertEvent.run(values(o.row));
          if (r.changes) { insertRaw.run(r.lastInsertRowid, o.row.raw); summariseRow(seen, o.row); summariseSessionRow(sessions, o.row); countPage(pages, o.row); stored.push(o.row.id); w.stored++; }
          else if (claimedByAnother(o.row)) w.quarantined++;
          else w.duplicates++;
        } else {
          // A retried body quarantines nothing new: its repeat is a duplicate, as a stored event's is.
          // So is a message whose id is stored already (a retry re-batched past the 2,500th, or
          // checked against a newer plan): the event is in the store once, and not also in quarantine.
          const id = o.quarantined.message_id;
          if (id !== null && isStored.get(id) !== undefined) w.duplicates++;
          else if (insertQuarantine.run({ ...o.quarantined, received_at: receivedAt(o.quarantined) }).changes) { w.quarantined++; if (id !== null) held.set(id, w); }
          else w.duplicates++;
        }
      }
      return w;
    });
    if (stored.length && holdsAny.get() !== undefined) release.run(JSON.stringify(stored));
    // Released in the same commit: no quarantine record is left, so the answer counts a repeat.
    for (const id of stored) {
      const w = held.get(id);
      if (w) { w.quarantined--; w.duplicates++; }
    }
    for (const [v, s] of seen) upsertVisitor.run(v, ...s);
    writeSessions(sessions.values());
    for (const row of pages.rows()) upsertVitalPages.run(...row);
    return written;
  });

  // The files as opened: WAL mode keeps the -wal (holding the newest commits) while a connection is open.
  // SQLite keeps the -wal beside the file a symlinked --db names, not beside the link (second read 2026-12-07).
  const walPath = path === ':memory:' ? '' : `${realOr(path)}-wal`;
  const opened = path === ':memory:' ? undefined : { main: identity(path), wal: identity(walPath) };
  let walSaved = false;
  const check = () => {
    if (!opened) return;
    const same = (now: Identity | undefined, then: Identity | undefined) => !then || (now?.dev === then.dev && now.ino === then.ino);
    if (!same(identity(path), opened.main)) {
      throw new StoreError(`the store ${file} was deleted or replaced while the server ran; restart it`, 'Nothing was acknowledged since (posts are answered 503). Events acknowledged before went to the file as it was opened: restore it from a backup if it was deleted by mistake (docs/collect.md#backups).', 'gone');
    }
    if (!same(identity(walPath), opened.wal)) {
      // The newest commits are only in that file, which this connection still has open: copied into
      // the store file now, they survive a crash (kill -9) before the restart, and readers see them.
      // Only a complete copy counts: a reader's open transaction (a report, a sqlite3 shell) holds
      // part of it back, and the next check tries again (second read 2026-12-07). PASSIVE: a FULL
      // checkpoint would block the server's only thread for the lock's 5 s on every request.
      if (!walSaved) {
        try {
          const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number; checkpointed: number }[];
          walSaved = !!r && r.busy === 0 && r.checkpointed === r.log;
        } catch { /* said below */ }
      }
      throw new StoreError(`the store's write-ahead log ${file}-wal was deleted or replaced while the server ran; restart it`, `${walSaved ? 'The events acknowledged before were copied from it into the store file.' : 'Stop it with SIGTERM (not kill -9): closing the store copies the newest events, which were in that file, into the store.'} Nothing was acknowledged since (posts are answered 503).`, 'gone');
    }
  };

  let log: ReturnType<typeof walSyncer> | undefined;
  if (syncOffThread && sync === 'full' && opened) {
    // A log it cannot open for its fsync: SQLite syncs each commit itself, as without the option.
    try { log = walSyncer(file, walPath); } catch { /* write() then commits as the others do */ }
    // After a sync the disk refused (the server stops acknowledging, and says to restart), the log
    // may hold frames the kernel never wrote but still serves from its cache, which no later
    // fdatasync rewrites: copied into the store file now, as SQLite's recovery read and checked
    // them, they are synced there before a retry of their events is answered as a repeat.
    // PASSIVE: a reader's open transaction holds part back rather than delaying the start.
    if (log) { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch { /* the first commit says what is wrong */ } }
  }

  // Only the ingest commit leaves its fsync to synced(), whose caller answers after it. The other
  // writers on this connection (the relay's position, the webhook's claim before it posts and its
  // delivered mark) answer nobody and call no synced(): their commits keep SQLite's FULL, or a
  // power cut on an idle server could undo a hand-off already posted (sync review 2026-12-08).
  // exec, not prepared statements: SQLite applies this pragma when it compiles it, not when it runs.
  const unsynced = (groups: readonly (readonly Outcome[])[]): Written[] => {
    db.exec('PRAGMA synchronous = NORMAL');
    try { return writeAll(groups); } finally { db.exec('PRAGMA synchronous = FULL'); }
  };

  return {
    db,
    file: path,
    ...(migrated && { migrated }),
    write: (groups) => { check(); log?.sound(); return log ? unsynced(groups) : writeAll(groups); },
    ...(log && { synced: log.synced }),
    counts: () => counts(db),
    probe: () => { check(); log?.sound(); rewriteVersion(db); },
    check,
    close: () => { if (db.open) db.close(); log?.close(); },
  };
}

/**
 * The write-ahead log's fdatasync, off the main thread. A call after a commit needs a sync that
 * started after that commit: one in flight may have begun before it, so such calls share the
 * next one. A commit SQLite checkpoints into the store file is synced there by SQLite itself.
 */
function walSyncer(file: string, walPath: string): { synced(): Promise<void>; sound(): void; close(): void } {
  // The -wal exists: the open rewrote the header in WAL mode, and the server holds it open.
  const fd = openSync(walPath, 'r');
  let running: Promise<void> | undefined;
  let next: Promise<void> | undefined;
  /**
   * Once the disk refused a sync, no later one can vouch for the log: Linux reports a failed
   * writeback once, marks the lost pages clean, and the next fdatasync succeeds without them
   * (and the frames after them, whose checksums chain on, are lost with them after a power cut).
   * So every later sync and commit fails until a restart, as SQLite's own FULL would not
   * have committed past it either (sync review 2026-12-08).
   */
  let broken: StoreError | undefined;
  let closed = false;
  const once = () => new Promise<void>((ok, fail) => fdatasync(fd, (e) => {
    if (!e) return ok();
    broken ??= new StoreError(`the store ${file} could not be written: its write-ahead log was not saved to disk (${e.message}); restart measureplan collect`, `Check the volume that holds ${file} and the system log (dmesg) for disk errors; then restart measureplan collect: after a failed sync no later one proves the log is on disk, so nothing is acknowledged until then.`, 'io');
    fail(broken);
  }));
  // The descriptor is closed only when no sync is queued on it: a number closed under a queued
  // fdatasync may be reused by the next open, and the sync would vouch for another file.
  // Closed once: a second close could hit a file opened since under the same number.
  let open = true;
  const release = () => { if (closed && open && !running && !next) { open = false; try { closeSync(fd); } catch { /* nothing to do */ } } };
  const synced = (): Promise<void> => {
    if (broken) return Promise.reject(broken);
    if (closed) return Promise.reject(new StoreError(`the store ${file} is closed`));
    return running ? (next ??= running.then(noop, noop).then(after)) : start();
  };
  const start = () => (running = once().finally(() => { running = undefined; release(); }));
  // The calls that waited for the next sync: closed or not meanwhile, their commits are in the log.
  const after = (): Promise<void> => {
    next = undefined;
    if (broken) { release(); return Promise.reject(broken); }
    return running ?? start();
  };
  return { synced, sound: () => { if (broken) throw broken; }, close: () => { closed = true; release(); } };
}
const noop = () => undefined;

const realOr = (p: string): string => { try { return realpathSync(p); } catch { return p; } };
interface Identity { dev: number; ino: number }
const identity = (p: string): Identity | undefined => statSync(p, { throwIfNoEntry: false });

/**
 * A SQLite failure in words, for the conditions an operator can act on (a damaged file, a full
 * disk, a lock held elsewhere); undefined for anything else. Met at open, at a read, or at a commit.
 */
export function storeTrouble(file: string, e: unknown): StoreError | undefined {
  if (e instanceof StoreError) return e;
  const code = (e as { code?: unknown })?.code;
  if (typeof code !== 'string') return undefined;
  const why = (e as Error).message;
  if (/^SQLITE_(CORRUPT|NOTADB)/.test(code)) {
    return new StoreError(`the store ${file} is damaged (${why}).`, `Restore the last backup (docs/collect.md#backups), or save what can be read: sqlite3 ${file} ".recover" | sqlite3 recovered.db, then use recovered.db.`, 'damaged');
  }
  if (/^SQLITE_FULL/.test(code)) {
    return new StoreError(`the store ${file} cannot be written: the disk is full (${why}).`, `Free space on the volume that holds ${file} (its -wal file beside it grows with the writes), then try again.`, 'full');
  }
  if (/^SQLITE_(BUSY|LOCKED)/.test(code)) {
    return new StoreError(`the store ${file} is busy: another process holds its write lock (${why}).`, 'A measureplan forget or retain, a second measureplan collect, or a sqlite3 shell is writing it: try again when it has finished.', 'busy');
  }
  // What the kernel refused is not passed on: a file size limit (ulimit -f) reads so, and so may a full disk or a failing one.
  if (/^SQLITE_IOERR/.test(code)) {
    return new StoreError(`the store ${file} could not be written or read (${why}).`, `Check the free space on the volume that holds ${file}, a file size limit (ulimit -f) on this process, and the system log (dmesg) for disk errors; then try again.`, 'io');
  }
  return undefined;
}

/** A store file that opened but cannot be read or migrated: a file that is not SQLite is said so. */
function unusable(file: string, e: unknown, readonly: boolean): StoreError {
  if (e instanceof StoreError) return e; // already in words, with its own hint (a newer store)
  const hint = 'Give the --db file that measureplan collect writes.';
  // A damaged header reads the same as another kind of file.
  if ((e as { code?: string }).code === 'SQLITE_NOTADB') return new StoreError(`${file} is not a measureplan store (not a SQLite database).`, `${hint} If it is one, it is damaged: restore the last backup (docs/collect.md#backups).`, 'damaged');
  if (readonly && /^SQLITE_(READONLY|CANTOPEN)/.test((e as { code?: string }).code ?? '')) {
    // SQLite reads a WAL-mode store only with its -shm file, which it creates beside the store on
    // the first read after the server stopped: a reader that may not write the folder cannot.
    const where = readOnlyVolume(file) ? 'it is on a read-only file system' : 'this user may not create files in its folder';
    return new StoreError(`the store ${file} cannot be read here: SQLite needs to create ${file}-shm beside it to read it, and ${where} (${(e as Error).message}).`, `Run this as the user that runs measureplan collect (or while the server runs: the file exists then), or copy ${file} (with its -wal, if there is one) to a folder you may write and give --db the copy.`);
  }
  // WAL writes -wal and -shm files beside the store: the folder must be writable too.
  if (/^SQLITE_(READONLY|CANTOPEN)/.test((e as { code?: string }).code ?? '')) {
    // SQLite says "readonly database" for a volume mounted read-only too, where no chmod helps.
    if (readOnlyVolume(file)) return new StoreError(`the store ${file} is on a read-only file system: ${(e as Error).message}`, 'Give --db a file on a writable volume (a container\'s read-only root, or a volume mounted read-only, cannot take writes).');
    return new StoreError(`the store ${file} cannot be written by this user: ${(e as Error).message}`, 'Make the file, and its folder (SQLite writes the -wal and -shm files beside it), writable by the user that runs measureplan collect.');
  }
  const trouble = storeTrouble(file, e);
  if (trouble) return trouble;
  return new StoreError(`the store ${file} cannot be used: ${(e as Error).message}`, 'Is it a measureplan store (made by measureplan collect)?');
}

function readOnlyVolume(file: string): boolean {
  try { accessSync(dirname(resolve(file)), constants.W_OK); return false; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EROFS'; }
}

function counts(db: Database) {
  const one = (sql: string) => (db.prepare(sql).pluck().get() as number) ?? 0;
  return { events: one('SELECT count(*) FROM events'), quarantined: one('SELECT count(*) FROM quarantine') };
}
