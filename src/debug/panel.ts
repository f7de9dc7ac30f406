/**
 * The debug panel (`measureplan.debug.js`): with `?measureplan_debug=1` the script tag loads this
 * file and shows, at the bottom right of the page, every conversion fired on this page (its
 * properties and value) and what each destination in its `send` got: under which name (GA4's
 * event, Google Ads' conversion label, Meta's event with its event id, …) and whether it was
 * sent, is waiting for consent, was not sent (and why), or the reason a call was rejected. It only listens to the tracker; it never changes what is sent.
 */
import type { ConsentStatus, ConversionEvent, Tracker, TrackerEventName, TrackerEvents } from '../core/types';
import type { Plan } from '../plan/types';
import { createView, h } from './panel-view';

/** One row: a conversion, or a rejected call. `to`: per destination, its cell and what happened. */
interface Row {
  id?: string;
  name: string;
  what: HTMLElement;
  to: Record<string, [cell: HTMLElement, text?: string, cls?: string]>;
  /** Per destination: what it receives, in its own words (the event name, the conversion label). */
  as: Record<string, string>;
  /** Waiting for the analytics decision before its limit or dedupe key is judged. */
  held?: boolean;
}

const DENIED = 'not sent: consent denied';
const HELD = 'waiting for analytics consent';
const category = (d: string) => (d === 'ga4' || d === 'collector' ? 'analytics' : 'ads');

/** What a destination receives for a conversion, the way its own reports name it. */
function received(dest: string, spec: any, name: string, plan: Plan, id?: string): string {
  const eid = id ? `, event id ${id}` : '';
  switch (dest) {
    case 'ga4': return `event ${spec?.event}`;
    case 'googleAds': return `conversion ${plan.destinations.googleAds?.conversionId}/${spec?.label}`;
    case 'meta': return `${spec?.event}${eid}`;
    case 'linkedin': return `conversion ${spec?.conversionId}${eid}`;
    case 'microsoftAds': return `event ${spec?.event}${eid}`;
    default: return `track ${name}${eid}`;
  }
}

/**
 * Shows the debug panel for a running tracker; returns a function that removes it. Never throws.
 * With `consentStatus`, the consent shown is the tracker's current one (read on every event and
 * every second); without it, the consent recorded with the latest conversion. `said`: what the
 * tracker emitted before the panel was mounted (`[event name, payload]`, in order), shown first.
 */
