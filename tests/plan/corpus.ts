/**
 * Broken plans, each with the mistake a marketer would make and what parsePlan must say about
 * it. `schema: true` marks mistakes a JSON Schema can express (ajv must reject them too).
 */
import { example, journey } from './fixtures';

type P = Record<string, any>;
export interface BrokenPlan {
  name: string;
  plan: P | string;
  path: string;
  message: RegExp;
  hint?: RegExp;
  schema: boolean;
}

const shop = (edit: (p: P) => void): P => { const p = example('webshop'); edit(p); return p; };
const lead = (edit: (p: P) => void): P => { const p = example('leadgen'); edit(p); return p; };
const trip = (edit: (p: P) => void): P => { const p = journey(); edit(p); return p; };
const c = (p: P) => p.conversions;

export const corpus: BrokenPlan[] = [
  // the plan's top level
  { name: 'version 2', plan: shop((p) => { p.version = 2; }), path: 'version', message: /must be 1/, schema: true },
  { name: 'missing version', plan: shop((p) => { delete p.version; }), path: 'version', message: /Required field "version"/, schema: true },
  { name: 'missing name', plan: shop((p) => { delete p.name; }), path: 'name', message: /Required field "name"/, schema: true },
  { name: 'empty name', plan: shop((p) => { p.name = ''; }), path: 'name', message: /must not be empty/, schema: true },
  { name: 'typo in top-level key', plan: shop((p) => { p.conversion = p.conversions; delete p.conversions; }), path: 'conversion', message: /Unknown field "conversion"/, hint: /Did you mean "conversions"/, schema: true },
  { name: 'unknown top-level key', plan: shop((p) => { p.owner = 'marketing'; }), path: 'owner', message: /Unknown field "owner"/, hint: /Known fields/, schema: true },
  { name: 'lower-case currency', plan: shop((p) => { p.currency = 'nok'; }), path: 'currency', message: /not in the expected format/, hint: /Did you mean "NOK"/, schema: true },
  { name: 'currency as a word', plan: shop((p) => { p.currency = 'kroner'; }), path: 'currency', message: /expected format/, hint: /ISO 4217/, schema: true },
  { name: 'value but no currency', plan: shop((p) => { delete p.currency; }), path: 'currency', message: /has a value, but the plan has no "currency"/, schema: false },
  { name: 'plan is a list', plan: '[1, 2]', path: '', message: /must be an object/, schema: true },
  { name: 'no conversions', plan: shop((p) => { p.conversions = {}; delete p.funnels; }), path: 'conversions', message: /no conversions/, hint: /macro conversion/, schema: false },
  // JSON syntax
  { name: 'trailing comma', plan: '{\n  "version": 1,\n  "name": "x",\n}', path: '', message: /not valid JSON \(line 4, column 1\)/, hint: /comma/, schema: false },
  { name: 'missing comma', plan: '{\n  "version": 1\n  "name": "x"\n}', path: '', message: /not valid JSON \(line 3, column 3\)/, schema: false },
  { name: 'single quotes', plan: "{ 'version': 1 }", path: '', message: /not valid JSON \(line 1, column 3\)/, schema: false },
  { name: 'empty file', plan: '', path: '', message: /not valid JSON/, schema: false },
  // destinations and vendor ids
  { name: 'GA4 id in lower case', plan: shop((p) => { p.destinations.ga4.measurementId = 'g-f1x2y3z4w5'; }), path: 'destinations.ga4.measurementId', message: /expected format/, hint: /Did you mean "G-F1X2Y3Z4W5"/, schema: true },
  { name: 'Universal Analytics id for GA4', plan: shop((p) => { p.destinations.ga4.measurementId = 'UA-12345-1'; }), path: 'destinations.ga4.measurementId', message: /expected format/, hint: /start with "G-"/, schema: true },
  { name: 'GA4 id with script injection', plan: shop((p) => { p.destinations.ga4.measurementId = 'G-ABC"><script>'; }), path: 'destinations.ga4.measurementId', message: /expected format/, schema: true },
  { name: 'Google Ads id without AW-', plan: shop((p) => { p.destinations.googleAds.conversionId = '123456789'; }), path: 'destinations.googleAds.conversionId', message: /expected format/, hint: /Did you mean "AW-123456789"/, schema: true },
  { name: 'Google Ads id with label', plan: shop((p) => { p.destinations.googleAds.conversionId = 'AW-123456789/AbC-D_efG1'; }), path: 'destinations.googleAds.conversionId', message: /expected format|Only the "AW-…" part/, hint: /send\.googleAds\.label|AW-123456789/, schema: true },
  { name: 'Meta pixel id as a number', plan: shop((p) => { p.destinations.meta.pixelId = 123456789012345; }), path: 'destinations.meta.pixelId', message: /must be a text, not the number/, hint: /in quotes/, schema: true },
  { name: 'Meta pixel id with letters', plan: shop((p) => { p.destinations.meta.pixelId = 'px-12345'; }), path: 'destinations.meta.pixelId', message: /expected format/, hint: /10 to 20 digits/, schema: true },
  { name: 'LinkedIn partner id with letters', plan: shop((p) => { p.destinations.linkedin.partnerId = 'li_123'; }), path: 'destinations.linkedin.partnerId', message: /expected format/, hint: /digits/, schema: true },
  { name: 'Microsoft tag id too short', plan: shop((p) => { p.destinations.microsoftAds.tagId = '12'; }), path: 'destinations.microsoftAds.tagId', message: /expected format/, hint: /UET tag id/, schema: true },
  { name: 'unknown destination', plan: shop((p) => { p.destinations.tiktok = { pixelId: 'x' }; }), path: 'destinations.tiktok', message: /Unknown field "tiktok"/, hint: /Known fields: "ga4"/, schema: true },
  { name: 'destination typo', plan: shop((p) => { p.destinations.googleads = p.destinations.googleAds; delete p.destinations.googleAds; }), path: 'destinations.googleads', message: /Unknown field/, hint: /Did you mean "googleAds"/, schema: true },
  { name: 'collector url protocol-relative', plan: shop((p) => { p.destinations.collector.url = '//evil.example/collect'; }), path: 'destinations.collector.url', message: /expected format/, hint: /\/collect/, schema: true },
  // Browsers read a backslash as a slash in http(s) URLs: "/\\evil.example" is another host too.
  { name: 'collector url protocol-relative with a backslash', plan: shop((p) => { p.destinations.collector.url = '/\\evil.example/collect'; }), path: 'destinations.collector.url', message: /expected format/, hint: /\/collect/, schema: true },
  { name: 'collector url javascript:', plan: shop((p) => { p.destinations.collector.url = 'javascript:alert(1)'; }), path: 'destinations.collector.url', message: /expected format/, schema: true },
  { name: 'enhancedConversions as text', plan: lead((p) => { p.destinations.googleAds.enhancedConversions = 'true'; }), path: 'destinations.googleAds.enhancedConversions', message: /true or false/, hint: /without quotes/, schema: true },
  // consent
  { name: 'consent typo', plan: shop((p) => { p.consent.default.analytics = 'grant'; }), path: 'consent.default.analytics', message: /not allowed here/, hint: /Did you mean "granted"/, schema: true },
  { name: 'consent category unknown', plan: shop((p) => { p.consent.default.marketing = 'denied'; }), path: 'consent.default.marketing', message: /Unknown field "marketing"/, hint: /"analytics", "ads"/, schema: true },
  // conversions
  { name: 'kind typo', plan: shop((p) => { c(p).newsletter_signup.kind = 'mikro'; }), path: 'conversions.newsletter_signup.kind', message: /not allowed here/, hint: /Did you mean "micro"/, schema: true },
  { name: 'missing kind', plan: shop((p) => { delete c(p).phone_click.kind; }), path: 'conversions.phone_click.kind', message: /Required field "kind"/, schema: true },
  { name: 'conversion name with æ, ø, å', plan: shop((p) => { c(p)['kjøp_nå'] = c(p).newsletter_signup; }), path: 'conversions["kjøp_nå"]', message: /not a valid name/, hint: /Did you mean "kjop_na"\?.*no æ, ø, å/, schema: true },
  { name: 'conversion name with spaces', plan: shop((p) => { c(p)['Newsletter Signup'] = c(p).newsletter_signup; }), path: 'conversions["Newsletter Signup"]', message: /not a valid name/, hint: /lower-case/, schema: true },
  { name: 'typo in conversion field', plan: shop((p) => { c(p).purchase.sned = c(p).purchase.send; delete c(p).purchase.send; }), path: 'conversions.purchase.sned', message: /Unknown field "sned"/, hint: /Did you mean "send"/, schema: true },
  { name: 'unknown property type', plan: shop((p) => { c(p).purchase.properties.value.type = 'float'; }), path: 'conversions.purchase.properties.value.type', message: /not allowed here/, hint: /"number"/, schema: true },
  { name: 'min on a string property', plan: shop((p) => { c(p).purchase.properties.transaction_id.min = 1; }), path: 'conversions.purchase.properties.transaction_id.min', message: /does not apply to a string property/, hint: /number and integer/, schema: false },
  { name: 'min larger than max', plan: shop((p) => { Object.assign(c(p).add_to_cart.properties.quantity, { min: 5, max: 2 }); }), path: 'conversions.add_to_cart.properties.quantity.min', message: /larger than "max"/, schema: false },
  { name: 'broken pattern', plan: lead((p) => { c(p).demo_request.properties.lead_id.pattern = '^[A-Z'; }), path: 'conversions.demo_request.properties.lead_id.pattern', message: /not a valid regular expression/, schema: false },
  { name: 'enum value of wrong type', plan: lead((p) => { c(p).demo_request.properties.company_size.enum = ['1-10', 50]; }), path: 'conversions.demo_request.properties.company_size.enum[1]', message: /does not match the property's type/, schema: false },
  { name: 'value names unknown property', plan: shop((p) => { c(p).purchase.value = 'total'; }), path: 'conversions.purchase.value', message: /not a property of this conversion/, hint: /Its properties/, schema: false },
  { name: 'value as a price with a decimal comma', plan: shop((p) => { c(p).newsletter_signup.value = '15,50'; }), path: 'conversions.newsletter_signup.value', message: /not in the expected format/, hint: /without quotes or currency, with a decimal point: 15\.50/, schema: true },
  { name: 'value as a price with its currency', plan: shop((p) => { c(p).newsletter_signup.value = '15 kr'; }), path: 'conversions.newsletter_signup.value', message: /not in the expected format/, hint: /: 15 \(the currency is the plan's "currency"\)/, schema: true },
  { name: 'value names the items list', plan: shop((p) => { c(p).purchase.value = 'items'; }), path: 'conversions.purchase.value', message: /names "items", a list of products \(items\) property/, hint: /order's total/, schema: false },
  { name: 'value names a string property', plan: shop((p) => { c(p).purchase.value = 'transaction_id'; }), path: 'conversions.purchase.value', message: /a string property; it must name a number/, schema: false },
  { name: 'negative constant value', plan: shop((p) => { c(p).newsletter_signup.value = -5; }), path: 'conversions.newsletter_signup.value', message: /out of range: at least 0/, schema: true },
  { name: 'value as quoted number', plan: shop((p) => { c(p).newsletter_signup.value = '15'; }), path: 'conversions.newsletter_signup.value', message: /expected format/, hint: /without quotes/, schema: true },
  { name: 'supports names a micro conversion', plan: shop((p) => { c(p).phone_click.supports = ['newsletter_signup']; }), path: 'conversions.phone_click.supports[0]', message: /is a micro conversion/, hint: /"purchase"/, schema: false },
  { name: 'supports names unknown conversion', plan: shop((p) => { c(p).phone_click.supports = ['purchse']; }), path: 'conversions.phone_click.supports[0]', message: /not a conversion in this plan/, hint: /Did you mean "purchase"/, schema: false },
  { name: 'supports on a macro', plan: shop((p) => { c(p).purchase.supports = ['purchase']; }), path: 'conversions.purchase.supports', message: /only for micro conversions/, schema: false },
  { name: 'supports is a text', plan: shop((p) => { c(p).phone_click.supports = 'purchase'; }), path: 'conversions.phone_click.supports', message: /must be a list/, schema: true },
  { name: 'limit typo', plan: shop((p) => { c(p).visited_pricing.limit = 'once_per_visit'; }), path: 'conversions.visited_pricing.limit', message: /not allowed here/, hint: /Did you mean "once_per_/, schema: true },
  // triggers
  { name: 'trigger on typo', plan: shop((p) => { c(p).phone_click.trigger.on = 'clik'; }), path: 'conversions.phone_click.trigger.on', message: /not allowed here/, hint: /Did you mean "click"/, schema: true },
  { name: 'trigger without on', plan: shop((p) => { delete c(p).phone_click.trigger.on; }), path: 'conversions.phone_click.trigger.on', message: /Required field/, hint: /"page_view"/, schema: true },
  { name: 'click trigger without selector', plan: shop((p) => { delete c(p).phone_click.trigger.selector; }), path: 'conversions.phone_click.trigger.selector', message: /Required field "selector"/, schema: true },
  { name: 'submit trigger with empty selector', plan: shop((p) => { c(p).newsletter_signup.trigger.selector = ''; }), path: 'conversions.newsletter_signup.trigger.selector', message: /must not be empty/, schema: true },
  { name: 'page_view trigger without path', plan: shop((p) => { delete c(p).visited_pricing.trigger.path; }), path: 'conversions.visited_pricing.trigger.path', message: /needs "path"/, schema: false },
  { name: 'page_view path without slash', plan: shop((p) => { c(p).visited_pricing.trigger.path = 'pricing'; }), path: 'conversions.visited_pricing.trigger.path', message: /expected format/, hint: /starts with "\/"/, schema: true },
  { name: 'page_view path with a query string', plan: shop((p) => { c(p).visited_pricing.trigger.path = '/pricing?plan=pro'; }), path: 'conversions.visited_pricing.trigger.path', message: /never holds "\?"/, hint: /under "query"/, schema: false },
  { name: 'page_view path with a #hash', plan: shop((p) => { c(p).visited_pricing.trigger.path = '/pricing#teams'; }), path: 'conversions.visited_pricing.trigger.path', message: /can never match/, hint: /after "#" is not matched/, schema: false },
  { name: 'selector on a page_view trigger', plan: shop((p) => { c(p).visited_pricing.trigger.selector = 'body'; }), path: 'conversions.visited_pricing.trigger.selector', message: /Unknown field "selector"/, schema: true },
  { name: 'scroll percent over 100', plan: lead((p) => { c(p).case_study_read.trigger = { on: 'scroll', percent: 150 }; }), path: 'conversions.case_study_read.trigger.percent', message: /out of range: from 1 to 100/, schema: true },
  { name: 'invalid trigger regex', plan: shop((p) => { c(p).visited_pricing.trigger = { on: 'page_view', regex: '(' }; }), path: 'conversions.visited_pricing.trigger.regex', message: /not a valid regular expression/, schema: false },
  { name: 'trigger fills unknown property', plan: shop((p) => { c(p).add_to_cart.trigger.properties.sku = 'data-sku'; }), path: 'conversions.add_to_cart.trigger.properties.sku', message: /not a property of this conversion/, schema: false },
  { name: 'trigger property source unknown', plan: shop((p) => { c(p).add_to_cart.trigger.properties.item_id = 'sku'; }), path: 'conversions.add_to_cart.trigger.properties.item_id', message: /expected format/, hint: /data-<attribute>/, schema: true },
  { name: 'field source on a click trigger', plan: shop((p) => { c(p).add_to_cart.trigger.properties.item_id = 'field:sku'; }), path: 'conversions.add_to_cart.trigger.properties.item_id', message: /only a submit trigger/, schema: false },
  // send
  { name: 'send to unconfigured destination', plan: lead((p) => { c(p).demo_request.send.meta = { event: 'Lead' }; }), path: 'conversions.demo_request.send.meta', message: /does not configure meta/, hint: /Add destinations\.meta/, schema: false },
  { name: 'send to unknown destination', plan: shop((p) => { c(p).purchase.send.tiktok = {}; }), path: 'conversions.purchase.send.tiktok', message: /Unknown field "tiktok"/, schema: true },
  { name: 'GA4 event name with spaces', plan: shop((p) => { c(p).purchase.send.ga4.event = 'order complete'; }), path: 'conversions.purchase.send.ga4.event', message: /expected format/, hint: /digits and underscores/, schema: true },
  { name: 'GA4 event name too long', plan: shop((p) => { c(p).purchase.send.ga4.event = 'a'.repeat(41); }), path: 'conversions.purchase.send.ga4.event', message: /expected format/, schema: true },
  { name: 'GA4 reserved event', plan: shop((p) => { c(p).phone_click.send.ga4.event = 'click'; }), path: 'conversions.phone_click.send.ga4.event', message: /reserved by GA4/, schema: false },
  { name: 'GA4 reserved prefix', plan: shop((p) => { c(p).phone_click.send.ga4.event = 'google_call'; }), path: 'conversions.phone_click.send.ga4.event', message: /prefix GA4 reserves/, schema: false },
  { name: 'Meta event in wrong case', plan: shop((p) => { c(p).purchase.send.meta.event = 'purchase'; }), path: 'conversions.purchase.send.meta.event', message: /only in capitals/, hint: /Did you mean "Purchase"/, schema: false },
  { name: 'Meta Purchase without value', plan: shop((p) => { delete c(p).purchase.value; }), path: 'conversions.purchase.send.meta.event', message: /requires a value and currency/, schema: false },
  { name: 'Meta event typo in field', plan: shop((p) => { c(p).purchase.send.meta = { eventName: 'Purchase' }; }), path: 'conversions.purchase.send.meta.eventName', message: /Unknown field "eventName"/, hint: /Did you mean "event"|Known fields: "event"/, schema: true },
  { name: 'LinkedIn conversionId as text', plan: shop((p) => { c(p).visited_pricing.send.linkedin.conversionId = '22222'; }), path: 'conversions.visited_pricing.send.linkedin.conversionId', message: /must be a whole number/, hint: /without quotes/, schema: true },
  { name: 'LinkedIn conversionId fractional', plan: shop((p) => { c(p).visited_pricing.send.linkedin.conversionId = 2.5; }), path: 'conversions.visited_pricing.send.linkedin.conversionId', message: /must be a whole number/, schema: true },
  { name: 'Google Ads label with slash', plan: shop((p) => { c(p).purchase.send.googleAds.label = 'AW-123456789/AbC'; }), path: 'conversions.purchase.send.googleAds.label', message: /expected format/, hint: /part after the slash/, schema: true },
  { name: 'Microsoft Ads entry without event', plan: shop((p) => { c(p).purchase.send.microsoftAds = { category: 'checkout' }; }), path: 'conversions.purchase.send.microsoftAds.event', message: /Required field "event"/, schema: true },
  { name: 'collector entry with options', plan: shop((p) => { c(p).purchase.send.collector = { batch: true }; }), path: 'conversions.purchase.send.collector.batch', message: /Unknown field "batch"/, schema: true },
  // exactly once
  { name: 'dedupe names an unknown property', plan: shop((p) => { c(p).purchase.dedupe = 'order_id'; }), path: 'conversions.purchase.dedupe', message: /not a property of this conversion/, hint: /Its properties/, schema: false },
  { name: 'dedupe object with unknown key property', plan: shop((p) => { c(p).purchase.dedupe = { key: 'transaction_idd', days: 30 }; }), path: 'conversions.purchase.dedupe.key', message: /not a property/, hint: /Did you mean "transaction_id"/, schema: false },
  { name: 'dedupe days zero', plan: shop((p) => { c(p).purchase.dedupe = { key: 'transaction_id', days: 0 }; }), path: 'conversions.purchase.dedupe.days', message: /out of range/, schema: true },
  { name: 'dedupe with a typo field', plan: shop((p) => { c(p).purchase.dedupe = { property: 'transaction_id' }; }), path: 'conversions.purchase.dedupe.property', message: /Unknown field "property"/, schema: true },
  // consent platform
  { name: 'unknown consent platform', plan: shop((p) => { p.consent.cmp = 'cookiebott'; }), path: 'consent.cmp', message: /not allowed here/, hint: /Did you mean "cookiebot"/, schema: true },
  // Global Privacy Control
  { name: 'gpc as true', plan: shop((p) => { p.consent.gpc = true; }), path: 'consent.gpc', message: /must be a text, not the boolean true/, hint: /Did you mean "deny-ads"\? .*"banner" leaves it to your consent banner/, schema: true },
  { name: 'gpc as false', plan: shop((p) => { p.consent.gpc = false; }), path: 'consent.gpc', message: /not the boolean false/, hint: /Did you mean "banner"\?/, schema: true },
  { name: 'gpc misspelt', plan: shop((p) => { p.consent.gpc = 'deny_ads'; }), path: 'consent.gpc', message: /not allowed here; use one of "deny-ads", "banner"/, hint: /Did you mean "deny-ads"/, schema: true },
  // declared crawlers
  { name: 'bots as false', plan: shop((p) => { p.bots = false; }), path: 'bots', message: /must be a text, not the boolean false/, hint: /Did you mean "skip"\? "skip" \(the default\) stores and sends nothing for a browser that says it is a crawler; "measure" measures it like a visitor/, schema: true },
  { name: 'bots as true', plan: shop((p) => { p.bots = true; }), path: 'bots', message: /not the boolean true/, hint: /Did you mean "measure"\?/, schema: true },
  { name: 'bots misspelt', plan: shop((p) => { p.bots = 'skp'; }), path: 'bots', message: /not allowed here; use one of "skip", "measure"/, hint: /Did you mean "skip"/, schema: true },
  { name: 'bots another word', plan: shop((p) => { p.bots = 'exclude'; }), path: 'bots', message: /not allowed here/, hint: /Allowed values: "skip", "measure"/, schema: true },
  // funnels
  { name: 'funnel step unknown', plan: shop((p) => { p.funnels.checkout = ['view_item', 'add_to_basket', 'begin_checkout', 'purchase']; }), path: 'funnels.checkout[1]', message: /not a conversion in this plan/, hint: /Did you mean "add_to_cart"/, schema: false },
  { name: 'funnel with one step', plan: shop((p) => { p.funnels.checkout = ['purchase']; }), path: 'funnels.checkout', message: /at least 2 entries/, schema: true },
  { name: 'funnel step repeated', plan: shop((p) => { p.funnels.checkout = ['view_item', 'purchase', 'view_item']; }), path: 'funnels.checkout[2]', message: /more than once|twice|again/, schema: false },
  { name: 'funnel as a text', plan: shop((p) => { p.funnels.checkout = 'view_item'; }), path: 'funnels.checkout', message: /must be a list \(\[ … \]\) or an object/, hint: /"steps"/, schema: true },
  { name: 'funnel object without steps', plan: shop((p) => { p.funnels.checkout = { first: 'view_item' }; }), path: 'funnels.checkout.steps', message: /Required field "steps"/, schema: true },
  { name: 'funnel object with a field typo', plan: trip((p) => { p.funnels.pricing.window = '24h'; }), path: 'funnels.pricing.window', message: /Unknown field "window"/, hint: /"within"/, schema: true },
  { name: 'funnel object with one step', plan: trip((p) => { p.funnels.pricing.steps = ['newsletter_signup']; }), path: 'funnels.pricing.steps', message: /at least 2 entries/, schema: true },
  { name: 'funnel object step unknown', plan: trip((p) => { p.funnels.pricing.steps[0] = 'visited_pricng'; }), path: 'funnels.pricing.steps[0]', message: /Funnel step "visited_pricng" is not a conversion/, hint: /Did you mean "visited_pricing"/, schema: false },
  { name: 'funnel object step repeated', plan: trip((p) => { p.funnels.pricing.steps = ['visited_pricing', 'newsletter_signup', 'visited_pricing']; }), path: 'funnels.pricing.steps[2]', message: /more than once/, schema: false },
  { name: 'funnel window in words', plan: trip((p) => { p.funnels.pricing.within = '24 hours'; }), path: 'funnels.pricing.within', message: /expected format/, hint: /Did you mean "24h"/, schema: true },
  { name: 'funnel window in weeks', plan: trip((p) => { p.funnels.pricing.within = '2 weeks'; }), path: 'funnels.pricing.within', message: /expected format/, hint: /Did you mean "14d"/, schema: true },
  { name: 'funnel window as a bare number', plan: trip((p) => { p.funnels.pricing.within = 24; }), path: 'funnels.pricing.within', message: /must be a text, not the number 24/, hint: /"24h" for 24 hours/, schema: true },
  { name: 'funnel window of zero', plan: trip((p) => { p.funnels.pricing.within = '0h'; }), path: 'funnels.pricing.within', message: /expected format/, hint: /"30m", "1h" or "14d"/, schema: true },
  { name: 'funnel step in capitals', plan: trip((p) => { p.funnels.checkout[0] = 'View_Item'; }), path: 'funnels.checkout[0]', message: /expected format/, hint: /Did you mean "view_item"/, schema: true },
  // abandonment
  { name: 'cart add unknown', plan: trip((p) => { p.abandonment.cart.add = 'add_to_basket'; }), path: 'abandonment.cart.add', message: /"add" names "add_to_basket", which is not a conversion/, hint: /Did you mean "add_to_cart"/, schema: false },
  { name: 'cart remove unknown', plan: trip((p) => { p.abandonment.cart.remove = 'remove_from_crt'; }), path: 'abandonment.cart.remove', message: /not a conversion in this plan/, hint: /Did you mean "remove_from_cart"/, schema: false },
  { name: 'cart conversion not in the plan', plan: trip((p) => { p.abandonment.cart.conversion = 'left_cart_reminder'; }), path: 'abandonment.cart.conversion', message: /"conversion" names "left_cart_reminder"/, hint: /Add a conversion "left_cart_reminder".*a cart abandoned.*or leave "conversion" out/, schema: false },
  { name: 'cart completed by the conversion that fills it', plan: trip((p) => { p.abandonment.cart.complete = 'add_to_cart'; }), path: 'abandonment.cart.complete', message: /same conversion as "add"/, hint: /"complete" the order/, schema: false },
  { name: 'cart completed by a micro conversion', plan: trip((p) => { p.abandonment.cart.complete = 'begin_checkout'; }), path: 'abandonment.cart.complete', message: /a micro conversion; a cart is completed by a macro conversion/, hint: /"purchase"/, schema: false },
  { name: 'cart without complete', plan: trip((p) => { delete p.abandonment.cart.complete; }), path: 'abandonment.cart.complete', message: /Required field "complete"/, schema: true },
  { name: 'cart delay in words', plan: trip((p) => { p.abandonment.cart.after = '2 hours'; }), path: 'abandonment.cart.after', message: /expected format/, hint: /Did you mean "2h"/, schema: true },
  { name: 'cart with an unknown field', plan: trip((p) => { p.abandonment.cart.delay = '2h'; }), path: 'abandonment.cart.delay', message: /Unknown field "delay"/, hint: /Known fields: "add", "remove", "complete", "after", "conversion"/, schema: true },
  { name: 'browse view unknown', plan: trip((p) => { p.abandonment.browse.view = 'product_view'; }), path: 'abandonment.browse.view', message: /"view" names "product_view"/, hint: /Conversions: |Did you mean/, schema: false },
  { name: 'browse cancel unknown', plan: trip((p) => { p.abandonment.browse.cancel = ['add_to_cart', 'purchace']; }), path: 'abandonment.browse.cancel[1]', message: /"cancel" names "purchace"/, hint: /Did you mean "purchase"/, schema: false },
  { name: 'browse cancel empty', plan: trip((p) => { p.abandonment.browse.cancel = []; }), path: 'abandonment.browse.cancel', message: /at least 1 entry\./, schema: true },
  { name: 'browse min zero', plan: trip((p) => { p.abandonment.browse.min = 0; }), path: 'abandonment.browse.min', message: /out of range: from 1 to 50/, schema: true },
  { name: 'browse min fractional', plan: trip((p) => { p.abandonment.browse.min = 1.5; }), path: 'abandonment.browse.min', message: /must be a whole number/, schema: true },
  { name: 'abandonment of an unknown kind', plan: trip((p) => { p.abandonment.checkout = { add: 'begin_checkout', complete: 'purchase' }; }), path: 'abandonment.checkout', message: /Unknown field "checkout"/, hint: /Known fields: "cart", "browse"/, schema: true },
  // experiments
  { name: 'experiment with one variant', plan: trip((p) => { p.experiments.free_shipping_banner = { variants: ['banner'], goal: 'purchase' }; }), path: 'experiments.free_shipping_banner.variants', message: /at least 2 entries/, hint: /the control \(first\) with at least one other variant/, schema: true },
  { name: 'experiment with eleven variants', plan: trip((p) => { p.experiments.free_shipping_banner.variants = 'abcdefghijk'.split(''); delete p.experiments.free_shipping_banner.weights; }), path: 'experiments.free_shipping_banner.variants', message: /at most 10 entries/, hint: /test fewer/, schema: true },
  { name: 'variant name with a space', plan: trip((p) => { p.experiments.free_shipping_banner.variants[1] = 'free banner'; }), path: 'experiments.free_shipping_banner.variants[1]', message: /expected format/, hint: /letters, digits, "-" and "_"/, schema: true },
  { name: 'variant listed twice', plan: trip((p) => { p.experiments.free_shipping_banner.variants = ['control', 'banner', 'control']; p.experiments.free_shipping_banner.weights = [1, 1, 1]; }), path: 'experiments.free_shipping_banner.variants[2]', message: /Variant "control" appears more than once/, hint: /its own name/, schema: false },
  { name: 'fewer weights than variants', plan: trip((p) => { p.experiments.free_shipping_banner.weights = [100]; }), path: 'experiments.free_shipping_banner.weights', message: /1 weight for 2 variants; it needs one weight per variant/, hint: /leave "weights" out/, schema: false },
  { name: 'weight of zero', plan: trip((p) => { p.experiments.free_shipping_banner.weights = [100, 0]; }), path: 'experiments.free_shipping_banner.weights[1]', message: /0 is out of range: it must be more than 0/, hint: /relative shares/, schema: true },
  { name: 'weight as a percentage text', plan: trip((p) => { p.experiments.free_shipping_banner.weights = ['50%', '50%']; }), path: 'experiments.free_shipping_banner.weights[0]', message: /must be a number/, hint: /without quotes or %: 50\./, schema: true },
  { name: 'experiment goal unknown', plan: trip((p) => { p.experiments.free_shipping_banner.goal = 'purchse'; }), path: 'experiments.free_shipping_banner.goal', message: /The goal "purchse" is not a conversion/, hint: /Did you mean "purchase"/, schema: false },
  { name: 'experiment goal a micro conversion', plan: trip((p) => { p.experiments.free_shipping_banner.goal = 'add_to_cart'; }), path: 'experiments.free_shipping_banner.goal', message: /is a micro conversion; an experiment is judged on a macro conversion/, hint: /Macro conversions: "purchase"/, schema: false },
  { name: 'experiment name with capitals', plan: trip((p) => { p.experiments['Free Shipping'] = p.experiments.free_shipping_banner; }), path: 'experiments["Free Shipping"]', message: /not a valid name/, schema: true },
  { name: 'experiment without variants', plan: trip((p) => { delete p.experiments.free_shipping_banner.variants; delete p.experiments.free_shipping_banner.weights; }), path: 'experiments.free_shipping_banner.variants', message: /Required field "variants"/, schema: true },
  { name: 'experiment with a field typo', plan: trip((p) => { p.experiments.free_shipping_banner.goals = 'purchase'; }), path: 'experiments.free_shipping_banner.goals', message: /Unknown field "goals"/, hint: /Did you mean "goal"/, schema: true },
  // page experience
  { name: 'page experience sent nowhere', plan: trip((p) => { p.vitals.send = {}; }), path: 'vitals.send', message: /Page experience is sent nowhere/, hint: /"ga4": \{\} or "collector": \{\}/, schema: false },
  { name: 'page experience to an ad platform', plan: trip((p) => { p.vitals.send.meta = {}; }), path: 'vitals.send.meta', message: /Unknown field "meta"/, hint: /Known fields: "ga4", "collector"/, schema: true },
  { name: 'page experience to an unconfigured GA4', plan: lead((p) => { delete p.destinations.ga4; for (const x of Object.values<any>(p.conversions)) delete x.send?.ga4; p.vitals = { send: { ga4: {} } }; }), path: 'vitals.send.ga4', message: /Page experience is sent to ga4, but "destinations" does not configure ga4/, hint: /Add destinations\.ga4/, schema: false },
  { name: 'page experience without send', plan: trip((p) => { p.vitals = { attribution: true }; }), path: 'vitals.send', message: /Required field "send"/, schema: true },
  { name: 'page experience with a GA4 event name', plan: trip((p) => { p.vitals.send.ga4 = { event: 'web_vitals' }; }), path: 'vitals.send.ga4.event', message: /Unknown field "event"/, schema: true },
  { name: 'attribution as text', plan: trip((p) => { p.vitals.attribution = 'yes'; }), path: 'vitals.attribution', message: /true or false/, schema: true },
];
