// The crowd without a browser: the messages the collector adapter would have sent for the same
// journeys (scripts/crowd/journeys.mjs), in the Segment batch shape of
// adapters/collector/message.ts, with timestamps spread over days. For reports and benchmarks that
// need a realistic store of millions of events in seconds.
//
//   node scripts/crowd/synthetic.mjs [--events 1000000] [--seed 1] [--days 30]    (prints the rate)
//   node scripts/crowd/synthetic.mjs --shoppers 1000 --ndjson > events.ndjson
//
// What mirrors the tag (each point checked against the real shop in tests/e2e/crowd.test.ts or
// tests/scripts/crowd.test.ts):
//   - only consented visitors send; the consent is the one at delivery (held landing events too);
//   - click ids: with ads consent they stay for the whole visit and the return; with analytics only
//     they are not sent at all, and are taken out of the page URLs and referrers; UTM parameters stay
//     for the session (`context.campaign`); a return after more than 30 minutes is a new session;
//   - funnel steps carry funnel, funnel_step, funnel_steps; conversions with a value carry value
//     and currency; an order's messageId is "purchase:<transaction_id>" (its dedupe key);
//   - experiment_viewed once per exposed visitor, on the first product page after the banner was
//     answered; conversions after it carry `experiments`;
//   - web_vital per page view when it is left (LCP, FCP, TTFB, CLS, and INP after an interaction),
//     with web-vitals' thresholds; click-triggered conversions carry the page's `vitals` so far,
//     page-view-triggered ones (tracked before the page-experience module loads) none.
// Slow devices (the journey's `speed`) get poor vitals and convert worse (journeys.mjs scales their
// funnel steps), so a page-experience report has something to find.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { CATALOGUE, PAGES, decide, exposedToExperiment, mulberry32, planShopper, productBySku, variantOf } from './journeys.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_PLAN_FILE = join(ROOT, 'examples/plans/webshop.json');
const DAY = 86_400_000;
const MINUTE = 60_000;
/** What the collector adapter puts in every message's context (adapters/collector/message.ts). */
const LIBRARY = Object.freeze({ name: 'measureplan', version: '0.1.0' });
const CAMPAIGN = { utm_source: 'source', utm_medium: 'medium', utm_campaign: 'name', utm_term: 'term', utm_content: 'content' };
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'fbclid', 'li_fat_id', 'msclkid'];
/** A URL without the click ids (as the collector adapter sends it without ads consent). */
const withoutClickIds = (url) => {
  try {
    const u = new URL(url);
    if (CLICK_IDS.some((k) => u.searchParams.has(k))) { for (const k of CLICK_IDS) u.searchParams.delete(k); return u.href; }
  } catch { /* '' (a direct visit) */ }
  return url;
};
const EXPERIMENT = 'free_shipping_banner';

/** web-vitals' thresholds: good up to the first, poor above the second. */
export const THRESHOLDS = Object.freeze({ LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] });
export const rating = (name, v) => (v > THRESHOLDS[name][1] ? 'poor' : v > THRESHOLDS[name][0] ? 'needs-improvement' : 'good');

/** Medians per device speed (ms); each value varies around them (log-normal). */
const SPEED = {
  fast: { ttfb: 90, fcp: 650, lcp: 350, inp: 90 },
  average: { ttfb: 380, fcp: 1350, lcp: 900, inp: 190 },
  slow: { ttfb: 950, fcp: 2500, lcp: 1900, inp: 430 },
};
/** Layout shift by page (measured on the demo shop: the cart and the confirmation re-render). */
const CLS_BY_PATH = { '/cart': 0.1, '/checkout/done': 0.18, '/checkout': 0.02 };
/** How long a visitor stays on a page (median seconds). */
const DWELL = { product: 35, home: 20, products: 25, pricing: 40, cart: 25, checkout: 95, done: 30 };
/** Relative traffic per hour of the day (UTC), low at night, highest in the evening. */
const HOURLY = [1, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 2.2, 3, 3.4, 3.6, 3.8, 4, 3.8, 3.6, 3.6, 3.8, 4.2, 4.8, 5.4, 5.6, 5, 3.6, 2];
const USER_AGENTS = {
  desktop: [
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
    'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:144.0) Gecko/20100101 Firefox/144.0',
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0',
  ],
  mobile: [
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Mobile Safari/537.36',
    'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36',
  ],
};

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const hex32 = (n) => HEX[(n >>> 24) & 255] + HEX[(n >>> 16) & 255] + HEX[(n >>> 8) & 255] + HEX[n & 255];
const hex16 = (n) => HEX[(n >>> 8) & 255] + HEX[n & 255];

