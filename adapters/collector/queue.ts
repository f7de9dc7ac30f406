/**
 * The collector's outbox: messages wait here until the endpoint confirms them. Every message is
 * written to IndexedDB (through idb-keyval) so it survives reloads, offline periods and server
 * errors; where IndexedDB is missing or failing, it stays in memory for this page. The queue is
 * bounded: past `max` messages the oldest are dropped and counted.
 *
 * A message is kept as the JSON text that is sent, serialised and measured once. It is stored in
 * records of up to RECORD messages (and RECORD_BYTES): structured-cloning a string is a copy, where
 * cloning a message object walks it, and one put per fifty or so messages keeps a burst's writes
 * to a few transactions.
 *
 * Tabs share the outbox. A page takes over the records of a page that has gone (closed, crashed,
 * left with what it could not send), never those of a page still open, which sends them itself
 * (QA in real Chromium: a second tab sent the first tab's confirmed add_to_cart again, 5 of 5
 * rounds). With the Web Locks API each page holds a lock named for its page id until it leaves
 * (pagehide, which also keeps the back/forward cache open to it); another page's records are
 * taken over once that lock can be taken, and it is then held, so that a third page leaves them
 * alone too; while it cannot, the lock is waited for. Without Web Locks every earlier page's
 * records are taken over as they are read, as before.
 */
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { uuid } from '../../src/core/env';

/**
 * One message in the outbox. `rec`: the IndexedDB record it is stored in, once written; `kept`:
 * that write has committed (or it was read from there); `st`: in this page's stash.
 */
export interface Entry { id: string; seq: number; json: string; bytes: number; done?: boolean; rec?: RecordKey; kept?: true; st?: true }

/** Records are keyed `[seq of the first message, page]`: string keys are the one-message records of earlier versions. */
type RecordKey = [number, string] | string;
/** A stored record: `e` holds `[messageId, seq, json]` per message. */
interface StoredRecord { v: 2; e: [string, number, string][] }
/** What earlier versions stored, one message per record (restored, then sent and deleted as usual). */
interface StoredMessage { seq: number; id: string; m: { messageId?: string } }

/**
 * Length in UTF-8 bytes, what keepalive and batch limits count. Counted, not encoded: this runs
 * for every message of a burst, and encoding each one only to measure it is garbage on the page.
 */
export function utf8(s: string): number {
  if (ASCII.test(s)) return s.length; // nearly every message: one native scan
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) { n += 4; i++; }
    else n += 3; // the BMP, and a lone surrogate (an encoder writes U+FFFD, 3 bytes)
  }
  return n;
}
// eslint-disable-next-line no-control-regex
const ASCII = /^[\x00-\x7f]*$/;

export interface Queue {
  /** Messages not yet confirmed, oldest first. */
  size(): number;
  dropped: number;
  /** Adds a message (its JSON text) unless one with this id is already waiting. */
  add(id: string, json: string): void;
  has(id: string): boolean;
  /** Up to `n` messages (and at most `maxBytes` of UTF-8 JSON, but at least one) that are not already being sent. */
  take(n: number, maxBytes: number): Entry[];
  /** The endpoint confirmed (or refused for good) these: forget them everywhere. */
  done(sent: Entry[]): void;
  /** A send failed and will be retried: make them available again. */
  release(sent: Entry[]): void;
  /**
   * Loads what earlier pages left unsent, some records at a time (`some` is called after each
   * read that found messages, which can be sent at once); resolves to how many it found.
   */
  restore(some?: () => void): Promise<number>;
  /** Takes over what other pages stashed in localStorage as they went (another tab just did). */
  adopt(some?: () => void): Promise<void>;
  /** Writes pending additions and deletions now (page hidden). */
  persist(): Promise<void>;
  /**
   * Whether messages added from now on are written to IndexedDB (not after an analytics denial).
   */
  storeNew(yes: boolean): void;
  /** Deletes every record of the outbox through this page's own connection (a consent denial). */
  clear(): Promise<void>;
  /** Forgets every message, in flight too (a failed request then retries nothing): a consent denial. */
  drop(): void;
  /**
   * The page is going (pagehide, shutdown()): its locks are let go, so what it leaves stored is
   * the next page's (or another tab's) to send at once, and it takes over nothing more.
   */
  leave(): void;
  /**
   * Back from the back/forward cache: the page holds a lock again, under a new page id for what it
   * stores from now on (its lock was let go on leaving, and another tab may hold it since).
   */
  back(): void;
  /** Replaces each waiting message (not those in flight) by `fn` of it, in memory and in IndexedDB. */
  rewrite(fn: (json: string) => string): void;
}

