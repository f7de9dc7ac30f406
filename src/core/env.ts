/** Browser guards in one place: nothing here throws where an API is missing (SSR, old browsers, tests). */

export const browser = (): (Window & typeof globalThis) | undefined => (typeof window === 'undefined' ? undefined : window);

/** RFC 4122 v4 id; `crypto.randomUUID` needs a secure context, so fall back to getRandomValues. */
export function freshUuid(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < 16; i++) b[i] = (Math.random() * 256) | 0;
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Runs `fn` when the browser is idle (or soon), off the host page's critical path. */
export function idle(fn: () => void, timeout = 2000): void {
  const w = browser() as (Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number }) | undefined;
  if (w?.requestIdleCallback) w.requestIdleCallback(fn, { timeout });
  else setTimeout(fn, 1);
}

/** Whether the URL asks for debug output (`?measureplan_debug=1`). */
export const debugRequested = (): boolean => /[?&]measureplan_debug=(1|true)\b/.test(browser()?.location?.search ?? '');

/**
 * Ids for `track()` are cut from a buffer of random bytes, filled 256 ids at a time:
 * `crypto.randomUUID()` costs ~2 µs a call in Chromium (tens of µs as the first call of a task),
 * on the host page's critical path; formatting from a buffer costs a fraction of that.
 */
const HEX = Array.from({ length: 256 }, (_, i) => (i + 0x100).toString(16).slice(1));
let bytes: Uint8Array | undefined;
let at = 0;
export function uuid(): string {
  const c = globalThis.crypto;
  if (!c?.getRandomValues) return freshUuid();
  if (!bytes || at >= bytes.length) { bytes = c.getRandomValues(new Uint8Array(16 * 256)); at = 0; }
  const b = bytes;
  const i = at;
  at += 16;
  const h = (k: number) => HEX[b[i + k]!]!;
  return h(0) + h(1) + h(2) + h(3) + '-' + h(4) + h(5) + '-' + HEX[(b[i + 6]! & 0x0f) | 0x40] + h(7) + '-' +
    HEX[(b[i + 8]! & 0x3f) | 0x80] + h(9) + '-' + h(10) + h(11) + h(12) + h(13) + h(14) + h(15);
}
