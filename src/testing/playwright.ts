/**
 * measureplan/testing/playwright: recording fakes of the vendors' tags for a Playwright test of
 * the shop's real pages. The vendors' script URLs (gtag.js, fbevents.js, insight.min.js, bat.js)
 * are answered by small local stand-ins; every other request to a vendor host is recorded and
 * refused (unless `allow` lets a vendor's other service through: reCAPTCHA, Facebook Login), so
 * no ad account is touched and the test runs offline. Each fake takes over its
 * vendor's queue the way the real library does (gtag.js takes over `dataLayer.push`,
 * fbevents.js sets `fbq.callMethod`, insight.min.js replaces `lintrk`, bat.js provides the UET
 * constructor) and records every command it receives, in the page (`window.__vendorCommands`,
 * the current document only) and in Node, across every navigation of the browser context.
 *
 * Node-side, no dependency: the context and page are anything shaped like Playwright's.
 */

export type Vendor = 'gtag' | 'fbq' | 'lintrk' | 'uetq';
/** Per vendor function, the commands its tag received, each as its list of arguments (JSON values). */
export type VendorCommands = Record<Vendor, unknown[][]>;

const VENDORS: Vendor[] = ['gtag', 'fbq', 'lintrk', 'uetq'];
const BINDING = '__measureplanVendorCommand';
const empty = (): VendorCommands => ({ gtag: [], fbq: [], lintrk: [], uetq: [] });

/**
 * Commands sent to Node but not yet confirmed, kept in the tab's sessionStorage: a call made while
 * the page is being left (a conversion, then the link) would otherwise die with the document
 * (kit QA 2026-12-06: lost in 10 of 10 runs). The next document of the tab sends them again, and
 * they stay kept until Node has confirmed them.
 *
 * sessionStorage is per origin, so a next page on another origin (checkout.shop.test, then
 * www.shop.test) cannot read them (kit QA 2026-12-07: lost in 10 of 10 runs), and nothing a page
 * sends once it is being left reaches Node: a binding call, a beacon or a keepalive request made
 * in `pagehide` is neither routed nor reported (Chromium 156, checked). So a document being left
 * also copies what is not confirmed to its origin's localStorage (key PARKED + run + ':' + doc),
 * and Node reads those copies back with the context's `storageState()`, which reads every origin
 * the context visited. Only while leaving: each localStorage write is a `storage` event in the
 * site's other tabs. The next document of the same origin removes the copies it no longer needs.
 */
const UNSENT = '__measureplanVendorUnsent';
const PARKED = '__measureplanVendorParked:';
const KEEP = `var keep = function (f) { var l = []; try { l = JSON.parse(sessionStorage.getItem('${UNSENT}') || '[]'); if (f) { f(l); sessionStorage.setItem('${UNSENT}', JSON.stringify(l)); } } catch (e) { /* no storage: best effort */ } return l; };
  var done = function (doc, n) { keep(function (l) { for (var i = 0; i < l.length; i++) if (l[i][2] === doc && l[i][3] === n) { l.splice(i, 1); break; } }); };
  var parked = function (doc) { return '${PARKED}' + (window.__measureplanVendorRun || '') + ':' + doc; };
  var origin = window.top === window && location.origin !== 'null' ? location.origin : '';
  var state = function () { return window.__measureplanVendorSent = window.__measureplanVendorSent || { doc: Math.random().toString(36).slice(2) + Date.now().toString(36), n: 0 }; };`;

