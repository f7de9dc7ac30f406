/**
 * First-party storage (localStorage, JSON values under `mp_` keys). Callers decide what may be
 * stored under the visitor's consent; this module only makes storing safe: a blocked or full
 * storage degrades to memory for this page and is reported once.
 */
import { browser, stringify } from './env';

export interface Store {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  del(key: string): void;
}

export function localStore(report: (reason: string) => void): Store {
  const memory = new Map<string, string>();
  let ls: Storage | undefined;
  try {
    ls = browser()?.localStorage;
  } catch {
    ls = undefined; // Storage access can throw (blocked cookies, sandboxed frames)
  }
  let reported = false;
  // A full quota fails writes only: what is stored can still be read (an order forwarded on an
  // earlier page is still known) and removed (a withdrawal still deletes it).
  let writable = true;
  const fail = (e: unknown, reading?: true) => {
    if (!reported) report(`first-party storage is unavailable (${(e as Error)?.name ?? e}); keeping data in memory for this page`);
    reported = true;
    if (reading) ls = undefined; else writable = false;
  };
  return {
    get(key) {
      let raw = memory.get(key);
      if (raw === undefined && ls) {
        try { raw = ls.getItem('mp_' + key) ?? undefined; } catch (e) { fail(e, true); }
      }
      if (raw === undefined) return undefined;
      try { return JSON.parse(raw); } catch { return undefined; }
    },
    set(key, value) {
      const raw = stringify(value);
      if (ls && writable) {
        try { ls.setItem('mp_' + key, raw); memory.delete(key); return; } catch (e) { fail(e); }
      }
      memory.set(key, raw);
    },
    del(key) {
      memory.delete(key);
      try { ls?.removeItem('mp_' + key); } catch { /* nothing stored then */ }
    },
  };
}
