/**
 * `measureplan report`'s content: the plan's questions answered from the store, as one plain
 * object (the JSON format, documented in docs/report-json.md). The text, Markdown and HTML
 * formats only render it.
 */
import type { Plan } from '../plan/types';
import type { Database } from '../server/sqlite';
import { browseHistory, cartHistory, type CartLine, type ItemRecord } from './abandonment';
import { checkoutSteps } from '../journey/abandonment';
import { funnelCounter, type FunnelResult } from './funnel';
import { channelsSection, type ChannelsSection } from './acquisition';
import {
  conversionCounts, creditedOrders, foreignValues, sessionCounts, type ForeignValue, exposures, type Exposure, identities, lastTimes, type ConversionCount, productNames, outsidePlan, quarantineReasons, rangeSql, sequences, totals, visitorsWith, readVitals, type Range, type SeqEvent,
} from './read';
import { fisherExact, smallCells, twoProportions, verdict, wilson, type Verdict } from './stats';
import { pct } from './format';
import { vitalsCounter, type PageLoads, type VitalConversion } from './vitals';

export const REPORT_VERSION = 1;
/** Experiments outside the plan shown in a report, the most exposed first. */
const UNPLANNED_LIMIT = 20;
/** Abandoned carts and browses listed by name (the newest); the counts cover all. */
const LIST_LIMIT = 500;

export interface Rate { count: number; of: number; rate: number | null; low: number | null; high: number | null }

export interface Report {
  version: number;
  generated_at: string;
  plan: { name: string; currency: string | null };
  /** `timezone`: the zone the days of --from/--to were read in and the text and HTML show times in. */
  range: { from: string | null; to: string | null; first_event: string | null; last_event: string | null; timezone: string };
  totals: { events: number; visitors: number; quarantined: number };
  /**
   * `value`: the sum in the plan's currency; `other_currencies`: the sums of values sent in another
   * currency (a conversion's own `currency` property), by code, which are not in `value`.
   */
  conversions: { name: string; kind: 'macro' | 'micro'; description: string | null; events: number; visitors: number; value: number | null; other_currencies: Record<string, number>; rate: Rate }[];
  /** Where the orders came from: sessions, visitors, orders and revenue per channel, and the top campaigns. */
  channels: ChannelsSection;
  supports: SupportsClaim[];
  funnels: (FunnelResult & { name: string; description: string | null })[];
  abandonment: { now: string; cart: CartSection | null; browse: BrowseSection | null };
  experiments: ExperimentSection[];
  /** Experiments not in the plan beyond the 20 with the most visitors: counted, not shown. */
  experiments_left_out: number;
  /** `metrics`: conversion by each visitor's worst rating; `page_loads`: each metric's 75th percentile over page loads. */
  vitals: { unit: 'visitor'; converted: string; metrics: VitalConversion[]; page_loads: PageLoads[] };
  quarantine: { total: number; reasons: { reason: string; event: string | null; count: number; first: string; example: string | null }[] };
  /** Stored conversions whose names this plan does not have (renamed or removed since): left out of every section. */
  outside_plan: { total: number; events: { event: string; count: number }[] };
}

export interface SupportsClaim {
  micro: string;
  macro: string;
  with: Rate;
  without: Rate;
  /** rate with ÷ rate without; null when the rate without is 0 or unknown. */
  ratio: number | null;
  p: number | null;
  verdict: 'holds' | 'not-shown' | 'contradicted' | 'no-data';
  text: string;
}

export interface AbandonedCart {
  visitor: string; user_id: string | null; email: string | null;
  since: string; last_activity: string; abandoned_at: string; items: CartLine[]; value: number;
  /** The cart's currency: its adds' own, else the plan's. */
  currency: string | null;
}
export interface CartSection {
  after_ms: number; carts: number; completed: number; abandoned: number; open: number; emptied: number;
  /** Completed after having been left for the waiting time: won back. */
  recovered: number;
  /** The abandoned carts' value in the plan's currency; carts filled in another currency are summed apart, never added. */
  abandoned_value: number;
  abandoned_other_currencies: Record<string, number>;
  list: AbandonedCart[];
  listed: number;
}
export interface AbandonedBrowse { visitor: string; user_id: string | null; email: string | null; since: string; last_activity: string; abandoned_at: string; items: ItemRecord[] }
export interface BrowseSection {
  after_ms: number; min: number; browses: number; abandoned: number; cancelled: number; open: number;
  /** Of the open ones, those with fewer than `min` products viewed: they never count as abandoned, however old. */
  open_too_few: number;
  list: AbandonedBrowse[]; listed: number;
}

