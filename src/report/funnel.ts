/**
 * Funnels for `measureplan report`: how many visitors reached each step of a plan's funnel,
 * where they dropped off, and how long they took. Pure, no I/O, no dependencies.
 *
 * ## The definition (reference `journey-and-reports.md` §3.5, PostHog's "sequential" funnel)
 *
 * A funnel is its steps in order (conversion names) and, optionally, a window (the plan's
 * `within`). For each visitor (or each session, if the caller feeds sessions), with the
 * visitor's events in time order:
 *
 * - **Ordered steps, anything in between.** Step k + 1 counts only when it happens after the
 *   event used for step k. Other events, and repeats of earlier steps, may happen in between
 *   and change nothing: `A B F C D E` and `A B D C D E` both complete the funnel A→B→C→D→E
 *   (the early D is simply not the D that follows C). A step that happens out of order
 *   (`B` before any `A`) does not count; a later occurrence of it, in order, does.
 * - **Earliest match.** From a given start, each step takes the earliest matching event after
 *   the previous step's event (greedy; for ordered steps this reaches as far as any choice can).
 *   The same event is never used for two steps, so a funnel that lists a step twice needs two
 *   occurrences. Events with the same timestamp keep the order they were given in.
 * - **The window counts from step 1.** With a window, every step must happen within it of the
 *   attempt's step-1 event (`t_k − t_1 ≤ window`, the boundary included), not step to step.
 *   A step that happens only after the window has closed does not count: the visitor stays at
 *   the step before it. Without a window there is no time limit.
 * - **A repeated first step starts a new attempt.** Every step-1 event is a candidate start
 *   (an attempt); the visitor's result is the attempt that got furthest, and of equally good
 *   attempts the earliest. So `A 13:00, A 13:30, B 13:45, C 14:15` with a 1 h window completes
 *   A→B→C: the attempt from 13:30 reaches C within 45 minutes, where the one from 13:00 would
 *   have run out at 14:00 (PostHog's answer; Mixpanel would keep the 13:00 start and stop at B,
 *   §3.4).
 * - **Once per visitor.** A visitor counts at most once per step, whatever the number of
 *   attempts or repeats (`search ×4 → add_to_cart` is one visitor at each step), and a visitor
 *   who reached step k counts at every step before it too (`N_k` = visitors whose best attempt
 *   reached step k).
 * - **No exclusion steps.** The plan has no way to exclude an event, so an event that another
 *   tool would treat as an exclusion is, here, just another event in between (§3.4's last row).
 * - **Date range (optional).** With `from`/`to`, an attempt must start (step 1) inside
 *   [from, to] and only steps up to `to` count (PostHog; the report says so under its period: `DATED` in format.ts).
 *   Feeding only the events inside the range gives the same answer.
 *
 * Figures per step k (1-based, §3.5 item 4): `visitors` = N_k; `fromFirst` = N_k/N_1 (overall
 * conversion); `fromPrevious` = N_k/N_(k−1) (step conversion); `dropOff` = N_(k−1) − N_k, the
 * visitors who reached step k − 1 but not step k, and `dropOffRate` = dropOff/N_(k−1). Step 1
 * has no previous step: its `fromPrevious` and `dropOffRate` are `null` and its `dropOff` 0. A
 * share over nobody is `null`. Time to convert (§3.5 item 5): for each visitor reaching step k,
 * the time from step k − 1 to step k of their best attempt; median and mean per step, and from
 * step 1 to the last step for the visitors who completed the funnel.
 *
 * Streaming: {@link funnelCounter} takes one visitor at a time, so a report over a million
 * events feeds visitors one by one from a query ordered by visitor and time. It keeps the
 * counts and, unless `times: false`, one number per visitor and step for the medians.
 */

/** One event of one visitor: its name (the conversion) and its time in ms. */
export interface FunnelEvent {
  event: string;
  t: number;
}

export interface FunnelOptions {
  /** Attempts must start (step 1) at or after this time (ms). */
  from?: number;
  /** Attempts must start at or before this time, and only steps up to it count (ms). */
  to?: number;
  /** Collect times between steps for the medians and means (default true). */
  times?: boolean;
}

/** One visitor's best attempt. */
export interface FunnelMatch {
  /** Steps reached, 0 when the visitor never did step 1 (in range). */
  reached: number;
  /** The time (ms) of the event used for each reached step. */
  at: number[];
}

/** Figures for one step of the funnel. */
export interface FunnelStep {
  /** 1-based position and the step's conversion name. */
  step: number;
  event: string;
  /** Visitors whose best attempt reached this step (N_k). */
  visitors: number;
  /** Visitors who reached the previous step but not this one (0 for step 1). */
  dropOff: number;
  /** dropOff / N_(k−1); `null` for step 1 or when nobody reached the previous step. */
  dropOffRate: number | null;
  /** N_k / N_(k−1), the step conversion; `null` for step 1 or when nobody reached the previous step. */
  fromPrevious: number | null;
  /** N_k / N_1, the overall conversion; `null` when nobody entered the funnel. */
  fromFirst: number | null;
  /** Median and mean ms from the previous step to this one; `null` for step 1, with `times: false`, or without visitors here. */
  medianMsFromPrevious: number | null;
  meanMsFromPrevious: number | null;
}

export interface FunnelResult {
  steps: FunnelStep[];
  /** Visitors fed, whether they entered the funnel or not. */
  visitors: number;
  /** N_1, and the visitors who completed every step. */
  entered: number;
  completed: number;
  /** completed / entered; `null` when nobody entered. */
  conversion: number | null;
  /** Median and mean ms from step 1 to the last step, over the visitors who completed. */
  medianMsToConvert: number | null;
  meanMsToConvert: number | null;
  /** The window used, `undefined` without one. */
  withinMs?: number;
}

