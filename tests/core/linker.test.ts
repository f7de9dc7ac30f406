/**
 * The cross-origin linker (src/core/linker.ts, src/linker/out.ts): a shop with its checkout on
 * another origin lists it in `linker.domains`; links and forms there carry the visitor, session,
 * campaign and ad click in `_mpl`, and the page there takes them up (docs/origins.md).
 */
// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LINK_FRESH_MS, LINK_PARAM, linkValue, readLink, withoutLink, type Linked } from '../../src/core/linker';
import { PARAM, watchLinks as watch, withLink } from '../../src/linker/out';

/** The way out as the tracker drives it: the value made from the visitor now. */
const watchLinks = (w: Window, domains: string[], visitor: () => Linked | undefined, signal: AbortSignal) =>
  watch(w, domains, () => { const l = visitor(); return l && linkValue(l, Date.now(), UA); }, signal);
import { createTracker } from '../../src/index';
import type { Adapter, ConversionEvent } from '../../src/core/types';

const UA = navigator.userAgent;
const visitor: Linked = { aid: 'aaaaaaaa-1111-4111-8111-111111111111', sid: 'ssssssss-2222-4222-8222-222222222222', fired: [], utm: { utm_source: 'google', utm_medium: 'cpc' }, clicks: { gclid: 'Cj0-G1' } };

afterEach(() => { localStorage.clear(); sessionStorage.clear(); history.replaceState(null, '', '/'); document.body.innerHTML = ''; });

describe('the value', () => {
  it('carries the visitor, session, campaign and click, and is read back within two minutes in the same browser', () => {
    const now = Date.now();
    expect(readLink(linkValue(visitor, now, UA), now + 30_000, UA)).toEqual(visitor);
  });

  it('is ignored when stale, from another browser, altered, or not one at all', () => {
    const now = Date.now();
    const v = linkValue(visitor, now, UA);
    expect(readLink(v, now + LINK_FRESH_MS + 1, UA)).toBeUndefined();
    expect(readLink(v, now, 'Mozilla/5.0 (iPhone; another browser)')).toBeUndefined();
    expect(readLink(v.replace('a=aaaaaaaa', 'a=bbbbbbbb'), now, UA)).toBeUndefined();
    expect(readLink('anything', now, UA)).toBeUndefined();
    expect(readLink(null, now, UA)).toBeUndefined();
  });

  it('takes only the campaign and click parameters it knows, each bounded', () => {
    const now = Date.now();
    const v = linkValue({ ...visitor, utm: { utm_source: 'x'.repeat(2000), evil: 'y' } as never }, now, UA);
    const l = readLink(v, now, UA)!;
    expect(l.utm).toEqual({ utm_source: 'x'.repeat(500) });
  });
});

it('the way out names the parameter as the way in does', () => expect(PARAM).toBe(LINK_PARAM));

describe('addresses', () => {
  it('takes an encoded %5Fmpl out too, and leaves an address without one as written (second read 2026-12-07)', () => {
    expect(withoutLink('https://pay.example/c?a=1&%5Fmpl=v&b=2')).toBe('https://pay.example/c?a=1&b=2');
    expect(withoutLink('https://pay.example/c?a=%ZZ&b=+')).toBe('https://pay.example/c?a=%ZZ&b=+');
    expect(withLink('https://pay.example/c?%5fmpl=old&a=1', undefined)).toBe('https://pay.example/c?a=1');
    expect(withLink('https://pay.example/c?a=1', undefined)).toBe('https://pay.example/c?a=1');
  });

  it('adds the parameter without re-encoding the rest of a signed address, before its fragment, and replaces an older one', () => {
    expect(withLink('https://pay.example/c?sig=a%2Bb&x=1+2&flag#top', 'v=1&h=z')).toBe('https://pay.example/c?sig=a%2Bb&x=1+2&flag&_mpl=v%3D1%26h%3Dz#top');
    expect(withLink('https://pay.example/c?_mpl=old&a=1', 'new')).toBe('https://pay.example/c?a=1&_mpl=new');
    expect(withLink('https://pay.example/', 'v')).toBe('https://pay.example/?_mpl=v');
    expect(withoutLink('https://pay.example/c?a=1&_mpl=v%3D1#x')).toBe('https://pay.example/c?a=1#x');
    expect(withoutLink('https://pay.example/c?_mpl=v')).toBe('https://pay.example/c');
  });
});

