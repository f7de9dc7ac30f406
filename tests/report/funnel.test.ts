import { describe, expect, it } from 'vitest';
import { funnelCounter, funnelReport, matchFunnel, type FunnelEvent } from '../../src/report/funnel';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY0 = Date.UTC(2026, 11, 4);
/** `at('13:45')`: that time of the fixture day, in ms. */
const at = (hhmm: string): number => {
  const [h, m] = hhmm.split(':').map(Number);
  return DAY0 + h! * HOUR + m! * MIN;
};
/** `visit('A 13:00', 'B 13:45')` → events. */
const visit = (...spec: string[]): FunnelEvent[] => spec.map((s) => {
  const [event, time] = s.split(' ');
  return { event: event!, t: at(time!) };
});
/** Events one minute apart from 10:00, named by the letters. */
const seq = (letters: string): FunnelEvent[] => [...letters].map((event, i) => ({ event, t: at('10:00') + i * MIN }));
const counts = (r: ReturnType<typeof funnelReport>) => r.steps.map((s) => s.visitors);

describe('the divergence cases of reference §3.4, as our definition (§3.5) answers them', () => {
  it('case "A 13:00, A 13:30, B 13:45, C 14:15, window 1 h": converts, because the second A starts a new attempt and C is 45 min after it (PostHog; Mixpanel stops at B)', () => {
    const events = visit('A 13:00', 'A 13:30', 'B 13:45', 'C 14:15');
    expect(matchFunnel(['A', 'B', 'C'], events, HOUR)).toEqual({ reached: 3, at: [at('13:30'), at('13:45'), at('14:15')] });

    const r = funnelReport(['A', 'B', 'C'], [events], HOUR);
    expect(counts(r)).toEqual([1, 1, 1]);
    // Times come from the winning attempt: 13:30 → 13:45 → 14:15.
    expect(r.steps.map((s) => s.medianMsFromPrevious)).toEqual([null, 15 * MIN, 30 * MIN]);
    expect(r.medianMsToConvert).toBe(45 * MIN);

    // Without the second A the only attempt starts at 13:00 and its window closes at 14:00, before C.
    expect(matchFunnel(['A', 'B', 'C'], visit('A 13:00', 'B 13:45', 'C 14:15'), HOUR).reached).toBe(2);
  });

  it('case "A B F C D E" for A→B→C→D→E: converts, because other events may happen between steps', () => {
    const r = funnelReport(['A', 'B', 'C', 'D', 'E'], [seq('ABFCDE')]);
    expect(counts(r)).toEqual([1, 1, 1, 1, 1]);
    expect(r.completed).toBe(1);
  });

  it('case "A B D C D E" for A→B→C→D→E: converts, because the D before C is just an event in between and the D after C is the step', () => {
    const m = matchFunnel(['A', 'B', 'C', 'D', 'E'], seq('ABDCDE'));
    expect(m.reached).toBe(5);
    // Step D is the second D (10:04), not the first (10:02).
    expect(m.at[3]).toBe(at('10:04'));
  });

  it('case "A B C E" for A→B→C→D→E: reaches C and drops off at D, because E without D does not count', () => {
    const r = funnelReport(['A', 'B', 'C', 'D', 'E'], [seq('ABCE')]);
    expect(counts(r)).toEqual([1, 1, 1, 0, 0]);
    expect(r.steps[3]).toMatchObject({ event: 'D', dropOff: 1, dropOffRate: 1, fromPrevious: 0 });
    // Nobody reached D, so nobody could drop off at E: 0 lost, and no rate over nobody.
    expect(r.steps[4]).toMatchObject({ event: 'E', dropOff: 0, dropOffRate: null, fromPrevious: null, fromFirst: 0 });
    expect(r.conversion).toBe(0);
  });

  it('case "search ×4 then add_to_cart": one visitor at each step, because a visitor counts once whatever the attempts', () => {
    const events = visit('search 10:00', 'search 10:05', 'search 10:10', 'search 10:15', 'add_to_cart 10:20');
    const r = funnelReport(['search', 'add_to_cart'], [events]);
    expect(counts(r)).toEqual([1, 1]);
    expect(r).toMatchObject({ visitors: 1, entered: 1, completed: 1, conversion: 1 });
    // All four attempts convert; the earliest wins the tie, so the time counts from the first search.
    expect(r.medianMsToConvert).toBe(20 * MIN);
    // With a 10 min window only the attempts from 10:10 and 10:15 convert; the earlier of them wins.
    expect(funnelReport(['search', 'add_to_cart'], [events], 10 * MIN).medianMsToConvert).toBe(10 * MIN);
  });

  it('case "exclusion event between steps 2 and 3": counted at every step it reached, because the plan has no exclusion steps (the event is just an event in between)', () => {
    const r = funnelReport(['A', 'B', 'C'], [visit('A 10:00', 'B 10:01', 'cancel_order 10:02', 'C 10:03')]);
    expect(counts(r)).toEqual([1, 1, 1]);
  });
});

