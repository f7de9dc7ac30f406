import type { Adapter, AdapterContext, ConversionEvent, Identity } from '../../src/core/types';
import { META_STANDARD_EVENTS } from '../../src/plan/vocabulary';
import { loadVendorScript, markOwn } from '../_shared/vendor-script';
import { type Fbq, installFbq } from './fbq';
import { matching } from './matching';
import { personalId, WITHHELD } from '../../src/core/personal';

const STANDARD = /* @__PURE__ */ new Set<string>(META_STANDARD_EVENTS);

/** Meta's object properties for one conversion: value, currency, the products of `items`, and its funnel step. */
function parameters({ name, value, currency, items, properties }: ConversionEvent, warn: (message: string) => void): Record<string, unknown> {
  const p: Record<string, unknown> = {};
  // A funnel step's place in its funnel (custom data: Meta keeps it for custom conversions and audiences).
  if (properties.funnel !== undefined) for (const k of ['funnel', 'funnel_step', 'funnel_steps']) p[k] = properties[k];
  if (value !== undefined) p.value = value;
  if (currency) p.currency = currency;
  // A product id that is an e-mail address or phone number is no product: left out (security QA 2026-12-06).
  if (items?.some((i) => personalId(i.item_id))) {
    warn(`meta ${name}: a product's item_id ${WITHHELD}; that product is left out`);
    items = items.filter((i) => !personalId(i.item_id));
  }
  if (items?.length) {
    // Arrays of their exact length (map), not grown by push: fbq's queue keeps them, for every conversion with products.
    let n = 0;
    const ids = items.map((i) => i.item_id);
    const contents = items.map((i) => {
      const quantity = i.quantity ?? 1;
      n += quantity;
      const c: Record<string, unknown> = { id: i.item_id, quantity };
      if (i.price !== undefined) c.item_price = i.price;
      return c;
    });
    p.content_ids = ids;
    p.contents = contents;
    p.num_items = n;
    p.content_type = 'product';
  }
  return p;
}

/**
 * An event to `fbq`: `track`/`trackCustom` (DESIGN.md's calls), or, when the site had its own
 * pixel on the page before ours (`single`, our pixel id; see `ownPixel`), `trackSingle`/`trackSingleCustom` for our
 * pixel only: an untargeted call fires for every pixel initialised (Meta's guide to several pixels),
 * and the site's pixel would count our page views and conversions a second time.
 */
const to = (fbq: Fbq, single: string | false, method: string, ...args: unknown[]) =>
  (single ? fbq(method.replace('track', 'trackSingle'), single, ...args) : fbq(method, ...args));

/**
 * The page ran Meta's base code for a pixel of its own before ours: its `init` waits in the queue,
 * or fbevents.js has already taken the queue over (`callMethod`). A bare `fbq` function (a test's
 * recorder, a wrapper) is no pixel.
 */
const ownPixel = (f?: Fbq): boolean => !!f && (!!f.callMethod || !!f.queue?.some((a) => a[0] === 'init'));

/**
 * The site's own base code started the plan's pixel itself (a snippet left in place when moving to
 * measureplan): its `init` waits in the queue, or fbevents.js lists it (`getState().pixels`). Its
 * init and PageView already counted the page; a second init is Meta's "duplicate pixel".
 */
const sitePixel = (f: Fbq | undefined, id: string): boolean => {
  try {
    return !!f && (!!f.queue?.some((a) => a[0] === 'init' && String(a[1]) === id) || !!f.getState?.()?.pixels?.some((p) => String(p?.id) === id));
  } catch { return false; } // a wrapper's getState that throws: taken for none
};

/** One conversion to `fbq`: a standard event with `track`, any other name with `trackCustom`. */
function track(fbq: Fbq, single: string | false, event: ConversionEvent, ctx: AdapterContext): void {
  const name = event.send.meta?.event;
  if (!name) return;
  const params = parameters(event, ctx.warn);
  if (name === 'Purchase' && !(params.value !== undefined && params.currency)) {
    ctx.warn(`Meta: Purchase "${event.name}" needs a value and a currency`);
  }
  to(fbq, single, STANDARD.has(name) ? 'track' : 'trackCustom', name, params, { eventID: event.id });
}

/**
 * Meta Pixel. Loads Meta's base code once ads consent is granted (its own `PageView` included,
 * and one per SPA route change) and sends each conversion whose `send.meta.event` names it: a
 * standard event (`Purchase`, `Lead`, `AddToCart`, …) with `fbq('track')`, any other name with
 * `fbq('trackCustom')`, with `value`, `currency` and the `items` as `content_ids`/`contents`/
 * `num_items`. The conversion's event id travels as `eventID`, so a Conversions API event with
 * the same `event_id` and event name is deduplicated. A withdrawal of ads consent calls
 * `fbq('consent','revoke')`. With `destinations.meta.advancedMatching: true`, the e-mail and
 * phone given to `identify()` reach `fbq('init')` as SHA-256 hashes, never raw.
 */
/**
 * The pixel on this page, shared with a tracker re-created on it (after shutdown(), React's
 * StrictMode), which must neither take it for the site's own pixel nor count the page again.
 */
interface PixelState {
  /** The URL of the page the last PageView counted (the base code's: the page the pixel started on). */
  url?: string;
  single: string | false;
  /** The last init carried user data (advanced matching). */
  matched: boolean;
}

