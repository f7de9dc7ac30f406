/** Browser guards in one place: nothing here throws where an API is missing (SSR, old browsers, tests). */

export const browser = (): (Window & typeof globalThis) | undefined => (typeof window === 'undefined' ? undefined : window);

/** Whether the URL asks for debug output (`?measureplan_debug=1`). */
/**
 * More than `ms` has passed since `since`. A `since` at least `ms` ahead of now was stored under a
 * clock that ran ahead by more than the whole window and has been corrected since: how long ago is
 * unknown, and taken as long ago (time QA 2026-12-06: a visitor back 5 real hours later kept the
 * old session, funnel and cart). A clock set back by less than the window (minutes, for a
 * 30-minute session) counts as no time passed, as before (diff read 2026-12-06).
 */
export const passed = (t: number, since: number, ms: number): boolean => t - since > ms || since - t >= ms;

export const debugRequested = (): boolean => /[?&]measureplan_debug=(1|true)\b/.test(browser()?.location?.search ?? '');

/**
 * RFC 4122 version 4 ids for `track()`, on the host page's critical path. `crypto.randomUUID()`
 * costs ~2 µs a call in Chromium; here random bytes are drawn for 256 ids at once into one reused
 * buffer, and each id is one `String.fromCharCode` of its 36 characters: ~0.05 µs and one flat
 * string (joining hex pieces leaves a tree of ~20 strings per id, kept while the event waits).
 */
const random = new Uint8Array(16 * 256);
let at = random.length;
const hex = (v: number) => (v < 10 ? 48 + v : 87 + v); // 0-9, a-f
const hi = (v: number) => hex(v >> 4);
const lo = (v: number) => hex(v & 15);
export function uuid(): string {
  if (at >= random.length) {
    const c = globalThis.crypto;
    // Without Web Crypto (very old browsers) ids are still unique enough to tell events apart.
    if (c?.getRandomValues) c.getRandomValues(random); else for (let i = 0; i < random.length; i++) random[i] = (Math.random() * 256) | 0;
    at = 0;
  }
  const b = random;
  const o = at;
  at += 16;
  const v = (b[o + 6]! & 0x0f) | 0x40; // version 4
  const r = (b[o + 8]! & 0x3f) | 0x80; // variant 10
  return String.fromCharCode(
    hi(b[o]!), lo(b[o]!), hi(b[o + 1]!), lo(b[o + 1]!), hi(b[o + 2]!), lo(b[o + 2]!), hi(b[o + 3]!), lo(b[o + 3]!), 45,
    hi(b[o + 4]!), lo(b[o + 4]!), hi(b[o + 5]!), lo(b[o + 5]!), 45,
    hi(v), lo(v), hi(b[o + 7]!), lo(b[o + 7]!), 45,
    hi(r), lo(r), hi(b[o + 9]!), lo(b[o + 9]!), 45,
    hi(b[o + 10]!), lo(b[o + 10]!), hi(b[o + 11]!), lo(b[o + 11]!), hi(b[o + 12]!), lo(b[o + 12]!),
    hi(b[o + 13]!), lo(b[o + 13]!), hi(b[o + 14]!), lo(b[o + 14]!), hi(b[o + 15]!), lo(b[o + 15]!),
  );
}

/**
 * `JSON.stringify` that a page's `Array.prototype.toJSON` (Prototype.js 1.6, still on old
 * Magento 1 shops) cannot turn into a JSON text of JSON texts: it is set aside for the call.
 */
export function stringify(value: unknown): string {
  const a = Array.prototype;
  const d = Object.getOwnPropertyDescriptor(a, 'toJSON');
  // One the page cannot have removed (not configurable) stays: its arrays as JSON texts, rather than no tracking.
  if (!d?.configurable) return JSON.stringify(value);
  delete (a as { toJSON?: unknown }).toJSON;
  // Put back as it was, not by assignment: a non-enumerable one became enumerable, and every
  // `for…in` over an array on the page saw it (hostile QA 2026-12-06).
  try { return JSON.stringify(value); } finally { Object.defineProperty(a, 'toJSON', d); }
}

/** Runs `fn` once the page has loaded and the browser is idle (capped at 5 s): work that must stay off the critical path. */
export function afterLoadWhenIdle(fn: () => void, signal?: AbortSignal): void {
  const w = browser();
  if (!w?.document) return;
  const run = () => { if (!signal?.aborted) fn(); }; // the tracker was shut down meanwhile: nothing is loaded
  const idle = () => (w.requestIdleCallback ? w.requestIdleCallback(run, { timeout: 5000 }) : setTimeout(run, 1));
  if (w.document.readyState === 'complete') idle();
  else w.addEventListener('load', idle, { once: true, signal });
}

/**
 * Hears the page being left (`pagehide`, or hidden: the last moment a page reliably gets, as it
 * may be discarded hidden without a pagehide) and, with `back`, shown again (`pageshow`, or
 * visible: `back(true)`), until `signal` aborts. One helper for the tracker's, the dispatcher's and
 * the journey's listeners, each added where they were, so that their order stays as it was.
 */
export function onLeave(leave: () => void, back?: (visible?: true) => void, signal?: AbortSignal): void {
  const w = browser();
  const on = { signal };
  w?.addEventListener?.('pagehide', () => leave(), on);
  if (back) w?.addEventListener?.('pageshow', () => back(), on);
  w?.document?.addEventListener?.('visibilitychange', () => { if (w.document.visibilityState === 'hidden') leave(); else back?.(true); }, on);
}

/** Whether the browser is prerendering document `d` ahead of a click (speculation rules): nobody sees it yet. */
export const unseen = (d: Document): boolean => !!(d as { prerendering?: boolean }).prerendering;

/**
 * Runs `fn` once the visitor sees document `d`: at once, or, for a page the browser prerenders
 * ahead of a click, when it is shown, and never if it is not. A page nobody opened is no page
 * view (Google's tags hold their hits the same way; prerender QA 2026-12-07: a product page never
 * shown counted its view_item and started the browse-abandonment list). `listen` adds the
 * listener (installTriggers passes its own, so that its stop() removes it).
 */
export function whenShown(
  d: Document,
  fn: () => void,
  listen: (t: EventTarget, type: string, fn: () => void, o: AddEventListenerOptions) => void = (t, type, f, o) => t.addEventListener(type, f, o),
): void {
  if (unseen(d)) listen(d, 'prerenderingchange', fn, { once: true });
  else fn();
}

type PostTask = (fn: () => void) => Promise<unknown>;
let channel: MessageChannel | undefined;
const due: (() => void)[] = [];

/**
 * Runs `fn` in a task of its own, as soon as the browser gets to it: work split this way lets the
 * page render and respond in between. `scheduler.postTask` where there is one, else a message to
 * ourselves; not a timer, which a background tab throttles to one a second (a shop page opened in
 * a new tab would start tracking seconds late) and the browser clamps when timers nest.
 */
export function nextTask(fn: () => void): void {
  const post = (globalThis as { scheduler?: { postTask?: PostTask } }).scheduler?.postTask;
  if (post) { post.call((globalThis as { scheduler?: object }).scheduler, fn).catch(() => undefined); return; }
  if (typeof MessageChannel !== 'function' || !browser()) { setTimeout(fn, 0); return; }
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => { const f = due.shift(); try { f?.(); } catch { /* each caller guards its own work */ } };
    (channel.port1 as { unref?: () => void }).unref?.(); // Node (tests): an idle port must not keep the process alive
  }
  due.push(fn);
  channel.port2.postMessage(0);
}