export interface ExperimentSection {
  name: string; description: string | null; goal: string | null; in_plan: boolean;
  /** Visitors who saw more than one variant (an assignment changed during the test): in no arm. */
  mixed_visitors: number;
  variants: { name: string; visitors: number; conversions: number; rate: number | null; low: number | null; high: number | null }[];
  comparisons: { control: string; variant: string; diff: number | null; diff_low: number | null; diff_high: number | null; relative_lift: number | null; lift_low: number | null; lift_high: number | null; p: number | null; planned_per_arm: number | null; verdict: Verdict['kind']; text: string }[];
}

export interface ReportOptions {
  range?: Range;
  /** The time abandonment is judged at (ms); default the range's end or now, whichever is earlier. */
  now?: number;
  /** The smallest relative lift an experiment should detect (0.1 = +10 %). */
  minDetectableEffect?: number;
  /** The time zone the text and HTML show times in (IANA id or offset; default UTC). */
  timezone?: string;
}

const isoOrNull = (t: number | undefined) => (t === undefined ? null : new Date(t).toISOString());
const rateOf = (count: number, of: number): Rate => {
  const w = wilson(count, of);
  return { count, of, rate: w?.rate ?? null, low: w?.low ?? null, high: w?.high ?? null };
};

/**
 * The parts of the report that need no per-visitor sequence: totals, counts per conversion,
 * experiments, page experience and the quarantine. Plain, cloneable data, so that the command can
 * read them in a worker thread on a second connection while this thread reads the sequences.
 */
export interface ReportAggregates {
  totals: { events: number; visitors: number; first: string | null; last: string | null };
  quarantine: Report['quarantine'];
  outside: Report['outside_plan'];
  counts: ConversionCount[];
  foreign: ForeignValue[];
  experiments: { sections: ExperimentSection[]; left: number };
  vitals: VitalConversion[];
  pageLoads: PageLoads[];
}

/** The options with their defaults applied, once, so both threads judge the same range and time. */
export interface ResolvedOptions { range: Range; now: number; mde: number; timezone: string }
export function resolveOptions(options: ReportOptions = {}): ResolvedOptions {
  const range = options.range ?? {};
  return { range, now: options.now ?? Math.min(Date.now(), range.to ?? Infinity), mde: options.minDetectableEffect ?? 0.1, timezone: options.timezone ?? 'UTC' };
}

/** Sums of floats to the thousandth (the smallest unit of any currency, KWD's fils): 2499.1 - 0.1 is no 2498.9999999999995. */
const roundMoney = (v: number) => Math.round(v * 1000) / 1000;
const macrosOf = (plan: Plan) => Object.values(plan.conversions).filter((c) => c.kind === 'macro').map((c) => c.name);

export function readAggregates(db: Database, plan: Plan, o: ResolvedOptions): ReportAggregates {
  const macros = macrosOf(plan);
  // Page experience: each visitor's worst rating per metric, beside whether they reached a macro goal.
  const converted = new Set<string>();
  for (const m of macros) for (const v of visitorsWith(db, m, o.range)) converted.add(v);
  const vc = vitalsCounter();
  const vitals = readVitals(db, o.range);
  for (const [v, worst] of vitals.worst) vc.add({ vitals: worst, converted: converted.has(v) });
  return {
    totals: totals(db, o.range),
    quarantine: quarantineReasons(db, o.range),
    outside: outsidePlan(db, o.range, Object.keys(plan.conversions)),
    counts: conversionCounts(db, Object.keys(plan.conversions), o.range),
    foreign: foreignValues(db, Object.values(plan.conversions).filter((c) => c.value !== undefined).map((c) => c.name), plan.currency, o.range),
    experiments: experimentSections(db, plan, o.range, macros, o.mde),
    vitals: vc.result(),
    pageLoads: vitals.pages,
  };
}

