import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { banners, chooseBanner } from '../../src/cli/tags/banner';
import { recognise } from '../../src/cli/tags/recognise';
import { bin, ensureBuilt, root, run, runAsync, tempDir, type Run } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

const FIXTURES = join(root, 'tests/fixtures/tags');
const fixture = (name: string) => join(FIXTURES, name);
const SHOP = ['index.html', 'product.html', 'thank-you.html'].map((p) => fixture(`shop/${p}`));
const from = (...pages: string[]) => pages.flatMap((p) => ['--from', p]);
let n = 0;
/** A fresh empty folder to run init in. */
const folder = () => { const dir = join(tmp.dir, `run-${++n}`); mkdirSync(dir); return dir; };
const readPlan = (dir: string, file = 'plan.json') => JSON.parse(readFileSync(join(dir, file), 'utf8'));

describe('measureplan init --from: a hand-pasted shop', () => {
  const dir = folder();
  let r: Run;
  let plan: any;
  beforeAll(() => { r = run(['init', ...from(...SHOP)], { cwd: dir }); plan = readPlan(dir); });

  it('writes one plan that parsePlan accepts, with all five vendors as destinations', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.destinations).toEqual({
      ga4: { measurementId: 'G-F1X2Y3Z4W5' },
      googleAds: { conversionId: 'AW-123456789' },
      meta: { pixelId: '283859598862258' },
      linkedin: { partnerId: '1234567' },
      microsoftAds: { tagId: '56781234' },
    });
    expect(r.stdout).toContain('✓ Wrote plan.json: a draft from 3 pages (2 conversions, 5 destinations');
  });

  it('merges the same action across vendors into one conversion, each vendor under its own name', () => {
    expect(Object.keys(plan.conversions)).toEqual(['purchase', 'add_to_cart']);
    expect(plan.conversions.purchase.send).toEqual({
      ga4: { event: 'purchase' },
      googleAds: { label: 'AbC-D_efG1' },
      meta: { event: 'Purchase' },
      linkedin: { conversionId: 11111 },
      microsoftAds: { event: 'purchase' },
    });
    expect(plan.conversions.add_to_cart.send).toEqual({
      ga4: { event: 'add_to_cart' },
      meta: { event: 'AddToCart' },
      linkedin: { conversionId: 7654321 },
      microsoftAds: { event: 'add_to_cart', category: 'ecommerce' },
    });
  });

  it('guesses kind and supports, and types computed values (Liquid, PHP) from their names', () => {
    const { purchase, add_to_cart } = plan.conversions;
    expect(purchase.kind).toBe('macro');
    expect(add_to_cart).toMatchObject({ kind: 'micro', supports: ['purchase'], value: 'value' });
    expect(purchase.value).toBe('value');
    expect(purchase.properties.value).toEqual({ type: 'number', description: 'The old tag sent: {{ order.total_price | money_without_currency }}' });
    expect(purchase.properties.transaction_id.type).toBe('string');
    expect(purchase.properties.items.type).toBe('items');
    expect(plan.currency).toBe('NOK');
    expect(r.stdout).toMatch(/"kind" \(macro or micro\) and "supports" are guessed/);
  });

  it('lists each finding with its page and line, and a base-code call once for all pages', () => {
    expect(r.stdout).toMatch(/thank-you\.html:36 +Meta +fbq\('track', 'Purchase', \{…\}, …\) +→ purchase/);
    expect(r.stdout).toMatch(/product\.html:33 +LinkedIn +lintrk\('track', \{ conversion_id: 7654321 \}\) +→ add_to_cart/);
    expect(r.stdout).toMatch(/index\.html:13 +GA4 +gtag\('config', 'G-F1X2Y3Z4W5'\) +→ destinations\.ga4 \(and 2 more pages\)/);
    expect(r.stdout).toMatch(/index\.html:55 +Microsoft Ads +UET loader ti: "56781234"/);
  });

  it('says how each old call maps to one track call, and that the old snippets must go', () => {
    expect(r.stdout).toMatch(/gtag\('event', 'purchase', \{…\}\)\n(.*\n)*? +→ measureplan\.track\('purchase', \{ transaction_id: …, value: …, currency: …, items: … \}\)/);
    expect(r.stdout).toContain('every conversion counts twice');
    expect(r.stdout).not.toContain('Left out');
  });
});

