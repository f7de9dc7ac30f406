// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { meta } from '../../adapters/meta';
import { example } from '../plan/fixtures';
import { bench, commands, eventFor, resetWindow } from './harness';

const FBEVENTS = 'https://connect.facebook.net/en_US/fbevents.js';
const PIXEL = '123456789012345';
const queue = () => commands((window as any).fbq.queue);

const order = {
  transaction_id: 'T-1001',
  value: 2898,
  items: [
    { item_id: 'SKU-1', item_name: 'Tent', price: 2499, quantity: 1 },
    { item_id: 'SKU-2', price: 199.5, quantity: 2 },
    { item_id: 'SKU-3' },
  ],
};

/** The webshop plan with advanced matching switched on (or a tweak of it). */
const webshop = (edit: (p: any) => void = () => undefined) => {
  const p = example('webshop');
  edit(p);
  return p;
};

/** Known SHA-256 vectors (`printf '%s' value | sha256sum`). */
const HASH = {
  email: 'd84865635a130d02f19b9cdbc08402d51c91c2c1e111fcdc93bd91736533879d', // kari.nordmann@gmail.com
  phone: '8e691d17cd72d7f630c95c400ce73b503202c6d5102af569c3a8546e7f72f21c', // 4791234567
  userId: '1bee97acdddc9ff5bca4d04ea02cfd05e4b460aa4aa00e0e5fb32a4a5f1d5ccc', // u-1001
};
const RAW = ['Kari.Nordmann@Gmail.com', 'kari.nordmann@gmail.com', '+47 912 34 567', '+4791234567', '4791234567'];
const kari = { userId: 'U-1001', traits: { email: '  Kari.Nordmann@Gmail.com ', phone: '+47 912 34 567' } };

beforeEach(() => resetWindow());

