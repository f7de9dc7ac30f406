// The crowd's shoppers, planned: who they are (consent, ad click, landing page, device speed) and
// what they mean to do in the Fjellsport demo shop (read the prices, subscribe, call, view
// products, fill and empty the cart, check out, buy, come back to a left cart).
//
// One plan feeds both drivers: scripts/crowd/browser.mjs walks it through the real shop in headless
// Chromium, scripts/crowd/synthetic.mjs writes the messages the collector would have received.
// Everything is drawn from a seeded PRNG, per shopper: the same seed gives the same crowd, and
// shopper i is the same whatever the crowd's size (planCrowd({ shoppers: 10 }) is a prefix of
// planCrowd({ shoppers: 1000 })).
//
// Two things are only known when the journey runs, so the plan carries a roll for each:
// the experiment's variant (in the browser the tag assigns it, `measureplan.variant()`), and
// with it whether the checkout ends in a purchase (`decide()`).

/** The shop's products, as their pages and buttons carry them (examples/storefront/product/*.html). */
export const CATALOGUE = Object.freeze([
  { slug: 'tind-shell-jacket', sku: 'JKT-TIND-3L', name: 'Tind 3L Shell Jacket', category: 'Jackets', price: 2499 },
  { slug: 'vidde-45-backpack', sku: 'BAG-VIDDE-45', name: 'Vidde 45 Backpack', category: 'Backpacks', price: 1799 },
  { slug: 'stryn-hiking-boots', sku: 'BOOT-STRYN-GTX', name: 'Stryn GTX Hiking Boots', category: 'Footwear', price: 2199 },
  { slug: 'lofoten-merino-top', sku: 'BASE-LOFOTEN-200', name: 'Lofoten Merino 200 Top', category: 'Base layers', price: 899 },
].map((p) => Object.freeze({ ...p, path: `/product/${p.slug}`, title: `${p.name} · Fjellsport` })));

/** The shop's other pages (path and <title>). */
export const PAGES = Object.freeze({
  home: { path: '/', title: 'Fjellsport · Outdoor gear for Norwegian mountains' },
  products: { path: '/products', title: 'All products · Fjellsport' },
  pricing: { path: '/pricing', title: 'Shipping, returns & prices · Fjellsport' },
  cart: { path: '/cart', title: 'Your cart · Fjellsport' },
  checkout: { path: '/checkout', title: 'Checkout · Fjellsport' },
  done: { path: '/checkout/done', title: 'Thank you for your order · Fjellsport' },
});

/**
 * The crowd's shares. Step shares are of the previous step (add_to_cart of viewers, checkout of
 * carts, purchase of checkouts); `speed` scales the three step shares (slow pages convert worse).
 */
export const SHARES = Object.freeze({
  // "Accept all", "Let me choose" with statistics only, "Only necessary" (sends nothing).
  consent: { all: 0.85, analytics: 0.05, none: 0.10 },
  // Where the visit comes from; the first three land with their ad click id (gclid, fbclid, msclkid).
  source: { google_ads: 0.30, meta_ads: 0.15, microsoft_ads: 0.05, newsletter: 0.07, organic: 0.18, direct: 0.25 },
  pricing: 0.15,
  newsletter: 0.08,
  phone: 0.04,
  /** Visitors who leave without opening a product page (unless they landed on one). */
  noProduct: 0.22,
  /** How many products a viewer opens: 1, 2, 3 or 4. */
  views: [0.45, 0.30, 0.15, 0.10],
  addToCart: 0.35,
  /** A second and a third product in the cart (of carts, of 2-product carts). */
  moreItems: [0.22, 0.2],
  /** Take one product out again: of carts with several products, of one-product carts (which then leave). */
  remove: { several: 0.25, single: 0.05 },
  checkout: 0.55,
  /**
   * Purchase of checkouts, by the variant the visitor saw. The banner's +40 % here is about +25 %
   * more buyers per exposed visitor (orders on a return to a left cart do not depend on it).
   */
  purchase: { control: 0.53, banner: 0.74 },
  /** Carts left full: the share that comes back after more than an hour, and of those who buy then. */
  comeBack: 0.30,
  recover: 0.35,
  /** Page speed of the visitor's device and network, and how it scales each funnel step. */
  speed: { fast: 0.60, average: 0.28, slow: 0.12 },
  speedFactor: { fast: 1.04, average: 0.99, slow: 0.8 },
  locale: { 'nb-NO': 0.72, 'en-US': 0.12, 'sv-SE': 0.08, 'de-DE': 0.05, 'da-DK': 0.03 },
  mobile: 0.58,
});