/**
 * One read-write transaction of `store`, done once it commits: idb-keyval's `setMany` and `clear`
 * are this too, but their default store (idb-keyval's own database, never used here) came along.
 */
const write = (store: UseStore, fn: (os: IDBObjectStore) => void) => store('readwrite', (os) => { fn(os); return promisifyRequest(os.transaction); });

/** Messages per stored record, and its most UTF-8 bytes: Chromium turns a value over 64 KiB into a blob, which costs far more to write. */
export const RECORD = 100;
const RECORD_BYTES = 48_000;
/** Records read per task when an earlier page's outbox is restored (a few thousand messages). */
const RESTORE_RECORDS = 10;
/** Records per IndexedDB transaction while the page runs (each transaction is a task of its own). */
const RECORDS_PER_WRITE = 10;

/** What the outbox uses of the Web Locks API (`navigator.locks`). */
export type Locks = { request(name: string, options: { ifAvailable?: boolean; signal?: AbortSignal }, fn: (lock: unknown) => unknown): Promise<unknown> };
/** The lock a page holds while it is open, named for its page id (the second part of its records' keys). */
const LOCK = 'measureplan-outbox ';
/** A lock manager that has not answered by then is taken for none: a broken polyfill must not hold the outbox up, nor keep it unsent. */
const LOCK_WAIT = 1000;

/**
 * Deletes every record of the outbox (an analytics denial), for this page and earlier ones, without
 * creating the database in a browser profile that has none: where `indexedDB.databases()` is
 * missing (Firefox before 126) nothing is done.
 */
export async function clearOutbox(): Promise<void> {
  clearStashes();
  const idb = globalThis.indexedDB;
  if (!idb?.databases || !(await idb.databases()).some((d) => d.name === 'measureplan')) return;
  await write(createStore('measureplan', 'outbox'), (os) => os.clear());
}

/**
 * What a page going away could not have committed to IndexedDB (a transaction started in pagehide
 * never commits before the document goes: diff read 2026-12-07 lost every event handed over after
 * pagehide that no beacon carried) is written to localStorage, which is synchronous, under
 * `mp_ob_` + its page id + a number, in the stored record's shape. The next page moves it to its
 * own outbox.
 */
export const STASH = 'mp_ob_';
/** The most characters a page stashes as it goes. */
const STASH_MAX = 500_000;
/**
 * ... and the most characters localStorage may hold with it: the site's own writes need their room
 * (browsers allow 5 MB, some counting two bytes per character; a stash that took the rest failed
 * the site's own writes in its pagehide handler and on the next page: its second read).
 */
const STORAGE_MAX = 2_000_000;
const local = (): Storage | undefined => { try { return globalThis.localStorage; } catch { return undefined; } };

/** The stash keys in localStorage, this page's included. */
function stashKeys(ls: Storage): string[] {
  return Object.keys(ls).filter((k) => k.startsWith(STASH));
}
/** Characters of keys and values in localStorage. */
function used(ls: Storage): number {
  return Object.keys(ls).reduce((n, k) => n + k.length + (ls.getItem(k)?.length ?? 0), 0);
}
function clearStashes(): void {
  const ls = local();
  try { if (ls) stashKeys(ls).forEach((k) => ls.removeItem(k)); } catch { /* nothing stashed then */ }
}