/**
 * A version-4-shaped UUID, unique per (shopper, counter) within a crowd: the random part comes
 * from the shopper's stream, the shopper's index and a running counter fill the rest (two
 * shoppers' 32-bit streams may coincide; their ids still differ).
 */
function uuid(r, index, counter) {
  const a = (r() * 4294967296) >>> 0;
  const b = (r() * 4294967296) >>> 0;
  return `${hex32(a)}-${hex16(b >>> 16)}-4${hex16(b & 0xfff).slice(1)}-${hex16(0x8000 | (counter & 0x3fff))}-${hex16((counter >>> 14) & 0xffff)}${hex32(index >>> 0)}`;
}

/** A standard normal draw, good enough for noise (sum of three uniforms). */
const normal = (r) => (r() + r() + r() - 1.5) * 2;
const logNormal = (r, median, sigma) => median * Math.exp(sigma * normal(r));

/** The plan the synthetic crowd follows: examples/plans/webshop.json unless given. */
export const loadPlan = (file = DEFAULT_PLAN_FILE) => JSON.parse(readFileSync(file, 'utf8'));

/** A start time from a Date, an ISO text or milliseconds. */
const toMs = (t) => (t instanceof Date ? t.getTime() : typeof t === 'string' ? Date.parse(t) : Number(t));

/**
 * Shopper start times: ordered through the period, denser in the day's busy hours.
 * @returns {(i: number) => number} the start of shopper i in ms
 */
function arrivals(startMs, days, shoppers) {
  const total = HOURLY.reduce((a, b) => a + b, 0);
  const cdf = [0];
  for (const w of HOURLY) cdf.push(cdf[cdf.length - 1] + w / total);
  return (i) => {
    const f = ((i + 0.5) / shoppers) * days;
    const day = Math.floor(f);
    const x = f - day;
    let h = 0;
    while (h < 23 && cdf[h + 1] <= x) h++;
    const within = (x - cdf[h]) / (cdf[h + 1] - cdf[h]);
    return startMs + day * DAY + Math.floor((h + within) * 3_600_000);
  };
}

/**
 * Yields collector messages (Segment `track` messages, plus `page`/`identify` when the plan or the
 * options ask for them) for a synthetic crowd, shopper by shopper, each shopper's in time order.
 * Nested context objects may be shared between messages of one shopper: treat them as read-only.
 * @param {{ shoppers?: number, seed?: number, start?: Date | string | number, days?: number, plan?: object,
 *   origin?: string, identify?: number, maxEvents?: number }} [options]
 *   `shoppers` (default 1000) are spread over `days` (default 7) from `start` (default 2026-01-05T00:00Z);
 *   `identify` is the share of shoppers who give their e-mail at checkout and are identified from
 *   then on (default 0: the demo shop calls no identify()); `maxEvents` stops after that many messages.
 * @returns {Generator<Record<string, any>>}
 */