export function mountPanel(tracker: Pick<Tracker, 'on'> & { consentStatus?: () => ConsentStatus; said?: [string, unknown][] }, plan: Plan, doc?: Document): () => void {
  try {
    const d = doc ?? document;
    const host = d.createElement('measureplan-debug');
    // The nonce the page gave its scripts (the tag's): sites with a nonce policy use it for styles too.
    const nonce = d.querySelector<HTMLScriptElement>('script[nonce]')?.nonce || undefined;
    const view = createView(host.attachShadow({ mode: 'open' }), plan.name, nonce);
    const rows: Row[] = [];
    let seen: ConsentStatus | undefined;
    let open: Row | undefined; // collects the problems of the track() call being made
    const consent = () => tracker.consentStatus?.() ?? seen;

    const add = (name: string, send?: object, e?: ConversionEvent): Row => {
      const spec = plan.conversions[name];
      view.empty.remove();
      const tr = h(view.table, 'tr');
      h(tr, 'td', new Date(e?.timestamp ?? Date.now()).toTimeString().slice(0, 8), 'q');
      const what = h(tr, 'td', name);
      const kind = e?.kind ?? spec?.kind;
      if (kind) h(what, 'i', kind, kind);
      if (e) h(what, 'div', Object.entries(e.properties).map(([k, v]) => `${k}: ${('' + JSON.stringify(v)).slice(0, 80)}`).join(', '), 'q');
      h(tr, 'td', e?.value !== undefined ? `${e.value} ${e.currency ?? ''}` : '');
      const cells = h(tr, 'td');
      const r: Row = { id: e?.id, name, what, to: {}, as: {} };
      const sends = (send ?? spec?.send ?? {}) as Record<string, unknown>;
      for (const dest of Object.keys(sends)) { r.to[dest] = [h(cells, 'div')]; r.as[dest] = received(dest, sends[dest], name, plan, e?.id); }
      rows.push(r);
      return r;
    };
    const rowOf = (e: ConversionEvent) => rows.find((r) => r.id === e.id) ?? add(e.name, e.send, e);
    const mark = (r: Row | undefined, dest: string, text: string, cls = '') => {
      const t = r?.to[dest];
      if (t) { t[1] = text; t[2] = cls; }
      return t;
    };
    const problem = (name: string, text: string) => {
      if (open?.name !== name) { open = add(name, {}); queueMicrotask(() => { open = undefined; }); }
      h(open.what, 'div', text, 'e');
    };
    const render = () => {
      try {
        const c = consent();
        view.consent.textContent = c ? `consent: analytics ${c.analytics} · ads ${c.ads}` : '';
        for (const r of rows) {
          for (const dest of Object.keys(r.to)) { // own keys: never one a page library put on Object.prototype
            const [cell, text, cls] = r.to[dest]!;
            const s = c?.[category(dest)];
            cell.textContent = `${dest}: ${text || (s === 'pending' ? 'waiting for consent' : s === 'denied' ? DENIED : 'not sent')}${r.id ? ` — ${r.as[dest]}` : ''}`;
            cell.className = text ? cls! : s === 'pending' ? 'w' : '';
          }
        }
      } catch { /* a debug view must never break the page */ }
    };

    const heard: { [E in TrackerEventName]?: (p: TrackerEvents[E]) => void } = {
      // Only a fresh conversion tells the consent now: a `sent` may be a held one, tracked earlier.
      event: ({ event }) => {
        seen = event.consent;
        const r = rowOf(event);
        // Its wait is over: each destination's state is its consent's now, until sent (a `sent` may come first).
        if (r.held) { r.held = false; for (const dest of Object.keys(r.to)) if (r.to[dest]![1] === HELD) r.to[dest]!.length = 1; }
        render();
      },
      waiting: ({ event }) => {
        const r = rowOf(event);
        r.held = true;
        for (const dest of Object.keys(r.to)) mark(r, dest, HELD, 'w');
        render();
      },
      sent: ({ event, destination }) => { mark(rowOf(event), destination, 'sent', 'ok'); render(); },
      skipped: ({ event, conversion, reason }) => {
        // One destination's consent was denied ("meta: ads consent denied"), with the event; else a
        // limit or a duplicate: on the row of the waiting conversion it names, or a row of its own.
        const r = event ? rowOf(event) : add(conversion);
        const dest = reason.split(':')[0]!;
        if (event && r.to[dest] && dest !== reason) mark(r, dest, DENIED);
        else {
          r.held = false;
          for (const d of Object.keys(r.to)) mark(r, d, reason);
        }
        render();
      },
      error: ({ path, reason, conversion, destination }) => {
        const text = `${path}: ${reason}`;
        if (!conversion || !destination) { problem(conversion ?? destination ?? 'measureplan', text); return; }
        // A destination's failure can arrive while the conversion is being delivered, before its
        // row exists: attach it once that call has finished.
        queueMicrotask(() => {
          if (!mark(rows.filter((r) => r.id && r.name === conversion && r.to[destination]).pop(), destination, text, 'e')) problem(conversion, text);
          render();
        });
      },
    };
    const offs = Object.keys(heard).map((k) => tracker.on(k as 'event', heard[k as 'event']!));
    // What the tracker said before this file was in (the script tag keeps it): the page's first conversions.
    for (const [k, p] of tracker.said ?? []) try { (heard[k as 'event'] as ((p: unknown) => void) | undefined)?.(p); } catch { /* the next one */ }
    const timer = setInterval(render, 1000); // a consent change sends no event: read it again every second
    // Put back when the page's body is swapped or emptied (Turbo, pjax, Swup): the panel was gone
    // after the first navigation (deploy QA 2026-12-06). Not when the page took the panel alone
    // away: a script that removes what it does not know would take it again, forever (diff read).
    let body: HTMLElement | null = null;
    const keep = new MutationObserver((rs) => { if (!host.isConnected && (d.body !== body || rs.some((r) => r.removedNodes.length > 1))) place(); });
    const place = () => {
      if (!d.body) return d.addEventListener('DOMContentLoaded', place);
      (body = d.body).appendChild(host);
      keep.disconnect();
      keep.observe(d.documentElement, { childList: true });
      keep.observe(d.body, { childList: true });
    };
    // A page control that takes the focus behind the panel (the consent banner's buttons) is not
    // hidden by it: the panel folds up (a11y QA 2026-12-06, WCAG 2.4.11).
    const unhide = (e: FocusEvent) => {
      const t = e.target as Element;
      if (t === host || !view.panel.open || !t?.getBoundingClientRect) return;
      const a = t.getBoundingClientRect();
      const b = host.getBoundingClientRect();
      if (a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top) view.panel.open = false;
    };
    d.addEventListener('focusin', unhide);
    render();
    place();
    return () => {
      try {
        for (const off of offs) off();
        clearInterval(timer);
        keep.disconnect();
        d.removeEventListener('DOMContentLoaded', place);
        d.removeEventListener('focusin', unhide);
        host.remove();
      } catch { /* never throws */ }
    };
  } catch {
    return () => {};
  }
}

if (typeof window !== 'undefined') (window as any).measureplanDebug = { mount: mountPanel };