describe('meta adapter: loading', () => {
  it('is an ads destination named meta', () => {
    const a = meta();
    expect([a.name, a.category]).toEqual(['meta', 'ads']);
  });

  it('installs the base-code stub, then grants consent, inits the pixel and counts the page view before the script', async () => {
    const b = bench();
    await meta().load(b.ctx);
    const fbq = (window as any).fbq;
    expect(queue()).toEqual([['consent', 'grant'], ['init', PIXEL], ['track', 'PageView']]);
    expect(Object.prototype.toString.call(fbq.queue[0])).toBe('[object Arguments]');
    expect([fbq.push === fbq, fbq.loaded, fbq.version, (window as any)._fbq === fbq]).toEqual([true, true, '2.0', true]);
    expect(b.scripts).toEqual([FBEVENTS]);
    expect(b.warnings).toEqual([]);
  });

  it('requests fbevents.js once and inits once when load is called twice', async () => {
    const b = bench();
    const a = meta();
    await Promise.all([a.load(b.ctx), a.load(b.ctx)]);
    await a.load(b.ctx);
    expect(b.scripts).toEqual([FBEVENTS]);
    expect(queue()).toEqual([['consent', 'grant'], ['init', PIXEL], ['track', 'PageView']]);
  });

  it('leaves an fbq the page already has in place and calls it', async () => {
    const calls: unknown[][] = [];
    const own = (...args: unknown[]) => { calls.push(args); };
    (window as any).fbq = own;
    await meta().load(bench().ctx);
    expect((window as any).fbq).toBe(own);
    expect(calls).toEqual([['consent', 'grant'], ['init', PIXEL], ['track', 'PageView']]);
  });

  /** Meta's base code, as a site pastes it: the queue stub, its own pixel's init and PageView. */
  const sitePixel = () => {
    const f: any = function (...args: unknown[]) { if (f.callMethod) f.callMethod(...args); else f.queue.push(args); };
    Object.assign(f, { queue: [], loaded: true, version: '2.0', push: f });
    (window as any).fbq = f;
    f('init', '999999999999999');
    f('track', 'PageView');
    return f;
  };

  it.each([
    ['before fbevents.js arrived (its init in the queue)', false],
    ['after fbevents.js took the queue over (callMethod)', true],
  ])("with the site's own pixel on the page %s, every event goes to the plan's pixel only (trackSingle)", async (_when, loaded) => {
    // fbevents.js sends an untargeted track()/trackCustom() to every pixel initialised (Meta's
    // guide to several pixels on a page); trackSingle/trackSingleCustom only to the one named.
    const f = sitePixel();
    const calls: unknown[][] = [];
    if (loaded) { f.queue.length = 0; f.callMethod = (...args: unknown[]) => { calls.push(args); }; }
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    await a.send(eventFor(b, 'purchase', { transaction_id: 'T-9', value: 100, items: [{ item_id: 'SKU-1' }] }), b.ctx);
    await a.send(eventFor(b, 'phone_click', {}, { send: { meta: { event: 'PhoneCall' } } }), b.ctx);
    await a.page!({ url: 'https://shop.example/cart', path: '/cart', title: 'Cart', referrer: '' }, b.ctx);
    const ours = (loaded ? calls : f.queue.slice(2)).filter((c: unknown[]) => String(c[0]).startsWith('track'));
    expect(ours.map((c: unknown[]) => c.slice(0, 3))).toEqual([
      ['trackSingle', PIXEL, 'PageView'], ['trackSingle', PIXEL, 'Purchase'], ['trackSingleCustom', PIXEL, 'PhoneCall'], ['trackSingle', PIXEL, 'PageView'],
    ]);
    expect(ours[1]![4]).toEqual({ eventID: 'purchase:T-9' });
  });

  it('warns and does not throw when fbevents.js is blocked', async () => {
    const b = bench({ blockScripts: true });
    const a = meta();
    await expect(a.load(b.ctx)).resolves.toBeUndefined();
    expect(b.warnings.map((w) => w.message)).toEqual([`Meta: ${FBEVENTS} was blocked, nothing reaches Meta on this page`]);
    await a.send(eventFor(b, 'begin_checkout'), b.ctx);
    expect(queue().at(-1)).toEqual(['track', 'InitiateCheckout', {}, { eventID: 'evt-begin_checkout-0001' }]);
  });

  it('calls through callMethod once the real library has set it', async () => {
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    const callMethod = vi.fn();
    (window as any).fbq.callMethod = callMethod;
    await a.send(eventFor(b, 'begin_checkout'), b.ctx);
    expect(callMethod.mock.calls).toEqual([['track', 'InitiateCheckout', {}, { eventID: 'evt-begin_checkout-0001' }]]);
    expect(queue()).toHaveLength(3);
  });
});

