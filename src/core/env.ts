/** Browser guards in one place: nothing here throws where an API is missing (SSR, old browsers, tests). */

export const browser = (): (Window & typeof globalThis) | undefined => (typeof window === 'undefined' ? undefined : window);

/** Whether the URL asks for debug output (`?measureplan_debug=1`). */
export const debugRequested = (): boolean => /[?&]measureplan_debug=(1|true)\b/.test(browser()?.location?.search ?? '');

/**
 * RFC 4122 version 4 ids for `track()`: `crypto.randomUUID()` costs ~2 µs a call in Chromium
 * (tens of µs as the first call of a task), on the host page's critical path, and so does building
 * one from hex pieces. Here 256 ids are made at once: random bytes written as ASCII into a byte
 * buffer, decoded into one string; each id is then a slice of it, which V8 makes without copying.
 */
const BATCH = 256;
let ids = '';
let at = 0;
export function uuid(): string {
  if (at >= ids.length) { ids = uuidBatch(); at = 0; }
  return ids.slice(at, (at += 36));
}

const hexCode = (n: number) => (n < 10 ? 48 + n : 87 + n); // 0-9, a-f
let decoder: TextDecoder | undefined;

function uuidBatch(): string {
  const random = new Uint8Array(16 * BATCH);
  const c = globalThis.crypto;
  // Without Web Crypto (very old browsers) ids are still unique enough to tell events apart.
  if (c?.getRandomValues) c.getRandomValues(random); else for (let i = 0; i < random.length; i++) random[i] = (Math.random() * 256) | 0;
  const text = new Uint8Array(36 * BATCH);
  let o = 0;
  for (let i = 0; i < random.length; i++) {
    const k = i & 15;
    const b = k === 6 ? (random[i]! & 0x0f) | 0x40 : k === 8 ? (random[i]! & 0x3f) | 0x80 : random[i]!; // version 4, variant 10
    text[o++] = hexCode(b >> 4);
    text[o++] = hexCode(b & 15);
    if (k === 3 || k === 5 || k === 7 || k === 9) text[o++] = 45; // '-'
  }
  if (typeof TextDecoder === 'function') return (decoder ??= new TextDecoder()).decode(text);
  let s = '';
  for (let i = 0; i < text.length; i += 4096) s += String.fromCharCode.apply(null, text.subarray(i, i + 4096) as unknown as number[]);
  return s;
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
