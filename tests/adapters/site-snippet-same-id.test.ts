// @vitest-environment jsdom
/**
 * A shop moving to measureplan that left its own Meta base code or UET snippet in place, for the
 * same pixel / tag id as the plan: the page is counted once, as GA4 and Google Ads already do
 * with the site's own `config` (vendor QA 2026-12-06: two PageViews, two pageLoads).
 */
import 'fake-indexeddb/auto';
import { afterEach, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { meta } from '../../adapters/meta/index';
import { microsoftAds } from '../../adapters/microsoft-ads/index';
import { example } from '../plan/fixtures';

const w = window as any;
const calls = (q: any) => Array.from(q ?? [], (a: any) => Array.from(a));
const settle = async () => { for (let i = 0; i < 30; i++) await new Promise((r) => setTimeout(r, 0)); };
const plan = () => { const p: any = example('webshop'); delete p.vitals; return p; };

afterEach(() => {
  for (const k of ['fbq', '_fbq', 'UET', 'uetq', 'measureplanUetq']) delete w[k];
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});

/** Meta's base code as the site pastes it: the stub, its init and its PageView. */
function siteMetaSnippet(pixelId: string) {
  const n: any = (w.fbq = function () { n.callMethod ? n.callMethod.apply(n, arguments) : n.queue.push(arguments); });
  w._fbq = n; n.push = n; n.loaded = true; n.version = '2.0'; n.queue = [];
  w.fbq('init', pixelId);
  w.fbq('track', 'PageView');
}

async function withMeta() {
  const p = plan();
  const t = createTracker({ plan: p, adapters: [meta()] });
  t.consent({ analytics: 'granted', ads: 'granted' });
  await settle();
  t.track('newsletter_signup' as never);
  await settle();
  await t.shutdown();
  return { id: p.destinations.meta.pixelId as string };
}
const pageViews = (q: unknown[][], id: string) => q.filter((c) => (c[0] === 'track' && c[1] === 'PageView') || (c[0] === 'trackSingle' && c[1] === id && c[2] === 'PageView'));

it('Meta: the site\'s base code for the plan\'s pixel, still queued: one init, one PageView, and the conversion', async () => {
  siteMetaSnippet(plan().destinations.meta.pixelId);
  const { id } = await withMeta();
  const q = calls(w.fbq.queue);
  expect(q.filter((c) => c[0] === 'init')).toEqual([['init', id]]);
  expect(pageViews(q, id)).toHaveLength(1);
  expect(q.some((c) => c.includes('Subscribe'))).toBe(true);
});

it('Meta: fbevents.js already ran the site\'s pixel (getState lists it): no second init or PageView', async () => {
  const id = plan().destinations.meta.pixelId;
  const sent: unknown[][] = [];
  const f: any = (w.fbq = (...a: unknown[]) => f.callMethod(...a));
  f.callMethod = (...a: unknown[]) => { sent.push(a); };
  f.queue = []; f.push = f; f.loaded = true; f.version = '2.0';
  f.getState = () => ({ pixels: [{ id }] });
  await withMeta();
  expect(sent.filter((c) => c[0] === 'init')).toEqual([]);
  expect(pageViews(sent, id)).toEqual([]);
});

it('Meta: a site pixel with another id still gets ours initialised and counted, for ours alone', async () => {
  siteMetaSnippet('999999999999999');
  const { id } = await withMeta();
  const q = calls(w.fbq.queue);
  expect(q.filter((c) => c[0] === 'init')).toEqual([['init', '999999999999999'], ['init', id]]);
  expect(q.filter((c) => c[0] === 'trackSingle' && c[2] === 'PageView')).toEqual([['trackSingle', id, 'PageView']]);
});

/** Microsoft's UET snippet's code for `ti` on queue `q`. */
const uetCode = (ti: string, q = 'uetq') => `(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"${ti}", enableAutoSpaTracking: true};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")},n=d.createElement(t),n.src=r,n.async=1,i=d.getElementsByTagName(t)[0]})(window,document,"script","//bat.bing.com/bat.js","${q}");`;

/** Microsoft's UET snippet, as the site pastes it, for `ti`, its tag running (bat.js itself is not run here). */
function siteUetSnippet(ti: string, code = uetCode(ti), q = 'uetq') {
  const s = document.createElement('script');
  s.text = code;
  document.head.appendChild(s);
  const made: { ti: string; pushed: unknown[][] }[] = [];
  w.UET = function (this: any, o: any) { this.ti = o.ti; this.pushed = [...(o.q ?? [])]; made.push(this); };
  w.UET.prototype.push = function (...a: unknown[]) { this.pushed.push(a); };
  w[q] = new w.UET({ ti, q: [] });
  w[q].push('pageLoad');
  const bat = document.createElement('script');
  bat.src = 'https://bat.bing.com/bat.js';
  document.head.appendChild(bat);
  return made;
}

async function withUet() {
  const p = plan();
  const t = createTracker({ plan: p, adapters: [microsoftAds()] });
  t.consent({ analytics: 'granted', ads: 'granted' });
  await settle();
  t.track('phone_click' as never);
  await settle();
  await t.shutdown();
  return p.destinations.microsoftAds.tagId as string;
}

it('UET: the site\'s snippet for the plan\'s tag id: no second tag or pageLoad; conversions go to the site\'s tag', async () => {
  const made = siteUetSnippet(plan().destinations.microsoftAds.tagId);
  await withUet();
  expect(made).toHaveLength(1);
  const pushed = made[0]!.pushed;
  expect(pushed.filter((c) => c[0] === 'pageLoad')).toHaveLength(1);
  expect(pushed.some((c) => c[0] === 'event' && c[1] === 'phone_call')).toBe(true);
  expect(w.measureplanUetq).toBeUndefined();
});

it('UET: a site snippet for another tag id: ours is a tag of its own with its own pageLoad', async () => {
  const made = siteUetSnippet('99999999');
  const ti = await withUet();
  expect(made.map((m) => m.ti)).toEqual(['99999999', ti]);
  expect(made[1]!.pushed.filter((c) => c[0] === 'pageLoad')).toHaveLength(1);
});

it('UET: the snippet for the plan\'s tag id commented out, the site running another tag: ours is a tag of its own (second read 2026-12-06)', async () => {
  const ours = plan().destinations.microsoftAds.tagId;
  const made = siteUetSnippet('99999999', `/* the old tag, now measureplan's:\n${uetCode(ours)}\n*/\n// ${uetCode(ours)}\n${uetCode('99999999')}`);
  await withUet();
  expect(made.map((m) => m.ti)).toEqual(['99999999', ours]);
  expect(made[0]!.pushed.some((c) => c[0] === 'event')).toBe(false);
  expect(made[1]!.pushed.some((c) => c[0] === 'event' && c[1] === 'phone_call')).toBe(true);
});

it('UET: the site\'s snippet for the plan\'s tag id on a queue of another name: conversions go into that queue', async () => {
  const ours = plan().destinations.microsoftAds.tagId;
  const made = siteUetSnippet(ours, uetCode(ours, 'uetq2'), 'uetq2');
  await withUet();
  expect(made).toHaveLength(1);
  expect(made[0]!.pushed.some((c) => c[0] === 'event' && c[1] === 'phone_call')).toBe(true);
  for (const k of ['uetq2']) delete w[k];
});
