/**
 * The measurement plan in words, for the marketer who shows it to a manager: the business
 * goals, every conversion and how it is recognised on the site, the funnels, abandonment,
 * experiments and page experience, the tools with their ids, and what happens before and
 * after consent.
 */
import type { DestinationName, NormalisedConversion, Plan, PropertySpec, SendSpec, Trigger } from '../plan/types';
import { DESTINATIONS, META_STANDARD_EVENTS } from '../plan/vocabulary';
import { code, free, join, strong, type Block, type Doc, type Rich } from './document';
import { abandonmentBlocks, experimentBlocks, funnelBlocks, linkerBlocks, vitalsBlocks } from './journey-document';
import { count, durationWords, toolName } from './words';

const LIMIT_WORDS = { once_per_page: 'once per page', once_per_session: 'once per visit (session)', once_per_user: 'once per visitor' } as const;
const ID_WORDS: Record<DestinationName, [key: string, words: string]> = {
  ga4: ['measurementId', 'Measurement ID'],
  googleAds: ['conversionId', 'Conversion ID'],
  meta: ['pixelId', 'Pixel ID'],
  linkedin: ['partnerId', 'Partner ID'],
  microsoftAds: ['tagId', 'UET tag ID'],
  collector: ['url', 'Endpoint'],
};
const CATEGORY: Record<DestinationName, 'analytics' | 'ads'> = {
  ga4: 'analytics', collector: 'analytics', googleAds: 'ads', meta: 'ads', linkedin: 'ads', microsoftAds: 'ads',
};

/** How the conversion is recognised on the site, in words. */
export function triggerWords(t: Trigger | undefined): Rich {
  if (!t) return ["tracked by the site's code"];
  switch (t.on) {
    case 'page_view': {
      const page: Rich = t.path !== undefined
        ? (t.path.includes('*') ? ['when a visitor views a page matching ', code(t.path)] : ['when a visitor views the page ', code(t.path)])
        : ['when a visitor views a page whose path matches the pattern ', code(t.regex ?? '')];
      const query = Object.entries(t.query ?? {});
      if (!query.length) return page;
      return [...page, ' with ', ...join(query.map(([k, v]) => [code(`${k}=${v}`)]), ' and '), ' in the address'];
    }
    case 'click': return ['when a visitor clicks ', code(t.selector)];
    case 'submit': return ['when a visitor submits the form ', code(t.selector)];
    case 'scroll': return [`when a visitor scrolls ${t.percent}% of the way down a page`];
    case 'visible': return t.seconds ? ['when ', code(t.selector), ` has been on screen for ${count(t.seconds, 'second')}`] : ['when ', code(t.selector), ' comes into view'];
  }
}

/** The journey part that tracks the conversion itself (`abandonment.cart.conversion`, or one named `cart_abandoned`), if any. */
function abandonedBy(c: NormalisedConversion, plan: Plan): 'cart' | 'browse' | undefined {
  return (['cart', 'browse'] as const).find((k) => plan.abandonment[k] && (plan.abandonment[k]!.conversion ?? `${k}_abandoned`) === c.name);
}
const CMP_NAMES: Record<string, string> = { tcf: 'an IAB TCF v2.2 platform', google: 'Google Consent Mode', cookiebot: 'Cookiebot', cookieinformation: 'Cookie Information', onetrust: 'OneTrust', shopify: "Shopify's Customer Privacy API" };
/** What measureplan fills in for an abandonment conversion, from the cart or the products viewed. */
const FILLED: Record<string, string> = { value: 'value', items: 'products', item_count: 'number of products', currency: 'currency' };