describe('on the way out', () => {
  const click = (a: Element, type = 'click') => a.dispatchEvent(new MouseEvent(type, { bubbles: true, cancelable: true, button: type === 'auxclick' ? 1 : 0 }));

  it('decorates links to the linked domains and their subdomains, on click, middle click and context menu, and no others', () => {
    document.body.innerHTML = `
      <a id="co" href="https://checkout.shop.no/pay?cart=7">pay</a>
      <a id="sub" href="https://eu.checkout.shop.no/">eu</a>
      <a id="other" href="https://elsewhere.no/">other</a>
      <a id="look" href="https://notcheckout.shop.no.evil.com/">look-alike</a>
      <a id="local" href="/cart">local</a>
      <a id="mail" href="mailto:x@checkout.shop.no">mail</a>`;
    const ctl = new AbortController();
    watchLinks(window, ['checkout.shop.no'], () => visitor, ctl.signal);
    for (const id of ['co', 'sub', 'other', 'look', 'local', 'mail']) click(document.getElementById(id)!);
    const href = (id: string) => (document.getElementById(id) as HTMLAnchorElement).href;
    expect(readLink(new URL(href('co')).searchParams.get('_mpl'), Date.now(), UA)).toEqual(visitor);
    expect(new URL(href('co')).searchParams.get('cart')).toBe('7');
    expect(href('sub')).toContain('_mpl=');
    for (const id of ['other', 'look', 'local', 'mail']) expect(href(id)).not.toContain('_mpl');
    const a = document.createElement('a');
    a.href = 'https://checkout.shop.no/x';
    a.innerHTML = '<span>inner</span>';
    document.body.append(a);
    click(a.firstElementChild!, 'auxclick');
    expect(a.href).toContain('_mpl=');
    const b = document.createElement('a');
    b.href = 'https://checkout.shop.no/y';
    document.body.append(b);
    click(b, 'contextmenu');
    expect(b.href).toContain('_mpl=');
    ctl.abort();
    const c = document.createElement('a');
    c.href = 'https://checkout.shop.no/z';
    document.body.append(c);
    click(c);
    expect(c.href).not.toContain('_mpl'); // shutdown() removes the listeners
  });

  it('a link inside a web component (around a slotted label) and an SVG link are decorated too (second read 2026-12-07)', () => {
    customElements.define('x-pay', class extends HTMLElement {
      connectedCallback() { this.attachShadow({ mode: 'open' }).innerHTML = '<a id="inner" href="https://checkout.shop.no/pay"><slot></slot></a>'; }
    });
    document.body.innerHTML = '<x-pay><span id="label">Pay</span></x-pay><svg><a id="svg" href="https://checkout.shop.no/svg"><text>go</text></a></svg>';
    const ctl = new AbortController();
    watchLinks(window, ['checkout.shop.no'], () => visitor, ctl.signal);
    click(document.getElementById('label')!);
    const inner = document.querySelector('x-pay')!.shadowRoot!.getElementById('inner')!;
    expect(readLink(new URL(inner.getAttribute('href')!).searchParams.get('_mpl'), Date.now(), UA)).toEqual(visitor);
    click(document.querySelector('#svg text')!);
    expect(document.getElementById('svg')!.getAttribute('href')).toContain('_mpl=');
    ctl.abort();
  });

  it('after a withdrawal, a link and forms decorated earlier lose the visitor at the next click or submit (second read 2026-12-07)', () => {
    document.body.innerHTML = `<a id="co" href="https://checkout.shop.no/pay?cart=7">pay</a>
      <form id="get" action="https://checkout.shop.no/find"></form>
      <form id="post" method="post" action="https://checkout.shop.no/pay"></form>`;
    let allowed = true;
    const ctl = new AbortController();
    watchLinks(window, ['checkout.shop.no'], () => (allowed ? visitor : undefined), ctl.signal);
    const a = document.getElementById('co') as HTMLAnchorElement;
    const submit = (id: string) => document.getElementById(id)!.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    click(a); submit('get'); submit('post');
    expect(a.href).toContain('_mpl=');
    expect(document.querySelector('#get input[name=_mpl]')).not.toBeNull();
    expect(document.getElementById('post')!.getAttribute('action')).toContain('_mpl=');
    allowed = false;
    click(a); submit('get'); submit('post');
    expect(a.href).toBe('https://checkout.shop.no/pay?cart=7');
    expect(document.querySelector('#get input[name=_mpl]')).toBeNull();
    expect(document.getElementById('post')!.getAttribute('action')).toBe('https://checkout.shop.no/pay');
    ctl.abort();
  });

  it('decorates nothing while the visitor does not allow it', () => {
    document.body.innerHTML = '<a id="co" href="https://checkout.shop.no/pay">pay</a>';
    const ctl = new AbortController();
    watchLinks(window, ['checkout.shop.no'], () => undefined, ctl.signal);
    click(document.getElementById('co')!);
    expect((document.getElementById('co') as HTMLAnchorElement).href).toBe('https://checkout.shop.no/pay');
    ctl.abort();
  });

  it('adds a hidden field to a GET form and the parameter to a POST form\'s action (or its button\'s formaction)', () => {
    document.body.innerHTML = `
      <form id="get" action="https://checkout.shop.no/find"><input name="q" value="tent"></form>
      <form id="post" method="post" action="https://checkout.shop.no/pay?cart=7"></form>
      <form id="btn" method="post" action="/local"><button id="go" formaction="https://checkout.shop.no/pay2">go</button></form>
      <form id="home" method="post" action="/local"></form>`;
    const ctl = new AbortController();
    watchLinks(window, ['shop.no'], () => visitor, ctl.signal);
    const submit = (id: string, submitter?: HTMLElement) => {
      const e = new Event('submit', { bubbles: true, cancelable: true });
      Object.defineProperty(e, 'submitter', { value: submitter ?? null });
      document.getElementById(id)!.dispatchEvent(e);
    };
    submit('get'); submit('get');
    submit('post');
    submit('btn', document.getElementById('go')!);
    submit('home');
    const hidden = document.querySelectorAll<HTMLInputElement>('#get input[name=_mpl]');
    expect(hidden).toHaveLength(1); // a second submit updates its field, adds no second
    expect(readLink(hidden[0]!.value, Date.now(), UA)).toEqual(visitor);
    expect(document.getElementById('post')!.getAttribute('action')).toMatch(/^https:\/\/checkout\.shop\.no\/pay\?cart=7&_mpl=/);
    expect(document.getElementById('go')!.getAttribute('formaction')).toMatch(/^https:\/\/checkout\.shop\.no\/pay2\?_mpl=/);
    expect(document.getElementById('btn')!.getAttribute('action')).toBe('/local');
    expect(document.getElementById('home')!.getAttribute('action')).toBe('/local');
    ctl.abort();
  });
});