// Each fake's `rec(vendor, args)`: kept in the page and, when the context's binding is there, sent
// to Node with its document, its number and (from a top-level document) the page's origin.
const RECORD = `window.__vendorCommands = window.__vendorCommands || { gtag: [], fbq: [], lintrk: [], uetq: [] };
  ${KEEP}
  var park = function () {
    var s = window.__measureplanVendorSent;
    if (!s || !window.__measureplanVendorLeaving) return;
    try { var l = keep(); if (l.length) localStorage.setItem(parked(s.doc), JSON.stringify(l)); else localStorage.removeItem(parked(s.doc)); } catch (e) { /* no storage: best effort */ }
  };
  if (!window.__measureplanVendorLeave && window.addEventListener) {
    window.__measureplanVendorLeave = true;
    window.addEventListener('pagehide', function () { window.__measureplanVendorLeaving = true; park(); });
    window.addEventListener('pageshow', function () { window.__measureplanVendorLeaving = false; }); // back from the back/forward cache
  }
  var rec = function (vendor, args) {
    var command = JSON.parse(JSON.stringify(Array.prototype.slice.call(args)));
    window.__vendorCommands[vendor].push(command);
    var send = window.${BINDING};
    if (typeof send !== 'function') return;
    var s = state();
    var n = ++s.n;
    keep(function (l) { l.push([vendor, command, s.doc, n]); });
    park();
    try {
      Promise.resolve(send(vendor, command, s.doc, n, origin)).then(function () { done(s.doc, n); park(); }, function () {});
    } catch (e) { /* the page is going away: the next document sends it */ }
  };`;

/**
 * Run at the start of every document of the context: a top-level document tells Node which page
 * it is and on which origin (so that what it parks on leaving, maybe its only commands, is known
 * to be this page's); what an earlier document of the tab could not confirm goes again (kept until
 * confirmed), and the copies those documents parked for Node are no longer needed.
 */
const resend = (run: string) => `(function () {
  window.__measureplanVendorRun = ${JSON.stringify(run)};
  ${KEEP}
  var send = window.${BINDING};
  if (typeof send !== 'function') return;
  if (origin) try { send('', [], state().doc, 0, origin); } catch (e) {}
  var left = keep();
  var docs = {};
  for (var i = 0; i < left.length; i++) (function (it) {
    docs[it[2]] = true;
    try { Promise.resolve(send(it[0], it[1], it[2], it[3], origin)).then(function () { done(it[2], it[3]); }, function () {}); } catch (e) {}
  })(left[i]);
  try { for (var d in docs) localStorage.removeItem(parked(d)); } catch (e) {}
})();`;
// Benchmarks only count, so that the fakes' own work does not show up as the SDK's cost.
const COUNT = `window.__vendorCounts = window.__vendorCounts || { gtag: 0, fbq: 0, lintrk: 0, uetq: 0 };
  var rec = function (vendor) { window.__vendorCounts[vendor]++; };`;

const fakes = (record: string): Record<string, string> => ({
  'www.googletagmanager.com/gtag/js': `(function(){ ${record}
    var dl = window.dataLayer = window.dataLayer || [];
    if (dl.__fake) return; dl.__fake = true;
    for (var i = 0; i < dl.length; i++) rec('gtag', dl[i]);
    dl.push = function () { for (var j = 0; j < arguments.length; j++) { rec('gtag', arguments[j]); Array.prototype.push.call(dl, arguments[j]); } return dl.length; };
  })();`,
  'connect.facebook.net/en_US/fbevents.js': `(function(){ ${record}
    var f = window.fbq; if (!f || f.callMethod) return;
    f.callMethod = function () { rec('fbq', arguments); };
    var q = f.queue.splice(0); for (var i = 0; i < q.length; i++) f.callMethod.apply(f, q[i]);
  })();`,
  'snap.licdn.com/li.lms-analytics/insight.min.js': `(function(){ ${record}
    var q = (window.lintrk && window.lintrk.q) || [];
    window.lintrk = function (a, b) { rec('lintrk', [a, b]); };
    for (var i = 0; i < q.length; i++) window.lintrk(q[i][0], q[i][1]);
  })();`,
  'bat.bing.com/bat.js': `(function(){ ${record}
    window.UET = function (o) { this.options = { ti: o.ti, enableAutoSpaTracking: o.enableAutoSpaTracking }; rec('uetq', ['new UET', this.options]); var q = o.q || []; for (var i = 0; i < q.length; i++) rec('uetq', [q[i]]); };
    window.UET.prototype.push = function () { rec('uetq', arguments); };
  })();`,
});

/** The recording fakes, by script URL without the scheme and query (`www.googletagmanager.com/gtag/js`). */
export const FAKES: Readonly<Record<string, string>> = fakes(RECORD);
/** Fakes that only count commands per vendor (`window.__vendorCounts`), for benchmarks. */
export const COUNTING_FAKES: Readonly<Record<string, string>> = fakes(COUNT);

