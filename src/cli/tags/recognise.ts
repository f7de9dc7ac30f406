/**
 * Recognises the vendor tag calls in a page's scripts (see /docs/cli.md#init for the list):
 * account ids (`gtag('config', …)`, `fbq('init', …)`, `_linkedin_partner_id`, UET's `ti`, GTM
 * container ids) and the events the site sends. Each finding carries its page and line.
 */
import { readPage, type Page } from './page';
import type { ClickTrigger, PageViewTrigger, SubmitTrigger } from '../../plan/types';
import { conditional, listenersIn, type Listener } from './listeners';
import { lineBreaks, tokenize, type Token } from './tokens';
import { bodyCounts, holds } from './listener-body';
import { ValueReader, type Value } from './values';

export type Vendor = 'ga4' | 'googleAds' | 'meta' | 'linkedin' | 'microsoftAds' | 'gtm' | 'dataLayer';

export interface Finding {
  page: string;
  line: number;
  /** Which script of the page: calls in one script usually belong to one action. */
  script: number;
  vendor: Vendor;
  /** The call, shortened: `fbq('track', 'Purchase', {…})`. */
  call: string;
  /** An account id for `destinations`. */
  id?: string;
  /** An event: the vendor's own name for it (empty for LinkedIn and Google Ads conversions) and its parameters. */
  event?: { name: string; params: Map<string, Value>; label?: string; conversionId?: number };
  /** Found in an inline handler (`onclick="…"`): its event and element. */
  handler?: { on: string; element: string; stops?: boolean };
  /** Found in a function bound as an event listener (`el.addEventListener('click', () => {…})`). */
  listener?: Bound;
  /** A currency set for every later call (`gtag('set', { currency: 'SEK' })`). */
  currency?: string;
  /** Why it cannot go into the plan. */
  skip?: string;
  /** From a Tag Manager container export (gtm.ts): the tag's name; `page` is the export's file. */
  tag?: string;
  /** A Tag Manager tag set to fire once per page (its firing option): the conversion's limit. */
  oncePerPage?: boolean;
}

/** A listener a call was found in: the trigger that can take its place, or why none can. */
export interface Bound {
  /** Which listener of the page: its script and where its function starts there (two listeners on one element are two). */
  key: string;
  /** The listener's page or file and line, as `tracking.js:12`. */
  at: string;
  on: string;
  /** In words: `a click listener on document.getElementById('call')`. */
  what: string;
  /** A page view only from a Tag Manager trigger (gtm-triggers.ts). */
  trigger?: ClickTrigger | SubmitTrigger | PageViewTrigger;
  why?: string;
  firstOnly?: boolean;
}

