/**
 * What the six consent-platform readers share: one "follower" per `followConsentPlatform` call
 * that polls for a platform's global, listens to its window events, passes each new decision on
 * once, says in debug output when the platform never showed up, and stops cleanly. Nothing in
 * here throws into the page or into the platform's own code.
 */
import type { ConsentState } from '../plan/types';

export interface PlatformOptions {
  window?: Window;
  /** The visitor's decision, as our categories; called on the first answer and on every later change. */
  onDecision(update: { analytics?: ConsentState | undefined; ads?: ConsentState | undefined }): void;
  /** Debug output: e.g. "cookiebot has not loaded after 10 s; the plan's default consent stays in force". */
  warn(message: string): void;
  /** How long to wait for the platform before saying so in debug output (default 10_000 ms). */
  timeout?: number;
  /**
   * The platform wrote its answer again without changing it (Google Consent Mode: another update
   * in the dataLayer): the tracker says its own state again where Global Privacy Control overrides it.
   */
  again?(): void;
}

/** `fn`, made harmless: a no-op once stopped, never throwing (errors go to debug output once). */
export type Guard = <A extends unknown[]>(fn: (...a: A) => unknown) => (...a: A) => void;

/**
 * One platform: starts reading with these helpers (positional, to keep the script tag small);
 * may return its own clean-up.
 * - `w`: the page's window, loosely typed (the platforms' globals are not in lib.dom);
 * - `decide(analytics, ads)`: the visitor's answer, `true` grants, `null` is no answer yet for
 *   that category (it keeps its state), anything else denies; only a change is passed on (then
 *   it answers true);
 * - `loaded()`: the platform is on the page (no "has not loaded" warning);
 * - `poll(test)`: runs `test` now and every 250 ms until it returns something truthy (or the
 *   follower stops);
 * - `guard(fn)`: see `Guard`;
 * - `again()`: the platform wrote the same answer again (see PlatformOptions.again).
 */
export type Reader = (
  w: any,
  decide: (analytics: unknown, ads: unknown) => boolean,
  loaded: () => void,
  poll: (test: () => unknown) => void,
  guard: Guard,
  again: () => void,
) => void | (() => void);

/** Whether the page has a first-party cookie of that name. */
export const hasCookie = (w: any, name: string): boolean => ('; ' + w.document.cookie).includes('; ' + name + '=');

export function follow(name: string, read: Reader | undefined, o: PlatformOptions): () => void {
  let live = 1;
  let seen = 0;
  let failed = 0;
  let last = '';
  const undo: (() => void)[] = [];
  const say = (m: string) => { try { o.warn(m); } catch { /* debug output must not break the page */ } };
  const guard: Guard = (fn) => (...a) => {
    if (live) try { fn(...a); } catch (e) { failed++ || say(name + ': ' + e); }
  };
  const state = (x: unknown) => (x === true ? 'granted' : x === null ? undefined : 'denied');
  const t = o.timeout ?? 1e4;
  guard(() => {
    const w: any = o.window || window;
    const timer = setTimeout(guard(() => seen || say(`${name} has not loaded after ${t / 1e3} s; the plan's default consent stays in force`)), t);
    undo.push(() => clearTimeout(timer), read!(
      w,
      (a, b) => {
        // An update naming neither category (functionality_storage alone) decides nothing.
        if ((a === null && b === null) || state(a) + ' ' + state(b) == last) return false;
        last = state(a) + ' ' + state(b);
        o.onDecision({ analytics: state(a), ads: state(b) });
        return true;
      },
      () => { seen = 1; },
      (test) => {
        const tick: () => void = guard(() => test() && clearInterval(id));
        const id: any = setInterval(tick, 250);
        undo.push(() => clearInterval(id));
        tick();
      },
      guard,
      guard(() => o.again?.()),
    ) || (() => {}));
  })();
  return () => { if (live) try { live = 0; undo.map((f) => f()); } catch { /* stopped anyway */ } };
}

/**
 * A platform with a window global and window events: `state` says, from the global, whether the
 * visitor has answered and what (`[analytics, ads]`, `true` = consented), or nothing yet.
 * Read on each of the events and every 250 ms (for state a platform sets after its event, or
 * changes without one).
 */
export const evented = (global: string, events: string[], state: (g: any, w: any) => unknown): Reader => (w, decide, loaded, poll, guard) => {
  const read = () => {
    const g = w[global];
    // An element with that id is a window property too: Cookiebot's own embed code is
    // `<script id="Cookiebot" src="…uc.js">`, there even when an ad blocker stopped uc.js.
    if (g == null || g.nodeType) return;
    loaded();
    const s = state(g, w) as unknown[];
    if (s) decide(s[0], s[1]);
  };
  const h = guard(read);
  events.map((e) => w.addEventListener(e, h));
  poll(read);
  return () => events.map((e) => w.removeEventListener(e, h));
};