const under = (host: string, domain: string) => host === domain || host.endsWith('.' + domain);
/** The vendors' hosts (and their subdomains): scripts, pixels, collection endpoints. */
export const VENDOR_HOSTS: readonly string[] = ['googletagmanager.com', 'google-analytics.com', 'analytics.google.com', 'doubleclick.net', 'google.com', 'facebook.net', 'facebook.com', 'licdn.com', 'linkedin.com', 'bing.com'];
export const isVendorHost = (hostname: string): boolean => VENDOR_HOSTS.some((h) => under(hostname, h));

const segment = (path: string, p: string) => path === p || path.startsWith(p + '/');
/** Hosts that serve nothing but the vendors' tags and the hits they send. */
const TAG_HOSTS = ['googletagmanager.com', 'google-analytics.com', 'analytics.google.com', 'doubleclick.net', 'ads.linkedin.com', 'snap.licdn.com', 'bat.bing.com', 'c.bing.com'];

/**
 * A request for a vendor's tag or one of the addresses it reports to (GA4 and Google Ads hits,
 * the Meta pixel, LinkedIn's and UET's endpoints): faked or refused whatever `allow` says. A
 * vendor host's other services (reCAPTCHA and Maps on www.google.com, Facebook Login's sdk.js on
 * connect.facebook.net, Bing Maps) are none of these, so `allow` may let them through (kit QA
 * 2026-12-07: they were refused, and counted in `requests`).
 */
function isTracking(url: URL): boolean {
  const host = url.hostname;
  const path = url.pathname;
  if (TAG_HOSTS.some((d) => under(host, d))) return true;
  if (under(host, 'google.com')) return ['/pagead', '/ccm', '/g/collect', '/ads/ga-audiences', '/rmkt'].some((p) => segment(path, p));
  if (under(host, 'facebook.com')) return segment(path, '/tr') || segment(path, '/privacy_sandbox/pixel');
  if (under(host, 'facebook.net')) return path.endsWith('/fbevents.js') || segment(path, '/signals');
  if (under(host, 'linkedin.com')) return segment(path, '/px') || segment(path, '/collect');
  return false;
}

/** What the helper needs of a Playwright `Route`. */
export interface RouteLike {
  request(): { url(): string };
  fulfill(response: { status?: number; contentType?: string; body?: string; headers?: Record<string, string> }): Promise<void>;
  abort(errorCode?: string): Promise<void>;
}
/** What the helper needs of a Playwright `Page`. */
export interface PageLike {
  evaluate<R>(fn: () => R): Promise<R>;
}
/** What the helper needs of a Playwright `BrowserContext`. */
export interface BrowserContextLike {
  route(url: (url: URL) => boolean, handler: (route: RouteLike) => unknown): Promise<unknown>;
  exposeBinding(name: string, callback: (source: { page: PageLike | null }, ...args: any[]) => unknown): Promise<unknown>;
  /** Playwright's; when present, commands an unloading page could not confirm are sent again by the next one. */
  addInitScript?(script: string): Promise<unknown>;
  /** Playwright's; when present, commands a page left for another origin could not confirm are read back from that origin's localStorage. */
  storageState?(): Promise<{ origins?: { origin: string; localStorage?: { name: string; value: string }[] }[] }>;
}

export interface VendorFakesOptions {
  /**
   * Requests that may leave the browser besides the faked vendor scripts; every other request is
   * refused. Default: everything that is not a vendor host passes. For an offline CI:
   * `allow: (url) => url.hostname === 'localhost'`. A vendor host's other services may be allowed
   * (reCAPTCHA on www.google.com, Facebook Login on connect.facebook.net); its tag and its tracking
   * endpoints stay faked and refused whatever `allow` says.
   */
  allow?: (url: URL) => boolean;
  /** Fakes that only count (`window.__vendorCounts`), and no commands in Node: for benchmarks. */
  count?: boolean;
}

