/** How the report's text, Markdown and HTML write shares, money and times. */
import { parseZone, UTC, wallTime, type Zone } from '../offline/time';
import { minorDigits } from '../offline/value';
import { formatCount, formatP, formatShare } from './stats';

/** A share as text (one rounding rule everywhere), '—' when there is none. */
export const pct = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : formatShare(r));
/** The currency's minor digits (2 for NOK, 0 for JPY, 3 for KWD); 2 for an unknown code or none (looked up once per code). */
const digitsOf = (cur: string | null): number => (cur ? minorDigits(cur) : undefined) ?? 2;
/**
 * Money with the plan's currency, '—' for none: whole units from 1,000 on (a manager reads
 * "29,084 NOK"), below that to the currency's minor digits as needed ("0.375 KWD", "12.5 NOK"),
 * so a real amount never reads "0"; never "-0".
 */
export const money = (v: number | null, cur: string | null): string => {
  if (v === null) return '—';
  const text = v.toLocaleString('en', { maximumFractionDigits: Math.abs(v) >= 1000 ? 0 : digitsOf(cur) });
  return `${/^-0(\.0*)?$/.test(text) ? '0' : text}${cur ? ` ${cur}` : ''}`;
};

/** A conversion's value with the sums in other currencies beside it: `29,084 NOK + 2,499 EUR` (never added up). */
export const moneyIn = (v: number | null, cur: string | null, other: Record<string, number> = {}): string => {
  const others = Object.entries(other).map(([c, x]) => money(x, c));
  // Nothing in the plan's currency, all in others: `249 EUR`, not `— + 249 EUR`.
  return (v === null && others.length ? others : [money(v, cur), ...others]).join(' + ');
};

const zones = new Map<string, Zone>();

/** `2026-12-01 00:30`: an ISO time in `timezone` (an IANA id or an offset; UTC by default); '—' for none. */
export function localTime(iso: string | null, timezone = 'UTC'): string {
  if (!iso) return '—';
  let zone = zones.get(timezone);
  if (!zone) zones.set(timezone, (zone = parseZone(timezone) ?? UTC));
  return wallTime(Date.parse(iso), zone).slice(0, 16);
}

/**
 * A time span, the same in every format: `45 s`, `75 min`, `1.5 h`, `7 d`. A whole number of
 * hours stays in hours (a plan's "1h" reads `1 h`, not `60 min`), and no `.0` is written.
 */
export function duration(ms: number | null): string {
  if (ms === null) return '—';
  const one = (n: number) => String(+n.toFixed(1));
  if (ms < 90_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 5_400_000 && ms % 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 172_800_000) return `${one(ms / 3_600_000)} h`;
  return `${one(ms / 86_400_000)} d`;
}

/** A claim's verdict in words (`not shown`, `no data`), as docs/report.md names them; JSON keeps the key. */
export const verdictWords = (v: string): string => v.replace(/-/g, ' ');