describe('the rest of the definition', () => {
  it('steps out of order do not count; the same step later, in order, does', () => {
    // B before any A is ignored; C before B is ignored; then B and C in order.
    expect(matchFunnel(['A', 'B', 'C'], seq('BACBC'))).toEqual({ reached: 3, at: [at('10:01'), at('10:03'), at('10:04')] });
    expect(matchFunnel(['A', 'B', 'C'], seq('CBA')).reached).toBe(1);
    expect(matchFunnel(['A', 'B', 'C'], seq('BC')).reached).toBe(0);
  });

  it('the window counts from step 1, not step to step, and its end is included', () => {
    const steps = ['A', 'B', 'C'];
    // Each step 30 min after the previous: C is 60 min after A, exactly the window → counts.
    expect(matchFunnel(steps, visit('A 10:00', 'B 10:30', 'C 11:00'), HOUR).reached).toBe(3);
    // One more ms and C is outside the window: the visitor stays at B.
    const late = [...visit('A 10:00', 'B 10:30'), { event: 'C', t: at('11:00') + 1 }];
    expect(matchFunnel(steps, late, HOUR).reached).toBe(2);
    // A step after the window does not count even if it is within the window of the previous step.
    expect(matchFunnel(steps, visit('A 10:00', 'B 10:59', 'C 11:01'), HOUR).reached).toBe(2);
    // Without a window there is no limit.
    expect(matchFunnel(steps, visit('A 10:00', 'B 10:59', 'C 23:01')).reached).toBe(3);
  });

  it('a repeated first step keeps the furthest attempt, not the latest', () => {
    // The attempt from 10:00 reaches B; the one from 12:00 only A: the visitor counts at B.
    expect(matchFunnel(['A', 'B', 'C'], visit('A 10:00', 'B 10:10', 'A 12:00'), HOUR)).toEqual({ reached: 2, at: [at('10:00'), at('10:10')] });
  });

  it('a step listed twice needs two occurrences, and one event never fills two steps', () => {
    const steps = ['view_item', 'view_item', 'purchase'];
    expect(matchFunnel(steps, visit('view_item 10:00', 'purchase 10:05')).reached).toBe(1);
    expect(matchFunnel(steps, visit('view_item 10:00', 'view_item 10:01', 'purchase 10:05')).reached).toBe(3);
  });

  it('events at the same ms keep the order given; unsorted input is sorted first', () => {
    const t = at('10:00');
    expect(matchFunnel(['A', 'B'], [{ event: 'A', t }, { event: 'B', t }]).reached).toBe(2);
    expect(matchFunnel(['A', 'B'], [{ event: 'B', t }, { event: 'A', t }]).reached).toBe(1);
    expect(matchFunnel(['A', 'B', 'C'], visit('C 10:02', 'A 10:00', 'B 10:01')).reached).toBe(3);
  });

  it('a date range: the attempt starts inside it and steps after its end do not count', () => {
    const events = visit('A 09:00', 'B 09:30', 'A 10:30', 'B 10:40', 'C 12:00');
    const range = { from: at('10:00'), to: at('11:00') };
    // The 09:00 attempt started before the range; the 10:30 one reaches B, and C (12:00) is after `to`.
    expect(matchFunnel(['A', 'B', 'C'], events, undefined, range)).toEqual({ reached: 2, at: [at('10:30'), at('10:40')] });
  });

  it('a visitor without step 1 counts as fed but not as entered', () => {
    const r = funnelReport(['A', 'B'], [seq('XYZ')]);
    expect(r).toMatchObject({ visitors: 1, entered: 0, completed: 0, conversion: null });
    expect(r.steps[0]).toMatchObject({ visitors: 0, fromFirst: null, fromPrevious: null, dropOff: 0, dropOffRate: null });
  });

  it('rejects a funnel without steps and a negative window', () => {
    expect(() => funnelCounter([])).toThrow(RangeError);
    expect(() => funnelCounter(['A'], -1)).toThrow(RangeError);
  });
});