/** mulberry32: a tiny, fast 32-bit PRNG; returns floats in [0, 1). */
export function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t = (t + Math.imul(t ^ (t >>> 7), t | 61)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A well-mixed 32-bit seed for shopper `index` of crowd `seed`, so that neighbours do not correlate. */
export function shopperSeed(seed, index) {
  let h = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  h ^= h >>> 16; h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15; h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A key of `shares` drawn with their weights (the last key takes any rounding rest). */
export function pick(random, shares) {
  let x = random();
  const keys = Object.keys(shares);
  for (const k of keys) { x -= shares[k]; if (x < 0) return k; }
  return keys[keys.length - 1];
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const token = (random, n) => { let s = ''; for (let i = 0; i < n; i++) s += LETTERS[(random() * 64) | 0]; return s; };

/** Where each source lands and what it puts in the URL (UTM and click id, as the ad platforms do). */
const SOURCES = {
  google_ads: { landing: { product: 0.6, home: 0.25, products: 0.15 }, referrer: 'https://www.google.com/',
    query: (r) => ({ utm_source: 'google', utm_medium: 'cpc', utm_campaign: pick(r, { brand: 0.4, shopping_jackets: 0.35, generic_hiking: 0.25 }), gclid: 'Cj0KCQiA' + token(r, 40) }) },
  meta_ads: { landing: { product: 0.55, home: 0.3, products: 0.15 }, referrer: 'https://l.facebook.com/',
    query: (r) => ({ utm_source: 'facebook', utm_medium: 'paid_social', utm_campaign: pick(r, { autumn_shells: 0.6, retargeting: 0.4 }), fbclid: 'IwAR' + token(r, 56) }) },
  microsoft_ads: { landing: { product: 0.5, home: 0.35, products: 0.15 }, referrer: 'https://www.bing.com/',
    query: (r) => ({ utm_source: 'bing', utm_medium: 'cpc', utm_campaign: 'brand', msclkid: token(r, 32).toLowerCase().replace(/[-_]/g, '0') }) },
  newsletter: { landing: { home: 0.5, products: 0.3, product: 0.2 }, referrer: '',
    query: () => ({ utm_source: 'newsletter', utm_medium: 'email', utm_campaign: 'monthly' }) },
  organic: { landing: { home: 0.4, product: 0.45, pricing: 0.15 }, referrer: 'https://www.google.com/', query: () => ({}) },
  direct: { landing: { home: 0.7, products: 0.2, product: 0.1 }, referrer: '', query: () => ({}) },
};

/**
 * @typedef {'all' | 'analytics' | 'none'} ConsentChoice
 * @typedef {typeof CATALOGUE[number]} Product
 * @typedef {object} Journey
 * @property {number} index                 the shopper's place in the crowd
 * @property {number} seed                  the shopper's own seed (runtime choices draw from it)
 * @property {ConsentChoice} consent        the answer to the cookie banner ('none' sends nothing)
 * @property {string} source                google_ads, meta_ads, microsoft_ads, newsletter, organic or direct
 * @property {{ page: string, path: string, query: Record<string, string>, url: string, referrer: string }} landing
 *   `url` is path plus query string; `query` holds the UTM parameters and the click id
 * @property {string} locale
 * @property {boolean} mobile
 * @property {'fast' | 'average' | 'slow'} speed   page experience of the device (synthetic vitals)
 * @property {boolean} pricing              opens /pricing (or landed there)
 * @property {boolean} newsletter           subscribes on the home page
 * @property {boolean} phone                clicks the phone number in the footer
 * @property {string[]} views               product skus opened, in order (the landing product first)
 * @property {string[]} cart                skus put in the cart (on their product pages), in order
 * @property {string | null} remove         the sku taken out of the cart again on /cart
 * @property {boolean} checkout             goes to /checkout (with a non-empty cart)
 * @property {{ control: number, banner: number } | null} purchase  chance to buy at checkout, per variant seen
 * @property {'standard' | 'express' | 'pickup'} shipping
 * @property {number} variantRoll           where the visitor falls in the experiment's weights (synthetic)
 * @property {number} purchaseRoll          compared with `purchase[variant]` by `decide()`
 * @property {number | null} comeBackAfterMin  minutes until the return to a cart left full (> 60), or null
 * @property {boolean} recover              on that return, checks out and buys
 * @property {string} email
 */

/** Plans one shopper (the same for a given seed and index, whatever the crowd's size). */
export function planShopper(seed, index) {
  const own = shopperSeed(seed, index);
  const r = mulberry32(own);
  const consent = /** @type {ConsentChoice} */ (pick(r, SHARES.consent));
  const source = pick(r, SHARES.source);
  const src = SOURCES[source];
  const landingPage = pick(r, src.landing);
  const query = src.query(r);
  const landingProduct = landingPage === 'product' ? CATALOGUE[(r() * CATALOGUE.length) | 0] : undefined;
  const path = landingProduct ? landingProduct.path : PAGES[landingPage].path;
  const qs = new URLSearchParams(query).toString();
  const speed = /** @type {'fast' | 'average' | 'slow'} */ (pick(r, SHARES.speed));
  const factor = SHARES.speedFactor[speed];
  const locale = pick(r, SHARES.locale);
  const mobile = r() < SHARES.mobile;

  const pricing = landingPage === 'pricing' || r() < SHARES.pricing;
  const newsletter = r() < SHARES.newsletter;
  const phone = r() < SHARES.phone;

  // Products: the landing one first, then others in a random order.
  const views = [];
  if (landingProduct) views.push(landingProduct.sku);
  if (landingProduct || r() >= SHARES.noProduct) {
    const want = 1 + Number(pick(r, { 0: SHARES.views[0], 1: SHARES.views[1], 2: SHARES.views[2], 3: SHARES.views[3] }));
    const others = CATALOGUE.map((p) => p.sku).filter((s) => s !== landingProduct?.sku);
    while (views.length < want && others.length) views.push(others.splice((r() * others.length) | 0, 1)[0]);
  }

  // The cart: a viewer adds with SHARES.addToCart; some add a second and a third viewed product.
  const cart = [];
  if (views.length && r() < SHARES.addToCart * factor) {
    const pool = [...views];
    cart.push(pool.splice((r() * pool.length) | 0, 1)[0]);
    if (pool.length && r() < SHARES.moreItems[0]) {
      cart.push(pool.splice((r() * pool.length) | 0, 1)[0]);
      if (pool.length && r() < SHARES.moreItems[1]) cart.push(pool.splice((r() * pool.length) | 0, 1)[0]);
    }
    cart.sort((a, b) => views.indexOf(a) - views.indexOf(b)); // added on their product pages, in viewing order
  }
  let remove = null;
  if (cart.length > 1 && r() < SHARES.remove.several) remove = cart[(r() * cart.length) | 0];
  else if (cart.length === 1 && r() < SHARES.remove.single) remove = cart[0];
  const left = cart.length - (remove ? 1 : 0);

  const checkout = left > 0 && r() < SHARES.checkout * factor;
  const purchase = checkout ? { control: Math.min(1, SHARES.purchase.control * factor), banner: Math.min(1, SHARES.purchase.banner * factor) } : null;
  const shipping = /** @type {'standard' | 'express' | 'pickup'} */ (pick(r, { standard: 0.7, express: 0.18, pickup: 0.12 }));
  const variantRoll = r();
  const purchaseRoll = r();
  // Drawn for every cart: whether it stays full is only known once the purchase is decided.
  const comeBackAfterMin = left > 0 && r() < SHARES.comeBack ? 61 + Math.floor(r() * 540) : null;
  const recover = comeBackAfterMin !== null && r() < SHARES.recover;
  const email = `shopper${index}.${own.toString(36)}@example.no`;

  return {
    index, seed: own, consent, source,
    landing: { page: landingPage, path, query, url: qs ? `${path}?${qs}` : path, referrer: src.referrer },
    locale, mobile, speed, pricing, newsletter, phone, views, cart, remove, checkout, purchase, shipping,
    variantRoll, purchaseRoll, comeBackAfterMin, recover, email,
  };
}

/**
 * The crowd: `shoppers` journeys, the same for the same seed.
 * @param {{ shoppers: number, seed?: number }} options
 * @returns {Journey[]}
 */
export function planCrowd({ shoppers, seed = 1 }) {
  const out = new Array(shoppers);
  for (let i = 0; i < shoppers; i++) out[i] = planShopper(seed, i);
  return out;
}

/** The product of a sku. */
export const productBySku = (sku) => CATALOGUE.find((p) => p.sku === sku);

/** Whether the visitor ever sees a product page after answering the banner (where the experiment's exposure happens). */
export const exposedToExperiment = (j) => j.consent !== 'none' && j.views.length > (j.landing.page === 'product' ? 1 : 0);

/** The variant a visitor lands in by its roll and the experiment's variants and weights (synthetic crowds). */
export function variantOf(j, variants = ['control', 'banner'], weights = variants.map(() => 1)) {
  const total = weights.reduce((a, b) => a + b, 0);
  let x = j.variantRoll * total;
  for (let i = 0; i < variants.length; i++) { x -= weights[i]; if (x < 0) return variants[i]; }
  return variants[variants.length - 1];
}

/**
 * What becomes of the journey once the variant the visitor saw is known ('control' when the
 * visitor saw none): whether they buy, leave a full cart, come back to it, and buy then.
 * @param {Journey} j
 * @param {string | undefined} variant
 */
export function decide(j, variant) {
  const p = j.purchase ? (j.purchase[variant ?? 'control'] ?? j.purchase.control) : 0;
  const purchased = j.checkout && j.purchaseRoll < p;
  const fullCart = j.cart.length - (j.remove ? 1 : 0) > 0;
  const abandoned = fullCart && !purchased;
  const returned = abandoned && j.comeBackAfterMin !== null;
  const recovered = returned && j.recover;
  return { purchased, abandoned, returned, recovered };
}

/**
 * Step counts of a crowd as planned: how many shoppers reach each step. `variant(j)` says which
 * variant a shopper saw (default: the synthetic assignment by roll, control when not exposed).
 * `purchase` counts orders at the first visit and on the return visit.
 * @param {Journey[]} journeys
 * @param {(j: Journey) => string | undefined} [variant]
 */
export function countSteps(journeys, variant = (j) => (exposedToExperiment(j) ? variantOf(j) : 'control')) {
  const c = {
    shoppers: 0, consent_all: 0, consent_analytics: 0, consent_none: 0, landing_with_click_id: 0,
    visited_pricing: 0, newsletter_signup: 0, phone_click: 0, view_item: 0, product_views: 0,
    add_to_cart: 0, remove_from_cart: 0, begin_checkout: 0, purchase: 0, purchase_at_first_visit: 0,
    cart_left_full: 0, cart_abandoned: 0, purchase_on_return: 0, exposed: 0,
  };
  for (const j of journeys) {
    const d = decide(j, variant(j));
    c.shoppers++;
    c[`consent_${j.consent}`]++;
    if (j.landing.query.gclid || j.landing.query.fbclid || j.landing.query.msclkid) c.landing_with_click_id++;
    if (j.pricing) c.visited_pricing++;
    if (j.newsletter) c.newsletter_signup++;
    if (j.phone) c.phone_click++;
    if (j.views.length) c.view_item++;
    c.product_views += j.views.length;
    if (j.cart.length) c.add_to_cart++;
    if (j.remove) c.remove_from_cart++;
    if (j.checkout || d.recovered) c.begin_checkout++;
    if (d.purchased) c.purchase_at_first_visit++;
    if (d.abandoned) c.cart_left_full++;
    if (d.returned) c.cart_abandoned++;
    if (d.recovered) c.purchase_on_return++;
    if (exposedToExperiment(j)) c.exposed++;
  }
  c.purchase = c.purchase_at_first_visit + c.purchase_on_return;
  return c;
}