function recognised(c: NormalisedConversion, plan: Plan): Rich {
  const kind = abandonedBy(c, plan);
  if (kind) {
    const after = plan.abandonment[kind]!.after;
    return [`tracked by measureplan when a visitor comes back to a ${kind === 'cart' ? 'cart' : 'browse'} left for ${durationWords(after)} (see `, code(`abandonment.${kind}`), ')'];
  }
  const words = triggerWords(c.trigger);
  const key = typeof c.dedupe == 'string' ? c.dedupe : c.dedupe?.key;
  const once: Rich = key ? ['; each ', code(key), ' sent once, however often the page is loaded'] : [];
  return c.limit ? [...words, `; counted ${LIMIT_WORDS[c.limit]}`, ...once] : [...words, ...once];
}

function valueWords(c: NormalisedConversion, plan: Plan): Rich {
  const currency = plan.currency ? ` ${plan.currency}` : '';
  if (typeof c.value === 'number') return [`${c.value}${currency}`];
  if (typeof c.value === 'string') return ['the amount in the ', code(c.value), ` property${plan.currency ? ` (${plan.currency})` : ''}`];
  return ['—'];
}

/** `GA4: sign_up · Meta: Subscribe`: each tool and the name the conversion has there. */
export function sendWords(send: SendSpec): Rich {
  const parts: Rich[] = [];
  for (const d of DESTINATIONS) {
    const s = send[d];
    if (!s) continue;
    if (d === 'ga4' && send.ga4) parts.push([`GA4: ${send.ga4.event}`]);
    else if (d === 'googleAds' && send.googleAds) parts.push([`Google Ads: label ${send.googleAds.label}`]);
    else if (d === 'meta' && send.meta) parts.push([`Meta: ${send.meta.event}${META_STANDARD_EVENTS.includes(send.meta.event) ? '' : ' (custom event)'}`]);
    else if (d === 'linkedin' && send.linkedin) parts.push([`LinkedIn: conversion ${send.linkedin.conversionId}`]);
    else if (d === 'microsoftAds' && send.microsoftAds) {
      const extra = [send.microsoftAds.category && `category ${send.microsoftAds.category}`, send.microsoftAds.label && `label ${send.microsoftAds.label}`].filter(Boolean);
      parts.push([`Microsoft Ads: ${send.microsoftAds.event}${extra.length ? ` (${extra.join(', ')})` : ''}`]);
    } else parts.push([toolName(d)]);
  }
  return parts.length ? join(parts, ' · ') : ['not sent to any tool'];
}

function propertyWords(spec: PropertySpec): Rich {
  const base = { string: 'text', number: 'number', integer: 'whole number', boolean: 'yes or no', items: 'list of products' }[spec.type];
  const rules: string[] = [];
  if (spec.enum) rules.push(`one of ${spec.enum.map((v) => JSON.stringify(v)).join(', ')}`);
  if (spec.min !== undefined && spec.max !== undefined) rules.push(`from ${spec.min} to ${spec.max}`);
  else if (spec.min !== undefined) rules.push(`at least ${spec.min}`);
  else if (spec.max !== undefined) rules.push(`at most ${spec.max}`);
  if (spec.maxLength !== undefined) rules.push(`at most ${spec.maxLength} characters`);
  const words: Rich = [[base, ...rules].join(', ')];
  if (spec.pattern !== undefined) words.push(', matching the pattern ', code(spec.pattern));
  if (spec.optional) words.push(' (optional)');
  if (spec.description) words.push(': ', free(spec.description));
  return words;
}

function sourceWords(source: string | undefined, triggered: boolean): Rich {
  if (source === undefined) return [triggered ? "only when the site's code tracks it (the trigger does not fill it)" : "given by the site's code"];
  if (source === 'text') return ["the clicked element's text"];
  if (source === 'href') return ["the link's address"];
  if (source.startsWith('field:')) return ['the form field ', code(source.slice(6))];
  return ['the page attribute ', code(source)];
}

const names = (list: string[]): Rich => join(list.map((n) => [code(n)]), ', ');