/** The first index in the sorted list `xs` whose value is greater than `after`. */
function firstAfter(xs: readonly number[], after: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! > after) hi = mid; else lo = mid + 1;
  }
  return lo;
}

function checkFunnel(steps: readonly string[], withinMs: number | undefined): void {
  if (steps.length === 0) throw new RangeError('funnel: a funnel needs at least one step');
  if (withinMs !== undefined && !(withinMs >= 0)) throw new RangeError(`funnel: the window must be a duration in ms ≥ 0, got ${withinMs}`);
}

/** The events in time order (a stable sort, only when they are not in order already). */
function inOrder(events: readonly FunnelEvent[]): readonly FunnelEvent[] {
  for (let i = 1; i < events.length; i++) {
    if (events[i]!.t < events[i - 1]!.t) return [...events].sort((x, y) => x.t - y.t);
  }
  return events;
}

/**
 * One visitor's best attempt at the funnel, by the definition in this module's comment:
 * every step-1 event (inside [from, to]) starts an attempt, each step takes the earliest
 * matching event after the previous step's within `withinMs` of step 1, and the attempt that
 * got furthest wins (ties: the earliest). The events may be unsorted (they are sorted stably).
 */
export function matchFunnel(steps: readonly string[], events: readonly FunnelEvent[], withinMs?: number, options: Pick<FunnelOptions, 'from' | 'to'> = {}): FunnelMatch {
  checkFunnel(steps, withinMs);
  const list = inOrder(events);
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  // Positions (indices into the sorted list) of each event the funnel uses.
  const positions = new Map<string, number[]>();
  for (const s of steps) positions.set(s, []);
  list.forEach((e, i) => positions.get(e.event)?.push(i));

  const starts = positions.get(steps[0]!)!;
  let best: FunnelMatch = { reached: 0, at: [] };
  for (const start of starts) {
    const t1 = list[start]!.t;
    if (t1 < from) continue;
    if (t1 > to) break;
    const deadline = Math.min(to, withinMs === undefined ? Infinity : t1 + withinMs);
    const at = [t1];
    let index = start;
    for (let k = 1; k < steps.length; k++) {
      const candidates = positions.get(steps[k]!)!;
      const next = candidates[firstAfter(candidates, index)];
      if (next === undefined || list[next]!.t > deadline) break;
      at.push(list[next]!.t);
      index = next;
    }
    if (at.length > best.reached) best = { reached: at.length, at };
    if (best.reached === steps.length) break; // no later attempt can beat a complete one
    // Without a window every attempt has the same deadline (`to`), and the earliest start
    // reaches at least as far as any later one: the others need not be tried.
    if (withinMs === undefined) break;
  }
  return best;
}

function median(xs: number[]): number | null {
  if (!xs.length) return null;
  const s = Float64Array.from(xs).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const share = (n: number, d: number): number | null => (d > 0 ? n / d : null);

/** A funnel that counts visitors fed one at a time. */
export interface FunnelCounter {
  /** Counts one visitor (or session): all of its events, in time order, from any conversion. */
  add(visitorEvents: readonly FunnelEvent[]): FunnelMatch;
  /** The figures so far; `add` may go on afterwards. */
  result(): FunnelResult;
}

/**
 * A streaming funnel: `add` each visitor's events (time order; other events are fine), then
 * read `result()`. Memory: the counts, plus (unless `times: false`) one number per visitor and
 * reached step for the medians.
 */
export function funnelCounter(steps: readonly string[], withinMs?: number, options: FunnelOptions = {}): FunnelCounter {
  checkFunnel(steps, withinMs);
  const names = [...steps];
  const reached = new Array<number>(names.length).fill(0);
  const gaps: number[][] = names.map(() => []);
  const total: number[] = [];
  const times = options.times ?? true;
  let visitors = 0;

  return {
    add(visitorEvents) {
      const m = matchFunnel(names, visitorEvents, withinMs, options);
      visitors++;
      for (let k = 0; k < m.reached; k++) {
        reached[k]!++;
        if (times && k > 0) gaps[k]!.push(m.at[k]! - m.at[k - 1]!);
      }
      if (times && m.reached === names.length) total.push(m.at[m.reached - 1]! - m.at[0]!);
      return m;
    },
    result() {
      const n1 = reached[0]!;
      const last = reached[names.length - 1]!;
      const stepsOut = names.map((event, k): FunnelStep => {
        const nk = reached[k]!;
        const prev = k === 0 ? null : reached[k - 1]!;
        return {
          step: k + 1,
          event,
          visitors: nk,
          dropOff: prev === null ? 0 : prev - nk,
          dropOffRate: prev === null ? null : share(prev - nk, prev),
          fromPrevious: prev === null ? null : share(nk, prev),
          fromFirst: share(nk, n1),
          medianMsFromPrevious: k === 0 ? null : median(gaps[k]!),
          meanMsFromPrevious: k === 0 ? null : mean(gaps[k]!),
        };
      });
      const out: FunnelResult = {
        steps: stepsOut,
        visitors,
        entered: n1,
        completed: last,
        conversion: share(last, n1),
        medianMsToConvert: median(total),
        meanMsToConvert: mean(total),
      };
      if (withinMs !== undefined) out.withinMs = withinMs;
      return out;
    },
  };
}

/** The funnel over visitors given all at once (or as any iterable, e.g. a generator over a cursor). */
export function funnelReport(steps: readonly string[], visitors: Iterable<readonly FunnelEvent[]>, withinMs?: number, options: FunnelOptions = {}): FunnelResult {
  const counter = funnelCounter(steps, withinMs, options);
  for (const v of visitors) counter.add(v);
  return counter.result();
}
