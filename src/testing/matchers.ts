/**
 * Matchers for a test tracker's recorder, in the shape `expect.extend()` takes in vitest and
 * jest (`(received, ...args) => ({ pass, message })`): no test runner is imported. A failure
 * says what was expected and lists what each destination actually received, what the tracker
 * rejected and what it skipped. A misuse (a conversion or destination the plan does not have,
 * an unknown option) throws, with `.not` too: a typo never makes an assertion pass.
 */
import type { DestinationName } from '../plan/types';
import { DESTINATIONS, isRecorder, type Recorder, type SentConversion } from './recorder';

/** What `toHaveSentConversion` checks besides the name; every field is optional. */
export interface ExpectedConversion {
  /** Each of these destinations received it (others may have too); with `.not`, none of them did. Without `to`: at least one did. */
  to?: readonly DestinationName[];
  /** The conversion's value (`event.value`, from the plan's `value`). */
  value?: unknown;
  currency?: unknown;
  /** These properties, each equal (others may be present); asymmetric matchers such as `expect.any(String)` work. A name the plan does not declare throws. */
  properties?: Record<string, unknown>;
  /** The event id (`purchase:T-1001` for a conversion with a dedupe key). */
  id?: unknown;
  /** Exactly this many times: per destination in `to`, or distinct conversions without `to`. */
  times?: number;
}

/** The matchers' types, to add to your runner's `expect` (see docs/testing.md). */
export interface MeasureplanMatchers<R = unknown> {
  /** The recorder's destinations received conversion `name` (matching `expected`). */
  toHaveSentConversion(name: string, expected?: ExpectedConversion): R;
  /** At least one destination received at least one conversion (use `.not` for "nothing was sent"). */
  toHaveSentAnything(): R;
  /** `destination` received something (with `name`: that conversion). */
  toHaveSentTo(destination: DestinationName, name?: string): R;
}

interface MatcherContext { isNot?: boolean; equals?: (a: unknown, b: unknown) => boolean }
interface Result { pass: boolean; message: () => string }

const OPTIONS = ['to', 'value', 'currency', 'properties', 'id', 'times'];

/** The recorder given to `expect()`: the recorder, or `createTestTracker()`'s whole result. */
function recorderOf(received: unknown, matcher: string): Recorder {
  const r = isRecorder(received) ? received : isRecorder((received as { recorder?: unknown })?.recorder) ? (received as { recorder: Recorder }).recorder : undefined;
  if (!r) throw new TypeError(`${matcher}: expected the recorder from createTestTracker(), got ${short(received)}`);
  return r;
}

function checkConversion(r: Recorder, name: unknown, matcher: string): string {
  const names = Object.keys(r.plan?.conversions ?? {});
  if (typeof name !== 'string' || !names.includes(name)) throw new TypeError(`${matcher}: ${short(name)} is not a conversion in the plan "${r.plan?.name}"; its conversions are ${names.join(', ')}`);
  return name;
}

function checkDestination(r: Recorder, d: unknown, matcher: string): DestinationName {
  if (!DESTINATIONS.includes(d as DestinationName)) throw new TypeError(`${matcher}: ${short(d)} is not a destination; destinations are ${DESTINATIONS.join(', ')}`);
  const configured = Object.keys(r.plan?.destinations ?? {});
  if (!configured.includes(d as string)) throw new TypeError(`${matcher}: the plan "${r.plan?.name}" has no destination ${d}; it has ${configured.join(', ') || 'none'}`);
  return d as DestinationName;
}

/** Deep equality, for runners that do not pass their own `equals`. */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!a || !b || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * An asymmetric matcher (`expect.any(Number)`, `expect.stringMatching(/^T-/)`, in vitest and jest)
 * as it describes itself, the way the runners print it: `Any<Number>`, `StringMatching /^T-/`.
 * JSON showed only its fields, `{"inverse":false}` (kit QA 2026-12-07). Undefined for anything else.
 */
function asymmetric(v: unknown): string | undefined {
  const m = v as { asymmetricMatch?: unknown; toAsymmetricMatcher?: () => string; sample?: unknown } | null;
  if (!m || typeof m !== 'object' || typeof m.asymmetricMatch !== 'function') return undefined;
  try {
    if (typeof m.toAsymmetricMatcher === 'function') return m.toAsymmetricMatcher();
    const sample = m.sample instanceof RegExp ? String(m.sample) : m.sample === undefined ? '' : short(m.sample, 60);
    return String(m) + (sample ? ' ' + sample : '');
  } catch { return 'an asymmetric matcher'; }
}

