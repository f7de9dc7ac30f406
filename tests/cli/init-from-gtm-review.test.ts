// @vitest-environment jsdom
/**
 * Second read of init --from container.json: a drafted trigger counts what the Tag Manager trigger
 * counted, or the draft says where the two differ; conditions the plan cannot say (ignore case, a
 * variable, a trigger group) give no trigger; the tag's firing option, its ecommerce data and
 * several GA4 events on one trigger reach the plan.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { containerNotes } from '../../src/cli/tags/container-notes';
import { draft } from '../../src/cli/tags/draft';
import { readExport } from '../../src/cli/tags/gtm';
import { planTrigger, type GtmTrigger } from '../../src/cli/tags/gtm-triggers';
import { parsePlan } from '../../src/plan/parse';
import type { PageViewTrigger, PlanInput } from '../../src/plan/types';
import { pageMatches } from '../../src/triggers/page-view';
import { cleanUp, click, install } from '../triggers/helpers';

const p = (key: string, value: string, type = 'TEMPLATE') => ({ type, key, value });
const cond = (type: string, arg0: string, arg1: string, ...flags: ('negate' | 'ignore_case')[]) =>
  ({ type, parameter: [p('arg0', arg0), p('arg1', arg1), ...flags.map((f) => p(f, 'true', 'BOOLEAN'))] });
const trigger = (type: string, ...filter: ReturnType<typeof cond>[]): GtmTrigger => ({ triggerId: '10', name: 't', type, filter });
const ga4 = (tagId: string, event: string, more: object[] = [], extra: object = {}) =>
  ({ tagId, name: `GA4 – ${event}`, type: 'gaawe', parameter: [p('eventName', event), ...more], firingTriggerId: ['10'], ...extra });
/** An export with a Google tag and the given tags and triggers. */
const exported = (tags: object[], triggers: object[], variables: object[] = []) => readExport('container.json', JSON.stringify({
  exportFormatVersion: 2,
  containerVersion: { container: { publicId: 'GTM-REVIEW1' }, tag: [{ tagId: '1', name: 'Google tag', type: 'googtag', parameter: [p('tagId', 'G-REVIEW1234')], firingTriggerId: ['2147479553'] }, ...tags], trigger: triggers, variable: variables },
}))!;
const drafted = (tags: object[], triggers: object[]) => {
  const plan = draft(exported(tags, triggers).findings, 'Review').plan!;
  expect(parsePlan(plan).ok).toBe(true);
  return plan;
};
const at = (path: string) => new URL(`https://shop.example${path}`) as unknown as Location;
const pageView = (t: GtmTrigger) => planTrigger(t).trigger as PageViewTrigger;

afterEach(cleanUp);

describe('a Page Path condition counts the pages Tag Manager counted', () => {
  it('equals /takk does not count /takk/ (a plan path ignores one trailing slash; Tag Manager does not)', () => {
    const t = pageView(trigger('PAGEVIEW', cond('EQUALS', '{{Page Path}}', '/takk')));
    expect(pageMatches(t, at('/takk'))).toBe(true);
    expect(pageMatches(t, at('/takk/'))).toBe(false);
    expect(pageMatches(t, at('/takk.html'))).toBe(false);
    // Escaped as a regex: a dot is a dot, not any character.
    const html = pageView(trigger('PAGEVIEW', cond('EQUALS', '{{Page Path}}', '/thanks.html')));
    expect(pageMatches(html, at('/thanks.html'))).toBe(true);
    expect(pageMatches(html, at('/thanksXhtml'))).toBe(false);
  });

  it('ends with /done counts /order/done, not /order/done/; starts with and contains stay patterns', () => {
    const ends = pageView(trigger('PAGEVIEW', cond('ENDS_WITH', '{{Page Path}}', '/done')));
    expect(pageMatches(ends, at('/order/done'))).toBe(true);
    expect(pageMatches(ends, at('/order/done/'))).toBe(false);
    expect(pageView(trigger('PAGEVIEW', cond('STARTS_WITH', '{{Page Path}}', '/order/')))).toEqual({ on: 'page_view', path: '/order/*' });
    expect(pageView(trigger('DOM_READY', cond('CONTAINS', '{{Page Path}}', 'takk')))).toEqual({ on: 'page_view', path: '*takk*' });
  });

  it('says that the plan also counts a route change of a single-page app', () => {
    expect(planTrigger(trigger('PAGEVIEW', cond('EQUALS', '{{Page Path}}', '/takk'))).differs).toContain('route change');
  });
});

