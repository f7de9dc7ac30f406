/**
 * First-party storage (localStorage, JSON values under `mp_` keys). Callers decide what may be
 * stored under the visitor's consent; this module only makes storing safe: a blocked or full
 * storage degrades (to this tab's sessionStorage, else memory for this page) and is reported once.
 */
import { browser, stringify } from './env';

export interface Store {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  del(key: string): void;
}

/** Set in sessionStorage once a write went there: this tab's later pages read it first. */
const SPILLED = 'mp__spill';

export function localStore(report: (reason: string) => void): Store {
  const memory = new Map<string, string>();
  let ls: Storage | undefined;
  let ss: Storage | undefined;
  /** Read at the first get or set, which callers make only under consent: not at page load. */
  let spilled: boolean | undefined;
  /** Why storage cannot even be reached: said at the first use, under consent (tabs QA 2026-12-06: never said). */
  let blocked: unknown;
  // Storage access can throw (site data blocked, cross-site and sandboxed frames); each on its own:
  // a throwing sessionStorage took a working localStorage along, and with it the record of
  // forwarded orders (compat QA 2026-12-07).
  try { ls = browser()?.localStorage; } catch (e) { blocked = e; }
  try { ss = browser()?.sessionStorage; } catch { /* nothing kept across this tab's reloads */ }
  let reported = false;
  // A full quota fails writes only: what is stored can still be read (an order forwarded on an
  // earlier page is still known) and removed (a withdrawal still deletes it).
  let writable = true;
  const fail = (e: unknown, reading?: true) => {
    if (!reported) report(`first-party storage is unavailable (${(e as Error)?.name ?? e}); keeping data for this ${tabKeeps() ? 'tab' : 'page'} only`);
    reported = true;
    if (reading) ls = undefined; else writable = false;
  };
  const read = (s: Storage | undefined, key: string) => {
    try { return s?.getItem('mp_' + key) ?? undefined; } catch (e) { if (s === ls) fail(e, true); }
  };
  const isSpilled = () => {
    try { return (spilled ??= !!ss?.getItem(SPILLED)); } catch { return (spilled = false); }
  };
  /**
   * The tab's spilled value: `[value, what localStorage held when it spilled]`. It is the newer one
   * while localStorage still holds that; once another tab wrote there (the site freed space), the
   * localStorage value is newer (an order that tab forwarded must not be forwarded again here).
   */
  const spill = (key: string) => {
    const s = isSpilled() ? read(ss, key) : undefined;
    if (s === undefined) return undefined;
    try {
      const [value, over] = JSON.parse(s) as [string, string | null];
      if ((read(ls, key) ?? null) === over) return value;
    } catch { /* not ours: ignored */ }
    return undefined;
  };
  /** Whether the tab's sessionStorage takes writes, for the words above (compat QA 2026-12-07: "tab" where a reload kept nothing). */
  const tabKeeps = () => { try { ss!.setItem(SPILLED + '?', ''); ss!.removeItem(SPILLED + '?'); return true; } catch { return false; } };
  const said = () => { if (blocked) { fail(blocked, true); blocked = undefined; } };
  return {
    get(key) {
      said();
      const raw = memory.get(key) ?? spill(key) ?? read(ls, key);
      if (raw === undefined) return undefined;
      try { return JSON.parse(raw); } catch { return undefined; }
    },
    set(key, value) {
      said();
      const raw = stringify(value);
      memory.delete(key);
      if (ls && writable) {
        try {
          ls.setItem('mp_' + key, raw);
          if (isSpilled()) ss!.removeItem('mp_' + key);
          return;
        } catch (e) { fail(e); }
      }
      // localStorage full (filled by the site, most often): this tab keeps the value across reloads,
      // so a reloaded confirmation page still finds its order and the visitor keeps their id.
      try {
        ss!.setItem(SPILLED, '1');
        spilled = true;
        ss!.setItem('mp_' + key, stringify([raw, read(ls, key) ?? null]));
        return;
      } catch { /* no sessionStorage either */ }
      memory.set(key, raw);
    },
    del(key) {
      memory.delete(key);
      for (const s of [ls, ss]) try { s?.removeItem('mp_' + key); } catch { /* nothing stored then */ }
      // The marker goes with the last key spilled: a denial leaves nothing of ours in the tab (consent QA 2026-12-07).
      try {
        if (!isSpilled()) return;
        for (let i = 0; i < ss!.length; i++) { const k = ss!.key(i); if (k?.startsWith('mp_') && k != SPILLED) return; }
        ss!.removeItem(SPILLED);
        spilled = false;
      } catch { /* no sessionStorage */ }
    },
  };
}
