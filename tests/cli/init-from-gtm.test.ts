// @vitest-environment jsdom
/**
 * init --from container.json: a Google Tag Manager container export drafts the plan like the
 * pages' own tags do; its exact triggers become plan triggers that fire in the tracker, paused
 * and unread tags are listed, and the tags measureplan now sends are named to be paused.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { draft } from '../../src/cli/tags/draft';
import { readExport } from '../../src/cli/tags/gtm';
import { planTrigger, type GtmTrigger } from '../../src/cli/tags/gtm-triggers';
import { parsePlan } from '../../src/plan/parse';
import type { PlanInput } from '../../src/plan/types';
import { cleanUp, click, install, submit } from '../triggers/helpers';
import { ensureBuilt, root, run, tempDir, type Run } from './helpers';

const FIXTURES = join(root, 'tests/fixtures/tags/gtm');
const fixture = (name: string) => join(FIXTURES, name);
const shop = () => readExport('shop-container.json', readFileSync(fixture('shop-container.json'), 'utf8'))!;

function drafted(): PlanInput {
  const result = draft(shop().findings, 'Test');
  expect(result.plan && parsePlan(result.plan).ok).toBe(true);
  return result.plan!;
}

describe('a container export drafts the plan', () => {
  it('reads the Google tag, GA4 events, the Ads conversion and the Meta pixel in Custom HTML into one purchase', () => {
    const plan = drafted();
    expect(plan.destinations).toEqual({ ga4: { measurementId: 'G-S7HOP12345' }, googleAds: { conversionId: 'AW-123456789' }, meta: { pixelId: '283859598862258' } });
    expect(plan.currency).toBe('NOK');
    const purchase = plan.conversions.purchase!;
    expect(purchase.send).toEqual({ ga4: { event: 'purchase' }, googleAds: { label: 'AbC-dEf_123' }, meta: { event: 'Purchase' } });
    // {{DLV – value}} is a value the page computes: the key stays, the type comes from the name.
    expect(purchase.properties).toEqual({
      transaction_id: { type: 'string', description: 'The old tag sent: {{DLV – transaction_id}}' },
      value: { type: 'number', description: 'The old tag sent: {{DLV – value}}' },
    });
    expect(plan.conversions.add_to_cart!.properties).toEqual({ value: { type: 'number', description: 'The old tag sent: {{DLV – value}}' } });
    expect(Object.keys(plan.conversions).sort()).toEqual(['add_to_cart', 'cta_click', 'generate_lead', 'phone_click', 'purchase']);
  });

  it('writes the exact triggers (tel: link, form id) and none for All Clicks or a dataLayer event', () => {
    const { conversions } = drafted();
    expect(conversions.phone_click!.trigger).toEqual({ on: 'click', selector: 'a[href^="tel:"]' });
    expect(conversions.generate_lead!.trigger).toEqual({ on: 'submit', selector: '#quote-form' });
    expect(conversions.cta_click!.trigger).toBeUndefined();
    expect(conversions.purchase!.trigger).toBeUndefined();
  });

  it('leaves out the paused tag and lists the tags it does not read', () => {
    const c = shop();
    expect(c.paused).toEqual(['GA4 – newsletter (old)']);
    expect(c.notRead).toEqual([{ name: 'UA – pageviews', why: expect.stringContaining('Universal Analytics') }]);
    expect(c.consent).toEqual(['"Ads – purchase" waits for ad_storage']);
    expect(c.findings.some((f) => f.event?.name === 'sign_up')).toBe(false);
  });

  it('the drafted triggers fire in the tracker on the site\'s own elements', async () => {
    const parsed = parsePlan(drafted());
    if (!parsed.ok) throw new Error('the drafted plan does not parse');
    document.body.innerHTML = '<a href="tel:+4722334455">Ring oss</a><a href="/kontakt">Kontakt</a><form id="quote-form" action="/quote"><button>Send</button></form>';
    const t = install(parsed.plan);
    click(document.querySelector('a[href^="tel:"]')!);
    click(document.querySelector('a[href="/kontakt"]')!);
    await submit(document.querySelector('#quote-form')!);
    expect(t.names()).toEqual(['phone_click', 'generate_lead']);
  });
});

const cond = (type: string, arg0: string, arg1: string, negate = false) => ({
  type, parameter: [{ type: 'TEMPLATE', key: 'arg0', value: arg0 }, { type: 'TEMPLATE', key: 'arg1', value: arg1 }, ...(negate ? [{ type: 'BOOLEAN', key: 'negate', value: 'true' }] : [])],
});
const trigger = (type: string, ...filter: ReturnType<typeof cond>[]): GtmTrigger => ({ triggerId: '1', name: 't', type, filter });

describe('Tag Manager triggers become plan triggers only where they say the same', () => {
  it('Click ID equals, a CSS selector, Form Element, a Page Path, in export or API spelling', () => {
    const exact = (t: GtmTrigger) => planTrigger(t).trigger;
    expect(exact(trigger('CLICK', cond('EQUALS', '{{Click ID}}', 'chat')))).toEqual({ on: 'click', selector: '#chat' });
    expect(exact(trigger('linkClick', cond('cssSelector', '{{Click Element}}', 'a.download')))).toEqual({ on: 'click', selector: 'a.download' });
    expect(exact(trigger('FORM_SUBMISSION', cond('CSS_SELECTOR', '{{Form Element}}', 'form.newsletter')))).toEqual({ on: 'submit', selector: 'form.newsletter' });
    expect(exact(trigger('PAGEVIEW', cond('EQUALS', '{{Page Path}}', '/takk')))).toEqual({ on: 'page_view', regex: '^/takk$' });
    expect(exact(trigger('PAGEVIEW', cond('STARTS_WITH', '{{Page Path}}', '/order/done')))).toEqual({ on: 'page_view', path: '/order/done*' });
  });

  it('says why for a Page URL, a regex on a link, a negation, several conditions, a selector the browser rejects and a custom event', () => {
    expect(planTrigger(trigger('PAGEVIEW', cond('CONTAINS', '{{Page URL}}', '/takk'))).why).toContain('is not one a plan trigger says exactly');
    expect(planTrigger(trigger('LINK_CLICK', cond('MATCH_REGEX', '{{Click URL}}', '\\.pdf$'))).why).toContain('{{Click URL}} matches RegEx "\\.pdf$"');
    expect(planTrigger(trigger('CLICK', cond('EQUALS', '{{Click ID}}', 'chat', true))).why).toContain('is a negation');
    expect(planTrigger(trigger('CLICK', cond('EQUALS', '{{Click ID}}', 'a'), cond('CONTAINS', '{{Page Path}}', '/no'))).why).toContain('together are more than one plan trigger says');
    expect(planTrigger(trigger('CLICK', cond('CSS_SELECTOR', '{{Click Element}}', 'a[href^=tel:]'))).trigger).toBeUndefined();
    const custom = planTrigger({ type: 'CUSTOM_EVENT', customEventFilter: [cond('EQUALS', '{{_event}}', 'purchase')] });
    expect(custom).toEqual({ dataLayerEvent: 'purchase', why: expect.stringContaining('the measureplan.track call goes where that dataLayer.push is') });
  });

  it('a page view trigger from the export fires on its path only', () => {
    const mapped = planTrigger(trigger('PAGEVIEW', cond('EQUALS', '{{Page Path}}', '/takk')));
    const parsed = parsePlan({ version: 1, name: 'T', conversions: { thank_you: { kind: 'micro', trigger: mapped.trigger } } } as PlanInput);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    history.replaceState(null, '', '/takk');
    const t = install(parsed.plan);
    expect(t.names()).toEqual(['thank_you']);
  });
});

describe('measureplan init --from container.json', () => {
  let r: Run;
  const tmp = tempDir();
  beforeAll(() => {
    ensureBuilt();
    r = run(['init', '--from', fixture('shop-container.json'), '--out', join(tmp.dir, 'plan.json')], { env: { NO_COLOR: '1' } });
  });
  afterEach(cleanUp);

  it('names each tag in the table and says what its trigger became', () => {
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Wrote');
    expect(r.stdout).toMatch(/shop-container\.json: tag "GA4 – purchase" +GA4 +GA4 event 'purchase' +→ purchase/);
    expect(r.stdout).toMatch(/shop-container\.json: tag "Meta – Purchase" +Meta +fbq\('track', 'Purchase', \{…\}\) +→ purchase/);
    expect(r.stdout).toContain('"GA4 – phone_click" fires on "Click – phone links" → the plan\'s trigger: a click on a[href^="tel:"]');
    expect(r.stdout).toContain('"GA4 – any click" fires on "All Clicks" → no plan trigger: it fires on every click (no condition)');
    expect(r.stdout).toContain('Paused in Tag Manager, so left out: "GA4 – newsletter (old)".');
    expect(r.stdout).toContain('"UA – pageviews": Universal Analytics');
    // The first column holds tags, not lines of a page.
    expect(r.stdout).toMatch(/^ {2}Tag +Tool +Call +→ In the plan$/m);
  });

  it('Next: the track call goes where the dataLayer event is pushed, and the tags measureplan now sends are to be paused by name', () => {
    expect(r.stdout).toContain("→ measureplan.track('purchase', { transaction_id: …, value: … }) where the site pushes the dataLayer event \"purchase\"");
    const pause = r.stdout.slice(r.stdout.indexOf('Pause or delete these tags in Tag Manager'));
    for (const name of ['Google tag – GA4', 'GA4 – purchase', 'Ads – purchase', 'Meta – base code', 'Meta – Purchase', 'GA4 – phone_click']) expect(pause).toContain(`"${name}"`);
    expect(pause).not.toContain('GA4 – newsletter (old)');
    expect(pause).toContain('every conversion counts twice');
  });

  it('reads a container by its content whatever the file is called', () => {
    const file = tmp.file('export.txt', readFileSync(fixture('shop-container.json'), 'utf8'));
    const out = join(tmp.dir, 'from-txt.json');
    expect(run(['init', '--from', file, '--out', out]).code).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(out, 'utf8')).conversions)).toContain('purchase');
  });

  it('a malformed export is a usage error in one line, and nothing is written', () => {
    const out = join(tmp.dir, 'broken-plan.json');
    const b = run(['init', '--from', fixture('broken.json'), '--out', out]);
    expect(b.code).toBe(2);
    expect(b.stderr.split('\n')[0]).toMatch(/^measureplan: cannot read broken\.json: it is not valid JSON \(.+\)\.$/);
    expect(existsSync(out)).toBe(false);
  });

  it('JSON that is not a container export says so', () => {
    const out = join(tmp.dir, 'other-plan.json');
    const b = run(['init', '--from', fixture('not-a-container.json'), '--out', out]);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('not-a-container.json is JSON, but not a Google Tag Manager container export (it has no "containerVersion")');
    expect(b.stderr).toContain('Admin → Export container');
    expect(existsSync(out)).toBe(false);
  });

  it('a container with no tag it can read is exit 1 with each tag and why, nothing written', () => {
    const out = join(tmp.dir, 'none.json');
    const b = run(['init', '--from', fixture('no-tags-container.json'), '--out', out]);
    expect(b.code).toBe(1);
    expect(b.stderr).toContain('found no vendor tags');
    expect(b.stderr).toContain('"Hotjar": a tag of type "cvt_200_5"');
    expect(existsSync(out)).toBe(false);
  });

  it('with a page beside it: both are read into one plan, and the page\'s container is no longer "cannot be read"', () => {
    const out = join(tmp.dir, 'both.json');
    const b = run(['init', '--from', fixture('shop-container.json'), '--from', fixture('index.html'), '--out', out]);
    expect(b.code).toBe(0);
    expect(b.stdout).toContain('a draft from 1 Tag Manager container and 1 page');
    expect(b.stdout).toMatch(/index\.html:\d+ +Google Tag Manager +GTM-K9QX2LM +→ read from the export/);
    expect(b.stdout).not.toContain('cannot be read');
    expect(b.stdout).toMatch(/^ {2}Page:line or tag +Tool +Call +→ In the plan$/m);
    const plan = JSON.parse(readFileSync(out, 'utf8'));
    expect(plan.destinations.linkedin).toEqual({ partnerId: '1234567' });
    expect(plan.conversions.chat_open.send).toEqual({ ga4: { event: 'chat_open' }, linkedin: { conversionId: 4455667 } });
    expect(plan.conversions.purchase.send.googleAds).toEqual({ label: 'AbC-dEf_123' });
    expect(plan.consent.cmp).toBe('cookiebot');
  });
});
