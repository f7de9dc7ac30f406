/**
 * Turns the tag calls found on a site into a draft plan: one destination per vendor id, one
 * conversion per action, sent to every vendor that had it under the vendor's own name, with the
 * properties its calls carried. What the plan cannot hold is left out with the reason, and the
 * draft is checked with `parsePlan` (what it refuses is left out too), so it always validates.
 */
import { ID_FORMATS } from '../../plan/id-formats';
import { parsePlan } from '../../plan/parse';
import { PROPERTY_NAME } from '../../plan/name';
import type { ClickTrigger, ConsentPlatform, ConversionSpec, PlanInput, PropertySpec } from '../../plan/types';
import { actionName, paramUse, propertyType, RECOMMENDED, snake } from './names';
import type { Finding, Vendor } from './recognise';
import type { Value } from './values';
import { replaced, triggerOf, triggerWords, type Replaced } from './triggers';

export type { Replaced };

type Destination = keyof typeof ID_FORMATS;
type Send = NonNullable<ConversionSpec['send']>;

export interface Draft {
  /** The plan, or undefined when nothing usable was found. */
  plan?: PlanInput;
  /** Per finding, where it went: `destinations.ga4`, a conversion name, or undefined (left out: see `skip`). */
  placed: Map<Finding, string>;
  /** Findings and parts the plan cannot hold, each with why. */
  leftOut: { finding?: Finding; what: string; why: string }[];
  /** The pages, in the order given. */
  pages: string[];
  /** Currency taken from the tags, or guessed. */
  currency?: { code: string; guessed: boolean };
  /** Each listener the calls were found in (in page order): the trigger that replaces it, or why none does. */
  listeners: Replaced[];
}

interface Group {
  name: string;
  findings: Finding[];
  send: Send;
  properties: Record<string, PropertySpec>;
  value?: number;
}

const MACROS = new Set(['purchase', 'generate_lead']);

