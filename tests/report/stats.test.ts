import { describe, expect, it } from 'vitest';
import {
  fisherExact, smallCells,
  EARLY_STOP_WARNING, erfc, formatCount, formatLift, formatP, gammaQ, logGamma, normalCdf, normalQuantile,
  PEEKING_FALSE_POSITIVES, probabilityToBeat, sampleRatioMismatch, sampleSizePerArm, twoProportions, verdict, wilson,
  type Arm,
} from '../../src/report/stats';

const arm = (name: string, visitors: number, conversions: number): Arm => ({ name, visitors, conversions });

describe('the normal distribution', () => {
  it('normalCdf matches known values, tails included', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 15);
    expect(normalCdf(1)).toBeCloseTo(0.8413447460685429, 15);
    expect(normalCdf(-1)).toBeCloseTo(0.15865525393145707, 15);
    // Relative accuracy far in the lower tail: Φ(−8) = 6.22096057427178e-16.
    expect(normalCdf(-8) / 6.22096057427178e-16).toBeCloseTo(1, 12);
    expect(normalCdf(-40)).toBe(0);
    expect(normalCdf(40)).toBe(1);
    expect(normalCdf(Number.NaN)).toBeNaN();
  });

  it('erfc matches known values on both sides of its series/continued-fraction switch', () => {
    expect(erfc(0.5)).toBeCloseTo(0.4795001221869535, 15);
    // erfc(2.5) = 4.06952017444959e-4, reached from the series side and from the continued fraction.
    expect(erfc(2.5 - 1e-13) / 4.06952017444959e-4).toBeCloseTo(1, 11);
    expect(erfc(2.5) / 4.06952017444959e-4).toBeCloseTo(1, 13);
    expect(erfc(3) / 2.209049699858544e-5).toBeCloseTo(1, 13);
    expect(erfc(-1)).toBeCloseTo(1.8427007929497148, 15);
  });

  it('normalQuantile matches known values and inverts normalCdf to ~1e-12 over (1e-12, 1 − 1e-12)', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 12);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416212335729143, 12);
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 10);
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    let worst = 0;
    for (let p = 1e-12; p < 1; p *= 1.1) {
      for (const q of [p, 1 - p]) {
        if (q <= 0 || q >= 1) continue;
        const x = normalQuantile(q);
        const back = q < 0.5 ? normalCdf(x) : 1 - normalCdf(x);
        worst = Math.max(worst, Math.abs(back - Math.min(q, 1 - q)) / Math.min(q, 1 - q));
      }
    }
    expect(worst).toBeLessThan(1e-9);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
    expect(() => normalQuantile(Number.NaN)).toThrow(RangeError);
  });
});

describe('wilson (reference §5.4 vectors)', () => {
  it('20/100 → [0.13337, 0.28883]', () => {
    const w = wilson(20, 100)!;
    expect(w.rate).toBe(0.2);
    expect(w.low).toBeCloseTo(0.13337, 5);
    expect(w.high).toBeCloseTo(0.28883, 5);
  });

  it('0/50 → [0, 0.07135]', () => {
    const w = wilson(0, 50)!;
    expect(w).toMatchObject({ rate: 0, low: 0 });
    expect(w.high).toBeCloseTo(0.07135, 5);
  });

  it('50/50 → [0.92865, 1], the mirror image', () => {
    const w = wilson(50, 50)!;
    expect(w.high).toBe(1);
    expect(w.low).toBeCloseTo(1 - 0.07135, 5);
  });

  it('n = 0 gives undefined: no rate without visitors', () => {
    expect(wilson(0, 0)).toBeUndefined();
  });

  it('a lower confidence gives a narrower interval', () => {
    const w90 = wilson(20, 100, 0.9)!;
    const w95 = wilson(20, 100)!;
    expect(w90.low).toBeGreaterThan(w95.low);
    expect(w90.high).toBeLessThan(w95.high);
  });

  it('rejects counts that are not counts', () => {
    expect(() => wilson(5, 3)).toThrow(RangeError);
    expect(() => wilson(-1, 3)).toThrow(RangeError);
    expect(() => wilson(1.5, 3)).toThrow(RangeError);
    expect(() => wilson(1, 3, 1)).toThrow(RangeError);
  });
});

