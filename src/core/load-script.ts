import { nextTask } from './env';

/**
 * Adds a vendor script (async, once per URL, with the page's CSP nonce); resolves when it loaded.
 * The element is added in a task of its own: inserting a script starts its request, which costs
 * milliseconds, and the adapters that ask for one do so while the tracker starts. A `signal`
 * aborted before then (the tracker's shutdown()), or consent withdrawn since (`wanted`), cancels
 * the insert: a tag without a consent switch (LinkedIn's) would count a page view as it runs.
 */
type Caller = [signal?: AbortSignal, wanted?: () => boolean];
const loading = new Map<string, { p: Promise<void>; callers: Caller[] }>();

/**
 * A page that requires Trusted Types (`require-trusted-types-for 'script'`) refuses a script URL
 * given as text: every vendor script and file beside the tag was refused (deploy QA 2026-12-06).
 * Where the browser has Trusted Types, the URL goes through measureplan's own policy,
 * "measureplan" (shared on the window with another copy of measureplan), which passes only the URL
 * being set at that moment. A page whose `trusted-types` directive does not allow the name gets
 * the URL as text, and a message that says what to add.
 */
interface Policy { createScriptURL(u: string): string }
interface Slot { p?: Policy | null; next?: string }
function setSrc(s: HTMLScriptElement, src: string): void {
  const w = globalThis as unknown as { trustedTypes?: { createPolicy(n: string, r: Policy): Policy }; __measureplanTT?: Slot };
  const slot: Slot = w.trustedTypes ? (w.__measureplanTT ??= {}) : {};
  if (slot.p === undefined && w.trustedTypes) {
    try { slot.p = w.trustedTypes.createPolicy('measureplan', { createScriptURL: (u) => { if (u !== slot.next) throw 0; return u; } }); } catch { slot.p = null; }
  }
  try {
    slot.next = src;
    s.src = slot.p ? slot.p.createScriptURL(src) : src;
  } catch {
    throw new Error(`could not load ${src}: Trusted Types refused it (allow the policy "measureplan")`);
  } finally { slot.next = undefined; }
}

/** `wanted`: asked when the element would be added (false: the consent for it was withdrawn since). */
export function loadScript(src: string, nonce?: string, signal?: AbortSignal, wanted?: () => boolean): Promise<void> {
  const l = loading.get(src);
  if (l) { l.callers.push([signal, wanted]); return l.p; }
  const callers: Caller[] = [[signal, wanted]];
  const p = new Promise<void>((resolve, reject) => {
    const d = typeof document === 'undefined' ? undefined : document;
    if (!d) return reject(new Error('no document'));
    const s = d.createElement('script');
    s.async = true;
    setSrc(s, src);
    if (nonce) s.nonce = nonce;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src} (blocked by the browser, an extension or the network)`));
    nextTask(() => {
      if (callers.every(([c, w]) => c?.aborted || (w && !w()))) return reject(Object.assign(new Error(`${src} was not loaded: the tracker was shut down, or consent withdrawn`), { name: 'AbortError' }));
      (d.head ?? d.documentElement).appendChild(s);
    });
  });
  p.catch(() => loading.delete(src));
  loading.set(src, { p, callers });
  return p;
}