/** The channels section: the sessions from their summary table, the orders (macro conversions) from the report index. */
function readChannels(db: Database, plan: Plan, range: Range, macros: string[]): ChannelsSection {
  const valued = new Set(macros.filter((m) => plan.conversions[m]!.value !== undefined));
  // One read transaction: the sessions and the orders they are credited from, as of one moment of a store being written.
  return db.transaction(() => channelsSection(sessionCounts(db, range), creditedOrders(db, macros, valued, range), plan.currency ?? null))();
}

/** The per-visitor part: the sequences read once, and the funnels, carts and browses from them. */
export interface Journeys {
  funnels: Report['funnels'];
  abandonment: Report['abandonment'];
  /** Visitor sets per conversion, for the supports claims (filled on demand from the index). */
  setOf: (name: string) => Set<string>;
  /**
   * Where the orders came from. Read on this side: the worker's aggregates take longer than the
   * sequences on the bench's store, and this side has the room (docs/performance.md).
   */
  channels: ChannelsSection;
}

export function readJourneys(db: Database, plan: Plan, o: ResolvedOptions): Journeys {
  const { range, now } = o;
  const cart = plan.abandonment.cart;
  const browse = plan.abandonment.browse;
  const checkout = checkoutSteps(plan);
  const cartEvents = cart ? [cart.add, cart.complete, ...(cart.remove ? [cart.remove] : []), ...checkout] : [];
  const browseEvents = browse ? [browse.view, ...browse.cancel] : [];
  const funnelEvents = Object.values(plan.funnels).flatMap((f) => f.steps);
  const wanted = [...new Set([...funnelEvents, ...cartEvents, ...browseEvents])];
  // Only the cart's adds and removes need their products in full (names, prices, quantities);
  // the completing order just closes the cart, so its rows are not opened.
  const withItems = new Set(cart ? [cart.add, ...(cart.remove ? [cart.remove] : [])] : []);
  const seqs = sequences(db, wanted, range, { withItems, wholeLine: new Set(cart?.remove ? [cart.remove] : []) });

  // Visitor sets, once per conversion that a claim needs: the sequences' conversions from the
  // sequences already read, the others from the report index.
  const sets = new Map<string, Set<string>>(wanted.map((name) => [name, new Set<string>()]));
  for (const [visitor, list] of seqs) for (const e of list) sets.get(e.event)!.add(visitor);
  const setOf = (name: string) => { let s = sets.get(name); if (!s) sets.set(name, (s = visitorsWith(db, name, range))); return s; };

  const counters = Object.entries(plan.funnels).map(([name, f]) => ({ name, f, counter: funnelCounter(f.steps, f.withinMs) }));
  for (const list of seqs.values()) for (const c of counters) c.counter.add(list);
  const funnels = counters.map(({ name, f, counter }) => ({ name, description: f.description ?? null, ...counter.result() }));

  const abandonment = {
    now: new Date(now).toISOString(),
    cart: cart ? cartSection(seqs, { ...cart, checkout }, now, plan.currency ?? null) : null,
    browse: browse ? browseSection(seqs, browse, now) : null,
  };
  // The listed browses' products get their names (the index holds only their ids).
  if (browse && abandonment.browse?.list.length) {
    const names = productNames(db, browse.view, abandonment.browse.list.flatMap((b) => b.items.map((i) => i.item_id)));
    for (const b of abandonment.browse.list) b.items = b.items.map((i) => ({ ...i, ...names.get(i.item_id) }));
  }
  // Who the abandoners are, where an identify told us.
  const listed = [...(abandonment.cart?.list ?? []), ...(abandonment.browse?.list ?? [])];
  if (listed.length) {
    const who = identities(db, listed.map((x) => x.visitor));
    for (const x of listed) { const w = who.get(x.visitor); x.user_id = w?.userId ?? null; x.email = w?.email ?? null; }
  }
  return { funnels, abandonment, setOf, channels: readChannels(db, plan, range, macrosOf(plan)) };
}