describe('meta adapter: conversions of the webshop plan', () => {
  const sent = async (name: string, props: Record<string, unknown> = {}, plan?: Record<string, any>) => {
    const b = bench(plan ? { plan } : {});
    const a = meta();
    await a.load(b.ctx);
    await a.send(eventFor(b, name, props), b.ctx);
    return { calls: queue().slice(3), warnings: b.warnings };
  };

  it('purchase → track Purchase with value, currency, products and the event id as eventID', async () => {
    const { calls, warnings } = await sent('purchase', order);
    expect(calls).toEqual([['track', 'Purchase', {
      value: 2898,
      currency: 'NOK',
      content_ids: ['SKU-1', 'SKU-2', 'SKU-3'],
      contents: [{ id: 'SKU-1', quantity: 1, item_price: 2499 }, { id: 'SKU-2', quantity: 2, item_price: 199.5 }, { id: 'SKU-3', quantity: 1 }],
      num_items: 4,
      content_type: 'product',
    }, { eventID: 'purchase:T-1001' }]]);
    expect(warnings).toEqual([]);
  });

  it('leaves out a product whose item_id is an e-mail address or phone number, with a warning; an EAN stays (security QA 2026-12-06)', async () => {
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    await a.send(eventFor(b, 'purchase', { transaction_id: 'T-1', value: 30, items: [{ item_id: 'kari@example.no', price: 10 }, { item_id: '+47 912 34 567', price: 10 }, { item_id: '4 006381 333931', price: 10 }] }), b.ctx);
    const [, , params] = queue().at(-1)!;
    expect(params).toMatchObject({ content_ids: ['4 006381 333931'], contents: [{ id: '4 006381 333931', quantity: 1, item_price: 10 }], num_items: 1 });
    expect(JSON.stringify(queue())).not.toMatch(/kari|912 34/);
    expect(b.warnings.map((w) => w.message)).toEqual(["meta purchase: a product's item_id withheld: looks like an e-mail or phone number; that product is left out"]);
  });

  it('view_item → track ViewContent', async () => {
    expect((await sent('view_item', { item_id: 'SKU-1' })).calls).toEqual([['track', 'ViewContent', {}, { eventID: 'evt-view_item-0001' }]]);
  });

  it('add_to_cart → track AddToCart with its value', async () => {
    expect((await sent('add_to_cart', { item_id: 'SKU-1', value: 499 })).calls)
      .toEqual([['track', 'AddToCart', { value: 499, currency: 'NOK' }, { eventID: 'evt-add_to_cart-0001' }]]);
  });

  it('begin_checkout → track InitiateCheckout', async () => {
    expect((await sent('begin_checkout')).calls).toEqual([['track', 'InitiateCheckout', {}, { eventID: 'evt-begin_checkout-0001' }]]);
  });

  it('newsletter_signup → track Subscribe with the constant value', async () => {
    expect((await sent('newsletter_signup')).calls).toEqual([['track', 'Subscribe', { value: 15, currency: 'NOK' }, { eventID: 'evt-newsletter_signup-0001' }]]);
  });

  it('a name that is not a standard event → trackCustom', async () => {
    const plan = webshop((p) => { p.conversions.phone_click.send.meta = { event: 'PhoneCall' }; });
    expect((await sent('phone_click', {}, plan)).calls).toEqual([['trackCustom', 'PhoneCall', {}, { eventID: 'evt-phone_click-0001' }]]);
  });

  it('sends nothing for a conversion that does not name meta', async () => {
    expect((await sent('visited_pricing')).calls).toEqual([]);
  });

  it('warns about a Purchase without value or currency, and still sends it', async () => {
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    const event = eventFor(b, 'purchase', { transaction_id: 'T-2', items: [] });
    delete event.value;
    delete event.currency;
    await a.send(event, b.ctx);
    expect(queue().slice(3)).toEqual([['track', 'Purchase', {}, { eventID: 'purchase:T-2' }]]);
    expect(b.warnings.map((w) => w.message)).toEqual(['Meta: Purchase "purchase" needs a value and a currency']);
    await a.send(eventFor(b, 'purchase', { transaction_id: 'T-3', value: 10, items: [] }, { currency: undefined }), b.ctx);
    expect(b.warnings).toHaveLength(2);
  });

  it('leadgen plan: no conversion sends to meta', () => {
    const b = bench({ plan: 'leadgen' });
    expect(Object.values(b.plan.conversions).filter((c) => c.send.meta)).toEqual([]);
  });
});

