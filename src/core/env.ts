/** Browser guards in one place: nothing here throws where an API is missing (SSR, old browsers, tests). */

export const browser = (): (Window & typeof globalThis) | undefined => (typeof window === 'undefined' ? undefined : window);

/** Whether the URL asks for debug output (`?measureplan_debug=1`). */
export const debugRequested = (): boolean => /[?&]measureplan_debug=(1|true)\b/.test(browser()?.location?.search ?? '');

/**
 * RFC 4122 version 4 ids for `track()`, cut from a buffer of random bytes filled 256 ids at a time:
 * `crypto.randomUUID()` costs ~2 µs a call in Chromium (tens of µs as the first call of a task),
 * on the host page's critical path; formatting from a buffer costs a fraction of that.
 */
const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));
let bytes: Uint8Array | undefined;
let at = 0;
export function uuid(): string {
  if (!bytes || at >= bytes.length) {
    bytes = new Uint8Array(16 * 256);
    const c = globalThis.crypto;
    // Without Web Crypto (very old browsers) ids are still unique enough to tell events apart.
    if (c?.getRandomValues) c.getRandomValues(bytes); else for (let i = 0; i < bytes.length; i++) bytes[i] = (Math.random() * 256) | 0;
    at = 0;
  }
  const b = bytes;
  const i = at;
  at += 16;
  const h = (k: number) => HEX[b[i + k]!]!;
  return h(0) + h(1) + h(2) + h(3) + '-' + h(4) + h(5) + '-' + HEX[(b[i + 6]! & 0x0f) | 0x40] + h(7) + '-' +
    HEX[(b[i + 8]! & 0x3f) | 0x80] + h(9) + '-' + h(10) + h(11) + h(12) + h(13) + h(14) + h(15);
}

/** Runs `fn` once the page has loaded and the browser is idle (capped at 5 s): work that must stay off the critical path. */
export function afterLoadWhenIdle(fn: () => void): void {
  const w = browser();
  if (!w?.document) return;
  const idle = () => (w.requestIdleCallback ? w.requestIdleCallback(() => fn(), { timeout: 5000 }) : setTimeout(fn, 1));
  if (w.document.readyState === 'complete') idle();
  else w.addEventListener('load', idle, { once: true });
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