describe('conditions a plan trigger cannot say give no trigger, with why', () => {
  it('ignore case on anything but a regex', () => {
    const m = planTrigger(trigger('PAGEVIEW', cond('EQUALS', '{{Page Path}}', '/Takk', 'ignore_case')));
    expect(m.trigger).toBeUndefined();
    expect(m.why).toContain('ignores case');
    expect(planTrigger(trigger('CLICK', cond('EQUALS', '{{Click ID}}', 'Chat', 'ignore_case'))).trigger).toBeUndefined();
  });

  it('a value that is a Tag Manager variable: none; a constant variable is its value', () => {
    const m = planTrigger(trigger('PAGEVIEW', cond('MATCH_REGEX', '{{Page Path}}', '{{DLV – thanks path}}')));
    expect(m.trigger).toBeUndefined();
    expect(m.why).toContain('compares with a Tag Manager variable');
    expect(planTrigger(trigger('CLICK', cond('CSS_SELECTOR', '{{Click Element}}', '{{Lookup – CTA}}'))).trigger).toBeUndefined();
    const c = exported([ga4('2', 'generate_lead')], [trigger('FORM_SUBMISSION', cond('EQUALS', '{{Form ID}}', '{{Quote form}}'))],
      [{ name: 'Quote form', type: 'c', parameter: [p('value', 'quote-form')] }]);
    expect(c.tags[0]!.mapped.trigger).toEqual({ on: 'submit', selector: '#quote-form' });
  });

  it('a trigger group says what it is', () => {
    expect(planTrigger({ triggerId: '10', name: 'g', type: 'TRIGGER_GROUP' }).why).toContain('trigger group');
  });
});

describe('a click or submit trigger says where it counts differently', () => {
  it('Click – All Elements: the plan also counts a click inside the element, as the tracker does', () => {
    const m = planTrigger(trigger('CLICK', cond('EQUALS', '{{Click ID}}', 'chat')));
    expect(m.trigger).toEqual({ on: 'click', selector: '#chat' });
    expect(m.differs).toContain('also counts a click on what is inside it');
    expect(planTrigger(trigger('CLICK', cond('STARTS_WITH', '{{Click URL}}', 'tel:'))).differs).toContain('inside it');
    const parsed = parsePlan({ version: 1, name: 'T', conversions: { chat_open: { kind: 'micro', trigger: m.trigger } } } as PlanInput);
    if (!parsed.ok) throw new Error('no plan');
    document.body.innerHTML = '<button id="chat"><svg></svg><span>Chat</span></button>';
    const t = install(parsed.plan);
    click(document.querySelector('#chat span')!); // Tag Manager's Click ID here is "", not "chat"
    expect(t.names()).toEqual(['chat_open']);
  });

  it('Just Links on a tel: link is exact; on an id it says only links counted', () => {
    expect(planTrigger(trigger('LINK_CLICK', cond('STARTS_WITH', '{{Click URL}}', 'tel:')))).toEqual({ trigger: { on: 'click', selector: 'a[href^="tel:"]' } });
    expect(planTrigger(trigger('LINK_CLICK', cond('EQUALS', '{{Click ID}}', 'call'))).differs).toContain('Just Links');
  });

  it('a form trigger without Check Validation counted sends a script stopped; with it, none to say', () => {
    const form = trigger('FORM_SUBMISSION', cond('EQUALS', '{{Form ID}}', 'quote-form'));
    expect(planTrigger(form).differs).toContain('Check Validation is off');
    expect(planTrigger({ ...form, checkValidation: p('checkValidation', 'true', 'BOOLEAN') })).toEqual({ trigger: { on: 'submit', selector: '#quote-form' } });
  });

  it('the container section prints the difference under the trigger', () => {
    const c = exported([ga4('2', 'chat_open')], [trigger('CLICK', cond('CSS_SELECTOR', '{{Click Element}}', '.chat-button'))]);
    const plain = { bold: String, dim: String, green: String, yellow: String, red: String } as never;
    expect(containerNotes([c], plain)).toContain('the plan\'s trigger: a click on .chat-button\n      differs: Tag Manager counted a click only when the element clicked was itself .chat-button');
  });
});