describe('measureplan init --from: grouping', () => {
  const page = (body: string) => `<!doctype html><html><head><script>
gtag('config', 'G-F1X2Y3Z4W5'); gtag('config', 'AW-123456789');
fbq('init', '283859598862258');
_linkedin_partner_id = '1234567';
</script></head><body><script>
${body}
</script></body></html>`;

  it('merges a sign-up across GA4 and Meta, and names a custom Meta event in snake_case', () => {
    const dir = folder();
    writeFileSync(join(dir, 'signup.html'), page(`gtag("event", "sign_up", { method: "email" });
fbq("track", "CompleteRegistration");
fbq("trackCustom", "NewsletterSignup", { list: 'weekly' });`));
    const r = run(['init', '--from', 'signup.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.conversions.sign_up.send).toEqual({ ga4: { event: 'sign_up' }, meta: { event: 'CompleteRegistration' } });
    expect(plan.conversions.sign_up.properties).toEqual({ method: { type: 'string', description: 'The old tag sent: "email"' } });
    expect(plan.conversions.newsletter_signup.send).toEqual({ meta: { event: 'NewsletterSignup' } });
  });

  it('gives a LinkedIn conversion id and an Ads label that match no single action conversions of their own', () => {
    const dir = folder();
    writeFileSync(join(dir, 'mixed.html'), page(`gtag('event', 'view_item', { items: [] });
fbq('track', 'Lead', { value: 25, currency: 'EUR' });
window.lintrk('track', { conversion_id: 12345 });
gtag('event', 'conversion', { send_to: 'AW-123456789/PhOnE123' });`));
    const r = run(['init', '--from', 'mixed.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.conversions.linkedin_conversion_12345).toMatchObject({ kind: 'micro', send: { linkedin: { conversionId: 12345 } } });
    expect(plan.conversions.google_ads_phone123).toMatchObject({ kind: 'micro', send: { googleAds: { label: 'PhOnE123' } } });
    expect(plan.conversions.generate_lead).toMatchObject({ kind: 'macro', value: 25, send: { meta: { event: 'Lead' } } });
    expect(plan.currency).toBe('EUR');
  });

  it('an Ads conversion with a value makes an action of the site\'s own macro, not a step like add_to_cart', () => {
    const dir = folder();
    writeFileSync(join(dir, 'p.html'), `<script>gtag('config', 'G-F1X2Y3Z4W5'); gtag('config', 'AW-123456789');</script>
<script>gtag('event', 'add_to_cart', { value: price }); gtag('event', 'conversion', { send_to: 'AW-123456789/CaRt1', value: price, currency: 'EUR' });</script>
<script>gtag('event', 'demo_request'); gtag('event', 'conversion', { send_to: 'AW-123456789/DeMo1', value: 500, currency: 'EUR' });</script>
<script>ti: "TAG_ID"; // a UET placeholder left in: bat.bing.com</script>`);
    const r = run(['init', '--from', 'p.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.conversions.add_to_cart).toMatchObject({ kind: 'micro', supports: ['demo_request'], send: { googleAds: { label: 'CaRt1' } } });
    expect(plan.conversions.demo_request).toMatchObject({ kind: 'macro', value: 500, send: { ga4: { event: 'demo_request' }, googleAds: { label: 'DeMo1' } } });
    expect(r.stdout).toContain('"TAG_ID" is not a Microsoft Ads id like "12345678"');
  });

  it('leaves out an Ads label of another account than the configured one', () => {
    const dir = folder();
    writeFileSync(join(dir, 'two.html'), page(`gtag('event', 'purchase', { transaction_id: order.id, value: order.total, currency: 'EUR' });
gtag('event', 'conversion', { send_to: 'AW-987654321/OtHeR1', transaction_id: order.id });`));
    const r = run(['init', '--from', 'two.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(plan.destinations.googleAds).toEqual({ conversionId: 'AW-123456789' });
    expect(plan.conversions.purchase.send).toEqual({ ga4: { event: 'purchase' } });
    expect(r.stdout).toContain("two.html:7 gtag('event', 'conversion', {…}): its send_to names another Google Ads account than the plan's AW-123456789");
  });

  it('leaves out what the plan cannot hold and says why (Meta Purchase without a value; no pixel id)', () => {
    const dir = folder();
    writeFileSync(join(dir, 'p.html'), `<script>
gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258');
gtag('event', 'purchase', { transaction_id: order.id });
fbq('track', 'Purchase');
uetq.push('event', 'purchase', {});
</script>`);
    const r = run(['init', '--from', 'p.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.conversions.purchase.send).toEqual({ ga4: { event: 'purchase' } });
    expect(r.stdout).toMatch(/Left out[^\n]*\n(.*\n)*  - purchase → meta: .*value/);
    expect(r.stdout).toMatch(/no Microsoft Ads id was found on these pages, so the plan sends nothing to Microsoft Ads/);
  });
});

describe('measureplan init --from <URL>', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const file = { '/': 'index.html', '/product': 'product.html', '/takk': 'thank-you.html' }[req.url ?? ''];
      if (!file) { res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'); return; }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(fixture(`shop/${file}`)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads pages from a server, names the plan after its host', async () => {
    const dir = folder();
    const r = await runAsync(['init', ...from(`${base}/`, `${base}/product`, `${base}/takk`)], dir);
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.name).toBe(`${new URL(base).host}: drafted from its tags`);
    expect(Object.keys(plan.conversions)).toEqual(['purchase', 'add_to_cart']);
    expect(r.stdout).toContain(`${base}/takk:20`);
  });

  it('a page the server does not have: one line with the status and a hint, exit 2, nothing written', async () => {
    const dir = folder();
    const r = await runAsync(['init', '--from', `${base}/gone`], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`measureplan: cannot fetch ${base}/gone: HTTP 404 Not Found.\nCheck the address. Save the page as the browser shows it (View page source, then save it as .html), or pass its http(s):// address.\n`);
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('an address nobody answers on: a one-line error without a stack trace', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const r = await runAsync(['init', '--from', `http://127.0.0.1:${port}/`], folder());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^measureplan: cannot fetch http://127\\.0\\.0\\.1:${port}/: ECONNREFUSED\\.\\nCheck the address\\.`));
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });
});

describe('measureplan init --from: what it cannot use', () => {
  it('a page with only Google Tag Manager: says the container cannot be read, exit 1, nothing written', () => {
    const dir = folder();
    const r = run(['init', '--from', fixture('gtm-only.html')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/gtm-only\.html:9 +Google Tag Manager +GTM-K9QX2LM +→ cannot be read/);
    expect(r.stderr).toContain('the tags are in Google Tag Manager (GTM-K9QX2LM), which cannot be read from the page. Export the container (in GTM: Admin → Export container) and pass the file too');
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('GTM with a dataLayer purchase: drafts the conversion, says GTM decides where it goes', () => {
    const dir = folder();
    const r = run(['init', '--from', fixture('gtm-datalayer.html')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(plan.conversions.purchase).toMatchObject({ kind: 'macro', value: 'value', properties: { transaction_id: { type: 'string' }, value: { type: 'number' }, items: { type: 'items' } } });
    expect(plan.currency).toBe('SEK');
    expect(r.stdout).toContain('→ purchase (GTM decides where it goes)');
    expect(r.stdout).toContain('"purchase" has no "send" yet');
    expect(r.stdout).toContain('its tags live in the GTM container, not in the page');
  });

  it('a page without tags (a commented-out one does not count): exit 1 with a hint', () => {
    const dir = folder();
    const r = run(['init', '--from', fixture('no-tags.html')], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^measureplan init: found no vendor tags in .*no-tags\.html; nothing was written\.\nLooked for gtag/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('malformed and truncated scripts: keeps what it could read, lists what it could not', () => {
    const dir = folder();
    const r = run(['init', '--from', fixture('malformed.html')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    expect(Object.keys(plan.conversions).sort()).toEqual(['generate_lead', 'sign_up']);
    expect(r.stdout).toMatch(/malformed\.html:10 lintrk\('track', \{…\}\): no readable conversion_id/);
    expect(r.stdout).toMatch(/malformed\.html:11 uetq\.push\('event', '', \{…\}\): no event action/);
  });

  it('never throws on any prefix of a page (a download cut off anywhere)', () => {
    for (const file of [...SHOP, fixture('malformed.html'), fixture('gtm-datalayer.html')]) {
      const html = readFileSync(file, 'utf8');
      for (let i = 0; i <= html.length; i += 3) expect(() => recognise('p', html.slice(0, i))).not.toThrow();
    }
  });

  it('a file that cannot be read: one line and a hint, exit 2', () => {
    const r = run(['init', '--from', 'nope.html'], { cwd: folder() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^measureplan: cannot read nope\.html: no such file\.\nSave the page as the browser shows it/);
  });
});

describe('measureplan init --from keeps the rules of init', () => {
  it('refuses to overwrite an existing file (exit 1) unless --force, and writes to --out', () => {
    const dir = folder();
    writeFileSync(join(dir, 'plan.json'), '{"mine": true}\n');
    const r = run(['init', ...from(...SHOP)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plan.json already exists; nothing was written');
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(run(['init', ...from(...SHOP), '--out', 'plans/draft.json'], { cwd: dir }).code).toBe(0);
    expect(readPlan(dir, 'plans/draft.json').version).toBe(1);
    expect(run(['init', ...from(...SHOP), '--force'], { cwd: dir }).code).toBe(0);
    expect(readPlan(dir).conversions.purchase.kind).toBe('macro');
  });

  it('--from with --template, or a folder as --out, is a usage error (exit 2)', () => {
    const dir = folder();
    const both = run(['init', '--template', 'webshop', '--from', SHOP[0]!], { cwd: dir });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--from and --template cannot be used together.');
    mkdirSync(join(dir, 'src'));
    const dirOut = run(['init', '--from', SHOP[0]!, '--out', 'src'], { cwd: dir });
    expect(dirOut.code).toBe(2);
    expect(dirOut.stderr).toContain('cannot write src: it is a folder.');
    expect(existsSync(join(dir, 'plan.json'))).toBe(false);
  });

  it('--help documents --from', () => {
    expect(run(['init', '--help']).stdout).toContain('--from <file|URL>');
  });
});

describe('reading tag calls', () => {
  it('either quote, quoted and unquoted keys, template values, and the line of each call', () => {
    const html = `<p>\n<script>\nfbq("init", "283859598862258")\n  window.uetq.push('event', "signup", {"event_label": 'footer', revenue_value: <?= $v ?>})\n</script>`;
    const f = recognise('x.html', html);
    expect(f.map((x) => [x.line, x.vendor, x.id ?? x.event?.name])).toEqual([[3, 'meta', '283859598862258'], [4, 'microsoftAds', 'signup']]);
    expect(f[1]!.event!.params.get('event_label')).toEqual({ kind: 'string', value: 'footer' });
    expect(f[1]!.event!.params.get('revenue_value')).toEqual({ kind: 'expr', text: '<?= $v ?>' });
  });

  it('does not take the loaders themselves for calls', () => {
    const f = recognise('index.html', readFileSync(SHOP[0]!, 'utf8'));
    expect(f.filter((x) => x.event || x.skip)).toEqual([]);
  });
});

describe('the cookie banner the pages load', () => {
  const withHead = (head: string) => `<!doctype html><html><head>${head}<script>
gtag('config', 'G-F1X2Y3Z4W5');
</script></head><body><script>gtag('event', 'purchase', { transaction_id: 'T1', value: 10, currency: 'EUR' });</script></body></html>`;
  const draftOf = (head: string) => {
    const dir = folder();
    writeFileSync(join(dir, 'page.html'), withHead(head));
    const r = run(['init', '--from', 'page.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const plan = readPlan(dir);
    expect(parsePlan(plan).ok).toBe(true);
    return { r, plan };
  };

  it('Cookiebot\'s script: the draft reads the visitor\'s choice from it ("cmp": "cookiebot"), and says where it was found', () => {
    const { r, plan } = draftOf('\n<script id="Cookiebot" src="https://consent.cookiebot.com/uc.js" data-cbid="0000" type="text/javascript"></script>');
    expect(plan.consent).toEqual({ default: { analytics: 'denied', ads: 'denied' }, cmp: 'cookiebot' });
    expect(r.stdout).toMatch(/page\.html:2 loads Cookiebot: "cmp": "cookiebot" reads the visitor's choice from it/);
  });

  it('no banner it can read: consent starts denied, and the output says to pass the banner\'s answer', () => {
    const { r, plan } = draftOf('');
    expect(plan.consent).toEqual({ default: { analytics: 'denied', ads: 'denied' } });
    expect(r.stdout).toContain('"consent": both categories start denied');
    expect(r.stdout).toContain('call measureplan.consent({ analytics, ads }) with its answer on every page');
  });

  it('two different platforms: names neither and lists both', () => {
    const { r, plan } = draftOf('<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js"></script><script src="//policy.app.cookieinformation.com/uc.js"></script>');
    expect(plan.consent.cmp).toBeUndefined();
    expect(r.stdout).toMatch(/The pages load OneTrust \(page\.html:1, "cmp": "onetrust"\) and Cookie Information \(page\.html:1, "cmp": "cookieinformation"\)/);
  });

  it('recognises each platform by its own script host, a TCF API by __tcfapi; the platform\'s own wins over its TCF API', () => {
    const of = (html: string) => chooseBanner(banners('p.html', html)).banner?.cmp;
    expect(of('<script src="https://cdn.cookielaw.org/scripttemplates/otSDKStub.js" data-domain-script="x"></script>')).toBe('onetrust');
    expect(of('<script src="https://cookie-cdn.cookiepro.com/scripttemplates/otSDKStub.js"></script>')).toBe('onetrust');
    expect(of('<script src="https://policy.app.cookieinformation.com/uc.js" data-culture="DA"></script>')).toBe('cookieinformation');
    expect(of('<script>window.__tcfapi = window.__tcfapi || function () { (window.__tcfapi.a = window.__tcfapi.a || []).push(arguments); };</script>')).toBe('tcf');
    expect(of('<script src="https://cmp.quantcast.com/choice/abc/example.com/choice.js"></script>')).toBe('tcf');
    expect(of('<script>window.__tcfapi = function () {};</script><script src="https://consent.cookiebot.com/uc.js"></script>')).toBe('cookiebot');
    // The standard stub's frame, and a stub assigned without `window.`.
    expect(of('<script>(function () { if (!window.frames["__tcfapiLocator"]) { /* … */ } })();</script>')).toBe('tcf');
    expect(of('<script>__tcfapi = function () {};</script>')).toBe('tcf');
    // A script that only asks whether a platform is there, or calls it, names none (final read 2026-12-07).
    expect(of('<script>if (typeof window.__tcfapi === "function") { window.__tcfapi("addEventListener", 2, cb); }</script>')).toBeUndefined();
    // Not a banner: another script named like one, a lazy loader's data-src, a mention in a comment.
    expect(of('<script src="/js/cookiebot-styles.js"></script><script data-src="https://consent.cookiebot.com/uc.js"></script><!-- <script src="https://consent.cookiebot.com/uc.js"></script> -->')).toBeUndefined();
  });
});

describe('inline event handlers (onclick="gtag(…)")', () => {
  const page = `<!doctype html><html><head>
<script>gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258');</script>
</head><body>
<a href="tel:+4722334455" onclick="gtag('event', 'phone_click'); fbq('track', 'Contact');">Call us</a>
<a class="mail" href="mailto:shop@example.com" onclick='gtag("event", "email_click")'>Mail</a>
<form id="newsletter" onsubmit="gtag(&quot;event&quot;, &quot;newsletter_signup&quot;)"><input name=e></form>
<button class="cta" onclick="gtag('event', 'quote_request')">Ask</button>
<!-- <a href="tel:1" onclick="gtag('event', 'commented_out')">x</a> -->
<script>var html = '<a onclick="gtag(\\'event\\', \\'in_a_string\\')">';</script>
</body></html>`;
  const dir = folder();
  let r: Run;
  let plan: any;
  beforeAll(() => {
    writeFileSync(join(dir, 'contact.html'), page);
    r = run(['init', '--from', 'contact.html'], { cwd: dir });
    plan = readPlan(dir);
  });

  it('reads the calls in handlers (entities decoded), not in comments or in a script\'s strings', () => {
    expect(r.code, r.stderr).toBe(0);
    expect(parsePlan(plan).ok).toBe(true);
    expect(Object.keys(plan.conversions).sort()).toEqual(['email_click', 'newsletter_signup', 'phone_click', 'quote_request']);
    expect(r.stdout).toMatch(/contact\.html:6 +GA4 +gtag\('event', 'newsletter_signup'\) +→ newsletter_signup/);
  });

  it('the calls of one handler are one action, named as GA4 names it', () => {
    expect(plan.conversions.phone_click.send).toEqual({ ga4: { event: 'phone_click' }, meta: { event: 'Contact' } });
    expect(r.stdout).toMatch(/contact\.html:4 +Meta +fbq\('track', 'Contact'\) +→ phone_click/);
  });

  it('a handler on a phone or e-mail link, or on an element with an id, becomes the plan\'s trigger; one on an unnamed element stays a track call', () => {
    expect(plan.conversions.phone_click.trigger).toEqual({ on: 'click', selector: 'a[href^="tel:"]' });
    expect(plan.conversions.email_click.trigger).toEqual({ on: 'click', selector: 'a[href^="mailto:"]' });
    expect(plan.conversions.newsletter_signup.trigger).toEqual({ on: 'submit', selector: '#newsletter' });
    expect(plan.conversions.quote_request.trigger).toBeUndefined();
    expect(r.stdout).toContain('→ no code: the plan\'s trigger tracks it (a click on a[href^="tel:"]); remove the onclick="…" attributes');
    expect(r.stdout).toContain("→ measureplan.track('quote_request')");
  });

  it('a handler whose call carries properties keeps its track call (a trigger cannot compute them)', () => {
    const d = folder();
    writeFileSync(join(d, 'p.html'), `<script>gtag('config', 'G-F1X2Y3Z4W5');</script><a href="tel:+47" onclick="gtag('event', 'phone_click', { location: 'header' })">Call</a>`);
    const rr = run(['init', '--from', 'p.html'], { cwd: d });
    expect(rr.code, rr.stderr).toBe(0);
    expect(readPlan(d).conversions.phone_click.trigger).toBeUndefined();
  });
});

describe('UET\'s event value', () => {
  it('is not taken for revenue: revenue_value is the value, event_value is listed as left out', () => {
    const d = folder();
    writeFileSync(join(d, 'p.html'), `<script>(function(w,d,t,r,u){var f,n,i;w[u]=w[u]||[],f=function(){var o={ti:"56781234"};o.q=w[u],w[u]=new UET(o),w[u].push("pageLoad")}})(window,document,"script","//bat.bing.com/bat.js","uetq");</script>
<script>window.uetq = window.uetq || []; window.uetq.push('event', 'quote', { event_category: 'lead', event_value: 3 });
window.uetq.push('event', 'purchase', { revenue_value: order.total, currency: 'NOK' });</script>`);
    const rr = run(['init', '--from', 'p.html'], { cwd: d });
    expect(rr.code, rr.stderr).toBe(0);
    const plan = readPlan(d);
    expect(plan.conversions.quote.value).toBeUndefined();
    expect(plan.conversions.quote.properties).toBeUndefined();
    expect(plan.conversions.purchase.properties.value.type).toBe('number');
    expect(rr.stdout).toMatch(/event_value: UET's event value is not revenue/);
  });
});

describe('the site\'s own script files', () => {
  const PAGE = (src: string) => `<!doctype html><html><head>
<script async src="https://www.googletagmanager.com/gtag/js?id=G-F1X2Y3Z4W5"></script>
<script>gtag('config', 'G-F1X2Y3Z4W5'); fbq('init', '283859598862258');</script>
<script src="${src}"></script>
</head><body></body></html>`;
  const TRACKING = `// moved out of the theme\ndocument.addEventListener('click', function (e) {\n  if (e.target.closest('.add')) {\n    gtag('event', 'add_to_cart', { value: price() });\n    fbq('track', 'AddToCart');\n  }\n});\n`;

  it('a saved page: a relative script beside it is read, with its file and line; a site-absolute one is said to be unread', () => {
    const dir = folder();
    mkdirSync(join(dir, 'js'));
    writeFileSync(join(dir, 'js', 'tracking.js'), TRACKING);
    writeFileSync(join(dir, 'index.html'), PAGE('js/tracking.js?v=3') + '<script src="/assets/theme.js"></script><script src="js/100%.js"></script>');
    const r = run(['init', '--from', 'index.html'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(readPlan(dir).conversions.add_to_cart.send).toEqual({ ga4: { event: 'add_to_cart' }, meta: { event: 'AddToCart' } });
    expect(r.stdout).toMatch(/tracking\.js:4 +GA4 +gtag\('event', 'add_to_cart', \{…\}\) +→ add_to_cart/);
    expect(r.stdout).toContain("Not read (2 script files of the site's own; calls in them were not looked for):");
    expect(r.stdout).toContain('js/100%.js: not beside the saved page');
    expect(r.stdout).toContain('/assets/theme.js: a saved page cannot tell where a site-absolute address points');
  });

  it('a page without tags whose own script file could not be read says so, beside the exit 1', () => {
    const dir = folder();
    writeFileSync(join(dir, 'index.html'), '<!doctype html><p>Shop</p><script src="js/missing.js"></script>');
    const r = run(['init', '--from', 'index.html'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('found no vendor tags in index.html');
    expect(r.stderr).toContain('js/missing.js: not beside the saved page');
  });

  it('a page\'s address: its own origin\'s scripts are fetched, another host\'s never; a missing one is said', async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      asked.push(req.url ?? '');
      if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE('/js/tracking.js') + '<script src="/js/gone.js"></script><script src="https://cdn.example.net/lib.js"></script>');
      else if (req.url === '/js/tracking.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(TRACKING);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const dir = folder();
      const r = await runAsync(['init', '--from', `http://127.0.0.1:${(server.address() as AddressInfo).port}/`], dir);
      expect(r.code, r.stderr).toBe(0);
      expect(Object.keys(readPlan(dir).conversions)).toEqual(['add_to_cart']);
      expect(asked.sort()).toEqual(['/', '/js/gone.js', '/js/tracking.js']);
      expect(r.stdout).toContain('/js/gone.js: HTTP 404');
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