/** Marks a matcher's place in the JSON text (a private-use character JSON leaves as it is). */
const MARK = '\uE000';

const short = (v: unknown, max = 100): string => {
  let s: string;
  const found: string[] = [];
  // Each asymmetric matcher, at any depth, becomes a marked string, then its own description.
  const json = (x: unknown) => JSON.stringify(x, (_k, y) => { const d = asymmetric(y); return d === undefined ? y : MARK + (found.push(d) - 1) + MARK; });
  try {
    s = typeof v === 'function' ? 'a function' : json(v) ?? String(v);
    if (found.length) s = s.replace(new RegExp(`"${MARK}(\\d+)${MARK}"`, 'g'), (_, i: string) => found[Number(i)]!);
  } catch { s = String(v); }
  return s.length > max ? s.slice(0, max - 1) + '…' : s;
};
const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One sent conversion in a line: `purchase (value 2499 NOK, id purchase:T-1001, {"transaction_id":"T-1001",…})`. */
function line(s: SentConversion): string {
  const e = s.event;
  const facts = [
    ...(e.value !== undefined ? [`value ${e.value}${e.currency ? ' ' + e.currency : ''}`] : []),
    `id ${e.id}`,
    ...(Object.keys(e.properties).length ? [short(e.properties, 80)] : []),
  ];
  return `${s.conversion} (${facts.join(', ')})`;
}

/** What happened, for a failure message: per destination what it received, then what was rejected or skipped. */
function report(r: Recorder): string {
  const out = ['What each destination received:'];
  const configured = DESTINATIONS.filter((d) => d in (r.plan?.destinations ?? {}));
  for (const d of configured) {
    const got = r.sent(d);
    out.push(`  ${d}: ${got.length ? got.map(line).join('; ') : 'nothing'}`);
  }
  const errors = r.errors();
  if (errors.length) out.push('Rejected by the tracker:', ...errors.map((e) => `  ${e.path}: ${e.reason}`));
  const skipped = r.skipped();
  if (skipped.length) out.push('Not sent:', ...skipped.map((s) => `  ${s.conversion}: ${s.reason}`));
  return out.join('\n');
}

function describe(name: string, x: ExpectedConversion): string {
  const parts = [name];
  if (x.to) parts.push(`to ${x.to.join(' and ')}`);
  const fields = (['value', 'currency', 'id'] as const).filter((k) => k in x).map((k) => `${k} ${short(x[k])}`);
  if (x.properties) fields.push(`properties ${short(x.properties)}`);
  if (fields.length) parts.push(`with ${fields.join(', ')}`);
  if (x.times !== undefined) parts.push(x.times === 1 ? 'once' : `${x.times} times`);
  return parts.join(' ');
}

