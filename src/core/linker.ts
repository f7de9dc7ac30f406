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

export const LINK_PARAM = '_mpl';
/** How long a decorated address is taken up after its click (Google's linker: 2 minutes). */
export const LINK_FRESH_MS = 2 * 60 * 1000;

/** What one origin hands the next. */
export interface Linked {
  aid: string;
  sid: string;
  utm: Record<string, string>;
  clicks: Record<string, string>;
}

/** FNV-1a over the text, 32 bits, base 36. */
function linkCheck(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

/** The parameter's value for `l`, made at `now` in a browser whose user agent is `ua`. */
export function linkValue(l: Linked, now: number, ua: string): string {
  const p = new URLSearchParams({ v: '1', t: now.toString(36), a: l.aid, s: l.sid });
  for (const k in l.utm) p.append(k, l.utm[k]!);
  for (const k in l.clicks) p.append(k, l.clicks[k]!);
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
  return { aid, sid, utm: pick(UTM), clicks: pick(CLICK_ID_PARAMS) };
}

/** `url` without the `_mpl` parameter, the rest as written. */
export function withoutLink(url: string): string {
  return url.replace(/\?([^#]*)/, (_, q: string) => {
    const kept = q.split('&').filter((part) => part.split('=')[0] !== LINK_PARAM).join('&');
    return kept ? '?' + kept : '';
  });
}

/**
 * Takes the `_mpl` parameter out of the address bar (keeping the history entry's state, which a
 * single-page app's router keeps there), so that a reload, a bookmark or a shared address does not
 * carry it on, and no page URL sent to a destination holds it. Returns the value it held.
 */
export function takeLinkParam(w: Window): string | undefined {
  try {
    const href = w.location.href;
    const value = new URLSearchParams(w.location.search).get(LINK_PARAM);
    if (value === null) return undefined;
    w.history.replaceState(w.history.state, '', withoutLink(href));
    return value;
  } catch {
    return undefined; // an opaque or sandboxed document: nothing taken, nothing changed
  }
}