/** `cmp`: the cookie banner the pages load, when measureplan reads it itself (see banner.ts). */
export function draft(findings: Finding[], name: string, cmp?: ConsentPlatform): Draft {
  const placed = new Map<Finding, string>();
  const pages = [...new Set(findings.map((f) => f.page))];
  const leftOut: Draft['leftOut'] = [];
  const skip = (f: Finding, why: string) => { f.skip = why; leftOut.push({ finding: f, what: f.call, why }); };
  for (const f of findings) if (f.skip) leftOut.push({ finding: f, what: f.call, why: f.skip });

  const destinations: Partial<Record<Destination, string>> = {};
  for (const f of findings) {
    if (f.skip || !f.id || f.vendor === 'gtm' || f.vendor === 'dataLayer') continue;
    const format = ID_FORMATS[f.vendor];
    const have = destinations[f.vendor];
    if (have === f.id) placed.set(f, `destinations.${f.vendor}`);
    else if (!format.re.test(f.id)) { if (!f.event) skip(f, `"${f.id}" is not a ${tool(f.vendor)} id like "${format.example}"`); }
    else if (have) { if (!f.event) skip(f, `a plan has one ${tool(f.vendor)} id; the first one found (${have}) is used`); }
    else { destinations[f.vendor] = f.id; placed.set(f, `destinations.${f.vendor}`); }
  }

  const groups = new Map<string, Group>();
  const group = (n: string) => groups.get(n) ?? groups.set(n, { name: n, findings: [], send: {}, properties: {} }).get(n)!;
  const events = findings.filter((f) => f.event && !f.skip);
  const actions = new Map<Finding, string | undefined>(); // each finding's, named once (asked several times)
  const action = (f: Finding): string | undefined => {
    if (actions.has(f)) return actions.get(f);
    const e = f.event!;
    const a = e.name ? actionName(e.name) : f.vendor === 'googleAds' && e.params.has('transaction_id') ? 'purchase' : undefined;
    actions.set(f, a);
    return a;
  };
  const known = events.filter((f) => action(f) !== undefined);
  // The actions sent in each script and on each page, gathered once: looked up per finding, not
  // filtered again for each (a page of a thousand LinkedIn calls took seconds).
  const actionsIn = new Map<string, Set<string>>();
  const gather = (key: string, a: string) => (actionsIn.get(key) ?? actionsIn.set(key, new Set()).get(key)!).add(a);
  for (const k of known) { gather(`${k.page}\u0000${k.script}`, action(k)!); gather(k.page, action(k)!); }
  /** The one action sent there, if there is exactly one. */
  const only = (key: string) => { const a = actionsIn.get(key); return a?.size === 1 ? [...a][0] : undefined; };
  const noId = new Set<Vendor>();
  // The calls of one inline handler are one action (onclick="gtag('event', 'phone_click'); fbq('track', 'Contact')"),
  // and so are those of one listener (or Tag Manager trigger): named as GA4 names it when GA4 is among them, else
  // as its first call does. Where GA4 gets two events there, those are two actions, each under its own name.
  const handlerAction = new Map<string, string>();
  const where = (f: Finding) => (f.handler ? `${f.page}\u0000${f.script}` : f.listener ? `${f.page}\u0000${f.listener.key}` : undefined);
  const ga4In = new Map<string, Set<string>>();
  for (const f of known) { const w = where(f); if (w && f.vendor === 'ga4') (ga4In.get(w) ?? ga4In.set(w, new Set()).get(w)!).add(action(f)!); }
  for (const f of known) {
    const w = where(f);
    if (w && (ga4In.get(w)?.size ?? 0) < 2 && (f.vendor === 'ga4' || !handlerAction.has(w))) handlerAction.set(w, action(f)!);
  }
  for (const f of events) {
    const account = destinations.googleAds;
    if (f.vendor === 'googleAds' && account && f.id !== account) { skip(f, `its send_to names another Google Ads account than the plan's ${account}; a plan has one`); continue; }
    // A LinkedIn conversion id or an Ads label names no action: it belongs to the one action sent
    // beside it (in the same script, else on the same page), or is a conversion of its own.
    const w = where(f);
    const n = (w ? handlerAction.get(w) : undefined) ?? action(f) ?? only(`${f.page}\u0000${f.script}`) ?? only(f.page) ?? own(f);
    let target = n;
    let added = addSend(group(n), f, destinations);
    // A second Ads label or LinkedIn id for one action is a conversion action of its own there.
    if (added === 'conflict' && (f.vendor === 'googleAds' || f.vendor === 'linkedin')) added = addSend(group(target = own(f)), f, destinations);
    if (added === 'conflict') { skip(f, `"${n}" already goes to ${tool(f.vendor)} under another name`); continue; }
    if (added === 'no-id' && !noId.has(f.vendor)) {
      noId.add(f.vendor);
      leftOut.push({ finding: f, what: `every ${tool(f.vendor)} event`, why: `no ${tool(f.vendor)} id was found on these pages, so the plan sends nothing to ${tool(f.vendor)}` });
    }
    const g = group(target);
    g.findings.push(f);
    placed.set(f, target);
    addProperties(g, f, leftOut);
  }

  const currencyOf = (f: Finding): string | undefined => { const c = f.event?.params.get('currency'); return c?.kind === 'string' ? c.value : f.currency; };
  const currencies = findings.flatMap((f) => { const c = currencyOf(f); return c && /^[A-Z]{3}$/.test(c) ? [c] : []; });
  const currency = currencies.length ? { code: mostCommon(currencies), guessed: false } : undefined;
  for (const f of findings) if (f.currency && f.currency === currency?.code) placed.set(f, 'currency');
  if (!groups.size) return { placed, leftOut, pages, currency, listeners: [] };

  const macros = [...groups.values()].filter(isMacro).map((g) => g.name);
  const noTrigger = new Map<string, string>(); // conversion → why its listeners keep their code
  const conversions: Record<string, ConversionSpec> = {};
  for (const g of [...groups.values()].sort((a, b) => Number(isMacro(b)) - Number(isMacro(a)))) {
    const macro = isMacro(g);
    const c: ConversionSpec = { kind: macro ? 'macro' : 'micro', description: `Drafted from: ${[...new Set(g.findings.map(label))].join(', ')}` };
    if (!macro && macros.length) c.supports = macros;
    if (Object.keys(g.properties).length) c.properties = g.properties;
    const v = g.properties.value;
    if (v && v.type === 'number') c.value = 'value';
    else if (g.value !== undefined) c.value = g.value;
    if (Object.keys(g.send).length) c.send = g.send;
    const trigger = triggerOf(g);
    if (typeof trigger === 'string') noTrigger.set(g.name, trigger);
    else if (trigger) c.trigger = trigger;
    // Tag Manager's "Once per page" firing option on every tag of the action.
    if (g.findings.every((f) => f.oncePerPage)) c.limit = 'once_per_page';
    conversions[g.name] = c;
  }
  // Two actions with one trigger (a header's and a footer's phone link, each its own event) would
  // each count every click there: those keep their track calls. Not so for Tag Manager's tags:
  // its trigger is a condition on every click, so each of two tags on it did count every one.
  const uses = new Map<string, number>();
  const key = (c: ConversionSpec) => JSON.stringify(c.trigger);
  const fromTags = new Set([...groups.values()].filter((g) => g.findings.every((f) => f.tag)).map((g) => g.name));
  for (const c of Object.values(conversions)) if (c.trigger) uses.set(key(c), (uses.get(key(c)) ?? 0) + 1);
  for (const [n, c] of Object.entries(conversions)) {
    if (!c.trigger || uses.get(key(c))! < 2 || fromTags.has(n)) continue;
    noTrigger.set(n, `another action has the same trigger (${triggerWords(c.trigger as ClickTrigger)}): each would count every one`);
    delete c.trigger;
  }
  const needsCurrency = Object.values(conversions).some((c) => c.value !== undefined);
  const plan: PlanInput = {
    $schema: 'https://unpkg.com/measureplan/plan.schema.json',
    version: 1,
    name,
    ...(currency || needsCurrency ? { currency: (currency ?? { code: 'EUR' }).code } : {}),
    ...(Object.keys(destinations).length ? { destinations: Object.fromEntries(Object.entries(destinations).map(([d, id]) => [d, { [ID_FORMATS[d as Destination].key]: id }])) } : {}),
    consent: { default: { analytics: 'denied', ads: 'denied' }, ...(cmp && { cmp }) },
    conversions,
  };
  // What the check still refuses after pruning is a bug here: better no draft than an invalid one.
  if (!prune(plan, leftOut)) return { placed, leftOut, pages, currency, listeners: [] };
  return { plan, placed, leftOut, pages, currency: plan.currency ? currency ?? { code: plan.currency, guessed: true } : undefined, listeners: replaced(findings, placed, plan, noTrigger) };
}

