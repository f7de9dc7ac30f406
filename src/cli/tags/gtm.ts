/**
 * A Google Tag Manager container export (Admin → Export container) read as the tags a site
 * sends: each tag becomes the same `Finding`s the page scanner makes, so drafting, merging across
 * tools, naming and checking are the page's. A Custom HTML tag is a page fragment and goes
 * through the scanner itself. A tag's firing trigger becomes a plan trigger where it is exact
 * (gtm-triggers.ts).
 *
 * What this relies on, checked against public sources (none of them copied):
 * - The file: `{ exportFormatVersion: 2, containerVersion: { container: { publicId: 'GTM-…' },
 *   tag: […], trigger: […], variable: […] } }`, enums in upper case (`CUSTOM_EVENT`, `EQUALS`,
 *   `TEMPLATE`, `LIST`, `MAP`), ids as strings. Seen in public exports: phonRathana/
 *   Google-gtag.js-setting GTM-TJ9ZT8S_v8.json.js (gaawc tags with `measurementId`, `"paused":
 *   true`, All Pages as firing trigger "2147479553") and a shop's export GTM-TNM9JZ3S in the code
 *   index (gaawe with `eventName`, `measurementIdOverride` and `eventSettingsTable` rows of
 *   `parameter`/`parameterValue`; googtag with `tagId`; html with `html`; CUSTOM_EVENT triggers
 *   with `customEventFilter` `{{_event}}` EQUALS; CLICK and LINK_CLICK with `filter`; constant
 *   variables, type "c", with a `value` parameter).
 * - Tag, Trigger, Condition and Parameter: the Tag Manager API v2 reference
 *   (developers.google.com/tag-platform/tag-manager/api/reference/rest/v2: Tag.paused,
 *   firingTriggerId, blockingTriggerId, consentSettings { consentStatus, consentType }; a
 *   Condition's `arg0` (a variable) and `arg1`, boolean `negate` and `ignore_case`; condition
 *   types equals … cssSelector). The API writes enums in lower camel case: both are read.
 * - Older GA4 event tags name their parameters in an `eventParameters` list of `name`/`value`
 *   rows and their config tag with a TAG_REFERENCE `measurementId` (several public exports).
 * - awct (Google Ads conversion): `conversionId` (digits, sometimes written AW-…),
 *   `conversionLabel`, `conversionValue`, `currencyCode`, `orderId`: public code that builds
 *   these tags through the API. baut (Microsoft UET): `tagId`, `eventType` PAGE_LOAD for the
 *   base tag, VARIABLE_REVENUE with `goalValue` (public container generators); its custom-event
 *   fields were not confirmed, so such tags are listed, not read.
 * - No built-in LinkedIn Insight type id could be confirmed: it arrives as Custom HTML (read) or
 *   as a community template (`cvt_…`, listed as not read).
 */
import { UsageError } from '../io';
import { readPage, readScript } from './page';
import { recogniseIn, type Bound, type Finding } from './recognise';
import { norm, paramValue, planTrigger, type GtmTrigger, type Mapped, type Param, type Resolve } from './gtm-triggers';
import type { Value } from './values';

interface GtmTag {
  tagId?: string; name?: string; type?: string; parameter?: Param[];
  firingTriggerId?: string[]; blockingTriggerId?: string[]; paused?: boolean;
  /** `ONCE_PER_EVENT` (the default), `ONCE_PER_LOAD` ("Once per page") or `UNLIMITED`. */
  tagFiringOption?: string;
  consentSettings?: { consentStatus?: string; consentType?: Param };
}
interface GtmVariable { name?: string; type?: string; parameter?: Param[] }

/** What the export holds besides findings: said in the output. */
export interface Container {
  file: string;
  publicId?: string;
  findings: Finding[];
  /** Per tag that made findings: its firing trigger in the plan's words. */
  tags: { name: string; trigger: string; mapped: Mapped }[];
  paused: string[];
  notRead: { name: string; why: string }[];
  /** Tags that wait for consent in GTM: `"Ads – purchase" waits for ad_storage`. */
  consent: string[];
}

const ALL_PAGES = '2147479553';
const EXPORT_HINT = 'In Tag Manager: Admin → Export container, choose the published version, and pass the file it saves.';