describe('meta adapter: consent and page views', () => {
  it('revokes when ads consent is withdrawn and grants again, only on a change of ads', async () => {
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    await a.consent!({ analytics: 'denied', ads: 'granted' }, b.ctx);
    await a.consent!({ analytics: 'granted', ads: 'denied' }, b.ctx);
    await a.consent!({ analytics: 'denied', ads: 'denied' }, b.ctx);
    await a.consent!({ analytics: 'denied', ads: 'granted' }, b.ctx);
    expect(queue().slice(3)).toEqual([['consent', 'revoke'], ['consent', 'grant']]);
  });

  it('counts a PageView on each SPA page view', async () => {
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    await a.page!({ url: 'https://shop.example/cart', path: '/cart', title: 'Cart', referrer: '' }, b.ctx);
    expect(queue().slice(3)).toEqual([['track', 'PageView']]);
  });

  it('a tracker re-created on the page (after shutdown(), StrictMode) neither takes its own pixel for the site\'s nor counts the page again (framework QA 2026-12-06)', async () => {
    await meta().load(bench().ctx);
    const again = meta();
    const b = bench();
    await again.load(b.ctx);
    await again.send(eventFor(b, 'purchase', { transaction_id: 'T-2', value: 10, items: [{ item_id: 'A' }] }), b.ctx);
    const calls = queue().map((c) => c.slice(0, 2));
    expect(calls.filter((c) => c[0] === 'init')).toHaveLength(1);
    expect(calls.filter((c) => c[1] === 'PageView')).toHaveLength(1);
    expect(calls.some((c) => String(c[0]).startsWith('trackSingle'))).toBe(false);
    expect(calls.at(-1)).toEqual(['track', 'Purchase']);
  });

  it('counts no PageView for the page its base code counted, nor for a page the visitor has left (vendors QA 2026-12-06)', async () => {
    // fbevents.js reads the URL itself: each of these would be one more PageView of the page the visitor is on.
    const b = bench();
    const a = meta();
    await a.load(b.ctx);
    const here = { url: window.location.href, path: window.location.pathname, title: '', referrer: '' };
    await a.page!(here, b.ctx); // the script tag's replay of the route the plan arrived on
    await a.page!({ url: 'https://shop.example/a', path: '/a', title: 'A', referrer: '' }, b.ctx, true); // held for consent, left since
    expect(queue().slice(3)).toEqual([]);
    await a.page!({ url: 'https://shop.example/b', path: '/b', title: 'B', referrer: '' }, b.ctx);
    await a.page!({ url: 'https://shop.example/b', path: '/b', title: 'B', referrer: '' }, b.ctx);
    await a.page!(here, b.ctx);
    expect(queue().slice(3)).toEqual([['track', 'PageView'], ['track', 'PageView']]);
  });
});