/** Purchases and leads; and an action of the site's own that Google Ads counts with a value or an order id. */
const isMacro = (g: Group): boolean => MACROS.has(g.name) || (!RECOMMENDED.has(g.name)
  && g.findings.some((f) => f.vendor === 'googleAds' && (f.event!.params.has('value') || f.event!.params.has('transaction_id'))));

function own(f: Finding): string {
  const e = f.event!;
  return e.conversionId !== undefined ? `linkedin_conversion_${e.conversionId}` : snake(`google_ads_${(e.label ?? 'conversion').toLowerCase()}`);
}

const TOOLS: Record<Vendor, string> = { ga4: 'GA4', googleAds: 'Google Ads', meta: 'Meta', linkedin: 'LinkedIn', microsoftAds: 'Microsoft Ads', dataLayer: 'dataLayer', gtm: 'Google Tag Manager' };
export const tool = (v: Vendor): string => TOOLS[v];

const label = (f: Finding): string => {
  const e = f.event!;
  return `${tool(f.vendor)} ${e.label ?? (e.conversionId !== undefined ? e.conversionId : e.name)}`;
};

/** Adds the finding's send entry: `conflict` when the conversion already sends to that vendor under another name. */
function addSend(g: Group, f: Finding, destinations: Partial<Record<Destination, string>>): 'ok' | 'conflict' | 'no-id' {
  const e = f.event!;
  let entry: Record<string, unknown>;
  if (f.vendor === 'ga4' || f.vendor === 'meta') entry = { event: e.name };
  else if (f.vendor === 'googleAds') entry = { label: e.label };
  else if (f.vendor === 'linkedin') entry = { conversionId: e.conversionId };
  else if (f.vendor === 'microsoftAds') {
    entry = { event: e.name };
    for (const [k, v] of e.params) { const use = paramUse('microsoftAds', k); if ('uet' in use && v.kind === 'string') entry[use.uet] = v.value; }
  } else return 'ok'; // a dataLayer event: GTM decides where it goes
  if (!destinations[f.vendor]) return 'no-id';
  const have = g.send[f.vendor] as Record<string, unknown> | undefined;
  if (have) return JSON.stringify(have) === JSON.stringify(entry) || (f.vendor === 'microsoftAds' && have.event === entry.event) ? 'ok' : 'conflict';
  (g.send as Record<string, unknown>)[f.vendor] = entry;
  return 'ok';
}