export function planDocument(plan: Plan, source: string): Doc {
  const all = Object.values(plan.conversions);
  const macros = all.filter((c) => c.kind === 'macro');
  const micros = all.filter((c) => c.kind === 'micro');
  const tools = DESTINATIONS.filter((d) => plan.destinations[d]);
  const funnels = Object.keys(plan.funnels);
  const experiments = Object.keys(plan.experiments);
  const blocks: Block[] = [];
  const add = (...b: Block[]) => blocks.push(...b);

  add({ h: 1, text: [free(plan.name)] });
  add({ p: [
    'The measurement plan: what the business counts as success, the steps people take on the way, how each one is recognised on the site, and which tools receive it.',
  ] });
  add({ p: [
    [
      count(macros.length, 'business goal'), count(micros.length, 'micro conversion'), count(funnels.length, 'funnel'),
      ...(experiments.length ? [count(experiments.length, 'experiment')] : []), count(tools.length, 'tool'),
    ].join(' · '),
    plan.currency ? ` · values in ${plan.currency}` : '',
  ] });

  add({ h: 2, text: ['Business goals'], id: 'goals' });
  add({ p: ['The macro conversions: what the business earns money on. Campaigns are judged, and the ad tools bid, on these.'] });
  if (!macros.length) add({ p: ['The plan has no macro conversion yet.'] });
  for (const m of macros) {
    const steps = micros.filter((c) => c.supports.includes(m.name)).map((c) => c.name);
    add({ h: 3, text: [code(m.name)] });
    if (m.description) add({ p: [free(m.description)] });
    add({ ul: [
      [strong('Worth:'), ' ', ...(m.value === undefined ? ['no value set'] : valueWords(m, plan))],
      [strong('Recognised:'), ' ', ...recognised(m, plan)],
      [strong('Steps that lead to it:'), ' ', ...(steps.length ? names(steps) : ['no micro conversion names it yet'])],
      [strong('Sent to:'), ' ', ...sendWords(m.send)],
    ] });
  }

  add({ h: 2, text: ['All conversions'], id: 'conversions' });
  add({ p: ['Macro conversions are the business goals; micro conversions are the smaller steps that show a visitor is on the way to one.'] });
  add({ table: {
    head: ['Conversion', 'Kind', 'What it means', 'How it is recognised', 'Value', 'Supports', 'Sent to'],
    rows: all.map((c) => [
      [code(c.name)],
      [c.kind === 'macro' ? 'macro (goal)' : 'micro'],
      c.description ? [free(c.description)] : ['—'],
      recognised(c, plan),
      valueWords(c, plan),
      c.kind === 'macro' ? ['—'] : c.supports.length ? names(c.supports) : ['no goal'],
      sendWords(c.send),
    ]),
  } });

  const withProps = all.filter((c) => Object.keys(c.properties).length);
  if (withProps.length) {
    add({ h: 2, text: ['Data sent with each conversion'], id: 'data' });
    add({ p: ['What each conversion carries besides its name, and where the value comes from.'] });
    add({ table: {
      head: ['Conversion', 'Property', 'What it holds', 'Comes from'],
      rows: withProps.flatMap((c) => Object.entries(c.properties).map(([name, spec]) => [
        [code(c.name)], [code(name)], propertyWords(spec),
        abandonedBy(c, plan) && FILLED[name] ? [`filled by measureplan: the abandoned ${abandonedBy(c, plan) === 'cart' ? 'cart' : 'browse'}'s ${FILLED[name]}`] : sourceWords(c.trigger?.properties?.[name], !!c.trigger),
      ])),
    } });
  }

  add(...funnelBlocks(plan), ...abandonmentBlocks(plan, sendWords), ...experimentBlocks(plan), ...vitalsBlocks(plan), ...linkerBlocks(plan));

  add({ h: 2, text: ['Tools and their ids'], id: 'tools' });
  if (!tools.length) add({ p: ['The plan configures no tool: conversions are checked but sent nowhere.'] });
  else add({ table: {
    head: ['Tool', 'Id', 'Consent category', 'Receives'],
    rows: tools.map((d) => {
      const config = plan.destinations[d] as Record<string, unknown>;
      const [key, words] = ID_WORDS[d];
      const receives = all.filter((c) => c.send[d]).map((c) => c.name);
      const extras: string[] = [];
      if (plan.destinations.googleAds?.enhancedConversions && d === 'googleAds') extras.push('enhanced conversions on');
      if (plan.destinations.meta?.advancedMatching && d === 'meta') extras.push('advanced matching on');
      if (plan.destinations.collector?.pages && d === 'collector') extras.push('also every page view');
      // Journey signals: experiment exposures (GA4 and the collector) and Core Web Vitals (where vitals.send says).
      const signals = [
        ...(experiments.length && (d === 'ga4' || d === 'collector') ? ['experiment exposures'] : []),
        ...((plan.vitals?.send as Record<string, unknown> | undefined)?.[d] ? ['Core Web Vitals'] : []),
      ];
      return [
        [toolName(d)],
        [`${words} `, code(String(config[key])), extras.length ? ` (${extras.join(', ')})` : ''],
        [CATEGORY[d]],
        [...(receives.length ? [`${count(receives.length, 'conversion')}: `, ...names(receives)] : ['no conversion']), ...(signals.length ? [`; also ${signals.join(' and ')}`] : [])],
      ];
    }),
  } });

  add({ h: 2, text: ['Consent'], id: 'consent' });
  const def = plan.consent.default;
  add({ p: [
    'Before a visitor has decided, ', strong('analytics'), ` is ${def.analytics} and `, strong('ads'), ` is ${def.ads}. `,
    plan.consent.cmp ? `measureplan reads the visitor's choice from the site's consent platform (${CMP_NAMES[plan.consent.cmp] ?? plan.consent.cmp}) on every page.` : "The site's consent banner tells measureplan the visitor's choice on every page.",
    plan.consent.gpc === 'banner'
      ? ' A browser that sends Global Privacy Control ("do not sell or share") is left to that banner, which must read the signal itself.'
      : ' A browser that sends Global Privacy Control ("do not sell or share") keeps ads denied, whatever is chosen in the banner.',
  ] });
  const inCategory = (cat: 'analytics' | 'ads') => tools.filter((d) => CATEGORY[d] === cat).map((d) => (d === 'collector' ? 'your own collector' : toolName(d)));
  add({ ul: [
    [strong('Analytics'), ` covers ${listOr(inCategory('analytics'), 'GA4 and your own collector')}; in Google Consent Mode it is analytics_storage.`],
    [strong('Ads'), ` covers ${listOr(inCategory('ads'), 'Google Ads, Meta, LinkedIn and Microsoft Ads')}; in Google Consent Mode it is ad_storage, ad_user_data and ad_personalization.`],
  ] });
  add({ p: [
    'Until a category is granted, none of its tools is loaded, nothing of it is stored in the browser, and nothing is sent to them. ',
    "Conversions wait on the page until the visitor decides: sent when they agree, dropped when they decline or leave the page.",
    ...(def.analytics === 'granted' || def.ads === 'granted' ? [' A category granted by default is open from the first page view: make sure that is allowed where your visitors are.'] : []),
  ] });
  // The default ("skip") needs no words: crawlers are simply not visitors.
  if (plan.bots === 'measure') add({ p: ['Browsers that say they are crawlers (Googlebot, bingbot, AhrefsBot and the like) are measured like visitors, under the same consent, so they count in every tool this plan sends to.'] });

  add({ note: [`Generated by measureplan docs from ${source}. Check the plan with `, code(`npx measureplan validate ${source}`), '.'] });
  return { title: [free(plan.name), ': measurement plan'], blocks };
}

function listOr(items: string[], fallback: string): string {
  if (!items.length) return `${fallback} (none of them in this plan)`;
  return items.length === 1 ? items[0]! : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}