describe('twoProportions', () => {
  it('§5.4: 200/10,000 vs 240/10,000 → z = 1.9283, two-sided p = 0.0538', () => {
    const r = twoProportions(200, 10_000, 240, 10_000)!;
    expect(r.z.toFixed(4)).toBe('1.9283');
    expect(r.p.toFixed(4)).toBe('0.0538');
    expect(r).toMatchObject({ rate1: 0.02, rate2: 0.024 });
    expect(r.diff).toBeCloseTo(0.004, 15);
    expect(r.relativeLift).toBeCloseTo(0.2, 12);
    // Not significant at 5 %: the interval for the difference includes 0 (just).
    expect(r.diffLow).toBeLessThan(0);
    expect(r.diffHigh).toBeGreaterThan(0);
    // Katz: exp(ln 1.2 ± 1.959964·√(1/200 − 1/10000 + 1/240 − 1/10000)) − 1.
    const se = Math.sqrt(1 / 200 - 1 / 10_000 + 1 / 240 - 1 / 10_000);
    expect(r.liftLow).toBeCloseTo(1.2 * Math.exp(-1.959963984540054 * se) - 1, 12);
    expect(r.liftHigh).toBeCloseTo(1.2 * Math.exp(1.959963984540054 * se) - 1, 12);
  });

  it('the difference interval is Newcombe\'s hybrid score interval (his 1998 worked examples)', () => {
    // 56/70 vs 48/80: difference 0.2, method 10 → (0.0524, 0.3339). Here the variant is 56/70.
    const a = twoProportions(48, 80, 56, 70)!;
    expect(a.diffLow).toBeCloseTo(0.0524, 4);
    expect(a.diffHigh).toBeCloseTo(0.3339, 4);
    // 9/10 vs 3/10: difference 0.6 → (0.1705, 0.8090).
    const b = twoProportions(3, 10, 9, 10)!;
    expect(b.diffLow).toBeCloseTo(0.1705, 4);
    expect(b.diffHigh).toBeCloseTo(0.809, 4);
  });

  it('z is negative when the variant converts worse; p is symmetric', () => {
    const up = twoProportions(200, 10_000, 240, 10_000)!;
    const down = twoProportions(240, 10_000, 200, 10_000)!;
    expect(down.z).toBeCloseTo(-up.z, 12);
    expect(down.p).toBeCloseTo(up.p, 12);
  });

  it('no conversions anywhere: no evidence of a difference (z 0, p 1); no lift over a rate of 0', () => {
    const r = twoProportions(0, 100, 0, 100)!;
    expect(r).toMatchObject({ z: 0, p: 1, diff: 0, relativeLift: null, liftLow: null, liftHigh: null });
    expect(twoProportions(0, 100, 5, 100)).toMatchObject({ relativeLift: null, liftLow: null });
  });

  it('an arm without visitors gives undefined', () => {
    expect(twoProportions(0, 0, 5, 100)).toBeUndefined();
    expect(twoProportions(5, 100, 0, 0)).toBeUndefined();
  });
});

describe('fisherExact (two-sided, as R\'s fisher.test)', () => {
  it('matches R on known tables', () => {
    expect(fisherExact(3, 10, 7, 10)).toBeCloseTo(0.1789, 4); // fisher.test(matrix(c(3,7,7,3),2))
    expect(fisherExact(0, 5, 5, 5)).toBeCloseTo(0.007937, 5);
    expect(fisherExact(10, 100, 1, 1)).toBeCloseTo(0.1089, 4); // one visitor with the micro conversion (stats QA 2026-12-06)
    expect(fisherExact(5, 10, 5, 10)).toBe(1);
  });

  it('small cells are told from large ones by the expected counts', () => {
    expect(smallCells(10, 100, 1, 1)).toBe(true);
    expect(smallCells(300, 2000, 330, 2000)).toBe(false);
  });
});

describe('sampleSizePerArm (§5.4 vectors: two-sided α 0.05, power 0.8)', () => {
  it('p1 = 3 %, MDE +10 % → 53,211', () => expect(sampleSizePerArm(0.03, 0.1)).toBe(53_211));
  it('p1 = 10 %, MDE +20 % → 3,841', () => expect(sampleSizePerArm(0.1, 0.2)).toBe(3_841));

  it('more power or a smaller effect needs more visitors; a drop can be planned too', () => {
    expect(sampleSizePerArm(0.03, 0.1, 0.05, 0.9)).toBeGreaterThan(53_211);
    expect(sampleSizePerArm(0.03, 0.05)).toBeGreaterThan(53_211);
    expect(sampleSizePerArm(0.1, -0.2)).toBeGreaterThan(0);
  });

  it('rejects rates and effects that are no rates', () => {
    expect(() => sampleSizePerArm(0, 0.1)).toThrow(RangeError);
    expect(() => sampleSizePerArm(0.6, 1)).toThrow(RangeError);
    expect(() => sampleSizePerArm(0.1, 0)).toThrow(RangeError);
    expect(() => sampleSizePerArm(0.1, 0.1, 0)).toThrow(RangeError);
  });
});