export interface VendorFakes {
  /** Every request to a vendor host that was faked or refused, in order (full URLs), the faked scripts included (not what `allow` let through). */
  requests: string[];
  /**
   * The commands each vendor's tag received on this page, across all its navigations, in order
   * (without a page: every page of the context, one after the other). Waits until what the
   * current document recorded has reached Node; once the page has been on another origin, also
   * reads what its documents there parked as they were left (the context's `storageState()`).
   */
  commands(page?: PageLike): Promise<VendorCommands>;
  /** Forgets the requests and commands recorded so far. */
  reset(): void;
}

interface Received { command: unknown[]; vendor: Vendor; n: number }

/**
 * Installs the recording fakes of the vendors' tags in a Playwright browser context: call it
 * before the context opens its pages. Returns the vendor requests seen and `commands(page)`.
 * Registers the binding `__measureplanVendorCommand`, one route and one init script on the
 * context (once per context).
 *
 * @example
 * const fakes = await installVendorFakes(context);
 * const page = await context.newPage();
 * await page.goto('http://localhost:3000/checkout'); // … the journey, across pages
 * const sent = conversions(await fakes.commands(page));
 * expect(sent.meta.map((c) => c.event)).toEqual(['InitiateCheckout', 'Purchase']);
 */
export async function installVendorFakes(context: BrowserContextLike, options: VendorFakesOptions = {}): Promise<VendorFakes> {
  const scripts = options.count ? COUNTING_FAKES : FAKES;
  const { allow } = options;
  const requests: string[] = [];
  /** Per page, per document (in the order they first reported): the commands by number. */
  const pages = new Map<PageLike | null, Map<string, Received[]>>();
  /** Per document, the last command number before `reset()`. */
  const since = new Map<string, number>();
  let waiters: (() => void)[] = [];
  /** Each document's page (the one it first reported from: its start, or its first command). */
  const docPage = new Map<string, PageLike | null>();
  /** Per page, its top-level documents in the order they started, with their origins; and those already left when `reset()` was called (all they sent was before it). */
  const tops = new Map<PageLike | null, { doc: string; origin: string }[]>();
  const leftBefore = new Set<string>();
  /** This install's name for the copies its pages park in localStorage: a persistent profile may hold an earlier run's. */
  const run = context.addInitScript ? Math.random().toString(36).slice(2, 10) : '';

  /** One command of a document, once however often it is sent. */
  const receive = (page: PageLike | null, vendor: Vendor, command: unknown[], doc: string, n: number) => {
    if (!VENDORS.includes(vendor) || typeof doc !== 'string' || typeof n !== 'number') return;
    let docs = pages.get(page);
    if (!docs) pages.set(page, (docs = new Map()));
    let list = docs.get(doc);
    if (!list) docs.set(doc, (list = []));
    if (list.some((r) => r.n === n)) return; // sent again by the next document, after all it arrived
    list.push({ vendor, command, n });
    const w = waiters;
    waiters = [];
    for (const wake of w) wake();
  };
  /** The commands pages left for another origin could not confirm, from the copies they parked in that origin's localStorage (see PARKED). */
  const readParked = async () => {
    let state: Awaited<ReturnType<NonNullable<BrowserContextLike['storageState']>>>;
    try { state = await context.storageState!(); } catch { return; } // the context is closing
    const mine = PARKED + run + ':';
    for (const o of state.origins ?? []) {
      for (const { name, value } of o.localStorage ?? []) {
        if (!name.startsWith(mine)) continue;
        let list: unknown;
        try { list = JSON.parse(value); } catch { continue; }
        if (!Array.isArray(list)) continue;
        for (const [vendor, command, doc, n] of list as [Vendor, unknown[], string, number][]) receive(docPage.get(doc) ?? null, vendor, command, doc, n);
      }
    }
  };
  /**
   * Whether commands may be parked where the page's current document cannot send them: its
   * documents were on an origin other than `here`, its current one (without a page: a page's
   * documents were on more than one origin).
   */
  const hopped = (page?: PageLike, here?: string) => !!context.storageState &&
    (page ? (tops.get(page) ?? []).some((t) => t.origin !== here) : [...tops.values()].some((l) => l.some((t) => t.origin !== l[0]!.origin)));

  /** Faked or refused, and recorded in `requests`: every vendor request, except what `allow` lets through that is no tag or tracking endpoint. */
  const faked = (url: URL) => isVendorHost(url.hostname) && (!allow || !allow(url) || isTracking(url) || !!scripts[url.hostname + url.pathname]);
  await context.route((url) => faked(url) || (!!allow && !allow(url)), (route) => {
    const url = new URL(route.request().url());
    if (!faked(url)) return route.abort();
    requests.push(url.href);
    const fake = scripts[url.hostname + url.pathname];
    if (fake) return route.fulfill({ status: 200, contentType: 'text/javascript', body: fake, headers: { 'cross-origin-resource-policy': 'cross-origin' } });
    return route.abort();
  });
  if (!options.count) {
    await context.exposeBinding(BINDING, (source, vendor: Vendor, command: unknown[], doc: string, n: number, origin?: string) => {
      if (!docPage.has(doc)) docPage.set(doc, source.page);
      const page = docPage.get(doc)!;
      if (origin) {
        let docs = tops.get(page);
        if (!docs) tops.set(page, (docs = []));
        if (!docs.some((t) => t.doc === doc)) docs.push({ doc, origin });
      }
      receive(page, vendor, command, doc, n);
    });
    await context.addInitScript?.(resend(run));
  }

  const collect = (docs: Map<string, Received[]> | undefined, into: VendorCommands) => {
    for (const [doc, list] of docs ?? []) {
      const after = leftBefore.has(doc) ? Infinity : since.get(doc) ?? 0;
      for (const r of [...list].sort((a, b) => a.n - b.n)) if (r.n > after) into[r.vendor].push(r.command);
    }
  };
  /** Waits (up to `ms`) until Node has every command the page's current document reported; returns the document's origin. */
  const caughtUp = async (page: PageLike, ms = 2000): Promise<string | undefined> => {
    let sent: { doc: string; n: number; origin?: string } | null = null;
    for (let attempt = 0; attempt < 3 && !sent; attempt++) {
      try {
        sent = await page.evaluate(() => {
          const s = (window as unknown as { __measureplanVendorSent?: { doc: string; n: number } }).__measureplanVendorSent;
          return { doc: s?.doc ?? '', n: s?.n ?? 0, origin: location.origin };
        });
      } catch {
        await new Promise((r) => setTimeout(r, 50)); // navigating: try the next document
      }
    }
    if (!sent?.n) return sent?.origin;
    const until = Date.now() + ms;
    const have = () => pages.get(page)?.get(sent!.doc)?.length ?? 0;
    while (have() < sent.n && Date.now() < until) {
      await new Promise<void>((wake) => { waiters.push(wake); setTimeout(wake, 50); });
    }
    return sent.origin;
  };

  return {
    requests,
    async commands(page) {
      const out = empty();
      if (options.count) return out;
      const here = page && (await caughtUp(page));
      if (hopped(page, here)) await readParked();
      if (page) collect(pages.get(page), out);
      else for (const docs of pages.values()) collect(docs, out);
      return out;
    },
    reset() {
      requests.length = 0;
      for (const docs of pages.values()) for (const [doc, list] of docs) since.set(doc, Math.max(0, ...list.map((r) => r.n)));
      // What a document left for another origin parked is read later; it was all sent before this (diff read 2026-12-06).
      for (const docs of tops.values()) for (const t of docs.slice(0, -1)) leftBefore.add(t.doc);
    },
  };
}

