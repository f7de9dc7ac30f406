/**
 * Exactly once: a conversion with a `dedupe` key is forwarded once per key value, across reloads,
 * back/forward navigations, sessions and tabs, for `days` (default 90).
 *
 * The record of forwarded keys is first-party storage of the `analytics` category (`mp_dd`):
 * a list of at most 500 `[hash, expiresAt]` entries, oldest first; expired entries are dropped
 * when it is read, the oldest when it is full. Only a 64-bit hash of conversion name and key
 * value is stored, never the value (an order number) itself. Without analytics consent the keys
 * are kept in memory for this page only; an explicit denial deletes the record.
 *
 * Tabs racing for the same key are serialised by the Web Locks API: under the lock the record is
 * read again, checked and written. Where `navigator.locks` is missing (old browsers, insecure
 * origins), a write-then-verify claim stands in: see `verified`.
 */
import { uuid } from './env';
import { fnv } from './hash';
import type { Store } from './storage';

const KEY = 'dd';
const CLAIM = 'ddc';
const LOCK = 'measureplan-dedupe';
export const DEDUPE_MAX = 500;
export const DEDUPE_DAYS = 90;
/**
 * Write-then-verify: how long a claim must survive before it wins (cross-tab storage propagation).
 * 50 ms let two tabs both win on a loaded two-core machine (our own Chromium test, 2026-12-04):
 * a renderer keeps its own pending write over another tab's until the browser confirms it.
 */
export const VERIFY_MS = 200;
/**
 * Web Locks: the lock is held this long after the write, so the write has reached the other tabs'
 * storage before they read it; as long as the fallback waits (50 ms let two tabs both win there).
 */
const HOLD_MS = VERIFY_MS;

type Entry = [hash: string, expires: number];
type Locks = { request(name: string, fn: () => Promise<unknown>): Promise<unknown> };

export interface Dedupe {
  /**
   * Claims a key value for a conversion and calls `then(true)` the first time (forward it),
   * `then(false)` for a duplicate: at once when the answer is known without the lock (memory,
   * the stored record, or no analytics storage), after the cross-tab claim otherwise. Never throws.
   */
  claim(conversion: string, value: string, days: number | undefined, now: number, then: (first: boolean) => void): void;
  /** Analytics consent changed: on a grant the keys of this page join the stored record; on a denial the record is deleted. */
  allow(granted: boolean): void;
  /** Resolves when every claim in flight has been decided. */
  settled(): Promise<unknown>;
  /**
   * The page is being left: every claim still in flight is decided now against the stored record
   * (a form that leaves for its thank-you page within VERIFY_MS must not lose its conversion; a
   * rare duplicate from a racing tab is the lesser harm), and so is every claim until the page is
   * shown again (`back`): a task after pagehide may never run.
   */
  leave(): void;
  /** The page is shown again (back/forward cache): claims wait for their cross-tab answer again. */
  back(): void;
}

/**
 * Two 32-bit FNV-1a lanes with different bases and primes: a fast 64-bit hash, enough to tell
 * 500 keys apart (a collision among them has odds of about 1 in 10^13). Not a secret.
 */
export const hash64 = (s: string): string => fnv(s).toString(36) + '.' + fnv(s, 0x1b873593, 0x5bd1e995).toString(36);