describe('probabilityToBeat (§5.4 vectors, Beta(1, 1) priors)', () => {
  it('A 200/10,000, B 240/10,000 → 0.9730', () => expect(probabilityToBeat(200, 10_000, 240, 10_000).toFixed(4)).toBe('0.9730'));
  it('A 10/100, B 15/100 → 0.8533', () => expect(probabilityToBeat(10, 100, 15, 100).toFixed(4)).toBe('0.8533'));
  it('the two directions add up to 1, and equal arms give 0.5', () => {
    expect(probabilityToBeat(10, 100, 15, 100) + probabilityToBeat(15, 100, 10, 100)).toBeCloseTo(1, 10);
    expect(probabilityToBeat(30, 1000, 30, 1000)).toBeCloseTo(0.5, 10);
  });
});

describe('sampleRatioMismatch', () => {
  it('chi-squared against equal weights: 5,000 vs 5,200 → χ² 3.92, p 0.048 (not below 0.001)', () => {
    const r = sampleRatioMismatch([5000, 5200])!;
    expect(r.chiSquare).toBeCloseTo((100 ** 2 / 5100) * 2, 12);
    expect(r.df).toBe(1);
    // With one degree of freedom p = 2(1 − Φ(√χ²)).
    expect(r.p).toBeCloseTo(2 * normalCdf(-Math.sqrt(r.chiSquare)), 12);
    expect(r.p).toBeCloseTo(0.0477, 4);
  });

  it('three arms: χ² 8 with 2 degrees of freedom has p = e^(−4)', () => {
    expect(sampleRatioMismatch([100, 120, 80])!.p).toBeCloseTo(Math.exp(-4), 12);
  });

  it('uses the planned weights', () => {
    const r = sampleRatioMismatch([9000, 1000], [9, 1])!;
    expect(r).toMatchObject({ chiSquare: 0, p: 1, expected: [9000, 1000] });
    expect(() => sampleRatioMismatch([1, 2], [1])).toThrow(RangeError);
    expect(sampleRatioMismatch([0, 0])).toBeUndefined();
  });

  it('gammaQ and logGamma agree with closed forms', () => {
    expect(logGamma(10)).toBeCloseTo(Math.log(362_880), 12);
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
    expect(gammaQ(1, 3)).toBeCloseTo(Math.exp(-3), 14);
    expect(gammaQ(3, 50)).toBeCloseTo(Math.exp(-50) * (1 + 50 + 1250), 30);
  });
});

