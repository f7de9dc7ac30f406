import { describe, expect, it } from 'vitest';
import { conversionByVitals, rate, VITAL_THRESHOLDS, vitalsCounter, worstRating, type VitalsUnit } from '../../src/report/vitals';
import { wilson } from '../../src/report/stats';

describe('thresholds and rate()', () => {
  it('are web-vitals\' (reference §1.3)', () => {
    expect(VITAL_THRESHOLDS).toEqual({ LCP: [2500, 4000], INP: [200, 500], CLS: [0.1, 0.25], FCP: [1800, 3000], TTFB: [800, 1800] });
  });

  it('rate a value ≤ the first threshold good, ≤ the second needs-improvement, above it poor', () => {
    const cases: [Parameters<typeof rate>[0], number, string][] = [
      ['LCP', 0, 'good'], ['LCP', 2500, 'good'], ['LCP', 2500.1, 'needs-improvement'], ['LCP', 4000, 'needs-improvement'], ['LCP', 4001, 'poor'],
      ['INP', 200, 'good'], ['INP', 201, 'needs-improvement'], ['INP', 500, 'needs-improvement'], ['INP', 501, 'poor'],
      ['CLS', 0.1, 'good'], ['CLS', 0.11, 'needs-improvement'], ['CLS', 0.25, 'needs-improvement'], ['CLS', 0.26, 'poor'],
      ['FCP', 1800, 'good'], ['FCP', 3000, 'needs-improvement'], ['FCP', 3000.5, 'poor'],
      ['TTFB', 800, 'good'], ['TTFB', 1800, 'needs-improvement'], ['TTFB', 1801, 'poor'],
    ];
    for (const [metric, value, expected] of cases) expect([metric, value, rate(metric, value)]).toEqual([metric, value, expected]);
  });

  it('rejects values that are not measurements', () => {
    expect(() => rate('LCP', Number.NaN)).toThrow(RangeError);
    expect(() => rate('CLS', -0.1)).toThrow(RangeError);
    expect(() => rate('FID' as 'LCP', 10)).toThrow(RangeError);
  });

  it('worstRating picks poor over needs-improvement over good', () => {
    expect(worstRating(['good', 'poor', 'needs-improvement'])).toBe('poor');
    expect(worstRating(['good', 'needs-improvement'])).toBe('needs-improvement');
    expect(worstRating([])).toBeUndefined();
  });
});

describe('conversion by rating', () => {
  // LCP: 4 good (2 converted), 2 needs-improvement (1), 3 poor (0); INP only on 3 units; CLS as raw values.
  const units: VitalsUnit[] = [
    { vitals: { LCP: 'good', INP: 'good', CLS: 0.05 }, converted: true },
    { vitals: { LCP: 1200, INP: 'poor', CLS: 0.3 }, converted: true },
    { vitals: { LCP: 'good', CLS: 0.05 }, converted: false },
    { vitals: { LCP: 'good' }, converted: false },
    { vitals: { LCP: 'needs-improvement', INP: 350 }, converted: true },
    { vitals: { LCP: 3000 }, converted: false },
    { vitals: { LCP: 'poor' }, converted: false },
    { vitals: { LCP: 4500 }, converted: false },
    { vitals: { LCP: 'poor', TTFB: Number.NaN }, converted: false },
  ];

  it('counts units and conversions per rating with Wilson intervals', () => {
    const [lcp, inp, cls, fcp, ttfb] = conversionByVitals(units);
    const g = (x: number, n: number) => { const w = wilson(x, n)!; return { units: n, conversions: x, rate: w.rate, low: w.low, high: w.high }; };
    expect(lcp).toEqual({ metric: 'LCP', units: 9, good: g(2, 4), 'needs-improvement': g(1, 2), poor: g(0, 3) });
    expect(inp).toEqual({ metric: 'INP', units: 3, good: g(1, 1), 'needs-improvement': g(1, 1), poor: g(1, 1) });
    expect(cls).toMatchObject({ metric: 'CLS', units: 3, good: { units: 2, conversions: 1 }, poor: { units: 1, conversions: 1 } });
    // A rating nobody had: counts 0, no rate.
    expect(cls!['needs-improvement']).toEqual({ units: 0, conversions: 0, rate: null, low: null, high: null });
    expect(fcp!.units).toBe(0);
    // The NaN TTFB is skipped, not rated.
    expect(ttfb!.units).toBe(0);
    expect(lcp!.poor).toMatchObject({ rate: 0, low: 0 });
  });

  it('streams: the counter gives the same result fed one by one, at another confidence too', () => {
    const c = vitalsCounter();
    units.forEach((u) => c.add(u));
    expect(c.result(0.9)).toEqual(conversionByVitals(units, 0.9));
    expect(c.result(0.9)[0]!.good.low!).toBeGreaterThan(c.result()[0]!.good.low!);
  });

  it('skips unknown metrics and ratings', () => {
    const r = conversionByVitals([{ vitals: { FID: 'good', LCP: 'excellent' } as unknown as VitalsUnit['vitals'], converted: true }]);
    expect(r.every((m) => m.units === 0)).toBe(true);
  });
});