/** The report from its two halves. */
export function assembleReport(plan: Plan, o: ResolvedOptions, j: Journeys, a: ReportAggregates): Report {
  const t = a.totals;
  const counts = new Map(a.counts.map((c) => [c.event, c]));
  const macros = macrosOf(plan);
  const names = Object.values(plan.conversions).sort((x, y) => (x.kind === y.kind ? 0 : x.kind === 'macro' ? -1 : 1)).map((c) => c.name);
  const conversions = names.map((name) => {
    const c = plan.conversions[name]!;
    const n = counts.get(name);
    // Only a conversion the plan gives a value has one: a `value` property of another (view_item's price) is no conversion value.
    let value = c.value === undefined ? null : n?.value ?? null;
    let valued = n?.valued ?? 0;
    const other: Record<string, number> = {};
    for (const f of a.foreign) {
      if (f.event !== name || value === null) continue;
      other[f.currency] = roundMoney(f.value);
      value -= f.value;
      valued -= f.events;
    }
    // None had a value in the plan's currency (all were in another): no value, not 0.
    if (value !== null) value = valued > 0 ? roundMoney(value) : null;
    return { name, kind: c.kind, description: c.description ?? null, events: n?.events ?? 0, visitors: n?.visitors ?? 0, value, other_currencies: other, rate: rateOf(n?.visitors ?? 0, t.visitors) };
  });
  const supports: SupportsClaim[] = [];
  for (const name of names) {
    for (const macro of plan.conversions[name]!.supports ?? []) supports.push(claim(name, macro, j.setOf(name), j.setOf(macro), t.visitors));
  }
  return {
    version: REPORT_VERSION,
    generated_at: new Date().toISOString(),
    plan: { name: plan.name, currency: plan.currency ?? null },
    range: { from: isoOrNull(o.range.from), to: isoOrNull(o.range.to), first_event: t.first, last_event: t.last, timezone: o.timezone },
    totals: { events: t.events, visitors: t.visitors, quarantined: a.quarantine.total },
    conversions,
    channels: j.channels,
    supports,
    // A funnel's `visitors` are the period's visitors, entered or not: the sequences hold only
    // those with some funnel, cart or browse event, a number that moves with unrelated sections.
    funnels: j.funnels.map((f) => ({ ...f, visitors: t.visitors })),
    abandonment: j.abandonment,
    experiments: a.experiments.sections,
    experiments_left_out: a.experiments.left,
    vitals: { unit: 'visitor', converted: macros.join(' or '), metrics: a.vitals, page_loads: a.pageLoads },
    quarantine: a.quarantine,
    outside_plan: a.outside,
  };
}

/** The whole report on one connection, in this thread (`reportInParallel` splits the reading). */
export function buildReport(db: Database, plan: Plan, options: ReportOptions = {}): Report {
  const o = resolveOptions(options);
  const j = readJourneys(db, plan, o);
  return assembleReport(plan, o, j, readAggregates(db, plan, o));
}

