/**
 * The plan's cross-field rules: what a JSON Schema cannot say (references between parts of the
 * plan, vendor rules). They run beside the shape check and, like it, emit coded issues. Every
 * access is defensive because the plan may be broken in any other way at the same time.
 */
import { at, has, isObj, type Emit, type Obj } from './shape';
import { DESTINATIONS, GA4_RESERVED_EVENTS, GA4_RESERVED_PREFIXES, META_STANDARD_EVENTS } from './vocabulary';

const obj = (v: unknown): Obj => (isObj(v) ? v : {});
const NUMERIC = ['number', 'integer'];
/** The property types: a misspelt one (`float`) is the shape check's to name; the rules that depend on the type skip it. */
const TYPES = ['string', 'number', 'integer', 'boolean', 'items'];

export function checkRules(plan: unknown, emit: Emit): void {
  const root = obj(plan);
  const destinations = obj(root.destinations);
  const conversions = obj(root.conversions);
  const names = Object.keys(conversions);
  const macros = names.filter((n) => obj(conversions[n]).kind === 'macro');
  if (isObj(root.conversions) && !names.length) emit('conversions', 'no_conversions');
  /**
   * A name that must be a macro conversion: `<what>_micro` when it is a micro one, and (with
   * `unknown`) `<what>_unknown` when it is none. A conversion whose own `kind` is missing or
   * misspelt is neither: the shape check names that one mistake, and every place that names the
   * conversion is left alone (no false "is a micro conversion" or "is not in this plan").
   */
  const macro = (s: unknown, path: string, what: string, unknown?: 1) => {
    if (typeof s !== 'string') return;
    const exists = has(conversions, s);
    if (exists ? obj(conversions[s]).kind === 'micro' : unknown) emit(path, `${what}_${exists ? 'micro' : 'unknown'}`, s, macros);
  };
  const gid = obj(destinations.googleAds).conversionId;
  if (typeof gid === 'string' && gid.includes('/')) emit('destinations.googleAds.conversionId', 'ads_label_in_id', gid);

  for (const name of names) {
    const c = obj(conversions[name]);
    const path = at('conversions', name);
    const props = obj(c.properties);
    for (const [key, spec] of Object.entries(props)) checkProperty(obj(spec), at(path, 'properties', key), emit);
    checkValue(c, props, path, emit);
    if (c.value !== undefined && root.currency === undefined) emit('currency', 'currency_needed', name);
    if (c.supports !== undefined && c.kind === 'macro') emit(at(path, 'supports'), 'supports_on_macro');
    if (Array.isArray(c.supports)) c.supports.forEach((s, i) => macro(s, at(path, 'supports', i), 'supports', 1));
    checkTrigger(obj(c.trigger), props, at(path, 'trigger'), emit);
    const key = typeof c.dedupe === 'string' ? c.dedupe : obj(c.dedupe).key;
    if (typeof key === 'string' && /^[a-z]/.test(key)) {
      const where = typeof c.dedupe === 'string' ? at(path, 'dedupe') : at(path, 'dedupe', 'key');
      const type = has(props, key) ? obj(props[key]).type : undefined;
      if (type === undefined) emit(where, 'dedupe_unknown', key, Object.keys(props));
      // Only a text or a number identifies an order: with any other key nothing would be deduplicated.
      else if (type === 'items' || type === 'boolean') emit(where, 'dedupe_type', key, type);
    }
    checkSend(c, destinations, at(path, 'send'), emit);
  }
  /** A name or a list of names: each a conversion (else `unknown`) and, with `repeat`, listed once (else `repeat`). */
  const listed = (v: unknown, path: string, unknown: string, repeat?: string) => (Array.isArray(v) ? v : [v]).forEach((s, i, a) => {
    const p = a === v ? at(path, i) : path;
    if (unknown && typeof s === 'string' && !has(conversions, s)) emit(p, unknown, s, names);
    else if (repeat && a.indexOf(s) < i) emit(p, repeat, s);
  });
  for (const [funnel, f] of Object.entries(obj(root.funnels))) {
    const p = at('funnels', funnel);
    listed(Array.isArray(f) ? f : obj(f).steps, Array.isArray(f) ? p : `${p}.steps`, 'funnel_unknown', 'funnel_repeat');
  }
  const ab = obj(root.abandonment);
  for (const part of ['cart', 'browse']) {
    for (const key of ['add', 'remove', 'complete', 'view', 'cancel', 'conversion']) listed(obj(ab[part])[key], `abandonment.${part}.${key}`, 'abandonment_unknown');
  }
  const { add, complete } = obj(ab.cart);
  if (add && add === complete) emit('abandonment.cart.complete', 'cart_add_complete', add);
  else macro(complete, 'abandonment.cart.complete', 'cart_complete');
  for (const [name, x] of Object.entries(obj(root.experiments))) {
    const { variants: v, weights: w, goal } = obj(x);
    const p = at('experiments', name);
    listed(v, `${p}.variants`, '', 'variant_repeat');
    if (Array.isArray(v) && Array.isArray(w) && w.length !== v.length) emit(`${p}.weights`, 'weights_length', w.length, v.length);
    macro(goal, `${p}.goal`, 'goal', 1);
  }
  // Page experience goes somewhere, and only to configured destinations.
  const vs = obj(root.vitals).send;
  if (isObj(vs) && !Object.keys(vs).length) emit('vitals.send', 'vitals_empty');
  unconfigured(obj(vs), destinations, 'vitals.send', ['ga4', 'collector'], emit);
}