export function meta(): Adapter {
  /** Resolves with the pixel id once `init` is queued (advanced matching may need a hash first). */
  let ready: Promise<string | undefined> | undefined;
  let granted = true;
  let pixel: PixelState = { single: false, matched: false };
  const am = (ctx: AdapterContext) => ctx.plan.destinations.meta?.advancedMatching;
  /** Calls `fn` once `init` is queued: a conversion never reaches fbq before its pixel. */
  let readyId: string | undefined;
  /** Our pixel id when the page had its own pixel before ours (`ownPixel`). */
  let single: string | false = false;
  let loading: Promise<unknown> | undefined;
  /** The latest identify()'s init, until it is queued: what comes after it waits for it. */
  let identifying: Promise<void> | undefined;
  /** The matching keys of the last init (JSON): a grant after a withdrawal compares the user now with them. */
  let keys = '{}';
  /** Ads consent not granted since the last grant: identify() calls meanwhile reached no hook. */
  let gap = false;
  const after = (fn: () => void | Promise<void>): void | Promise<void> => (identifying ? identifying.then(fn, fn) : fn());
  const script = (ctx: AdapterContext) => (loading ??= loadVendorScript(ctx, 'https://connect.facebook.net/en_US/fbevents.js', 'Meta'));
  const whenReady = (ctx: AdapterContext, fn: (fbq: Fbq, id: string) => unknown): void | Promise<void> => {
    if (readyId) { const r = fn(ctx.window.fbq, readyId) as Promise<void> | undefined; return r; } // the common case: no promise per conversion
    return ready?.then(async (id) => { if (id) await fn(ctx.window.fbq, id); });
  };

  async function init(ctx: AdapterContext): Promise<string | undefined> {
    const id = ctx.plan.destinations.meta?.pixelId;
    if (!id) return;
    // This pixel, started on this page by an earlier tracker: not the site's own pixel, not
    // initialised again, and its page view not counted again for the same address (framework QA
    // 2026-12-06). Kept on the fbq function itself.
    const started: Record<string, PixelState> = ctx.window.fbq?.__measureplan ?? {};
    const before = started[id];
    single = before ? before.single : ownPixel(ctx.window.fbq) && id;
    const theirs = !before && sitePixel(ctx.window.fbq, id);
    const fbq = installFbq(ctx.window);
    markOwn(fbq, started);
    const m = am(ctx) && (await matching(ctx.identity(), ctx.warn));
    // The hash takes a moment: ads consent may have been withdrawn meanwhile, and the queue then
    // starts revoked (fbevents.js holds what follows until a grant).
    granted = ctx.consent().ads === 'granted';
    fbq('consent', granted ? 'grant' : 'revoke');
    // Again only to change the matching keys: the earlier tracker's user's, when there is no user now (signed out).
    if (!before) { if (!theirs || m) fbq('init', id, ...(m ? [m] : [])); } // on the site's pixel, only to add the matching keys
    else if (m || before.matched) fbq('init', id, m || {});
    const url = ctx.window.location?.href;
    if (!theirs && (!before || before.url !== url)) to(fbq, single, 'track', 'PageView');
    pixel = started[id] = { url, single, matched: !!m };
    keys = JSON.stringify(m || {});
    return (readyId = id);
  }

  /**
   * A new init for `identity` once the inits before it are queued; `changed`: only if its keys are
   * not those of the last init (a grant after a withdrawal). Conversions after it wait for it.
   */
  const match = (identity: Identity, ctx: AdapterContext, changed?: 1): Promise<void> => {
    const done: Promise<void> = (identifying = Promise.resolve(after(() => whenReady(ctx, async (fbq, id) => {
      const m = await matching(identity, ctx.warn);
      const k = JSON.stringify(m || {});
      // A user without e-mail or phone (signed out, or the next person on a shared device): an
      // init without data, so that the previous user's keys are not the ones in force.
      if ((m || pixel.matched) && !(changed && k == keys)) fbq('init', id, m || {});
      pixel.matched = !!m;
      keys = k;
    }))).finally(() => { if (identifying === done) identifying = undefined; }));
    return done;
  };

  return {
    name: 'meta',
    category: 'ads',
    browserOnly: true,
    async load(ctx) {
      if (ready) return;
      if ((await (ready = init(ctx))) && granted) await script(ctx);
    },
    // Once init is queued and no identify() is hashing (the common case) without a closure per
    // conversion. A conversion after identify() waits for its init: fbevents.js sends in queue order,
    // so one queued before would go with the previous user's keys (after a sign-out) or none (security QA 2026-12-06).
    send: (event, ctx) => (readyId && !identifying ? track(ctx.window.fbq, single, event, ctx) : after(() => whenReady(ctx, (fbq) => track(fbq, single, event, ctx)))),
    // After a pending identify()'s init too: a conversion made before a withdrawal stays before the revoke.
    consent(status, ctx) {
      const r = after(() => whenReady(ctx, (fbq) => {
        if ((status.ads === 'granted') !== granted) fbq('consent', (granted = !granted) ? 'grant' : 'revoke');
        if (granted) return script(ctx); // not loaded yet when consent was withdrawn before init
      }));
      // Granted again: a sign-out or sign-in made while ads consent was withdrawn reached no
      // identify(); the user now is matched before the conversions that follow.
      if (status.ads != 'granted') gap = true;
      else if (gap) {
        gap = false;
        if (am(ctx)) return Promise.all([r, match(ctx.identity(), ctx, 1)]);
      }
      return r;
    },
    identify: (identity, ctx) => (am(ctx) ? match(identity, ctx) : undefined),
    // fbevents.js reads the URL itself: a page left since, or the page its base code (or the last
    // route) already counted, would be one more PageView of the page the visitor is on now.
    page: (page, ctx, past) => after(() => whenReady(ctx, (fbq) => {
      if (past || page?.url === pixel.url) return;
      pixel.url = page?.url;
      to(fbq, single, 'track', 'PageView');
    })),
  };
}