export function* syntheticMessages({ shoppers = 1000, seed = 1, start = Date.UTC(2026, 0, 5), days = 7, plan = loadPlan(), origin = 'https://fjellsport.example', identify = 0, maxEvents = Infinity } = {}) {
  const startMs = toMs(start);
  if (!Number.isFinite(startMs)) throw new Error(`syntheticMessages: start ${start} is not a time`);
  const at = arrivals(startMs, days, shoppers);
  const conversions = plan.conversions ?? {};
  const toCollector = !!plan.destinations?.collector;
  const sends = (name) => toCollector && !!conversions[name]?.send?.collector;
  const vitalsOn = toCollector && !!plan.vitals?.send?.collector;
  const pagesOn = toCollector && !!plan.destinations.collector.pages;
  const experiment = plan.experiments?.[EXPERIMENT];
  const stepOf = {};
  for (const [funnel, spec] of Object.entries(plan.funnels ?? {})) {
    const steps = Array.isArray(spec) ? spec : spec.steps;
    steps.forEach((c, k) => { stepOf[c] ??= { funnel, funnel_step: k + 1, funnel_steps: steps.length }; });
  }
  let emitted = 0;
  if (!toCollector) return; // a plan without a collector: nothing reaches one

  for (let i = 0; i < shoppers && emitted < maxEvents; i++) {
    const j = planShopper(seed, i);
    if (j.consent === 'none') continue; // "Only necessary": the tag sends nothing at all
    // A stream of its own for times, ids and vitals, so the journey's draws stay those of journeys.mjs.
    const r = mulberry32((j.seed ^ 0x5bd1e995) >>> 0);
    let counter = 0;
    const id = () => uuid(r, i, counter++);
    const anonymousId = id();
    const ads = j.consent === 'all';
    const consent = { analytics: 'granted', ads: ads ? 'granted' : 'denied' };
    const agents = USER_AGENTS[j.mobile ? 'mobile' : 'desktop'];
    const device = { userAgent: agents[(r() * agents.length) | 0], locale: j.locale };
    const landingClicks = {};
    for (const k of CLICK_IDS) if (j.landing.query[k]) landingClicks[k] = j.landing.query[k];
    let campaign;
    for (const k in j.landing.query) if (CAMPAIGN[k]) (campaign ??= {})[CAMPAIGN[k]] = j.landing.query[k];
    const speed = SPEED[j.speed];
    const exposed = !!experiment && exposedToExperiment(j);
    const variant = exposed ? variantOf(j, experiment.variants, experiment.weights) : undefined;
    const outcome = decide(j, variant ?? 'control');
    let userId;
    const identifies = identify > 0 && r() < identify;

    let t = at(i);
    let sessionId = id();
    let experiments; // set at the exposure
    /** The page view in progress: its context page, the vitals measured on it, interactions so far. */
    let view;
    const out = [];

    /** `vitals`: only conversions of clicks carry them (page-view ones fire before the page-experience module runs). */
    const measureplan = (kind, withJourney, vitals) => {
      const mp = ads ? { kind, session_id: sessionId, click_ids: landingClicks, consent } : { kind, session_id: sessionId, consent };
      if (withJourney && experiments) mp.experiments = experiments;
      if (vitals) mp.vitals = view.knownVitals;
      return mp;
    };
    const context = (mp, withCampaign = true) => {
      const c = { library: LIBRARY, userAgent: device.userAgent, locale: device.locale, page: view.sent };
      if (withCampaign && campaign) c.campaign = campaign;
      c.measureplan = mp;
      return c;
    };
    const message = (type, event, properties, messageId, kindCtx) => {
      const m = { type, event, properties, messageId, anonymousId, timestamp: new Date(t).toISOString(), context: kindCtx };
      if (userId !== undefined) m.userId = userId;
      out.push(m);
    };

    /** A conversion of the plan, enriched as the tracker does (funnel step, value, currency, event id). */
    const track = (name, props, { clickTriggered = false } = {}) => {
      if (!sends(name)) return;
      const c = conversions[name];
      const properties = { ...props };
      const step = stepOf[name];
      if (step) { properties.funnel ??= step.funnel; properties.funnel_step ??= step.funnel_step; properties.funnel_steps ??= step.funnel_steps; }
      const value = typeof c.value === 'number' ? c.value : typeof c.value === 'string' ? props[c.value] : undefined;
      if (value !== undefined) { properties.value = value; if (plan.currency) properties.currency = plan.currency; }
      const key = typeof c.dedupe === 'string' ? c.dedupe : c.dedupe?.key ?? 'transaction_id';
      const dk = props[key];
      const messageId = (typeof dk === 'string' && dk) || typeof dk === 'number' ? `${name}:${dk}` : id();
      message('track', name, properties, messageId, context(measureplan(c.kind, true, clickTriggered)));
      if (clickTriggered) interact(); // its own click's INP is known only to the conversions after it
    };
    /** A click or a submit: web-vitals measures the page's INP from it (the worst interaction so far). */
    const interact = () => {
      const inp = 8 * Math.max(1, Math.round(logNormal(r, speed.inp, 0.5) / 8));
      view.inp = Math.max(view.inp ?? 0, inp);
      view.knownVitals = vitalsSoFar(view);
    };
    const signal = (name, properties) => message('track', name, properties, id(), context(measureplan('signal', false, false)));

    /** Opens a page: its context, its vitals (known once the page-experience module runs). */
    const open = (path, title, search = '', referrer = view ? view.page.url : j.landing.referrer) => {
      if (view) leave();
      const url = origin + path + search;
      const lcpExtra = path.startsWith('/product/') ? 1.25 : 1;
      const ttfb = logNormal(r, speed.ttfb, 0.35);
      const fcp = ttfb + logNormal(r, speed.fcp, 0.3);
      const lcp = fcp + logNormal(r, speed.lcp * lcpExtra, 0.45);
      const clsBase = CLS_BY_PATH[path] ?? 0;
      const cls = clsBase ? clsBase * (0.85 + 0.3 * r()) : r() < (j.mobile ? 0.12 : 0.05) ? 0.02 + r() * 0.28 : 0;
      view = { page: { url, path, title, referrer }, ttfb, fcp, lcp, cls, inp: undefined, knownVitals: undefined, kind: pageKind(path) };
      // What the collector is given of the page: without ads consent, no click id in its URLs.
      view.sent = ads ? view.page : { ...view.page, url: withoutClickIds(url), referrer: withoutClickIds(referrer) };
      view.knownVitals = vitalsSoFar(view);
      t += Math.round(logNormal(r, 600, 0.4)); // the tag has loaded and read its plan
      if (pagesOn) {
        // The collector's page view (destinations.collector.pages), as pageMessage() builds it.
        const pm = { type: 'page', messageId: id(), anonymousId, timestamp: new Date(t).toISOString(), name: title, properties: { ...view.sent }, context: context(ads ? { click_ids: landingClicks, consent } : { consent }, false) };
        if (userId !== undefined) pm.userId = userId;
        out.push(pm);
      }
    };
    /** Stays on the page a while, then leaves: the page's final vitals go out with the hide. */
    const stay = (share = 1) => { t += Math.round(logNormal(r, DWELL[view.kind] * 1000 * share, 0.6)); };
    const leave = () => {
      stay(0.3);
      if (!vitalsOn) return;
      const v = view;
      const list = [['LCP', Math.round(v.lcp)], ['FCP', Math.round(v.fcp)], ['TTFB', v.ttfb], ['CLS', v.cls]];
      if (v.inp !== undefined) list.push(['INP', v.inp]);
      for (const [name, value] of list) {
        const metricId = `v6-${t}-${1e12 + Math.floor(r() * (9e12 - 1))}`;
        signal('web_vital', { metric_name: name, metric_value: value, metric_delta: value, metric_rating: rating(name, value), metric_id: metricId, navigation_type: 'navigate', value });
        t += 1;
      }
    };

    // The landing page; its page-view conversions wait for the banner's answer, then leave.
    const landingProduct = j.landing.page === 'product' ? productBySku(j.views[0]) : undefined;
    const landingSearch = j.landing.url.slice(j.landing.path.length);
    open(j.landing.path, landingProduct?.title ?? PAGES[j.landing.page].title, landingSearch, j.landing.referrer);
    if (landingProduct) track('view_item', viewItem(landingProduct));
    if (j.landing.page === 'pricing') track('visited_pricing', {});
    t += Math.round(logNormal(r, 4000, 0.5)); // reading the banner
    interact(); // the click on it
    const addToCart = (product) => {
      stay(0.6);
      track('add_to_cart', { item_id: product.sku, item_name: product.name, value: product.price }, { clickTriggered: true });
    };
    // A product the visitor landed on goes into the cart there and then.
    if (landingProduct && j.cart.includes(landingProduct.sku)) addToCart(landingProduct);

    if (j.newsletter) {
      if (j.landing.page !== 'home') open(PAGES.home.path, PAGES.home.title);
      stay(0.5);
      track('newsletter_signup', {}, { clickTriggered: true });
      open(PAGES.home.path, PAGES.home.title, '?subscribed=1');
    }
    if (j.pricing && j.landing.page !== 'pricing') {
      open(PAGES.pricing.path, PAGES.pricing.title);
      track('visited_pricing', {});
    }
    for (const [k, sku] of j.views.entries()) {
      if (k === 0 && landingProduct) continue; // viewed (and added) on landing
      const product = productBySku(sku);
      open(product.path, product.title);
      track('view_item', viewItem(product));
      if (exposed && !experiments) {
        signal('experiment_viewed', { experiment_id: EXPERIMENT, variant_id: variant, exp_variant_string: `measureplan-${EXPERIMENT}-${variant}` });
        experiments = { [EXPERIMENT]: variant };
      }
      if (j.cart.includes(sku)) addToCart(product);
    }
    if (j.phone) { stay(0.4); track('phone_click', {}, { clickTriggered: true }); }

    const kept = j.cart.filter((s) => s !== j.remove).map(productBySku);
    if (j.remove || j.checkout) {
      open(PAGES.cart.path, PAGES.cart.title);
      if (j.remove) { stay(0.5); track('remove_from_cart', { item_id: j.remove }, { clickTriggered: true }); }
    }
    const checkout = (buy) => {
      open(PAGES.checkout.path, PAGES.checkout.title);
      if (identifies && userId === undefined) {
        userId = `cust-${hex32((r() * 4294967296) >>> 0)}${hex16(i & 0xffff)}`;
        out.push({ type: 'identify', messageId: id(), anonymousId, timestamp: new Date(t).toISOString(), traits: {}, context: context({}, false), userId });
      }
      track('begin_checkout', {});
      if (!buy) return;
      stay();
      interact(); // "Place order"
      const orderId = `FS-${t}${String(i).padStart(7, '0')}`;
      open(PAGES.done.path, PAGES.done.title, `?order=${orderId}`);
      track('purchase', {
        transaction_id: orderId,
        value: kept.reduce((a, p) => a + p.price, 0),
        items: kept.map((p) => ({ item_id: p.sku, item_name: p.name, price: p.price, quantity: 1 })),
      });
    };
    if (j.checkout) checkout(outcome.purchased);

    if (outcome.returned) {
      // Back after more than an hour (a new session, without the ad's UTM parameters): the tag
      // reports the cart left full before anything else.
      leave();
      view = undefined;
      t += j.comeBackAfterMin * MINUTE;
      sessionId = id();
      campaign = undefined;
      open(PAGES.cart.path, PAGES.cart.title, '', '');
      const items = kept.map((p) => ({ item_id: p.sku, item_name: p.name, quantity: 1, price: p.price }));
      track('cart_abandoned', { value: items.reduce((a, x) => a + x.price, 0), items });
      if (outcome.recovered) checkout(true);
    }
    leave();

    for (const m of out) {
      if (emitted >= maxEvents) break;
      emitted++;
      yield m;
    }
  }
}