/** "Visitors with the micro conversion reach the macro goal more often": checked, in words. */
function claim(micro: string, macro: string, withMicro: Set<string>, withMacro: Set<string>, visitors: number): SupportsClaim {
  let both = 0;
  for (const v of withMicro) if (withMacro.has(v)) both++;
  const w = rateOf(both, withMicro.size);
  // The sets and `visitors` can come from two reads of a store being written (reportInParallel):
  // never fewer visitors without the micro conversion than those of them who reached the goal.
  const without = withMacro.size - both;
  const wo = rateOf(without, Math.max(without, visitors - withMicro.size));
  const cmp = twoProportions(wo.count, wo.of, w.count, w.of);
  const ratio = w.rate !== null && wo.rate ? w.rate / wo.rate : null;
  // Small groups (an expected count under 5): Fisher's exact test, not the z-test's approximation,
  // which called a claim on one visitor "holds" (stats QA 2026-12-06).
  const p = cmp ? (smallCells(wo.count, wo.of, w.count, w.of) ? fisherExact(wo.count, wo.of, w.count, w.of) : cmp.p) : null;
  let kind: SupportsClaim['verdict'] = 'no-data';
  let text: string;
  if (!w.of || !wo.of) {
    text = `Not enough data: ${w.of} visitors with ${micro}, ${wo.of} without.`;
  } else {
    const head = `Of the ${w.of.toLocaleString('en')} visitor${w.of === 1 ? '' : 's'} with ${micro}, ${pct(w.rate)} reached ${macro}; of the ${wo.of.toLocaleString('en')} without, ${pct(wo.rate)}`;
    if (p !== null && p < 0.05 && cmp!.diff > 0) { kind = 'holds'; text = `${head}${ratio ? ` (${ratio.toFixed(1)}×)` : ''}. The claim holds in the data (p ${p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`}); it shows a link, not that one causes the other.`; }
    else if (p !== null && p < 0.05) { kind = 'contradicted'; text = `${head}. Visitors with ${micro} reach ${macro} less often: the claim does not hold.`; }
    else { kind = 'not-shown'; text = `${head}. No clear difference yet (p = ${p === null ? '—' : p.toFixed(2)}): the claim is not shown.`; }
  }
  return { micro, macro, with: w, without: wo, ratio, p, verdict: kind, text };
}

function cartSection(seqs: Map<string, SeqEvent[]>, rule: NonNullable<Plan['abandonment']['cart']> & { checkout: string[] }, now: number, planCurrency: string | null): CartSection {
  const names = new Set([rule.add, rule.complete, ...(rule.remove ? [rule.remove] : []), ...rule.checkout]);
  const s: CartSection = { after_ms: rule.afterMs, carts: 0, completed: 0, abandoned: 0, open: 0, emptied: 0, recovered: 0, abandoned_value: 0, abandoned_other_currencies: {}, list: [], listed: 0 };
  const other = s.abandoned_other_currencies;
  for (const [visitor, all] of seqs) {
    const events = all.filter((e) => names.has(e.event));
    if (!events.length) continue;
    for (const c of cartHistory(events, rule, now)) {
      s.carts++;
      s[c.outcome]++;
      if (c.outcome === 'completed' && c.wasLeft) s.recovered++;
      if (c.outcome !== 'abandoned') continue;
      const currency = c.currency ?? planCurrency;
      if (currency === planCurrency) s.abandoned_value += c.value; else other[currency!] = (other[currency!] ?? 0) + c.value;
      s.list.push({ visitor, user_id: null, email: null, since: new Date(c.since).toISOString(), last_activity: new Date(c.lastActivity).toISOString(), abandoned_at: new Date(c.abandonedAt!).toISOString(), items: c.items, value: c.value, currency });
    }
  }
  s.abandoned_value = Math.round(s.abandoned_value * 1000) / 1000;
  for (const k of Object.keys(other)) other[k] = Math.round(other[k]! * 1000) / 1000;
  s.list.sort((a, b) => b.abandoned_at.localeCompare(a.abandoned_at));
  s.listed = Math.min(s.list.length, LIST_LIMIT);
  s.list = s.list.slice(0, LIST_LIMIT);
  return s;
}

function browseSection(seqs: Map<string, SeqEvent[]>, rule: NonNullable<Plan['abandonment']['browse']>, now: number): BrowseSection {
  const names = new Set([rule.view, ...rule.cancel]);
  const s: BrowseSection = { after_ms: rule.afterMs, min: rule.min, browses: 0, abandoned: 0, cancelled: 0, open: 0, open_too_few: 0, list: [], listed: 0 };
  for (const [visitor, all] of seqs) {
    const events = all.filter((e) => names.has(e.event));
    if (!events.some((e) => e.event === rule.view)) continue;
    for (const b of browseHistory(events, rule, now)) {
      s.browses++;
      s[b.outcome]++;
      if (b.outcome === 'open' && b.items.length < rule.min) s.open_too_few++;
      if (b.outcome !== 'abandoned') continue;
      s.list.push({ visitor, user_id: null, email: null, since: new Date(b.since).toISOString(), last_activity: new Date(b.lastActivity).toISOString(), abandoned_at: new Date(b.abandonedAt!).toISOString(), items: b.items });
    }
  }
  s.list.sort((a, b) => b.abandoned_at.localeCompare(a.abandoned_at));
  s.listed = Math.min(s.list.length, LIST_LIMIT);
  s.list = s.list.slice(0, LIST_LIMIT);
  return s;
}

function experimentSections(db: Database, plan: Plan, range: Range, macros: string[], mde: number): { sections: ExperimentSection[]; left: number } {
  const seen = exposures(db, range);
  // Experiments outside the plan come from what anyone posted: the most exposed UNPLANNED_LIMIT
  // (one request of 2,500 made-up names made a 2.6 MB report; security review 2026-12-06).
  const unplanned = [...seen.keys()].filter((n) => !plan.experiments[n]).sort((x, y) => seen.get(y)!.size - seen.get(x)!.size);
  const names = [...Object.keys(plan.experiments), ...unplanned.slice(0, UNPLANNED_LIMIT)];
  const left = Math.max(0, unplanned.length - UNPLANNED_LIMIT);
  const sections = names.map((name) => {
    const spec = plan.experiments[name];
    const exposed = seen.get(name) ?? new Map<string, Exposure>();
    const goal = spec?.goal ?? null;
    // A conversion counts for the variant when the goal came at or after the visitor's exposure.
    const goalTimes = lastTimes(db, goal ? [goal] : macros, range);
    // Not in the plan: no known control. One named "control" is it, else the first name in order,
    // so that the comparison does not depend on which visitor id sorts first.
    const seenNames = [...new Set([...exposed.values()].map((e) => e.variant))].sort((x, y) => +/^control$/i.test(y) - +/^control$/i.test(x) || (x < y ? -1 : x > y ? 1 : 0));
    const variantNames = [...new Set([...(spec?.variants ?? []), ...seenNames])];
    const arms = new Map(variantNames.map((v) => [v, { visitors: 0, conversions: 0 }]));
    // A visitor who saw two variants belongs to neither: crediting the first would mix the arms.
    let mixed = 0;
    for (const [visitor, e] of exposed) {
      if (e.mixed) { mixed++; continue; }
      const arm = arms.get(e.variant)!;
      arm.visitors++;
      const g = goalTimes.get(visitor);
      if (g !== undefined && g >= e.t) arm.conversions++;
    }
    const variants = variantNames.map((v) => { const a = arms.get(v)!; const w = wilson(a.conversions, a.visitors); return { name: v, ...a, rate: w?.rate ?? null, low: w?.low ?? null, high: w?.high ?? null }; });
    const [control, ...rest] = variants;
    // A planned test compares its own variants only: a name outside the plan (another tool's
    // typo, a made-up post) is listed with its visitors but changes no verdict, correction or
    // planned sample, and is no split to restart for (stats QA 2026-12-06).
    const others = spec ? rest.slice(0, spec.variants.length - 1) : rest;
    const weights = spec?.weights;
    // The intervals at the level the verdict uses: 95 %, or 1 − 0.05/k for k variants (Bonferroni).
    const level = 1 - 0.05 / Math.max(1, others.length);
    const comparisons = control ? others.map((o, i) => {
      const cmp = twoProportions(control.conversions, control.visitors, o.conversions, o.visitors, level);
      const w0 = weights?.[0];
      const wi = weights?.[i + 1];
      const v = verdict({ name: control.name, visitors: control.visitors, conversions: control.conversions }, { name: o.name, visitors: o.visitors, conversions: o.conversions },
        { minDetectableEffect: mde, comparisons: others.length, ...(w0 !== undefined && wi !== undefined ? { weights: [w0, wi] as const } : {}) });
      return {
        control: control.name, variant: o.name, diff: cmp?.diff ?? null, diff_low: cmp?.diffLow ?? null, diff_high: cmp?.diffHigh ?? null,
        relative_lift: cmp?.relativeLift ?? null, lift_low: cmp?.liftLow ?? null, lift_high: cmp?.liftHigh ?? null, p: cmp?.p ?? null, planned_per_arm: v.plannedPerArm ?? null, verdict: v.kind, text: v.text,
      };
    }) : [];
    return { name, description: spec?.description ?? null, goal: goal ?? (macros.length ? macros.join(' or ') : null), in_plan: !!spec, mixed_visitors: mixed, variants, comparisons };
  });
  return { sections, left };
}