describe('the container section says what the plan holds', () => {
  it('a trigger the draft could not keep (the tag sends a value the page computes) is not called the plan\'s', () => {
    const label = { type: 'LIST', key: 'eventSettingsTable', list: [{ type: 'MAP', map: [p('parameter', 'label'), p('parameterValue', '{{Click Text}}')] }] };
    const c = exported([ga4('2', 'cta_click', [label])], [trigger('CLICK', cond('CSS_SELECTOR', '{{Click Element}}', '.cta'))]);
    const result = draft(c.findings, 'Review');
    expect(result.plan!.conversions.cta_click!.trigger).toBeUndefined();
    const plain = { bold: String, dim: String, green: String, yellow: String, red: String } as never;
    const notes = containerNotes([c], plain, result.listeners);
    expect(notes).toContain('"GA4 – cta_click" fires on "t" → no plan trigger: its calls send values the page computes (label)');
    expect(notes).not.toContain("the plan's trigger");
  });
});

describe('tags reach the plan as Tag Manager sent them', () => {
  it('two GA4 events on one trigger are two conversions, each under its own name and with the trigger', () => {
    const form = trigger('FORM_SUBMISSION', cond('EQUALS', '{{Form ID}}', 'quote'));
    const { conversions } = drafted([ga4('2', 'generate_lead'), ga4('3', 'contact')], [{ ...form, checkValidation: p('checkValidation', 'true', 'BOOLEAN') }]);
    expect(conversions.generate_lead!.send).toEqual({ ga4: { event: 'generate_lead' } });
    expect(conversions.contact!.send).toEqual({ ga4: { event: 'contact' } });
    expect(conversions.generate_lead!.trigger).toEqual({ on: 'submit', selector: '#quote' });
    expect(conversions.contact!.trigger).toEqual({ on: 'submit', selector: '#quote' });
  });

  it('"Once per page" becomes the conversion\'s limit', () => {
    const click = trigger('LINK_CLICK', cond('STARTS_WITH', '{{Click URL}}', 'tel:'));
    const { conversions } = drafted([ga4('2', 'phone_click', [], { tagFiringOption: 'ONCE_PER_LOAD' }), ga4('3', 'sign_up', [], { firingTriggerId: ['11'] })], [click, { ...click, triggerId: '11' }]);
    expect(conversions.phone_click!.limit).toBe('once_per_page');
    expect(conversions.sign_up!.limit).toBeUndefined();
  });

  it('a GA4 event that sends the dataLayer\'s ecommerce object gets its value, currency, items and transaction id', () => {
    const ecommerce = [p('sendEcommerceData', 'true', 'BOOLEAN'), p('getEcommerceDataFrom', 'dataLayer')];
    const ce = { triggerId: '10', name: 'CE – purchase', type: 'CUSTOM_EVENT', customEventFilter: [cond('EQUALS', '{{_event}}', 'purchase')] };
    const { conversions } = drafted([ga4('2', 'purchase', ecommerce)], [ce]);
    const props = conversions.purchase!.properties!;
    expect(Object.keys(props).sort()).toEqual(['currency', 'items', 'transaction_id', 'value']);
    expect(props.value).toEqual({ type: 'number', description: 'The old tag sent: ecommerce.value in the dataLayer' });
    expect(props.items!.type).toBe('items');
    expect(conversions.purchase!.value).toBe('value');
  });
});
