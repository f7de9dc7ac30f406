/**
 * Journey state that lives in first-party storage only under analytics consent: in memory for
 * this page until the visitor grants it, then merged with what earlier pages stored; an explicit
 * denial deletes the stored copy (the page keeps its memory).
 *
 * Writes are coalesced to one per task (a burst of add-to-carts writes the cart once, off the
 * `track()` call), and a change written by another tab of the same visitor is adopted at once,
 * so two tabs filling one cart do not overwrite each other.
 */
import { browser } from '../core/env';
import type { Store } from '../core/storage';

export interface Kept<T> {
  value: T;
  /** Writes the current value (when storing is allowed), at the end of the current task. */
  save(): void;
  allow(granted: boolean): void;
}

/** Nothing worth storing: an empty record or an empty basket (so a grant alone writes nothing). */
const isEmpty = (v: unknown) => !v || typeof v !== 'object' || !Object.keys(v).length || (Array.isArray((v as { items?: unknown[] }).items) && !(v as { items: unknown[] }).items.length);

export function kept<T>(store: Store, key: string, initial: () => T, merge: (stored: T, memory: T) => T): Kept<T> {
  let allowed = false;
  let pending = false;
  const write = () => {
    pending = false;
    if (!allowed) return;
    if (isEmpty(k.value)) store.del(key); else store.set(key, k.value);
  };
  const k: Kept<T> = {
    value: initial(),
    save() {
      if (!allowed || pending) return;
      pending = true;
      queueMicrotask(write);
    },
    allow(granted) {
      if (!granted) { if (allowed) store.del(key); allowed = false; return; }
      if (allowed) return;
      allowed = true;
      const stored = store.get<T>(key);
      if (stored && typeof stored === 'object') k.value = merge(stored, k.value);
      write();
    },
  };
  // Another tab wrote (storage.ts keeps keys under the `mp_` prefix): its value is the newest.
  browser()?.addEventListener?.('storage', (e) => {
    if (!allowed || e.key !== 'mp_' + key) return;
    try { k.value = e.newValue ? JSON.parse(e.newValue) : initial(); } catch { /* a foreign write: keep ours */ }
  });
  return k;
}