/** The commands the fakes of the page's current document received (lost on navigation: prefer `installVendorFakes(…).commands(page)`). */
export const vendorCommands = (page: PageLike): Promise<VendorCommands> =>
  page.evaluate(() => (window as unknown as { __vendorCommands?: VendorCommands }).__vendorCommands ?? { gtag: [], fbq: [], lintrk: [], uetq: [] });

/** The conversions among a page's vendor commands, per destination (page views, consent and journey signals left out). */
export interface VendorConversions {
  /** `gtag('event', event, params)`, other than Google Ads conversions. */
  ga4: { event: string; params: Record<string, unknown> }[];
  /** `gtag('event', 'conversion', { send_to: 'AW-…/label', … })`. */
  googleAds: { label: string; params: Record<string, unknown> }[];
  /**
   * `fbq('trackSingle' | 'trackSingleCustom', pixelId, event, params, { eventID })` (how measureplan
   * sends, to its pixel only) or a site's own `fbq('track' | 'trackCustom', event, params, …)`,
   * other than `PageView`s; `pixelId` for the targeted calls.
   */
  meta: { event: string; params: Record<string, unknown>; eventID?: string; method: 'track' | 'trackCustom' | 'trackSingle' | 'trackSingleCustom'; pixelId?: string }[];
  /** `lintrk('track', { conversion_id, event_id })`. */
  linkedin: { conversion_id: number; event_id?: string }[];
  /** `uetq.push('event', action, params)`. */
  microsoftAds: { action: string; params: Record<string, unknown> }[];
}

