/**
 * Journey state that lives in first-party storage only under analytics consent.
 *
 * Until the visitor decides, changes apply to a copy in memory and are remembered as operations;
 * a grant replays them onto what earlier pages stored, so a step, an add to cart or an order made
 * before the answer is neither lost nor allowed to wipe what was stored. An explicit denial
 * deletes the stored copy (on any page: every page starts undecided).
 *
 * Writes are coalesced (see `createWriter`): a burst of add-to-carts writes the cart once, in a
 * task of its own after the conversions', and at the latest when the page is hidden or left. A value another tab writes is adopted when its `storage` event arrives, and
 * storage is read again when a page comes back from the back/forward cache; two tabs writing in
 * the same instant still end with the last writer's copy.
 */
import { browser, onLeave } from '../core/env';
import type { Store } from '../core/storage';
import { isObj } from '../plan/shape';

/** A stored state that is an object of entries, each of which `ok` accepts (the funnels', the experiments'). */
export const entriesOk = (v: unknown, ok: (x: unknown) => boolean): boolean => isObj(v) && Object.values(v).every(ok);

export interface Kept<T> {
  value: T;
  /** Whether the state is stored (analytics consent granted). */
  readonly allowed: boolean;
  /**
   * Changes the state to `op(value, a, b)`; before consent the change is also kept, to be replayed
   * onto the stored state. `a` and `b` are passed rather than captured, so that a conversion
   * changing the cart or a funnel allocates no closure.
   */
  update(op: (v: T) => T): void;
  update<A>(op: (v: T, a: A) => T, a: A): void;
  update<A, B>(op: (v: T, a: A, b: B) => T, a: A, b: B): void;
  allow(granted: boolean): void;
  /** Adopts the stored value now (another tab may have changed it since), unless this page has a change still to write. */
  fresh(): void;
  /** Starts again empty, stored copy included (a signed-in user signed out: the next person is a new visitor). */
  reset(): void;
  /** Deletes the stored copy only; this page's changes stay, for the grant to replay. */
  drop(): void;
}

/** Nothing worth storing: an empty record or an empty basket (so a grant alone writes nothing). */
const isEmpty = (v: unknown) => !Object.keys(v as object).length || (Array.isArray((v as { items?: unknown[] }).items) && !(v as { items: unknown[] }).items.length);
/** Operations remembered before consent; more than this on one page is not a visitor. */
const MAX_OPS = 200;

/** Coalesces the journey's storage writes: each state is written once, whatever changed it how often. */
export interface Writer {
  /** Runs `write` soon (once, however often it is asked for before then). */
  later(write: () => void): void;
  /** Runs every write asked for, now. */
  flush(): void;
  /** Aborted by the tracker's shutdown(): every listener of the journey's storage is removed then. */
  readonly signal?: AbortSignal;
}

/**
 * Writes in a task of their own (a localStorage write costs tens of microseconds, more as the
 * first call of a task: not on the time of the click that tracked), and before the page can be
 * left: `pagehide`, or hidden, which is the last moment a page reliably gets (it may be discarded
 * hidden, without a pagehide).
 */
export function createWriter(signal?: AbortSignal): Writer {
  const due = new Set<() => void>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    if (timer !== undefined) { clearTimeout(timer); timer = undefined; }
    for (const write of due) { due.delete(write); try { write(); } catch { /* storage.ts reports its own failures */ } }
  };
  onLeave(flush, undefined, signal);
  return {
    later(write) {
      if (signal?.aborted) return; // shut down: flush() wrote everything, nothing is stored after it
      due.add(write);
      timer ??= setTimeout(flush, 0);
    },
    flush,
    signal,
  };
}

/**
 * `valid` checks a stored value's shape: storage is shared with the site's own code and older
 * versions, and a malformed value is dropped rather than trusted.
 */
export function kept<T extends object>(store: Store, key: string, initial: () => T, valid: (v: unknown) => v is T, writer: Writer): Kept<T> {
  let allowed = false;
  /** Analytics explicitly denied on this page: changes since then are not kept for a later grant. */
  let denied = false;
  let due = false; // a write is asked for: a burst asks the writer once
  let ops: [op: (v: T, a: any, b: any) => T, a: unknown, b: unknown][] = [];
  const write = () => {
    due = false;
    if (!allowed) return; // denied since: nothing more is stored
    if (isEmpty(k.value)) store.del(key); else store.set(key, k.value);
  };
  const read = (): T => { const v = store.get<unknown>(key); return valid(v) ? v : initial(); };
  const k: Kept<T> = {
    value: initial(),
    get allowed() { return allowed; },
    update(op: (v: T, a?: unknown, b?: unknown) => T, a?: unknown, b?: unknown) {
      k.value = op(k.value, a, b);
      // Replayed on a grant only while undecided: what happened under a denial was dropped for
      // the collector, and its effect on the cart must go with it (analyst QA 2026-12-06).
      if (!allowed) { if (!denied && ops.length < MAX_OPS) ops.push([op, a, b]); return; }
      if (!due) { due = true; writer.later(write); }
    },
    fresh() { if (allowed && !due) k.value = read(); },
    reset() { k.value = initial(); ops = []; if (allowed) store.del(key); },
    drop() { store.del(key); },
    allow(granted) {
      denied = !granted;
      // Denied: what analytics storage held is not used on this page either (a cart kept from
      // earlier pages reported left after a withdrawal: journey QA 2026-12-07), as a grant after
      // it would start from nothing stored.
      if (!granted) { allowed = false; ops = []; store.del(key); k.value = initial(); return; }
      if (allowed) return;
      allowed = true;
      let v = read();
      for (const [op, a, b] of ops) v = op(v, a, b);
      ops = [];
      k.value = v;
      write();
    },
  };
  const w = browser();
  // Another tab wrote (storage.ts keeps keys under the `mp_` prefix): its value is the newest.
  const on = { signal: writer.signal };
  w?.addEventListener?.('storage', (e) => {
    if (!allowed || e.key !== 'mp_' + key) return;
    try { const v = e.newValue ? JSON.parse(e.newValue) : initial(); k.value = valid(v) ? v : initial(); } catch { /* a foreign write: keep ours */ }
  }, on);
  // A page restored from the back/forward cache may have missed other tabs' writes.
  w?.addEventListener?.('pageshow', (e) => { if (allowed && (e as PageTransitionEvent).persisted) k.value = read(); }, on);
  return k;
}