/** view_item's properties, read by the plan's trigger from the product page's <main> data attributes. */
const viewItem = (p) => ({ item_id: p.sku, item_name: p.name, item_category: p.category, value: p.price });

/** The DWELL key of a path. */
function pageKind(path) {
  if (path.startsWith('/product/')) return 'product';
  if (path === '/checkout/done') return 'done';
  return path === '/' ? 'home' : path.slice(1);
}

/** The vitals a conversion tracked now carries: the page's metrics so far (INP after an earlier interaction). */
function vitalsSoFar(v) {
  const lcp = Math.round(v.lcp);
  const fcp = Math.round(v.fcp);
  const known = { LCP: { value: lcp, rating: rating('LCP', lcp) }, FCP: { value: fcp, rating: rating('FCP', fcp) }, TTFB: { value: v.ttfb, rating: rating('TTFB', v.ttfb) }, CLS: { value: v.cls, rating: rating('CLS', v.cls) } };
  if (v.inp !== undefined) known.INP = { value: v.inp, rating: rating('INP', v.inp) };
  return known;
}

/**
 * The same messages grouped as the collector adapter posts them: `{ batch, sentAt }`, `size` per
 * batch (the adapter's default is 100), `sentAt` the last message's time.
 * @param {Parameters<typeof syntheticMessages>[0]} options
 * @param {{ size?: number }} [batching]
 */