function checkProperty(spec: Obj, path: string, emit: Emit): void {
  const type = spec.type;
  const applies: Record<string, boolean> = {
    enum: type === 'string' || NUMERIC.includes(type as string),
    min: NUMERIC.includes(type as string),
    max: NUMERIC.includes(type as string),
    pattern: type === 'string',
    maxLength: type === 'string',
  };
  for (const [field, ok] of Object.entries(applies)) if (spec[field] !== undefined && !ok && TYPES.includes(type as string)) emit(at(path, field), 'not_for_type', field, type);
  if (Array.isArray(spec.enum) && applies.enum) spec.enum.forEach((v, i) => {
    if ((type === 'string') !== (typeof v === 'string')) emit(at(path, 'enum', i), 'enum_type', v, type);
  });
  if (typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min > spec.max) emit(at(path, 'min'), 'min_max', spec.min, spec.max);
  if (typeof spec.pattern === 'string') checkRegex(spec.pattern, at(path, 'pattern'), emit);
}

function checkRegex(source: string, path: string, emit: Emit): void {
  try { new RegExp(source); } catch (e) { emit(path, 'regex', source, (e as Error).message); }
}

function checkValue(c: Obj, props: Obj, path: string, emit: Emit): void {
  if (typeof c.value !== 'string' || !/^[a-z]/.test(c.value)) return; // other texts break the shape rule already
  const spec = props[c.value];
  if (!has(props, c.value) || !isObj(spec)) emit(at(path, 'value'), 'value_unknown', c.value, Object.keys(props));
  else if (TYPES.includes(spec.type as string) && !NUMERIC.includes(spec.type as string)) emit(at(path, 'value'), 'value_not_numeric', c.value, spec.type);
}

function checkTrigger(t: Obj, props: Obj, path: string, emit: Emit): void {
  if (t.on === 'page_view' && t.path === undefined && t.regex === undefined) emit(at(path, 'path'), 'trigger_path');
  // The path is matched without "?…" and "#…": such a trigger could never fire.
  if (/[?#]/.test(t.path as string)) emit(at(path, 'path'), 'path_query', t.path);
  if (typeof t.regex === 'string') checkRegex(t.regex, at(path, 'regex'), emit);
  for (const [key, source] of Object.entries(obj(t.properties))) {
    const p = at(path, 'properties', key);
    if (!has(props, key)) emit(p, 'trigger_prop_unknown', key, Object.keys(props));
    // A trigger whose `on` is no text has its own error already; this one would name "[object Object]" (hostile QA 2026-12-06).
    if (typeof source === 'string' && source.startsWith('field:') && typeof t.on == 'string' && t.on !== 'submit') emit(p, 'field_not_submit', source, t.on);
  }
}

function unconfigured(send: Obj, destinations: Obj, path: string, known: readonly string[], emit: Emit): void {
  for (const d of known) if (has(send, d) && !has(destinations, d)) emit(at(path, d), 'dest_unconfigured', d);
}

function checkSend(c: Obj, destinations: Obj, path: string, emit: Emit): void {
  const send = obj(c.send);
  unconfigured(send, destinations, path, DESTINATIONS, emit);
  const ga4 = obj(send.ga4).event;
  if (typeof ga4 === 'string') {
    if (GA4_RESERVED_EVENTS.includes(ga4)) emit(at(path, 'ga4', 'event'), 'ga4_reserved', ga4);
    else if (GA4_RESERVED_PREFIXES.some((x) => ga4.startsWith(x))) emit(at(path, 'ga4', 'event'), 'ga4_prefix', ga4, GA4_RESERVED_PREFIXES);
  }
  const meta = obj(send.meta).event;
  if (typeof meta === 'string') {
    const std = META_STANDARD_EVENTS.find((s) => s.toLowerCase() === meta.toLowerCase());
    if (std && std !== meta) emit(at(path, 'meta', 'event'), 'meta_case', meta, std);
    if (meta === 'Purchase' && c.value === undefined) emit(at(path, 'meta', 'event'), 'meta_purchase_value', meta);
  }
}