function addProperties(g: Group, f: Finding, leftOut: Draft['leftOut']): void {
  for (const [key, v] of f.event!.params) {
    const use = paramUse(f.vendor as Vendor, key);
    if ('leave' in use) { leftOut.push({ finding: f, what: `${f.call}: ${key}`, why: use.leave }); continue; }
    if (!('prop' in use)) continue;
    const name = use.prop;
    // A fixed currency is the plan's; a fixed value is the conversion's value.
    if (name === 'currency' && v.kind === 'string') continue;
    if (name === 'value' && v.kind === 'number') { g.value ??= v.value; continue; }
    if (g.properties[name]) continue;
    if (!PROPERTY_NAME.test(name) || v.kind === 'object' || v.kind === 'null') {
      leftOut.push({ finding: f, what: `${f.call}: ${key}`, why: PROPERTY_NAME.test(name) ? 'no value the plan can describe' : 'a property name must be lower-case letters, digits and "_"' });
      continue;
    }
    const spec: PropertySpec = { type: propertyType(name, v) };
    const from = source(v);
    if (from) spec.description = `The old tag sent: ${from}`.slice(0, 120);
    g.properties[name] = spec;
  }
}

const source = (v: Value): string | undefined => (v.kind === 'expr' ? v.text : v.kind === 'string' ? JSON.stringify(v.value) : undefined);

function mostCommon(xs: string[]): string {
  const counts = new Map<string, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1])[0]![0];
}

/** Removes what `parsePlan` refuses, part by part, and lists each removal; false if the plan still fails. */
function prune(plan: PlanInput, leftOut: Draft['leftOut']): boolean {
  const conversions = plan.conversions as Record<string, ConversionSpec & Record<string, unknown>>;
  for (let round = 0; round < 50; round++) {
    const result = parsePlan(plan);
    if (result.ok) return true;
    for (const e of result.errors) {
      const m = /^conversions\.(\w+)(?:\.(send|properties)\.(\w+)|\.(\w+))?/.exec(e.path);
      const c = m && conversions[m[1]!];
      const why = e.message;
      if (c && m![2] === 'send' && c.send) { delete (c.send as Record<string, unknown>)[m![3]!]; leftOut.push({ what: `${m![1]} → ${m![3]}`, why }); }
      else if (c && m![2] === 'properties' && c.properties) {
        delete (c.properties as Record<string, unknown>)[m![3]!];
        if (c.value === m![3]) delete c.value;
        leftOut.push({ what: `${m![1]}: property ${m![3]}`, why });
      } else if (c && m![4] && m![4] !== 'kind') { delete c[m![4]]; leftOut.push({ what: `${m![1]}: ${m![4]}`, why }); }
      else if (c) { delete conversions[m![1]!]; leftOut.push({ what: m![1]!, why }); }
      else if (/^destinations\.(\w+)/.test(e.path)) { delete (plan.destinations as Record<string, unknown>)[e.path.split('.')[1]!]; leftOut.push({ what: e.path, why }); }
      else return false; // nothing this knows how to remove
    }
    if (!Object.keys(conversions).length) return false;
  }
  return false;
}