export function* syntheticBatches(options, { size = 100 } = {}) {
  let batch = [];
  for (const m of syntheticMessages(options)) {
    batch.push(m);
    if (batch.length >= size) { yield { batch, sentAt: m.timestamp }; batch = []; }
  }
  if (batch.length) yield { batch, sentAt: batch[batch.length - 1].timestamp };
}

// `node scripts/crowd/synthetic.mjs`: the rate, or the messages as NDJSON.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({ options: { events: { type: 'string' }, shoppers: { type: 'string' }, seed: { type: 'string', default: '1' }, days: { type: 'string', default: '30' }, ndjson: { type: 'boolean', default: false } } });
  const maxEvents = values.events ? Number(values.events) : Infinity;
  // About 15 messages per shopper (80 % of them web_vital): enough shoppers for the events asked for.
  const shoppers = values.shoppers ? Number(values.shoppers) : Math.ceil((Number.isFinite(maxEvents) ? maxEvents : 1_000_000) / 15);
  const options = { shoppers, seed: Number(values.seed), days: Number(values.days), maxEvents };
  if (values.ndjson) {
    let buf = '';
    for (const m of syntheticMessages(options)) {
      buf += JSON.stringify(m) + '\n';
      if (buf.length > 1 << 20) { if (!process.stdout.write(buf)) await new Promise((r) => process.stdout.once('drain', r)); buf = ''; }
    }
    process.stdout.write(buf);
  } else {
    const t0 = process.hrtime.bigint();
    let n = 0;
    const kinds = {};
    for (const m of syntheticMessages(options)) { n++; kinds[m.event ?? m.type] = (kinds[m.event ?? m.type] ?? 0) + 1; }
    const s = Number(process.hrtime.bigint() - t0) / 1e9;
    console.log(`${n} messages from ${shoppers} planned shoppers in ${s.toFixed(2)} s: ${Math.round(n / s).toLocaleString('en-US')} messages/s`);
    console.log(JSON.stringify(kinds));
  }
}