function toHaveSentConversion(this: MatcherContext, received: unknown, name: unknown, expected: ExpectedConversion = {}): Result {
  const m = 'toHaveSentConversion';
  const r = recorderOf(received, m);
  const conversion = checkConversion(r, name, m);
  if (!expected || typeof expected !== 'object') throw new TypeError(`${m}: the second argument is an object such as { to: ['ga4'], value: 99 }, got ${short(expected)}`);
  for (const k of Object.keys(expected)) if (!OPTIONS.includes(k)) throw new TypeError(`${m}: unknown option "${k}"; the options are ${OPTIONS.join(', ')}`);
  if (expected.to !== undefined && (!Array.isArray(expected.to) || !expected.to.length)) throw new TypeError(`${m}: "to" is a list of destinations such as ['ga4', 'meta'], got ${short(expected.to)}`);
  const to = expected.to?.map((d) => checkDestination(r, d, m));
  const { times } = expected;
  if (times !== undefined && !(Number.isInteger(times) && times >= 0)) throw new TypeError(`${m}: "times" is a whole number (0 or more), got ${short(times)}`);
  if (expected.properties !== undefined && (typeof expected.properties !== 'object' || !expected.properties)) throw new TypeError(`${m}: "properties" is an object of property values`);
  // A property the plan does not declare can never be on a sent conversion (the tracker rejects
  // it), so a misspelt name would make every `.not` pass: it is a misuse, like a misspelt conversion.
  // The tracker adds a funnel step's context to the properties (funnel, funnel_step, funnel_steps).
  const declared = [...Object.keys(r.plan?.conversions[conversion]?.properties ?? {}), ...(isFunnelStep(r, conversion) ? FUNNEL_CONTEXT : [])];
  for (const k of Object.keys(expected.properties ?? {})) {
    if (!declared.includes(k)) throw new TypeError(`${m}: "${k}" is not a property of ${conversion} in the plan; its properties are ${declared.join(', ') || 'none'}`);
  }

  const eq = (a: unknown, b: unknown) => (this?.equals ? this.equals(a, b) : same(a, b));
  const fits = (s: SentConversion) => s.conversion === conversion &&
    (!('value' in expected) || eq(s.event.value, expected.value)) &&
    (!('currency' in expected) || eq(s.event.currency, expected.currency)) &&
    (!('id' in expected) || eq(s.event.id, expected.id)) &&
    Object.entries(expected.properties ?? {}).every(([k, v]) => eq(s.event.properties[k], v));
  const ok = (n: number) => (times === undefined ? n > 0 : n === times);

  const findings: string[] = [];
  let pass: boolean;
  if (to) {
    // `.not` with several destinations means "none of them received it (as described)": so under
    // `.not` the matcher passes as soon as one of them did, and `.not` then fails. Without this,
    // `.not.toHaveSentConversion(x, { to: ['googleAds', 'meta'] })` passed while googleAds had it.
    const negated = this?.isNot === true;
    pass = !negated;
    for (const d of to) {
      const named = r.sent(d).filter((s) => s.conversion === conversion).length;
      const n = r.sent(d).filter(fits).length;
      if (negated ? ok(n) : !ok(n)) pass = negated;
      const notInPlan = !(d in (r.plan?.conversions[conversion]?.send ?? {})) ? ` (the plan's send for ${conversion} does not name ${d})` : '';
      findings.push(named > n ? `  ${d} received ${conversion} ${plural(named, 'time')}, ${n} of them as described` : `  ${d} received it ${plural(n, 'time')}${notInPlan}`);
    }
  } else {
    const n = new Set(r.sent().filter(fits).map((s) => s.event)).size;
    pass = ok(n);
    findings.push(`  it was sent ${plural(n, 'time')}` + (n === 0 && r.conversions(conversion).length ? `, but ${conversion} was sent ${plural(r.conversions(conversion).length, 'time')} with other values` : ''));
  }
  return {
    pass,
    message: () => `expected ${describe(conversion, expected)} ${pass ? 'not to have been sent' : 'to have been sent'}, but:\n${findings.join('\n')}\n${report(r)}`,
  };
}

function toHaveSentAnything(this: MatcherContext, received: unknown): Result {
  const r = recorderOf(received, 'toHaveSentAnything');
  const n = r.sent().length;
  return {
    pass: n > 0,
    message: () => (n > 0
      ? `expected nothing to have been sent, but ${plural(r.conversions().length, 'conversion')} went out (${plural(n, 'delivery').replace(/ys$/, 'ies')} in all).\n${report(r)}`
      : `expected something to have been sent, but no destination received anything.\n${report(r)}`),
  };
}

function toHaveSentTo(this: MatcherContext, received: unknown, destination: unknown, name?: unknown): Result {
  const m = 'toHaveSentTo';
  const r = recorderOf(received, m);
  const d = checkDestination(r, destination, m);
  const conversion = name === undefined ? undefined : checkConversion(r, name, m);
  const n = r.sent(d).filter((s) => conversion === undefined || s.conversion === conversion).length;
  const what = conversion ?? 'anything';
  return {
    pass: n > 0,
    message: () => (n > 0
      ? `expected ${d} not to have received ${what}, but it received ${conversion ? plural(n, 'time') : plural(n, 'conversion')}.\n${report(r)}`
      : `expected ${d} to have received ${what}, but it did not.\n${report(r)}`),
  };
}

/**
 * The matchers, for `expect.extend(measureplanMatchers)` in vitest or jest: `toHaveSentConversion`,
 * `toHaveSentAnything`, `toHaveSentTo`.
 */
export const measureplanMatchers = { toHaveSentConversion, toHaveSentAnything, toHaveSentTo };

/** Registers the matchers on a runner's `expect`: `installMatchers(expect)` in a setup file. */
export function installMatchers(expect: { extend(matchers: Record<string, unknown>): void }): void {
  expect.extend(measureplanMatchers);
}

const FUNNEL_CONTEXT = ['funnel', 'funnel_step', 'funnel_steps'];
const isFunnelStep = (r: Recorder, conversion: string) => Object.values(r.plan?.funnels ?? {}).some((f) => (Array.isArray(f) ? f : (f as { steps?: readonly string[] }).steps ?? []).includes(conversion));