const WINDOW = /^(window|self|globalThis|top|parent)\./;
/** A script that may bind a listener: the others are not read for listeners at all. */
const BINDS = /addEventListener|\.on\s*\(|\.onclick|\.onsubmit|\.click\s*\(|\.submit\s*\(/;
const CALLEES = new Set(['gtag', 'fbq', 'lintrk', 'uetq.push', 'dataLayer.push']);

/** Whether a handler's code can stop the form's own submit: preventDefault, or a returned value other than true. */
function stopsForm(tokens: Token[], text: string): boolean {
  const breaks = lineBreaks(tokens, text);
  const c = bodyCounts(tokens, (i) => breaks[i] === true);
  const all = (x: Int32Array) => holds(x, 0, tokens.length);
  return all(c.prevent) || all(c.returnFalse) || all(c.returnValue);
}

export function recognise(page: string, html: string): Finding[] {
  return recogniseIn(page, readPage(html));
}

/** The findings of a page already read, or of a script file read with readScript. */
export function recogniseIn(page: string, { scripts, gtm, line }: Page): Finding[] {
  const out: Finding[] = gtm.map((g) => ({
    page, line: line(g.offset), script: -1, vendor: 'gtm' as const, call: g.id, id: g.id,
    skip: 'its tags live in the GTM container, not in the page: export what it sends (see Next)',
  }));
  scripts.forEach((s, script) => {
    const tokens = tokenize(s.text);
    const inListener = boundIn(s.handler ? [] : BINDS.test(s.text) ? listenersIn(tokens, s.text) : [], page, script, (l) => line(s.offset + l.pos));
    // An inline onsubmit that stops the form (`return false`, preventDefault, or a returned value
    // that may): the tracker's submit trigger counts only forms the browser sends, so none of these.
    const handler = s.handler?.on === 'submit' && stopsForm(tokens, s.text) ? { ...s.handler, stops: true } : s.handler;
    const at = (t: Token, i: number) => {
      const listener = inListener(i);
      return { page, line: line(s.offset + t.pos), script, ...(handler && { handler }), ...(listener && { listener }) };
    };
    const uet = /bat\.bing\.com|\bUET\b/.test(s.text);
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i]!;
      const prev = tokens[i - 1];
      if (t.kind !== 'id' || (prev?.kind === 'punct' && (prev.text === '.' || prev.text === '?.')) || (prev?.kind === 'id' && prev.text === 'function')) continue;
      let j = i;
      let chain = t.text;
      while (tokens[j + 1]?.text === '.' && tokens[j + 2]?.kind === 'id') { chain += `.${tokens[j + 2]!.text}`; j += 2; }
      chain = chain.replace(WINDOW, '');
      const next = tokens[j + 1];
      if (CALLEES.has(chain) && next?.kind === 'punct' && next.text === '(') {
        const args = new ValueReader(tokens, s.text, j + 1).args();
        for (const one of perTarget(chain, args)) {
          const f = call(chain, one);
          const id = f?.event?.conversionId;
          if (f) out.push({ ...at(t, i), call: id ? `lintrk('track', { conversion_id: ${id} })` : show(chain, args), ...f });
        }
      } else if (chain === '_linkedin_partner_id' && next?.text === '=') {
        const v = tokens[j + 2];
        if (v && (v.kind === 'str' || v.kind === 'num')) out.push({ ...at(t, i), vendor: 'linkedin', call: `_linkedin_partner_id = "${v.text}"`, id: v.text });
      } else if (uet && chain === 'ti' && next?.text === ':') {
        const v = tokens[j + 2];
        if (v && (v.kind === 'str' || v.kind === 'num')) out.push({ ...at(t, i), vendor: 'microsoftAds', call: `UET loader ti: "${v.text}"`, id: v.text });
      }
    }
  });
  return out;
}

/**
 * The listener each token of a script is in, asked in token order (one sweep): the innermost one
 * whose body holds it. A call there that runs only sometimes gets the listener without its trigger.
 */
function boundIn(listeners: Listener[], page: string, script: number, lineOf: (l: Listener) => number): (i: number) => Bound | undefined {
  const open: Listener[] = [];
  let next = 0;
  return (i) => {
    for (; next < listeners.length && listeners[next]!.start <= i; next++) {
      while (open.length && open[open.length - 1]!.end <= listeners[next]!.start) open.pop();
      open.push(listeners[next]!);
    }
    while (open.length && open[open.length - 1]!.end <= i) open.pop();
    const l = open[open.length - 1];
    if (!l) return undefined;
    const bound: Bound = { key: `${script}:${l.start}`, at: `${page}:${lineOf(l)}`, on: l.on, what: l.what };
    if (l.trigger && l.everyTime(i)) {
      bound.trigger = l.trigger;
      if (l.firstOnly) bound.firstOnly = true;
    } else bound.why = l.why ?? conditional(l.on);
    return bound;
  };
}

type Recognised = Omit<Finding, 'page' | 'line' | 'script' | 'call'>;

const text = (v: Value | undefined): string | undefined => (v?.kind === 'string' ? v.value : v?.kind === 'number' ? String(v.value) : undefined);
const entries = (v: Value | undefined): Map<string, Value> => (v?.kind === 'object' ? v.entries : new Map());
const dynamic = (what: string) => `the ${what} is computed by the page; write it into the plan yourself`;

function call(callee: string, args: Value[]): Recognised | undefined {
  const [a, b, c] = args;
  const command = text(a);
  if (callee === 'gtag') {
    if (command === 'config') {
      const id = text(b);
      if (id === undefined) return { vendor: 'ga4', skip: dynamic('id') };
      if (id.startsWith('AW-')) return { vendor: 'googleAds', id };
      if (id.startsWith('G-')) return { vendor: 'ga4', id };
      return { vendor: 'ga4', skip: id.startsWith('UA-') ? 'Universal Analytics: Google stopped processing its data in 2023' : 'not a GA4 (G-…) or Google Ads (AW-…) id' };
    }
    if (command === 'set') {
      const currency = text(entries(b).get('currency'));
      return currency === undefined ? undefined : { vendor: 'ga4', currency };
    }
    if (command !== 'event') return undefined;
    const name = text(b);
    const params = entries(c);
    if (name === undefined) return { vendor: 'ga4', skip: dynamic('event name') };
    const sendTo = text(params.get('send_to'));
    const ads = /^(AW-\d+)\/([^/\s]+)$/.exec(sendTo ?? '');
    if (name === 'conversion') {
      if (!ads) return { vendor: 'googleAds', skip: sendTo === undefined ? 'a conversion without a readable send_to "AW-…/label"' : `send_to "${sendTo}" is not "AW-…/label"` };
      return { vendor: 'googleAds', id: ads[1], event: { name: '', params, label: ads[2] } };
    }
    if (name === 'page_view') return { vendor: 'ga4', skip: "GA4's own config sends page views" };
    // An event with `send_to: 'AW-…/label'` goes to Google Ads under that label.
    if (ads) return { vendor: 'googleAds', id: ads[1], event: { name, params, label: ads[2] } };
    return { vendor: 'ga4', event: { name, params } };
  }
  if (callee === 'fbq') {
    if (command === 'init') {
      const id = text(b);
      return id === undefined ? { vendor: 'meta', skip: dynamic('pixel id') } : { vendor: 'meta', id };
    }
    const single = command === 'trackSingle' || command === 'trackSingleCustom';
    if (command !== 'track' && command !== 'trackCustom' && !single) return undefined;
    const name = text(single ? c : b);
    if (name === 'PageView') return undefined; // the base code's own page view
    if (name === undefined) return { vendor: 'meta', skip: dynamic('event name') };
    return { vendor: 'meta', event: { name, params: entries(single ? args[3] : c) } };
  }
  if (callee === 'lintrk') {
    if (command !== 'track') return undefined;
    const params = entries(b);
    const id = Number(text(params.get('conversion_id')));
    if (!Number.isInteger(id) || id < 1) return { vendor: 'linkedin', skip: 'no readable conversion_id (a whole number)' };
    return { vendor: 'linkedin', event: { name: '', params, conversionId: id } };
  }
  if (callee === 'uetq.push') {
    // The old syntax: one object with `ea` (action), `gv` (revenue), `gc` (currency).
    if (a?.kind === 'object') {
      const action = text(a.entries.get('ea'));
      return action ? { vendor: 'microsoftAds', event: { name: action, params: a.entries } } : undefined;
    }
    if (command !== 'event') return undefined;
    const name = text(b);
    if (name === undefined) return { vendor: 'microsoftAds', skip: dynamic('event action') };
    if (!name.trim()) return { vendor: 'microsoftAds', skip: 'no event action (the variable-revenue form): measureplan sends each conversion under its action' };
    return { vendor: 'microsoftAds', event: { name, params: entries(c) } };
  }
  // dataLayer.push({ event: 'purchase', ecommerce: { … } }): GTM decides where it goes.
  if (a?.kind !== 'object') return undefined;
  const name = text(a.entries.get('event'));
  if (name === undefined || name.startsWith('gtm.')) return undefined;
  const params = new Map(a.entries);
  params.delete('event');
  for (const [k, v] of entries(params.get('ecommerce'))) params.set(k, v);
  params.delete('ecommerce');
  return { vendor: 'dataLayer', event: { name, params } };
}

/** `gtag('event', name, { send_to: ['G-…', 'AW-…/label'] })` goes to each target: one call per target. */
function perTarget(callee: string, args: Value[]): Value[][] {
  const params = callee === 'gtag' && text(args[0]) === 'event' ? args[2] : undefined;
  const to = params?.kind === 'object' ? params.entries.get('send_to') : undefined;
  if (params?.kind !== 'object' || to?.kind !== 'array' || !to.items.length) return [args];
  return to.items.map((target) => [args[0]!, args[1]!, { kind: 'object', entries: new Map([...params.entries, ['send_to', target]]) }, ...args.slice(3)]);
}

function show(callee: string, args: Value[]): string {
  const shown = args.slice(0, 3).map((v) => (v.kind === 'string' ? `'${v.value}'` : v.kind === 'number' ? String(v.value) : v.kind === 'object' ? '{…}' : v.kind === 'array' ? '[…]' : '…'));
  return `${callee}(${shown.join(', ')}${args.length > 3 ? ', …' : ''})`;
}