/** The most keys a tracker without a page (server-side rendering) remembers: about 1.5 MB. */
export const SERVER_KEYS = 10_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** `keep`: the most keys kept in memory, the oldest let go (a page keeps all it claimed). */
export function createDedupe(store: Store, locks?: Locks, keep = Infinity): Dedupe {
  /**
   * Every key this page claimed (or found claimed), whatever the consent: hash → expiry. A Map, not
   * a list: a page open for hours that claims thousands of keys (lead ids) paid a scan of all of
   * them on every claim (soak review 2026-12-06: 20,000 keys, 325 µs per track()).
   */
  const mine = new Map<string, number>();
  let pending: Promise<unknown> = Promise.resolve();
  let stored = false;
  /** Claims in flight and whom to tell; decided once, by the claim or by `leave`. */
  const flying = new Map<Entry, (first: boolean) => void>();
  const decide = (e: Entry, first: boolean) => {
    const then = flying.get(e);
    if (then) { flying.delete(e); then(first); }
  };

  const read = (now: number): Entry[] => {
    const list = store.get<Entry[]>(KEY);
    return Array.isArray(list) ? list.filter((e) => e?.[1] > now) : [];
  };
  const has = (list: Entry[], h: string, now = 0) => list.some((e) => e?.[0] === h && e[1] > now);
  /** The decision itself, made under the lock (or after a verified claim): read again, check, write; each key of `batch` first or not. */
  const commitAll = (batch: Entry[]): boolean[] => {
    const list = read(Date.now());
    const firsts = batch.map((e) => !has(list, e[0]) && !!list.push(e));
    if (stored && firsts.includes(true)) store.set(KEY, list.slice(-DEDUPE_MAX));
    return firsts;
  };
  const commit = (e: Entry): boolean => commitAll([e])[0]!;
  /** Decided against the stored record alone, now; storage gone: forwarded rather than lost. */
  const decidedNow = (e: Entry): boolean => { try { return commit(e); } catch { return true; } };
  /** pagehide seen, and no pageshow since. */
  let gone = false;

  /**
   * Without Web Locks: write a claim with a random token, wait, read it back. Of tabs claiming at
   * the same moment, the last write stays and only its tab wins; a tab that checks after the
   * winner's commit finds the key in the record. This holds as long as a write reaches the other
   * tabs' storage within VERIFY_MS (it takes a few milliseconds in current browsers): a best
   * effort, not a guarantee. A claim of another key that overwrote ours does not stop this one
   * (at worst a rare duplicate, never a lost conversion).
   */
  const verified = (e: Entry): Promise<boolean> => {
    const token = uuid();
    store.set(CLAIM, [e[0], token]);
    return sleep(VERIFY_MS).then(() => {
      const c = store.get<string[]>(CLAIM);
      if (c?.[1] === token) store.del(CLAIM);
      // Lost to another tab claiming this very key; else the record decides.
      return !(c?.[0] === e[0] && c[1] !== token) && commit(e);
    });
  };

  /**
   * Under the lock (a live tab holds it for HOLD_MS), every claim waiting for it at once: one lock
   * per claim let a page forward at most five a second, a backlog without end for a shop that
   * tracks more (performance review 2026-12-06). A refused lock (an opaque origin) falls back to
   * write-then-verify.
   */
  let waiting: [Entry, (first: boolean) => void][] = [];
  const locked = (l: Locks, e: Entry) => new Promise<boolean>((done) => {
    if (waiting.push([e, done]) > 1) return; // a lock is asked for already: this claim joins it
    l.request(LOCK, () => {
      const batch = waiting;
      waiting = [];
      commitAll(batch.map(([x]) => x)).forEach((first, i) => batch[i]![1](first));
      return sleep(HOLD_MS);
    }).catch(() => { const batch = waiting; waiting = []; for (const [x, d] of batch) verified(x).then(d); });
  });

  return {
    claim(conversion, value, days, now, then) {
      const h = hash64(conversion + '\n' + value);
      if ((mine.get(h) ?? 0) > now) return then(false);
      const e: Entry = [h, now + (days ?? DEDUPE_DAYS) * 86_400_000];
      mine.delete(h); // a key claimed again goes last, as the newest (the stored record drops the oldest)
      mine.set(h, e[1]);
      // Bounded on a server: a tracker shared by every request would keep each order's key (devx QA 2026-12-06).
      if (mine.size > keep) mine.delete(mine.keys().next().value!);
      if (!stored) return then(true);
      // Forwarded by an earlier page: no lock needed. The record as stored, without read()'s copy.
      const list = store.get<Entry[]>(KEY);
      if (Array.isArray(list) && has(list, h, now)) return then(false);
      // Tracked while the page is being left (compat QA 2026-12-07: its claim never ended).
      if (gone) return then(decidedNow(e));
      flying.set(e, then);
      pending = Promise.all([pending, (locks ? locked(locks, e) : verified(e)).catch(() => true).then((first) => decide(e, first))]).catch(() => undefined);
    },
    allow(granted) {
      if (!granted) { stored = false; store.del(KEY); store.del(CLAIM); return; }
      if (stored) return;
      stored = true;
      const now = Date.now();
      const list = read(now);
      const add: Entry[] = [];
      for (const [h, t] of mine) if (t > now && !has(list, h)) add.push([h, t]);
      if (add.length) store.set(KEY, [...list, ...add].slice(-DEDUPE_MAX));
    },
    settled: () => pending,
    leave() {
      gone = true;
      for (const e of [...flying.keys()]) decide(e, decidedNow(e));
    },
    back() { gone = false; },
  };
}