/** Whether free text already ends a sentence, so that a renderer adds no second full stop (`… (7 days)..`). */
export const endsSentence = (s: string): boolean => /[.!?…。؟۔]["'”’)\]]*\s*$/u.test(s);

/** A web vital's value in its unit: `216 ms`, `2.86 s`, CLS `0.05` (`0.105`); '—' for none. */
export function vitalValue(metric: string, v: number | null): string {
  if (v === null) return '—';
  // CLS to its bucket (0.001): 0.105 rounded to `0.10` would read as good beside "needs improvement".
  if (metric === 'CLS') return v.toFixed(3).replace(/(\.\d\d)0$/, '$1');
  return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(2)} s`;
}

/** What the page-load table says above it, in every format. */
/**
 * A comparison's own numbers, in words, for every verdict (issue 12: the difference with its
 * interval and p-value): "Difference +2.0 points (95 % interval +0.1 to +3.9), p = 0.043."
 * `k`: the comparisons in the experiment, whose Bonferroni level the interval has.
 */
export function comparisonNumbers(c: { diff: number | null; diff_low: number | null; diff_high: number | null; p: number | null; verdict: string }, k: number): string {
  // A broken split: the rates cannot be compared, and numbers would read as a result (second read 2026-12-06).
  if (c.verdict === 'sample-ratio-mismatch' || c.diff === null || c.diff_low === null || c.diff_high === null || c.p === null) return '';
  const pts = (d: number) => `${d > 0 ? '+' : d < 0 ? '−' : ''}${Math.abs(d * 100).toFixed(1)}`;
  const level = Number(((1 - 0.05 / Math.max(1, k)) * 100).toPrecision(3));
  return `Difference ${pts(c.diff)} percentage points (${level} % interval ${pts(c.diff_low)} to ${pts(c.diff_high)}), ${formatP(c.p)}.`;
}

/** What a dated report says of its funnels, under its period (reference §3.5 item 6, stats QA 2026-12-06). */
export const DATED = 'In this period, a funnel counts the visitors whose first step falls in it, and only the steps they took before its end: a visitor who finishes the day after shows as a drop-off.';
export const PAGE_LOADS_LEAD = 'The value 75 % of page loads were at or under, with its rating. Google\'s Core Web Vitals assessment reads LCP, INP and CLS this way: a site passes when all three are good.';

/** The page-load table's rows (metric, page loads, 75th percentile, rating), for metrics measured. */
export function pageLoadRows(pages: readonly { metric: string; pages: number; p75: number | null; rating: string | null }[], count: (n: number) => string): string[][] {
  return pages.filter((p) => p.pages).map((p) => [p.metric, count(p.pages), vitalValue(p.metric, p.p75), (p.rating ?? '—').replace('-', ' ')]);
}

/** An experiment's visitors who saw more than one variant, in words (text and HTML say the same). */
export const mixedWords = (n: number) => `${formatCount(n)} visitor${n === 1 ? '' : 's'} saw more than one variant (the assignment changed during the test) and ${n === 1 ? 'is' : 'are'} in no arm.`;
/** Experiments outside the plan that the report leaves out, in words. */
/** Stored conversions the plan no longer has, in a renderer's own way of writing a name. */
export const outsidePlanWords = (o: { total: number; events: readonly { event: string; count: number }[] }, name: (s: string) => string) =>
  `${formatCount(o.total)} stored conversions have names this plan does not have (renamed or removed since they were stored?) and are left out above: ${o.events.map((e) => `${name(e.event)} (${formatCount(e.count)})`).join(', ')}.`;
export const nothingInQuarantine = (outside: number) => (outside ? 'Nothing in quarantine.' : 'Nothing in quarantine: every event matched the plan.');
export const leftOutWords = (n: number) => `${formatCount(n)} more experiment${n === 1 ? '' : 's'} not in the plan left out (the 20 with the most visitors are shown).`;

/** The open browses in words: those still within the waiting time, apart from those with too few products to ever count. */
export const browseOpenWords = (b: { open: number; open_too_few: number; min: number }): string => {
  const waiting = b.open - b.open_too_few;
  const few = b.open_too_few ? `, ${b.open_too_few.toLocaleString('en')} with fewer than ${b.min} products viewed (never counted as abandoned)` : '';
  return `${waiting.toLocaleString('en')} still open${few}`;
};

/** What the channels section says above its table, in every format. */
export const CHANNELS_LEAD = 'Each order (a macro conversion) counts for the channel of the visitor\'s last session at or before it that did not come direct, among their sessions in this period; Direct only when every one of them was direct. The sessions column counts each session in its own channel: a paid visitor\'s direct return is a Direct session.';
/** The orders of the period no session could be found for, in words; '' for none. */
export const withoutSessionWords = (n: number) => (n ? `${formatCount(n)} order${n === 1 ? '' : 's'} had no session in this period (an order the shop's server sent for a user never seen on the site, or one sent without a session) and ${n === 1 ? 'is' : 'are'} in no channel.` : '');
/** Campaigns the report leaves out, in words. */
export const campaignsLeftOutWords = (n: number, shown: number) => `${formatCount(n)} more campaign${n === 1 ? '' : 's'} left out (the ${shown} with the most orders are shown).`;
/** A campaign's source / medium, as every format writes it. */
export const sourceMedium = (c: { source: string | null; medium: string | null }) => `${c.source ?? '—'} / ${c.medium ?? '—'}`;
/** A channel's conversion rate with its interval: `12.5 % (8.1 % – 18.8 %) of 96`. */
export const rateWithInterval = (r: { rate: number | null; low: number | null; high: number | null; of: number }) => (r.rate === null ? '—' : `${pct(r.rate)} (${pct(r.low)} – ${pct(r.high)}) of ${formatCount(r.of)}`);