describe('the figures over many visitors (hand-computed)', () => {
  // Funnel view → cart → buy, window 1 h. Six visitors:
  //   v1 view 10:00, cart 10:10, buy 10:30       → 3 steps (10 min, 20 min; 30 min in all)
  //   v2 view 10:00, cart 10:20, buy 10:50       → 3 steps (20 min, 30 min; 50 min in all)
  //   v3 view 10:00, cart 10:40                  → 2 steps (40 min)
  //   v4 view 10:00, cart 11:30                  → 1 step (cart after the window)
  //   v5 view 10:00                              → 1 step
  //   v6 cart 10:00, buy 10:05                   → 0 steps (never viewed)
  const visitors = [
    visit('view 10:00', 'cart 10:10', 'buy 10:30'),
    visit('view 10:00', 'cart 10:20', 'page 10:25', 'buy 10:50'),
    visit('view 10:00', 'cart 10:40'),
    visit('view 10:00', 'cart 11:30'),
    visit('view 10:00'),
    visit('cart 10:00', 'buy 10:05'),
  ];

  it('counts, drop-offs, step and overall conversion, and times between steps', () => {
    const counter = funnelCounter(['view', 'cart', 'buy'], HOUR);
    for (const v of visitors) counter.add(v);
    const r = counter.result();
    expect(r).toMatchObject({ visitors: 6, entered: 5, completed: 2, conversion: 2 / 5, withinMs: HOUR });
    expect(r.steps).toEqual([
      { step: 1, event: 'view', visitors: 5, dropOff: 0, dropOffRate: null, fromPrevious: null, fromFirst: 1, medianMsFromPrevious: null, meanMsFromPrevious: null },
      // N2 = 3: dropped 2 of 5; cart times 10, 20, 40 min → median 20, mean 70/3.
      { step: 2, event: 'cart', visitors: 3, dropOff: 2, dropOffRate: 2 / 5, fromPrevious: 3 / 5, fromFirst: 3 / 5, medianMsFromPrevious: 20 * MIN, meanMsFromPrevious: (70 / 3) * MIN },
      // N3 = 2: dropped 1 of 3; buy times 20, 30 min → median 25.
      { step: 3, event: 'buy', visitors: 2, dropOff: 1, dropOffRate: 1 / 3, fromPrevious: 2 / 3, fromFirst: 2 / 5, medianMsFromPrevious: 25 * MIN, meanMsFromPrevious: 25 * MIN },
    ]);
    expect(r.medianMsToConvert).toBe(40 * MIN);
    expect(r.meanMsToConvert).toBe(40 * MIN);
  });

  it('streams: feeding visitors one by one (a generator, as from a cursor) gives the same figures, and result() can be read between adds', () => {
    const counter = funnelCounter(['view', 'cart', 'buy'], HOUR);
    counter.add(visitors[0]!);
    expect(counter.result().completed).toBe(1);
    for (const v of visitors.slice(1)) counter.add(v);
    function* cursor() { yield* visitors; }
    expect(funnelReport(['view', 'cart', 'buy'], cursor(), HOUR)).toEqual(counter.result());
  });

  it('times: false keeps only the counts', () => {
    const r = funnelReport(['view', 'cart', 'buy'], visitors, HOUR, { times: false });
    expect(counts(r)).toEqual([5, 3, 2]);
    expect(r.steps.map((s) => s.medianMsFromPrevious)).toEqual([null, null, null]);
    expect(r.medianMsToConvert).toBeNull();
    expect(r.withinMs).toBe(HOUR);
  });

  it('a visitor with thousands of repeated first steps is counted once and quickly', () => {
    const events: FunnelEvent[] = [];
    for (let i = 0; i < 20_000; i++) events.push({ event: 'view', t: i * 1000 }, { event: 'page', t: i * 1000 + 1 });
    events.push({ event: 'cart', t: 20_000 * 1000 });
    const r = funnelReport(['view', 'cart', 'buy'], [events], 5000);
    expect(counts(r)).toEqual([1, 1, 0]);
    // Attempts from 19,995 s to 19,999 s all reach cart (20,000 s) within 5 s; the earliest wins the tie.
    expect(r.steps[1]!.medianMsFromPrevious).toBe(5000);
  });
});