describe('meta adapter: advanced matching', () => {
  const am = () => webshop((p) => { p.destinations.meta.advancedMatching = true; });

  it('passes hashed e-mail, phone (country code, no +) and user id to init at load; never the raw values', async () => {
    const b = bench({ plan: am() });
    b.identity = kari;
    await meta().load(b.ctx);
    expect(queue()).toEqual([
      ['consent', 'grant'],
      ['init', PIXEL, { em: HASH.email, ph: HASH.phone, external_id: HASH.userId }],
      ['track', 'PageView'],
    ]);
    const text = JSON.stringify(queue());
    for (const raw of RAW) expect(text).not.toContain(raw);
  });

  it('without Web Crypto (a plain http:// page) sends no user data and says so in debug output (compat QA 2026-12-07)', async () => {
    const b = bench({ plan: am() });
    b.identity = kari;
    const subtle = Object.getOwnPropertyDescriptor(globalThis.crypto, 'subtle');
    Object.defineProperty(globalThis.crypto, 'subtle', { value: undefined, configurable: true });
    try {
      await meta().load(b.ctx);
    } finally {
      if (subtle) Object.defineProperty(globalThis.crypto, 'subtle', subtle);
      else delete (globalThis.crypto as any).subtle;
    }
    expect(queue()).toEqual([['consent', 'grant'], ['init', PIXEL], ['track', 'PageView']]);
    expect(b.warnings.map((w) => w.message)).toEqual(['meta: advanced matching: no user data sent, the e-mail/phone could not be hashed (Web Crypto needs https)']);
  });

  it('queues a conversion sent while the hashes are computed after the init', async () => {
    const b = bench({ plan: am() });
    b.identity = kari;
    const a = meta();
    await Promise.all([a.load(b.ctx), a.send(eventFor(b, 'begin_checkout'), b.ctx)]);
    expect(queue().map((c) => c[0] === 'init' ? 'init' : c[1])).toEqual(['grant', 'init', 'PageView', 'InitiateCheckout']);
  });

  it('inits the pixel again with the hashes when identify comes after load, and without data for a user who has none (consent QA 2026-12-06: a shared device)', async () => {
    const b = bench({ plan: am() });
    const a = meta();
    await a.load(b.ctx);
    await a.identify!({ traits: { email: 'kari.nordmann@gmail.com' } }, b.ctx);
    await a.identify!({ traits: { phone: '0047 91 23 45 67' } }, b.ctx);
    await a.identify!({ userId: 'U-1001', traits: {} }, b.ctx); // another person, no e-mail or phone: the earlier keys are replaced by none
    await a.identify!({ userId: null as never, traits: {} }, b.ctx); // signed out: nothing was in force, nothing to replace
    expect(queue().slice(3)).toEqual([['init', PIXEL, { em: HASH.email }], ['init', PIXEL, { ph: HASH.phone }], ['init', PIXEL, {}]]);
    const text = JSON.stringify(queue());
    for (const raw of RAW) expect(text).not.toContain(raw);
  });

  it('a conversion right after identify() or a sign-out goes with the keys of that moment: after their init, not before (security QA 2026-12-06)', async () => {
    const b = bench({ plan: am() });
    const a = meta();
    await a.load(b.ctx);
    const sent = (steps: unknown[]) => Promise.all(steps).then(() => queue().splice(3).map((c) => (c[0] === 'init' ? ['init', c[2]] : [c[1]])));
    // Signs in and converts in one task; the hash takes a moment.
    expect(await sent([a.identify!(kari, b.ctx), a.send(eventFor(b, 'begin_checkout'), b.ctx)]))
      .toEqual([['init', { em: HASH.email, ph: HASH.phone, external_id: HASH.userId }], ['InitiateCheckout']]);
    (window as any).fbq.queue.length = 3;
    // Signs out, and the next person on the device converts, a route is counted, then converts again.
    expect(await sent([
      a.identify!({ userId: null as never, traits: {} }, b.ctx),
      a.send(eventFor(b, 'newsletter_signup'), b.ctx),
      a.page!({ url: 'https://shop.example/next', path: '/next', title: 'Next' } as never, b.ctx),
      a.send(eventFor(b, 'begin_checkout'), b.ctx),
    ])).toEqual([['init', {}], ['Subscribe'], ['PageView'], ['InitiateCheckout']]);
    // Once no identify() is pending, a conversion goes at once (no promise).
    expect(a.send(eventFor(b, 'begin_checkout'), b.ctx)).toBeUndefined();
  });

  it('a conversion waiting for identify()\'s init stays before a revoke made in the same click (diff read 2026-12-06)', async () => {
    const b = bench({ plan: am() });
    const a = meta();
    await a.load(b.ctx);
    const steps = [a.identify!(kari, b.ctx), a.send(eventFor(b, 'begin_checkout'), b.ctx)];
    b.status = { ...b.status, ads: 'denied' } as never;
    steps.push(a.consent!({ analytics: 'granted', ads: 'denied' } as never, b.ctx) as never);
    await Promise.all(steps);
    expect(queue().slice(3).map((c) => (c[0] === 'init' ? 'init' : c[0] === 'consent' ? `consent ${c[1]}` : c[1]))).toEqual(['init', 'InitiateCheckout', 'consent revoke']);
  });

  it('sends no user data when the plan does not ask for advanced matching', async () => {
    const b = bench();
    b.identity = kari;
    const a = meta();
    await a.load(b.ctx);
    await a.identify!(kari, b.ctx);
    expect(queue()).toEqual([['consent', 'grant'], ['init', PIXEL], ['track', 'PageView']]);
  });
});