/** The page views the vendors' tags counted: GA4 configs that send one, Meta `PageView`s, UET `pageLoad`s. */
export interface VendorPageViews { ga4: number; meta: number; microsoftAds: number }

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' ? (v as Record<string, unknown>) : {});

/**
 * UET's calls, whole again: calls made before bat.js loaded reach the tag one argument per queue
 * entry (`uetq.push('event', 'purchase', {…})` is three entries), later ones whole.
 */
export function uetCalls(list: unknown[][]): unknown[][] {
  const STARTS = new Set(['pageLoad', 'event', 'consent', 'set', 'config']);
  const calls: unknown[][] = [];
  for (const c of list) {
    if (c[0] === 'new UET') continue; // the fake's record of the tag being constructed
    if (c.length > 1) { calls.push(c); continue; }
    if (typeof c[0] === 'string' && STARTS.has(c[0])) calls.push([c[0]]);
    else if (calls.length) calls[calls.length - 1]!.push(c[0]);
  }
  return calls;
}

/** Picks the conversions out of the vendor commands, per destination, in order. */
export function conversions(commands: VendorCommands): VendorConversions {
  const out: VendorConversions = { ga4: [], googleAds: [], meta: [], linkedin: [], microsoftAds: [] };
  for (const c of commands.gtag ?? []) {
    if (c[0] !== 'event' || typeof c[1] !== 'string') continue;
    const params = obj(c[2]);
    if ('exp_variant_string' in params || 'metric_id' in params) continue; // journey signals: an experiment exposure, a Core Web Vital
    const sendTo = String(params.send_to ?? '');
    if (c[1] === 'conversion' || sendTo.startsWith('AW-')) out.googleAds.push({ label: sendTo.split('/')[1] ?? '', params });
    else out.ga4.push({ event: c[1], params });
  }
  for (const c of commands.fbq ?? []) {
    const method = c[0];
    if (method !== 'track' && method !== 'trackCustom' && method !== 'trackSingle' && method !== 'trackSingleCustom') continue;
    const single = method.startsWith('trackSingle');
    const [event, params, options] = single ? c.slice(2) : c.slice(1);
    if (typeof event !== 'string' || event === 'PageView') continue;
    const eventID = obj(options).eventID;
    out.meta.push({ event, params: obj(params), ...(typeof eventID === 'string' ? { eventID } : {}), method, ...(single ? { pixelId: String(c[1]) } : {}) });
  }
  for (const c of commands.lintrk ?? []) {
    if (c[0] !== 'track') continue;
    const { conversion_id, event_id } = obj(c[1]);
    out.linkedin.push({ conversion_id: conversion_id as number, ...(typeof event_id === 'string' ? { event_id } : {}) });
  }
  for (const c of uetCalls(commands.uetq ?? [])) {
    if (c[0] === 'event' && typeof c[1] === 'string') out.microsoftAds.push({ action: c[1], params: obj(c[2]) });
  }
  return out;
}

/** Counts the page views the vendors' tags sent themselves. */
export function pageViews(commands: VendorCommands): VendorPageViews {
  return {
    ga4: (commands.gtag ?? []).filter((c) => c[0] === 'config' && String(c[1]).startsWith('G-') && obj(c[2]).send_page_view !== false).length,
    meta: (commands.fbq ?? []).filter((c) => (c[0] === 'track' && c[1] === 'PageView') || (c[0] === 'trackSingle' && c[2] === 'PageView')).length,
    microsoftAds: uetCalls(commands.uetq ?? []).filter((c) => c[0] === 'pageLoad').length,
  };
}
