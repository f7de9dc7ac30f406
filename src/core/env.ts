/** Browser guards in one place: nothing here throws where an API is missing (SSR, old browsers, tests). */

export const browser = (): (Window & typeof globalThis) | undefined => (typeof window === 'undefined' ? undefined : window);

/** RFC 4122 v4 id; `crypto.randomUUID` needs a secure context, so fall back to getRandomValues. */
export function uuid(): string {
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
