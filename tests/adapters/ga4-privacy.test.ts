// @vitest-environment jsdom
/**
 * GA4 gets no personal data (Google's terms; docs/adapters/ga4.md), also where the value alone
 * does not tell (security QA, 2026-12-05): a phone number in a parameter named for one, in any
 * notation; a percent-encoded e-mail address; the URL and title the adapter sets itself when the
 * page moved on before a conversion was handed over, which carried `?email=…` and click ids.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ga4 } from '../../adapters/ga4/index';
import { bench, commands, eventFor, resetWindow } from './harness';

const G = 'G-F1X2Y3Z4W5';
const dataLayer = () => commands((window as any).dataLayer);

async function loaded() {
  const b = bench({ status: { ads: 'pending' } });
  const a = ga4();
  await a.load(b.ctx);
  (window as any).dataLayer.length = 0;
  return { b, a };
}
beforeEach(() => resetWindow());

describe('GA4 parameters that are personal data', () => {
  it.each([
    ['phone', '650-555-1212'],
    ['phone', '650.555.1212'],
    ['mobile_phone', '912-34-567'],
    ['tel', '0047-912-34-567'],
    ['phone_number', '650 555 1212'],
    ['customer_telephone', '912.34.567'],
    ['mobile', '91234567'],
    ['contact', 'kari%40example.no'],
  ])('withholds %s = %j, with a warning', async (k, v) => {
    const { b, a } = await loaded();
    a.send(eventFor(b, 'phone_click', { [k]: v, plan: 'pro' }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'phone_click', { plan: 'pro', send_to: G }]]);
    expect(b.warnings.map((w) => w.message).join('\n')).toContain(`parameter ${k} withheld`);
  });

  it.each([
    ['order_ref', '650-555-1212'], ['telemetry_id', '1234567'], ['smartphone_sku', 'AB 1234 5678'], ['mobile_app_version', '2024.12.05'], ['television_sku', '55-123-4567'],
  ])('keeps %s = %j: not named for a phone (a whole name part decides)', async (k, v) => {
    const { b, a } = await loaded();
    a.send(eventFor(b, 'phone_click', { [k]: v }), b.ctx);
    expect(dataLayer()).toEqual([['event', 'phone_click', { [k]: v, send_to: G }]]);
  });
});

describe('the page a conversion names when the page moved on', () => {
  async function movedOn(from: string, title: string, ads: 'granted' | 'denied') {
    const { b, a } = await loaded();
    history.replaceState({}, '', from);
    const event = eventFor(b, 'phone_click', {}, { consent: { analytics: 'granted', ads } });
    event.page.title = title;
    history.pushState({}, '', '/next'); // an SPA route change before the hand-over
    try {
      a.send(event, b.ctx);
    } finally {
      history.replaceState({}, '', '/');
    }
    return { params: dataLayer()[0]![2] as Record<string, unknown>, warnings: b.warnings, origin: location.origin };
  }

  it('leaves out query values that are an e-mail address or a phone number, and keeps the rest', async () => {
    const { params, origin } = await movedOn('/confirm?order=1001&email=kari.nordmann%40example.no&phone=650-555-1212&utm_source=news', 'Order confirmed', 'granted');
    expect(params.page_location).toBe(`${origin}/confirm?order=1001&utm_source=news`);
    expect(params.page_title).toBe('Order confirmed');
  });

  it("looks into a hash router's query too", async () => {
    const { params, origin } = await movedOn('/shop?a=1#/confirm?order=1001&email=kari%40example.no', 'Order confirmed', 'granted');
    expect(params.page_location).toBe(`${origin}/shop?a=1#/confirm?order=1001`);
    expect((await movedOn('/#/confirm?email=kari%40example.no', 'Order', 'granted')).params.page_location).toBe(`${origin}/#/confirm`);
    expect((await movedOn('/#/p?gclid=G1&q=x', 'P', 'denied')).params.page_location).toBe(`${origin}/#/p?q=x`);
  });

  it('writes (redacted) for an e-mail address in the path or the fragment (security QA 2026-12-06)', async () => {
    const at = async (path: string) => (await movedOn(path, 'Unsubscribe', 'granted')).params.page_location;
    const origin = location.origin;
    expect(await at('/unsubscribe/kari.nordmann@example.no')).toBe(`${origin}/unsubscribe/(redacted)`);
    expect(await at('/unsubscribe/kari.nordmann%40example.no/done')).toBe(`${origin}/unsubscribe/(redacted)/done`);
    expect(await at('/confirm#email=kari.nordmann@example.no')).toBe(`${origin}/confirm#email=(redacted)`);
    expect(await at('/confirm?ref=x#kari.nordmann%40example.no')).toBe(`${origin}/confirm?ref=x#(redacted)`);
    // A profile path with an @ and nothing before it is no address, nor a package version or an image size (diff read 2026-12-06).
    for (const path of ['/@fjellsport/posts', '/docs/lodash@4.17.21/api', '/img/banner@2x', '/p?utm_content=hero@2x', '/#offer@home']) expect(await at(path)).toBe(`${origin}${path}`);
  });

  it('leaves out click ids without an ads grant, keeps them with one', async () => {
    expect((await movedOn('/p?gclid=G1&fbclid=F1&q=tents', 'Tents', 'denied')).params.page_location).toMatch(/\/p\?q=tents$/);
    expect((await movedOn('/p?gclid=G1&q=tents', 'Tents', 'granted')).params.page_location).toMatch(/\/p\?gclid=G1&q=tents$/);
  });

  it('leaves out a title with an e-mail address in it, with a warning', async () => {
    const { params, warnings } = await movedOn('/confirm', 'Order for kari.nordmann@example.no', 'granted');
    expect(params).not.toHaveProperty('page_title');
    expect(params.page_location).toMatch(/\/confirm$/);
    expect(warnings.map((w) => w.message).join('\n')).toContain('page_title withheld');
  });

  it('a URL with nothing to leave out is passed as it was (its encoding untouched)', async () => {
    const { params, origin } = await movedOn('/s?q=sovepose%20-5', 'Search', 'granted');
    expect(params.page_location).toBe(`${origin}/s?q=sovepose%20-5`);
  });
});