/** How long the outbox's database may take to open before this page keeps its messages in memory. */
export const OPEN_MS = 5000;

/**
 * The outbox's store, whose first use fails after OPEN_MS when the database never opens: in some
 * Safari 14 releases the first `indexedDB.open()` of a page hangs for good, and every write waited
 * on it in silence (compat QA 2026-12-07). Given up, it does nothing when it opens after all: a
 * late write stored messages already delivered, or withdrawn, for the next page (its second read).
 */
function outboxStore(): UseStore {
  const s = createStore('measureplan', 'outbox');
  let open = false;
  let dead = false;
  return (mode, use) => open ? s(mode, use) : Promise.race([
    s(mode, (o) => { if (dead) throw new Error('given up'); open = true; return use(o); }),
    new Promise<never>((_, fail) => setTimeout(() => { if (open) return; dead = true; fail(Object.assign(new Error('IndexedDB did not open'), { name: 'TimeoutError' })); }, OPEN_MS)),
  ]);
}

export function createQueue(max: number, warn: (m: string) => void, locks?: Locks): Queue {
  // Opened on first use: a missing or failing IndexedDB shows there, reported once by idbFailed.
  let store: UseStore | undefined = outboxStore();
  let items: Entry[] = [];
  const ids = new Set<string>();
  const sending = new Set<string>();
  let seq = 0;
  let page = uuid();

  /** Added, not yet written. */
  let unwritten: Entry[] = [];
  /** Stored records, with the messages each holds (done ones included until it is rewritten). */
  const records = new Map<RecordKey, Entry[]>();
  /** Records that lost a message since they were written: rewritten without it, or deleted when empty. */
  const changed = new Set<RecordKey>();
  let scheduled = false;
  let keep = true;
  /** How many times drop() ran (a consent withdrawal): a restore read in flight across one is dropped. */
  let drops = 0;

  /** Pages whose records this page sends, with the release of its lock on them (its own included). */
  const owned = new Map<string, () => void>();
  /** Pages whose lock was asked for. */
  const asked = new Set<string>();
  /** Keys (as text) of the records taken over: a later read never takes them again. */
  const held = new Set<string>();
  /** Ends the waits for live pages' locks when this page leaves. */
  let stop = locks && new AbortController();
  let gone = false;
  /** restore()'s callback, for the read that a lock granted later starts. */
  let again: (() => void) | undefined;
  /** Holds page `o`'s lock until this page leaves; `later`: granted after a wait (that page has just gone), so its records are read now. */
  const hold = (o: string, later?: boolean) => gone ? undefined : new Promise<void>((release) => { owned.set(o, release); if (later && keep) void q.restore(again); });
  /**
   * Asks for page `o`'s lock; resolves once answered, never rejects. `ifAvailable`: taken at once
   * when that page has gone (its records are then this page's to send), else waited for. A lock
   * refused (an opaque origin) or not answered within LOCK_WAIT: taken over as without Web Locks.
   */
  const ask = (o: string, ifAvailable: boolean) => new Promise<void>((done) => {
    const refused = () => { if (!owned.has(o)) owned.set(o, () => undefined); done(); };
    const t = setTimeout(refused, LOCK_WAIT);
    asked.add(o);
    Promise.resolve().then(() => locks!.request(LOCK + o, { ifAvailable }, (l) => {
      clearTimeout(t);
      if (!l && !gone) locks!.request(LOCK + o, { signal: stop!.signal }, () => hold(o, true)).catch(() => undefined);
      const h = l && hold(o);
      done();
      return h;
    })).catch(refused);
  });
  /** This page's own lock, asked for at once: it is in hand when the page first stores a record. */
  let own = locks && ask(page, false);

  /** The disk is full: new messages stay in memory, but deletes and rewrites (which free space) go on. */
  let full = false;
  const idbFailed = (e: unknown) => {
    if ((e as Error)?.name === 'QuotaExceededError') {
      if (!full) warn('the collector\'s IndexedDB outbox is full; new events are kept in memory for this page only');
      full = true;
      unwritten = [];
      return;
    }
    if (store) warn(`the collector's IndexedDB outbox failed (${(e as Error)?.name ?? e}); unsent events are kept in memory for this page only`);
    store = undefined;
  };
  const record = (list: Entry[]): StoredRecord => ({ v: 2, e: list.map((x) => [x.id, x.seq, x.json]) });

  /**
   * Writes new messages (in records of RECORD) and rewrites or deletes the records that lost some,
   * `n` records per transaction, awaiting each commit (a new task) before the next. A message
   * delivered (or dropped) before its turn is never written; transactions run in the order they are
   * made, so a delete always follows its put. `mine`: the scheduled run, which clears `scheduled`.
   */
  const flushWrites = async (n = Infinity, mine?: boolean) => {
    try {
      // This page's lock is held before its first record is stored (not waited for when it leaves).
      if (own && !gone && unwritten.length) await own;
      while (store && (unwritten.length || changed.size)) {
        const puts: [RecordKey, StoredRecord][] = [];
        /** Records that lost messages, with the ids they lost. */
        const edits: [RecordKey, Set<string>][] = [];
        for (const key of changed) {
          if (puts.length + edits.length >= n) break;
          changed.delete(key);
          const list = records.get(key)!;
          const left = list.filter((x) => !x.done);
          if (left.length) records.set(key, left); else records.delete(key);
          edits.push([key, new Set(list.filter((x) => x.done).map((x) => x.id))]);
        }
        while (unwritten.length && puts.length + edits.length < n) {
          let count = 0;
          for (let bytes = 0; count < unwritten.length && count < RECORD && (bytes += unwritten[count]!.bytes) <= RECORD_BYTES; count++);
          const list = unwritten.splice(0, Math.max(1, count)).filter((x) => !x.done);
          if (!list.length) continue;
          const key: RecordKey = [list[0]!.seq, page];
          for (const x of list) x.rec = key;
          records.set(key, list);
          puts.push([key, record(list)]);
        }
        // Read and changed in one transaction, as stored now: another tab may have delivered some of
        // the record's messages (or all, and deleted it) since this page read it.
        if (edits.length) {
          await write(store, (os) => {
            for (const [key, gone] of edits) {
              const r = os.get(key);
              r.onsuccess = () => {
                const left = readRecord(key, r.result)?.filter((x) => !gone.has(x.id));
                if (left?.length) os.put(record(left), key); else if (r.result !== undefined) os.delete(key);
              };
            }
          });
        }
        // After the edits: those records were written earlier, and a full disk failing these puts
        // must not keep delivered messages stored.
        if (puts.length) { await write(store, (os) => { for (const [key, r] of puts) os.put(r, key); }); for (const [key] of puts) records.get(key)?.forEach((x) => (x.kept = true)); }
      }
    } catch (e) { idbFailed(e); }
    if (mine) scheduled = false;
  };
  const schedule = () => {
    if (!store) { unwritten = []; changed.clear(); } // memory only: nothing to write, nothing to keep
    else if (!scheduled) { scheduled = true; setTimeout(() => flushWrites(RECORDS_PER_WRITE, true), 0); }
  };
  /** Forgets a message: its record, if it has one, is rewritten without it (or deleted). */
  const forget = (x: Entry) => {
    // Once: a request answered after its message was rewritten must not forget the new one.
    if (x.done) return;
    x.done = true;
    ids.delete(x.id);
    sending.delete(x.id);
    if (x.rec !== undefined) changed.add(x.rec);
  };

  /** Ids moved here from stashes: the same messages read later from IndexedDB (the write committed after all) are copies, delivered or not. */
  const unstashed = new Set<string>();
  /** This page's stash keys, with what each holds; `room`: characters it may still stash, once counted in this leave. */
  const stashed = new Map<string, Entry[]>();
  let room: number | undefined;
  let roomTold = false;
  let stashes = 0;
  /**
   * Takes this page's stash back from localStorage into its outbox (shown again, or its events
   * rewritten); returns what came back. A key another page took meanwhile is that page's to send
   * now: its events are forgotten here.
   */
  const reclaim = () => {
    const ls = local();
    const back: Entry[] = [];
    for (const [key, list] of stashed) {
      let there: string | null = null;
      try { there = ls!.getItem(key); ls!.removeItem(key); } catch { /* unreadable: taken */ }
      for (const x of list) if (there === null) forget(x); else { delete x.st; back.push(x); }
    }
    items = [...back, ...items].sort((a, b) => a.seq - b.seq);
    stashed.clear();
    room = undefined;
    return back;
  };
  /**
   * The page is gone: what it holds and has not committed to IndexedDB (what a request in flight
   * carries too: the navigation fails it) goes to a new stash key now, oldest first while it fits.
   * Each later call (events handed over after pagehide, one microtask at a time) writes only what
   * came since: a whole stash rewritten per event held pagehide for seconds (its second read).
   * Stashed, they leave this page's outbox: the next page sends them (no beacon of this one).
   */
  const stash = () => {
    const ls = local();
    // Nothing to keep: localStorage is not even counted (a site's 20,000 keys take 20 ms: its third read).
    if (!ls || !keep || items.every((x) => x.kept)) return;
    try {
      room ??= Math.min(STASH_MAX, STORAGE_MAX - used(ls));
      const key = STASH + page + '.' + stashes;
      let left = room - key.length - 14; // the key and the record's wrapper count too
      const parts: string[] = [];
      const list: Entry[] = [];
      for (const x of items) {
        if (x.kept) continue;
        const part = JSON.stringify([x.id, x.seq, x.json]);
        if ((left -= part.length + 1) < 0) {
          if (!roomTold) warn('localStorage too full to keep unsent events');
          roomTold = true;
          break;
        }
        parts.push(part);
        list.push(x);
      }
      if (!list.length) return;
      ls.setItem(key, '{"v":2,"e":[' + parts.join() + ']}');
      stashes++;
      room = Math.max(0, left);
      stashed.set(key, list);
      for (const x of list) x.st = true;
      // Not written to IndexedDB as well: the next page would read both.
      unwritten = unwritten.filter((x) => !x.st);
      items = items.filter((x) => !x.st);
    } catch (e) {
      warn(`unsent events not kept in localStorage (${(e as Error)?.name ?? e})`);
    }
  };
  /**
   * Moves what other pages stashed as they went into this page's outbox (and IndexedDB, as its
   * own). With Web Locks, only the keys of pages whose lock this page holds (see ask()): two tabs
   * told of the same key at once each sent it all (its third read: 200 arrivals for 100 events).
   */
  const unstash = async (): Promise<Entry[]> => {
    const ls = local();
    const found: Entry[] = [];
    const was = drops;
    try {
      const owner = (k: string) => k.slice(STASH.length, k.lastIndexOf('.'));
      const others = () => (ls ? stashKeys(ls).filter((k) => owner(k) !== page) : []);
      let keys = others();
      if (locks && keys.length) {
        await Promise.all([...new Set(keys.map(owner))].filter((o) => !asked.has(o)).map((o) => ask(o, true)));
        // Listed again: keys that came while the locks were asked for, by this call or another
        // (its fourth read). Analytics withdrawn meanwhile: nothing is taken (the keys are deleted).
        keys = drops === was ? others().filter((k) => owned.has(owner(k))) : [];
      }
      for (const k of keys) {
        const raw = ls!.getItem(k);
        ls!.removeItem(k);
        try {
          for (const x of readRecord('', JSON.parse(raw!)) ?? []) if (!ids.has(x.id) && !unstashed.has(x.id)) { delete x.rec; ids.add(x.id); unstashed.add(x.id); found.push(x); }
        } catch { /* not ours */ }
      }
    } catch { /* storage unreadable: nothing to take over */ }
    found.sort((a, b) => a.seq - b.seq);
    if (keep && !full) unwritten.push(...found);
    return found;
  };

  const q: Queue = {
    dropped: 0,
    size: () => items.length,
    has: (id) => ids.has(id),
    add(id, json) {
      if (ids.has(id)) return;
      const x: Entry = { id, seq: Date.now() * 1000 + (++seq % 1000), json, bytes: utf8(json) }; // ordered across pages, for restore
      items.push(x);
      ids.add(id);
      if (keep && !full) unwritten.push(x);
      if (items.length > max) {
        let over = items.length - max;
        items = items.filter((old) => {
          if (over <= 0 || sending.has(old.id)) return true;
          over--;
          forget(old);
          q.dropped++;
          return false;
        });
      }
      schedule();
    },
    take(n, maxBytes) {
      const out: Entry[] = [];
      let bytes = 0;
      for (const x of items) {
        if (out.length >= n) break;
        if (sending.has(x.id)) continue;
        if ((bytes += x.bytes + 1) > maxBytes && out.length) break;
        out.push(x);
        sending.add(x.id);
      }
      return out;
    },
    done(sent) {
      for (const x of sent) forget(x);
      items = items.filter((x) => !x.done); // one pass, not a splice per message
      schedule();
    },
    release(sent) { for (const x of sent) sending.delete(x.id); },
    async restore(some) {
      again = some;
      const was = drops;
      const moved = await unstash();
      if (drops !== was) return 0;
      items.unshift(...moved);
      let total = moved.length;
      if (total) { schedule(); some?.(); }
      try {
        // RESTORE_RECORDS at a time, each read its own task: an outbox of 20,000 messages left by
        // an outage, read at once, was a 120-220 ms long task on every page (host-page QA 2026-12-06).
        for (let after: IDBValidKey | undefined; store;) {
          const range = after === undefined ? undefined : IDBKeyRange.lowerBound(after, true);
          const [keys, values] = await store('readonly', (s) => Promise.all([promisifyRequest(s.getAllKeys(range, RESTORE_RECORDS)), promisifyRequest(s.getAll(range, RESTORE_RECORDS))]));
          // Analytics withdrawn while this read ran: what it read is no longer to be sent (diff read 2026-12-06).
          if (drops !== was) break;
          // The page id in a record's key (not in those of earlier versions' one-message records).
          const owners = keys.map((key) => (Array.isArray(key) ? String(key[1]) : ''));
          const fresh = locks ? [...new Set(owners)].filter((o) => o && o !== page && !asked.has(o)) : [];
          // Their locks answered, the same records are read again: a page that delivered some of
          // them and left meanwhile has deleted those.
          if (fresh.length) { await Promise.all(fresh.map((o) => ask(o, true))); continue; }
          const found: Entry[] = [];
          keys.forEach((key, i) => {
            const o = owners[i]!;
            // What this page wrote itself is never "restored": told by the page id in the record's
            // key, not by the clock, which may have been set back since an earlier page wrote. A
            // live page's records are its own to send.
            if (o === page || held.has(String(key)) || (locks && o && !owned.has(o))) return;
            const list = readRecord(key as RecordKey, values[i]);
            if (!list) return;
            held.add(String(key));
            records.set(key as RecordKey, list);
            // Already here (a stash read first, whose IndexedDB write committed after all): the
            // record loses its copy, which would be sent again by every later page.
            for (const x of list) {
              x.kept = true;
              if (!ids.has(x.id) && !unstashed.has(x.id)) found.push(x);
              else { x.done = true; changed.add(key as RecordKey); }
            }
          });
          found.sort((a, b) => a.seq - b.seq);
          const earlier = found.filter((x) => !ids.has(x.id) && ids.add(x.id));
          // Before this page's own, after the earlier records restored so far: oldest first.
          items.splice(total, 0, ...earlier);
          total += earlier.length;
          if (earlier.length) some?.();
          if (changed.size) schedule();
          if (keys.length < RESTORE_RECORDS) break;
          after = keys[keys.length - 1];
        }
      } catch (e) { idbFailed(e); }
      return total;
    },
    persist() { if (gone) stash(); return flushWrites(); },
    async adopt(some) {
      const was = drops;
      const had = owned.size;
      const moved = await unstash();
      if (drops !== was) return;
      if (moved.length) {
        items = [...moved, ...items].sort((a, b) => a.seq - b.seq);
        schedule();
        some?.();
      }
      // A gone page's lock newly held: its IndexedDB records are this page's to send too, and no
      // other page may take them now (its fourth read: they waited until this tab closed).
      if (owned.size > had) await q.restore(some);
    },
    storeNew(yes) { keep = yes; if (!yes) unwritten = []; },
    // Without a store of its own (IndexedDB failed or given up here), what earlier pages stored is
    // deleted all the same; so it is by a clear the give-up overtook (a withdrawal in the first
    // seconds: its third read, 2026-12-07).
    clear() {
      clearStashes();
      stashed.clear();
      return store ? write(store, (os) => os.clear()).catch(clearOutbox) : clearOutbox();
    },
    drop() { items.forEach(forget); items = []; unwritten = []; drops++; },
    leave() { gone = true; stop?.abort(); owned.forEach((release) => release()); owned.clear(); },
    back() {
      if (!gone) return;
      gone = false;
      // Its stash is this page's again, unless another page has taken it meanwhile; those whose
      // IndexedDB write was on its way have their record.
      const back = reclaim();
      if (keep && !full) unwritten.push(...back.filter((x) => !x.rec));
      schedule();
      if (!locks) return;
      page = uuid();
      stop = new AbortController();
      own = ask(page, false);
    },
    rewrite(fn) {
      // Stashed already (ads withdrawn as the page goes): stashed again, rewritten.
      const restash = gone && stashed.size > 0;
      if (restash) reclaim();
      // The old entry leaves its stored record (rewritten without it) and the new one is stored
      // afresh, later in the order: messages carry their own times.
      const again: [string, string][] = [];
      for (const x of items) {
        // In flight, it went as it was; but a gone page's will be stashed again, so rewritten too.
        const json = sending.has(x.id) && !restash ? x.json : fn(x.json);
        if (json !== x.json) { forget(x); again.push([x.id, json]); }
      }
      // The old copies out before the new go in: counted together, they let the outbox's limit drop
      // real messages (second read 2026-12-07: 20 of 80 lost with 100 the most).
      items = items.filter((x) => !x.done);
      for (const [id, json] of again) q.add(id, json);
      if (restash) stash();
    },
  };
  return q;
}

/** A stored record's messages (either version's), or undefined for something else. */
function readRecord(key: RecordKey, value: StoredRecord | StoredMessage | undefined): Entry[] | undefined {
  if (!value || typeof value !== 'object') return undefined;
  if ((value as StoredRecord).v === 2 && Array.isArray((value as StoredRecord).e)) {
    const list: Entry[] = [];
    for (const e of (value as StoredRecord).e) {
      if (Array.isArray(e) && typeof e[0] === 'string' && typeof e[1] === 'number' && typeof e[2] === 'string') list.push({ id: e[0], seq: e[1], json: e[2], bytes: utf8(e[2]), rec: key });
    }
    return list;
  }
  const old = value as StoredMessage;
  const id = old.m?.messageId;
  if (typeof id !== 'string') return undefined;
  const json = JSON.stringify(old.m);
  return [{ id, seq: typeof old.seq === 'number' ? old.seq : 0, json, bytes: utf8(json), rec: key }];
}