/** The container in a file's text; undefined when the text is not JSON (a page). Broken or other JSON is a usage error. */
export function readExport(file: string, text: string): Container | undefined {
  // A page may start with a brace too (`{% comment %}` in a theme): JSON opens with `{ "`.
  if (!/^\uFEFF?\s*\{\s*("|\})/.test(text) && !/\.json$/i.test(file)) return undefined;
  let data: unknown;
  try { data = JSON.parse(text.replace(/^\uFEFF/, '')); } catch (e) {
    throw new UsageError(`cannot read ${file}: it is not valid JSON (${(e as Error).message}).`, EXPORT_HINT);
  }
  const version = (data as { containerVersion?: unknown } | null)?.containerVersion as Record<string, unknown> | undefined;
  if (!version || typeof version !== 'object' || Array.isArray(version)) {
    throw new UsageError(`${file} is JSON, but not a Google Tag Manager container export (it has no "containerVersion").`, EXPORT_HINT);
  }
  const list = <T>(k: string): T[] => (Array.isArray(version[k]) ? (version[k] as T[]).filter((x) => x && typeof x === 'object') : []);
  return tagsOf(file, (version.container as { publicId?: string } | undefined)?.publicId, list<GtmTag>('tag'), list<GtmTrigger>('trigger'), list<GtmVariable>('variable'));
}

function tagsOf(file: string, publicId: string | undefined, tags: GtmTag[], triggers: GtmTrigger[], variables: GtmVariable[]): Container {
  const out: Container = { file, publicId: typeof publicId === 'string' ? publicId : undefined, findings: [], tags: [], paused: [], notRead: [], consent: [] };
  const byId = new Map(triggers.map((t) => [String(t.triggerId), t]));
  const constants = new Map(variables.filter((v) => v.type === 'c' && v.name).map((v) => [v.name!, paramValue(v.parameter, 'value') ?? '']));
  // `{{GA4 ID}}` for a constant variable is its value; any other variable stays a reference the page fills in.
  const resolve = <S extends string | undefined>(s: S) => s?.replace(/\{\{([^{}]+)\}\}/g, (m, n: string) => constants.get(n.trim()) ?? m).trim() as S;
  const configIds = new Set(tags.filter((t) => t.type === 'gaawc' || t.type === 'googtag').map((t) => resolve(paramValue(t.parameter, t.type === 'gaawc' ? 'measurementId' : 'tagId'))));
  tags.forEach((tag, i) => {
    const name = String(tag.name ?? `tag ${tag.tagId ?? i + 1}`);
    if (tag.paused === true) { out.paused.push(name); return; }
    const at = { page: file, line: i + 1, script: i, tag: name };
    const made = findingsOf(tag, at, resolve, configIds);
    if (typeof made === 'string') { out.notRead.push({ name, why: made }); return; }
    const fired = firing(tag, byId, file, resolve);
    const oncePerPage = norm(tag.tagFiringOption) === 'onceperload';
    for (const f of made) {
      if (f.event && !f.listener) f.listener = fired.bound;
      if (f.event && oncePerPage) f.oncePerPage = true;
      out.findings.push(f);
    }
    if (made.some((f) => f.event)) out.tags.push({ name, trigger: fired.words, mapped: fired.mapped });
    const waits = norm(tag.consentSettings?.consentStatus) === 'needed' ? (tag.consentSettings?.consentType?.list ?? []).map((p) => p.value).filter(Boolean) : [];
    if (waits.length) out.consent.push(`"${name}" waits for ${waits.join(', ')}`);
  });
  return out;
}

type At = Pick<Finding, 'page' | 'line' | 'script' | 'tag'>;

/** A tag's findings, or why it is not read. */
function findingsOf(tag: GtmTag, at: At, resolve: (s: string | undefined) => string | undefined, configIds: Set<string | undefined>): Finding[] | string {
  const p = tag.parameter;
  const get = (k: string) => resolve(paramValue(p, k));
  switch (tag.type) {
    case 'gaawc': case 'googtag': {
      const id = get(tag.type === 'gaawc' ? 'measurementId' : 'tagId') ?? '';
      if (/^G-/.test(id)) return [{ ...at, vendor: 'ga4', call: `Google tag ${id}`, id }];
      if (/^AW-/.test(id)) return [{ ...at, vendor: 'googleAds', call: `Google tag ${id}`, id }];
      return `its id "${id}" is not a GA4 (G-…) or Google Ads (AW-…) id`;
    }
    case 'gaawe': {
      const event = get('eventName') ?? '';
      const params = new Map<string, Value>();
      for (const [k, v] of [...rows(p, 'eventParameters', 'name', 'value'), ...rows(p, 'eventSettingsTable', 'parameter', 'parameterValue')]) params.set(k, value(k, resolve(v) ?? ''));
      ecommerce(p, event, params);
      const id = get('measurementIdOverride') ?? (p?.find((x) => x.key === 'measurementId' && norm(x.type) !== 'tagreference')?.value);
      const own: Finding[] = id && /^G-/.test(id) && !configIds.has(id) ? [{ ...at, vendor: 'ga4', call: `GA4 id ${id}`, id }] : [];
      if (!event || event.includes('{{')) return [...own, { ...at, vendor: 'ga4', call: `GA4 event ${event || '(none)'}`, skip: `the event name is a Tag Manager variable (${event}): one tag sends many events; add them by hand` }];
      if (event === 'page_view') return [...own, { ...at, vendor: 'ga4', call: `GA4 event '${event}'`, skip: "GA4's own config sends page views" }];
      return [...own, { ...at, vendor: 'ga4', call: `GA4 event '${event}'`, event: { name: event, params } }];
    }
    case 'awct': {
      const raw = get('conversionId') ?? '';
      const label = get('conversionLabel');
      const id = /^\d+$/.test(raw) ? `AW-${raw}` : raw;
      if (!label || label.includes('{{')) return [{ ...at, vendor: 'googleAds', call: `Google Ads conversion ${id}`, skip: 'no conversion label the export names' }];
      const params = new Map<string, Value>();
      for (const [from, to] of [['conversionValue', 'value'], ['orderId', 'transaction_id'], ['currencyCode', 'currency']] as const) {
        const v = get(from);
        if (v) params.set(to, value(to, v));
      }
      return [{ ...at, vendor: 'googleAds', call: `Google Ads conversion '${label}'`, id, event: { name: '', params, label } }];
    }
    case 'html': {
      const html = paramValue(p, 'html') ?? '';
      const found = recogniseIn(at.page, /<script\b/i.test(html) ? readPage(html) : readScript(html));
      if (!found.length) return 'a Custom HTML tag without a call the draft knows (gtag, fbq, lintrk, uetq, dataLayer)';
      return found.map((f) => ({ ...f, ...at }));
    }
    case 'baut': {
      const id = get('tagId') ?? '';
      const kind = norm(get('eventType'));
      if (kind && kind !== 'pageload') return kind === 'variablerevenue' ? 'a UET variable-revenue tag has no event action: measureplan sends each conversion under its action' : `a UET event tag (${get('eventType')}): add what it sends by hand`;
      return /^\d+$/.test(id) ? [{ ...at, vendor: 'microsoftAds', call: `UET tag ${id}`, id }] : `its UET tag id "${id}" is not a number`;
    }
    case 'ua': return 'Universal Analytics: Google stopped processing its data in 2023';
    case 'gclidw': return 'the Conversion Linker sends no event';
    default: return `a tag of type "${tag.type}" (a template or a tag this draft does not read): add what it sends by hand`;
  }
}

/**
 * "Send Ecommerce data": the tag also sends what the site pushed as `ecommerce` to the dataLayer
 * (or a variable's object): its value, currency and items, and a purchase's or refund's
 * transaction_id. They become properties the page computes, unless a parameter row names them.
 */
function ecommerce(p: Param[] | undefined, event: string, params: Map<string, Value>): void {
  if (paramValue(p, 'sendEcommerceData') !== 'true') return;
  const object = norm(paramValue(p, 'getEcommerceDataFrom')) === 'customobject' ? paramValue(p, 'ecommerceMacroData') ?? 'a variable' : undefined;
  const keys = ['value', 'currency', 'items', ...(event === 'purchase' || event === 'refund' ? ['transaction_id'] : [])];
  for (const k of keys) if (!params.has(k)) params.set(k, { kind: 'expr', text: object ? `${object}.${k}` : `ecommerce.${k} in the dataLayer` });
}

/** A list parameter's rows as [key, value] pairs (`eventParameters` rows are `name`/`value`). */
function rows(p: Param[] | undefined, list: string, k: string, v: string): [string, string][] {
  return (p?.find((x) => x.key === list)?.list ?? []).flatMap((row) => {
    const key = paramValue(row.map, k);
    return key ? [[key, paramValue(row.map, v) ?? '']] : [];
  });
}

/** A GTM value (always text) as the page scanner's: a variable reference is computed, a number a number. */
function value(key: string, v: string): Value {
  if (v.includes('{{')) return { kind: 'expr', text: v };
  if (/^-?\d+(\.\d+)?$/.test(v) && !/(^|_)id$|currency/.test(key)) return { kind: 'number', value: Number(v) };
  return { kind: 'string', value: v };
}

/** A tag's firing trigger as a listener the draft understands: a plan trigger, or why none. */
function firing(tag: GtmTag, byId: Map<string, GtmTrigger>, file: string, resolve: Resolve): { bound: Bound; words: string; mapped: Mapped } {
  const ids = (tag.firingTriggerId ?? []).map(String);
  const blocking = (tag.blockingTriggerId ?? []).map(String);
  const nameOf = (id: string) => (id === ALL_PAGES ? 'All Pages' : byId.get(id)?.name ?? `trigger ${id}`);
  const words = ids.length ? ids.map((id) => `"${nameOf(id)}"`).join(', ') : '(none)';
  let mapped: Mapped;
  if (blocking.length) mapped = { why: `it has exceptions (${blocking.map((id) => `"${nameOf(id)}"`).join(', ')}): a plan trigger cannot leave those out` };
  else if (ids.length !== 1) mapped = { why: ids.length ? `it fires on several triggers (${words})` : 'it has no firing trigger' };
  else if (ids[0] === ALL_PAGES) mapped = { why: 'it fires on every page (All Pages): a conversion on every page view is not an action' };
  else mapped = byId.has(ids[0]!) ? planTrigger(byId.get(ids[0]!)!, resolve) : { why: `its trigger ${ids[0]} is built in or not in the export` };
  const bound: Bound = { key: `gtm:${ids.join(',')}|${blocking.join(',')}`, at: `${file}: trigger ${words}`, on: mapped.trigger?.on ?? 'gtm', what: `the Tag Manager trigger ${words}` };
  if (mapped.trigger) bound.trigger = mapped.trigger; else bound.why = mapped.why;
  return { bound, words, mapped };
}