describe('verdict', () => {
  it('before the planned sample: says how far it is and warns against stopping early', () => {
    const v = verdict(arm('a', 1240, 37), arm('b', 1240, 45), { baseRate: 0.03 });
    expect(v).toMatchObject({ kind: 'not-enough-data', plannedPerArm: 53_211, reached: false });
    expect(v.text).toBe(`Not enough visitors yet: 1,240 of the 53,211 per variant needed to see a 10 % lift. ${EARLY_STOP_WARNING}`);
  });

  it('a "significant" difference before the planned sample is not a result, and says so', () => {
    const v = verdict(arm('a', 1240, 25), arm('b', 1240, 50), { baseRate: 0.03 });
    expect(v.kind).toBe('early-difference');
    expect(v.comparison!.p).toBeLessThan(0.05);
    expect(v.text).toBe('Variant b looks better than a so far: +100 % (95 % CI +25 % to +221 %), p = 0.0034. This is not a result yet. '
      + `Not enough visitors yet: 1,240 of the 53,211 per variant needed to see a 10 % lift. ${EARLY_STOP_WARNING}`);
  });

  it('planned sample reached and significant: the winner with its lift, interval and p', () => {
    const v = verdict(arm('a', 4000, 400), arm('b', 4000, 480), { baseRate: 0.1, minDetectableEffect: 0.2 });
    expect(v).toMatchObject({ kind: 'variant-better', plannedPerArm: 3841, reached: true });
    expect(v.text).toBe('Variant b converts better than a: +20 % (95 % CI +5.9 % to +36 %), p = 0.0043, and the planned sample is reached.');
    expect(v.text).not.toContain(EARLY_STOP_WARNING);
  });

  it('planned sample reached, variant worse', () => {
    const v = verdict(arm('a', 4000, 480), arm('b', 4000, 400), { baseRate: 0.1, minDetectableEffect: 0.2 });
    expect(v.kind).toBe('variant-worse');
    expect(v.text).toBe('Variant b converts worse than a: −17 % (95 % CI −26 % to −5.5 %), p = 0.0043, and the planned sample is reached.');
  });

  it('planned sample reached, no difference: says what the test could have seen', () => {
    const v = verdict(arm('a', 4000, 400), arm('b', 4000, 415), { baseRate: 0.1, minDetectableEffect: 0.2 });
    expect(v.kind).toBe('no-difference');
    expect(v.text).toBe('No difference found at the planned sample size: a 10.0 %, b 10.4 % (p = 0.58). A real 20 % lift would have shown with 80 % probability; a smaller one may still exist.');
  });

  it('§5.4 z-test vector: p = 0.054 is no difference, even with the plan reached', () => {
    const v = verdict(arm('a', 10_000, 200), arm('b', 10_000, 240), { plannedPerArm: 10_000 });
    expect(v.kind).toBe('no-difference');
    expect(v.text).toContain('(p = 0.054)');
  });

  it('a broken split overrides everything', () => {
    const v = verdict(arm('a', 5000, 400), arm('b', 4500, 415), { baseRate: 0.1, minDetectableEffect: 0.2 });
    expect(v.kind).toBe('sample-ratio-mismatch');
    expect(v.text).toBe('The split is off: a has 5,000 visitors and b 4,500 (53 %/47 %, planned 50 %/50 %; p < 0.001). '
      + 'Visitors are not being assigned as planned, so the rates cannot be compared: fix the assignment and restart the test.');
    // A planned 90/10 split with those numbers is fine (and then the planned sample is not reached).
    expect(verdict(arm('a', 9000, 900), arm('b', 1000, 100), { weights: [9, 1], baseRate: 0.1, minDetectableEffect: 0.2 }).kind).toBe('not-enough-data');
  });

  it('a broken split before the planned sample asks for a restart, not for patience', () => {
    const v = verdict(arm('a', 3000, 300), arm('b', 2000, 200), { baseRate: 0.1, minDetectableEffect: 0.2 });
    expect(v).toMatchObject({ kind: 'sample-ratio-mismatch', reached: false });
    expect(v.text).toMatch(/restart the test\.$/);
    expect(v.text).not.toContain(EARLY_STOP_WARNING);
  });

  it('without a planned base rate it plans on the control\'s current rate, and says so', () => {
    const v = verdict(arm('a', 10_000, 200), arm('b', 10_000, 240));
    expect(v.plannedPerArm).toBe(sampleSizePerArm(0.02, 0.1));
    expect(v.text).toContain("(planned on a's current rate of 2.0 %)");
  });

  it('no visitors, or no conversions to plan on: still warns', () => {
    expect(verdict(arm('a', 0, 0), arm('b', 10, 1)).text).toBe(`No visitors in a yet. ${EARLY_STOP_WARNING}`);
    const v = verdict(arm('a', 100, 0), arm('b', 100, 0));
    expect(v).toMatchObject({ kind: 'not-enough-data', reached: false, plannedPerArm: undefined });
    expect(v.text).toBe(`Not enough data yet: no conversions in a so far, so the visitors needed to see a 10 % lift cannot be worked out. ${EARLY_STOP_WARNING}`);
  });

  it('every verdict short of the planned sample carries the early-stop warning', () => {
    const grid: [Arm, Arm][] = [];
    for (const n of [0, 50, 500, 3000, 3840]) {
      for (const [x1, x2] of [[0, 0], [0.1, 0.1], [0.1, 0.15], [0.15, 0.1], [0.1, 0.3]] as const) {
        grid.push([arm('a', n, Math.round(n * x1)), arm('b', n, Math.round(n * x2))]);
      }
    }
    for (const [c, t] of grid) {
      const v = verdict(c, t, { baseRate: 0.1, minDetectableEffect: 0.2 });
      expect(v.reached).toBe(false);
      expect([v.kind, v.text.endsWith(EARLY_STOP_WARNING)]).toEqual([v.kind, true]);
    }
  });
});

describe('formatting and constants', () => {
  it('formats counts, lifts and p-values for people', () => {
    expect(formatCount(53_211)).toBe('53,211');
    expect(formatCount(1_000_000)).toBe('1,000,000');
    expect(formatCount(999)).toBe('999');
    expect(formatLift(0.18)).toBe('+18 %');
    expect(formatLift(-0.004)).toBe('−0.4 %');
    expect(formatLift(0.05)).toBe('+5 %');
    expect(formatLift(0)).toBe('0 %');
    expect(formatP(0.0538)).toBe('p = 0.054');
    expect(formatP(0.5)).toBe('p = 0.5');
    expect(formatP(0.0004)).toBe('p < 0.001');
  });

  it('keeps the peeking simulation of §5.4', () => {
    expect(PEEKING_FALSE_POSITIVES).toEqual({ 1: 0.051, 2: 0.086, 5: 0.141, 10: 0.19, 20: 0.251 });
  });
});
