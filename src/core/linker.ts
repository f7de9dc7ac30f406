/**
 * The cross-origin linker: a shop whose checkout (or blog, or second country) is on another
 * origin lists it in the plan's `linker.domains`, and a link or form to it carries the visitor in
 * one `_mpl` query parameter. The page there takes up the same visitor, session, campaign and ad
 * click instead of starting afresh (browser storage is per origin: docs/origins.md).
 *
 * Like Google's `_gl`, the value holds the time it was made and a check over it and the browser's
 * user agent: a decorated address copied and opened later, or in another browser, is ignored.
 * The check is no secret (this is not authentication), only a guard against such reuse.
 *
 * This file is what every page needs: taking a visitor up. Decorating links and forms on the way
 * out is src/linker/out.ts, loaded only for plans with `linker` (the script tag: measureplan.linker.js).
 */
import { CLICK_ID_PARAMS, UTM } from './identity';
import { fnv } from './hash';

export const LINK_PARAM = '_mpl';
/** How long a decorated address is taken up after its click (Google's linker: 2 minutes). */
export const LINK_FRESH_MS = 2 * 60 * 1000;

/**
 * What one origin hands the next: the visitor, the session with the `once_per_session` conversions
 * it counted (`fired`), the campaign, and the ad click ids with the time of the oldest (`ct`: the
 * origin reached keeps them for what is left of their 90 days, not 90 days more; second read
 * 2026-12-07).
 */
export interface Linked {
  aid: string;
  sid: string;
  fired: string[];
  utm: Record<string, string>;
  clicks: Record<string, string>;
  ct?: number;
}

/** FNV-1a over the text, 32 bits, base 36. */
const linkCheck = (text: string): string => fnv(text).toString(36);

/** The parameter's value for `l`, made at `now` in a browser whose user agent is `ua`. */
export function linkValue(l: Linked, now: number, ua: string): string {
  const p = new URLSearchParams({ v: '1', t: now.toString(36), a: l.aid, s: l.sid, f: l.fired.join(',') });
  for (const k in l.utm) p.append(k, l.utm[k]!);
  for (const k in l.clicks) p.append(k, l.clicks[k]!);
  if (l.ct !== undefined) p.append('c', l.ct.toString(36));
  const body = p.toString();
  return `${body}&h=${linkCheck(body + ua)}`;
}

const ID = /^[\w-]{8,64}$/;

/** The visitor a `_mpl` value carries, or undefined when it is missing, altered, stale or from another browser. */
export function readLink(value: string | null | undefined, now: number, ua: string): Linked | undefined {
  const at = value ? value.lastIndexOf('&h=') : -1;
  if (at < 0) return undefined;
  const body = value!.slice(0, at);
  if (value!.slice(at + 3) !== linkCheck(body + ua)) return undefined;
  const p = new URLSearchParams(body);
  const t = parseInt(p.get('t') ?? '', 36);
  const aid = p.get('a') ?? '';
  const sid = p.get('s') ?? '';
  if (p.get('v') !== '1' || !(Math.abs(now - t) <= LINK_FRESH_MS) || !ID.test(aid) || !ID.test(sid)) return undefined;
  const pick = (keys: readonly string[]) => {
    const out: Record<string, string> = {};
    for (const k of keys) { const v = p.get(k); if (v) out[k] = v.slice(0, 500); }
    return out;
  };
  const ct = parseInt(p.get('c') ?? '', 36);
  return {
    aid, sid,
    fired: (p.get('f') ?? '').split(',').filter((n) => /^[a-z][a-z0-9_]{0,39}$/.test(n)).slice(0, 100),
    utm: pick(UTM), clicks: pick(CLICK_ID_PARAMS),
    ...(ct <= now ? { ct } : {}),
  };
}

/** Whether a query part (`name=value`) is the linker's, its name as written or percent-encoded (`%5Fmpl`). */
const isLink = (part: string): boolean => {
  try { return decodeURIComponent(part.split('=')[0]!) === LINK_PARAM; } catch { return false; }
};

/** `url` without the `_mpl` parameter, the rest as written (as it was when it has none). */
export function withoutLink(url: string): string {
  return url.replace(/\?([^#]*)/, (all, q: string) => {
    const parts = q.split('&');
    const kept = parts.filter((part) => !isLink(part));
    return kept.length === parts.length ? all : kept.length ? '?' + kept.join('&') : '';
  });
}

/** Whether an address may hold the linker's parameter: a cheap test before the work of taking it out. */
export const mayLink = (url: string): boolean => /[?&](_|%5f)mpl=/i.test(url);

/** The value taken from the address, and the address it left (for a tracker created again there). */
let taken: [href: string, value: string] | undefined;
/**
 * The value taken is done with: the visitor is stored (a tracker created again reads it from
 * storage), or signed out on this page (a tracker created again must not bring them back: final
 * read 2026-12-07).
 */
export const forgetLink = (): void => { taken = undefined; };

/**
 * Takes the `_mpl` parameter out of the address bar (keeping the history entry's state, which a
 * single-page app's router keeps there), so that a reload, a bookmark or a shared address does not
 * carry it on, and no page URL sent to a destination holds it. Returns the value it held (or the
 * one taken earlier on the same address, see `taken`).
 */
export function takeLinkParam(w: Window): string | undefined {
  try {
    const href = w.location.href;
    const value = new URLSearchParams(w.location.search).get(LINK_PARAM);
    // A tracker created again on the same address (React's StrictMode, a remount) before the
    // visitor was stored gets the value the first one took (second read 2026-12-07); a route on
    // is no new landing.
    if (value === null) return taken?.[0] === href ? taken[1] : undefined;
    // A router that read the address first keeps it in the entry's state too (vue-router's
    // `current`), and writes it back on its next navigation (second read 2026-12-07): its texts
    // that hold the parameter are tidied as well; the rest of the state stays as it is.
    let state: unknown = w.history.state;
    if (state && typeof state === 'object' && !Array.isArray(state)) {
      const own = state as Record<string, unknown>;
      if (Object.keys(own).some((k) => typeof own[k] === 'string' && mayLink(own[k] as string))) {
        state = Object.fromEntries(Object.entries(own).map(([k, v]) => [k, typeof v === 'string' ? withoutLink(v) : v]));
      }
    }
    w.history.replaceState(state, '', withoutLink(href));
    taken = [w.location.href, value];
    return value;
  } catch {
    return undefined; // an opaque or sandboxed document: nothing taken, nothing changed
  }
}
