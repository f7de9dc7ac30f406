/**
 * The collector's outbox: messages wait here until the endpoint confirms them. Every message is
 * written to IndexedDB (through idb-keyval) so it survives reloads, offline periods and server
 * errors; where IndexedDB is missing or failing, it stays in memory for this page. The queue is
 * bounded: past `max` messages the oldest are dropped and counted.
 */
import { createStore, delMany, entries, setMany, type UseStore } from 'idb-keyval';
import type { Message } from './message';

/**
 * One outbox entry. The message is built lazily (`make`), when it is first written or sent: that
 * keeps building it (and its garbage) out of `track()`, on a later task.
 */
interface Stored { seq: number; id: string; m?: Message; make?: () => Message }
const msg = (s: Stored): Message => (s.m ??= s.make!());

/**
 * Length in UTF-8 bytes, what keepalive and batch limits count. Counted, not encoded: this runs
 * for every message of a burst, and encoding each one only to measure it is garbage on the page.
 */
export function utf8(s: string): number {
  let n = 0;
  // By code point: a lone surrogate counts 3, like the U+FFFD an encoder puts in its place.
  for (const ch of s) { const c = ch.codePointAt(0)!; n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }
  return n;
}

export interface Queue {
  /** Messages not yet confirmed, oldest first. */
  size(): number;
  dropped: number;
  add(id: string, make: () => Message): void;
  /** Up to `n` messages (and at most `maxBytes` of UTF-8 JSON, but at least one) that are not already being sent. */
  take(n: number, maxBytes: number): Message[];
  /** The endpoint confirmed (or refused for good) these: forget them everywhere. */
  done(messages: Message[]): void;
  /** A send failed and will be retried: make them available again. */
  release(messages: Message[]): void;
  /** Loads what earlier pages left unsent; resolves to how many it found. */
  restore(): Promise<number>;
  /** Writes pending additions and deletions now (page hidden). */
  persist(): Promise<void>;
}

/** Outbox records per IndexedDB transaction while the page runs. */
const CHUNK = 200;

export function createQueue(max: number, warn: (m: string) => void): Queue {
  // Opened on first use: a missing or failing IndexedDB shows there, reported once by idbFailed.
  let store: UseStore | undefined = createStore('measureplan', 'outbox');
  const items: Stored[] = [];
  const ids = new Set<string>();
  const sending = new Set<string>();
  let seq = 0;
  const start = Date.now() * 1000; // what this page wrote itself is never "restored"

  let writes: Stored[] = [];
  let deletes: string[] = [];
  let scheduled = false;

  const idbFailed = (e: unknown) => {
    if (store) warn(`the collector's IndexedDB outbox failed (${(e as Error)?.name ?? e}); unsent events are kept in memory for this page only`);
    store = undefined;
  };
  /**
   * Writes pending additions and deletions in chunks of `n`, one transaction each, awaiting each
   * commit (a new task) before the next: a burst's thousands of structured-clone puts in one
   * transaction would block the main thread. A put is filtered by `ids` when its chunk goes out, so
   * nothing delivered (or dropped) meanwhile is written back; transactions run in the order they are
   * made, so a delete always follows its put. `mine`: the scheduled run, which clears `scheduled`.
   */
  const flushWrites = async (n = Infinity, mine?: boolean) => {
    try {
      while (store && (writes.length || deletes.length)) {
        const w = writes.splice(0, n).filter((s) => ids.has(s.id));
        const d = deletes.splice(0, n);
        if (w.length) await setMany(w.map((s) => [s.id, { seq: s.seq, id: s.id, m: msg(s) }]), store);
        if (d.length) await delMany(d, store);
      }
    } catch (e) { idbFailed(e); }
    if (mine) scheduled = false;
  };
  const schedule = () => {
    if (!store) { writes = []; deletes = []; } // memory only: nothing to write, nothing to keep
    else if (!scheduled) { scheduled = true; setTimeout(() => flushWrites(CHUNK, true), 0); }
  };

  const q: Queue = {
    dropped: 0,
    size: () => items.length,
    add(id, make) {
      if (ids.has(id)) return;
      const s: Stored = { seq: Date.now() * 1000 + (++seq % 1000), id, make }; // ordered across pages, for restore
      items.push(s);
      ids.add(id);
      writes.push(s);
      while (items.length > max) {
        const i = items.findIndex((x) => !sending.has(x.id));
        if (i < 0) break;
        const [old] = items.splice(i, 1);
        ids.delete(old!.id);
        deletes.push(old!.id);
        q.dropped++;
      }
      schedule();
    },
    take(n, maxBytes) {
      const messages: Message[] = [];
      let bytes = 0;
      for (const s of items) {
        if (messages.length >= n) break;
        if (sending.has(s.id)) continue;
        const m = msg(s);
        const size = utf8(JSON.stringify(m)) + 1;
        if ((bytes += size) > maxBytes && messages.length) break;
        messages.push(m);
        sending.add(s.id);
      }
      return messages;
    },
    done(messages) {
      const gone = new Set(messages.map((m) => m.messageId));
      for (let i = items.length - 1; i >= 0; i--) if (gone.has(items[i]!.id)) items.splice(i, 1);
      for (const id of gone) { ids.delete(id); sending.delete(id); deletes.push(id); }
      schedule();
    },
    release(messages) { for (const m of messages) sending.delete(m.messageId); },
    async restore() {
      if (!store) return 0;
      try {
        const found = (await entries<string, Stored>(store)).map(([, s]) => s).filter((s) => s?.m?.messageId).map((s) => ({ seq: s.seq, id: s.m!.messageId, m: s.m }));
        found.sort((a, b) => a.seq - b.seq);
        const earlier = found.filter((s) => s.seq < start && !ids.has(s.id));
        items.unshift(...earlier);
        for (const s of earlier) ids.add(s.id);
        return earlier.length;
      } catch (e) { idbFailed(e); return 0; }
    },
    persist: () => flushWrites(),
  };
  return q;
}
