import { nextTask } from './env';

/**
 * Adds a vendor script (async, once per URL, with the page's CSP nonce); resolves when it loaded.
 * The element is added in a task of its own: inserting a script starts its request, which costs
 * milliseconds, and the adapters that ask for one do so while the tracker starts. A `signal`
 * aborted before then (the tracker's shutdown()) cancels the insert.
 */
const loading = new Map<string, { p: Promise<void>; callers: (AbortSignal | undefined)[] }>();

export function loadScript(src: string, nonce?: string, signal?: AbortSignal): Promise<void> {
  const l = loading.get(src);
  if (l) { l.callers.push(signal); return l.p; }
  const callers = [signal];
  const p = new Promise<void>((resolve, reject) => {
    const d = typeof document === 'undefined' ? undefined : document;
    if (!d) return reject(new Error('no document'));
    const s = d.createElement('script');
    s.async = true;
    s.src = src;
    if (nonce) s.nonce = nonce;
    s.onload = () => resolve();
    s.onerror = () => reject(new Error(`could not load ${src} (blocked by the browser, an extension or the network)`));
    nextTask(() => {
      if (callers.every((c) => c?.aborted)) return reject(Object.assign(new Error(`${src} was not loaded: the tracker was shut down`), { name: 'AbortError' }));
      (d.head ?? d.documentElement).appendChild(s);
    });
  });
  p.catch(() => loading.delete(src));
  loading.set(src, { p, callers });
  return p;
}