describe('a tracker with a linker', () => {
  const plan = {
    version: 1, name: 'Linked shop', currency: 'NOK',
    destinations: { collector: { url: '/collect' } },
    consent: { default: { analytics: 'denied', ads: 'denied' } },
    conversions: { purchase: { kind: 'macro', properties: { value: { type: 'number' } }, value: 'value', send: { collector: {} } } },
    linker: { domains: ['checkout.shop.no', 'shop.no'] },
  } as const;
  const recorder = () => {
    const sent: ConversionEvent[] = [];
    const adapter: Adapter = { name: 'collector', category: 'analytics', load() {}, send(e) { sent.push(e); } };
    return { sent, adapter };
  };

  it('takes the visitor, session, campaign and ad click up from the address, and takes the parameter out of it', async () => {
    history.replaceState({ router: 1 }, '', `/thanks?order=9&_mpl=${encodeURIComponent(linkValue(visitor, Date.now(), UA))}#done`);
    const { sent, adapter } = recorder();
    const t = createTracker({ plan, adapters: [adapter] });
    expect(location.href).toBe('http://localhost:3000/thanks?order=9#done');
    expect(history.state).toEqual({ router: 1 }); // the router's state is kept
    t.consent({ analytics: 'granted', ads: 'granted' });
    t.track('purchase', { value: 100 });
    expect(sent[0]).toMatchObject({ anonymousId: visitor.aid, sessionId: visitor.sid, clickIds: { gclid: 'Cj0-G1' } });
    expect(sent[0]!.utm).toEqual(visitor.utm);
    expect(t.clickIds()).toEqual({ gclid: 'Cj0-G1' });
    expect(JSON.parse(localStorage.getItem('mp_aid')!)).toBe(visitor.aid);
    await t.shutdown();
  });

  it('a router that read the address first: its state is tidied, and a page URL sent never holds _mpl even when the router writes it back (second read 2026-12-07)', async () => {
    const value = encodeURIComponent(linkValue(visitor, Date.now(), UA));
    history.replaceState({ current: `/spa?cart=7&_mpl=${value}`, back: null, position: 3 }, '', `/spa?cart=7&_mpl=${value}`);
    const { sent, adapter } = recorder();
    const t = createTracker({ plan, adapters: [adapter] });
    expect(history.state).toEqual({ current: '/spa?cart=7', back: null, position: 3 });
    t.consent({ analytics: 'granted', ads: 'denied' });
    // The router's next navigation, from its own copy of the landing route.
    history.pushState({}, '', `/spa?cart=7&_mpl=${value}&sort=price`);
    t.track('purchase', { value: 1 });
    expect(sent[0]!.page.url).toBe('http://localhost:3000/spa?cart=7&sort=price');
    await t.shutdown();
  });

  it('a once_per_session conversion counted on the other site is not counted again, and the ad click keeps its own 90 days (second read 2026-12-07)', async () => {
    const day = 24 * 60 * 60 * 1000;
    const once = { ...plan, conversions: { ...plan.conversions, begin_checkout: { kind: 'micro', limit: 'once_per_session', send: { collector: {} } } } } as const;
    history.replaceState(null, '', `/?_mpl=${encodeURIComponent(linkValue({ ...visitor, fired: ['begin_checkout'], ct: Date.now() - 89 * day }, Date.now(), UA))}`);
    const { sent, adapter } = recorder();
    const t = createTracker({ plan: once, adapters: [adapter] });
    t.consent({ analytics: 'granted', ads: 'granted' });
    t.track('begin_checkout');
    expect(sent).toEqual([]);
    expect(t.clickIds()).toEqual({ gclid: 'Cj0-G1' });
    expect(JSON.parse(localStorage.getItem('mp_clk')!).gclid.t).toBeLessThan(Date.now() - 88 * day);
    await t.shutdown();
    history.replaceState(null, '', `/b?_mpl=${encodeURIComponent(linkValue({ ...visitor, ct: Date.now() - 91 * day }, Date.now(), UA))}`);
    localStorage.clear();
    const late = createTracker({ plan: once, adapters: [recorder().adapter] });
    late.consent({ analytics: 'granted', ads: 'granted' });
    expect(late.clickIds()).toEqual({}); // clicked 91 days ago: gone, as on the site it came from
    await late.shutdown();
  });

  it('a tracker created again on the same address (React StrictMode) before consent still takes the linked visitor up (second read 2026-12-07)', async () => {
    history.replaceState(null, '', `/again?_mpl=${encodeURIComponent(linkValue(visitor, Date.now(), UA))}`);
    const first = createTracker({ plan, adapters: [recorder().adapter] });
    await first.shutdown();
    const { sent, adapter } = recorder();
    const again = createTracker({ plan, adapters: [adapter] });
    again.consent({ analytics: 'granted', ads: 'granted' });
    again.track('purchase', { value: 1 });
    expect(sent[0]!.anonymousId).toBe(visitor.aid);
    await again.shutdown();
    history.replaceState(null, '', '/elsewhere');
    localStorage.clear();
    const later = recorder();
    const route = createTracker({ plan, adapters: [later.adapter] });
    route.consent({ analytics: 'granted', ads: 'granted' });
    route.track('purchase', { value: 1 });
    await route.shutdown();
    expect(later.sent[0]!.anonymousId).not.toBe(visitor.aid); // a route on is no new landing
  });

  it('a tracker created again after a sign-out on the landing address does not bring the signed-out visitor back (final read 2026-12-07)', async () => {
    history.replaceState(null, '', `/account?_mpl=${encodeURIComponent(linkValue(visitor, Date.now(), UA))}`);
    const first = createTracker({ plan, adapters: [recorder().adapter] });
    first.identify('user-1', {});
    first.identify(null); // signed out before the consent answer: the next person is a new visitor
    await first.shutdown();
    const { sent, adapter } = recorder();
    const again = createTracker({ plan, adapters: [adapter] });
    again.consent({ analytics: 'granted', ads: 'granted' });
    again.track('purchase', { value: 1 });
    expect(sent[0]!.anonymousId).not.toBe(visitor.aid);
    await again.shutdown();
  });

  it('a session another tab stored for another visitor is not taken up (second read 2026-12-07)', async () => {
    localStorage.setItem('mp_aid', JSON.stringify(visitor.aid));
    localStorage.setItem('mp_sess', JSON.stringify({ id: 'other-session-000', last: Date.now(), utm: {}, fired: ['purchase'], a: 'other-visitor-000' }));
    const { sent, adapter } = recorder();
    const t = createTracker({ plan, adapters: [adapter] });
    t.consent({ analytics: 'granted', ads: 'granted' });
    t.track('purchase', { value: 1 });
    expect(sent[0]!.anonymousId).toBe(visitor.aid);
    expect(sent[0]!.sessionId).not.toBe('other-session-000');
    await t.shutdown();
  });

  it('the linked visitor wins over one stored on this origin, whose user is not taken up', async () => {
    localStorage.setItem('mp_aid', JSON.stringify('old-visitor-0000'));
    localStorage.setItem('mp_uid', JSON.stringify('someone-else'));
    history.replaceState(null, '', `/?_mpl=${encodeURIComponent(linkValue(visitor, Date.now(), UA))}`);
    const { sent, adapter } = recorder();
    const t = createTracker({ plan, adapters: [adapter] });
    t.consent({ analytics: 'granted', ads: 'denied' });
    t.track('purchase', { value: 1 });
    expect(sent[0]!.anonymousId).toBe(visitor.aid);
    expect(sent[0]!.userId).toBeUndefined();
    expect(localStorage.getItem('mp_uid')).toBeNull();
    await t.shutdown();
  });

  it('stores nothing of the linked visitor when analytics is denied', async () => {
    history.replaceState(null, '', `/?_mpl=${encodeURIComponent(linkValue(visitor, Date.now(), UA))}`);
    const t = createTracker({ plan, adapters: [recorder().adapter] });
    t.consent({ analytics: 'denied', ads: 'denied' });
    expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);
    expect(location.search).toBe('');
    await t.shutdown();
  });

  it('a plan without a linker takes no visitor up, but still takes the parameter out of the address (the vendors\' tags read it)', async () => {
    const value = linkValue(visitor, Date.now(), UA);
    history.replaceState(null, '', `/?_mpl=${encodeURIComponent(value)}`);
    const { sent, adapter } = recorder();
    const { linker: _, ...unlinked } = plan;
    const t = createTracker({ plan: unlinked, adapters: [adapter] });
    t.consent({ analytics: 'granted', ads: 'granted' });
    t.track('purchase', { value: 1 });
    expect(sent[0]!.anonymousId).not.toBe(visitor.aid);
    expect(location.search).toBe('');
    expect(value).toContain('gclid=');
    await t.shutdown();
  });

  it('decorates a link to the checkout with this visitor once analytics is granted, with the ad click only under an ads grant', async () => {
    document.body.innerHTML = '<a id="co" href="https://checkout.shop.no/pay">pay</a>';
    history.replaceState(null, '', '/?gclid=LANDING&utm_source=news');
    const t = createTracker({ plan, adapters: [recorder().adapter] });
    const a = document.getElementById('co') as HTMLAnchorElement;
    const go = () => { a.href = 'https://checkout.shop.no/pay'; a.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true })); return readLink(new URL(a.href).searchParams.get('_mpl'), Date.now(), UA); };
    await vi.waitFor(() => { t.consent({ analytics: 'granted', ads: 'denied' }); expect(go()).toBeDefined(); });
    expect(go()).toMatchObject({ utm: { utm_source: 'news' }, clicks: {} });
    t.consent({ analytics: 'granted', ads: 'granted' });
    expect(go()).toMatchObject({ clicks: { gclid: 'LANDING' } });
    t.consent({ analytics: 'denied', ads: 'granted' });
    expect(go()).toBeUndefined();
    await t.shutdown();
  });

  it('linkUrl: an address the site\'s script goes to carries the visitor as a link does; any other comes back as given', async () => {
    history.replaceState(null, '', '/?gclid=LANDING');
    const t = createTracker({ plan, adapters: [recorder().adapter] });
    const signed = 'https://checkout.shop.no/pay?cart=a%2Fb&sig=Zz%3D%3D#step2';
    // Before the linker's chunk is in, and without consent: as given.
    expect(t.linkUrl(signed)).toBe(signed);
    t.consent({ analytics: 'granted', ads: 'granted' });
    await vi.waitFor(() => expect(t.linkUrl(signed)).not.toBe(signed));
    const out = t.linkUrl(signed);
    // The rest byte for byte, the value before the fragment, read back as this visitor with the click.
    expect(out.startsWith('https://checkout.shop.no/pay?cart=a%2Fb&sig=Zz%3D%3D&_mpl=')).toBe(true);
    expect(out.endsWith('#step2')).toBe(true);
    expect(readLink(new URL(out).searchParams.get('_mpl'), Date.now(), UA)).toMatchObject({ clicks: { gclid: 'LANDING' } });
    expect(t.linkUrl('https://sub.shop.no/x')).toContain('_mpl=');
    for (const other of ['https://elsewhere.no/pay', '/checkout', 'mailto:kari@shop.no', 'not a url', '']) expect(t.linkUrl(other)).toBe(other);
    expect(t.linkUrl(undefined as never)).toBeUndefined(); // a wrong call throws nothing into the page
    // A withdrawal: nothing added, and an older value comes off.
    t.consent({ analytics: 'denied' });
    expect(t.linkUrl(signed)).toBe(signed);
    expect(t.linkUrl(out)).toBe(signed);
    await t.shutdown();
    expect(t.linkUrl(signed)).toBe(signed);
  });
});
