/** Pinned by the mutation review of 2026-12-06: experiment statistics that no existing test pins. */
import { expect, it } from 'vitest';
import { twoProportions, verdict } from '../../src/report/stats';

it('the pooled z-test uses both arms\' sizes (unequal arms: 20 of 1,000 vs 60 of 4,000)', () => {
  // pooled = 80/5000 = 0.016; se = sqrt(0.016 · 0.984 · (1/1000 + 1/4000)) = 0.0044362; z = −0.005/se
  const c = twoProportions(20, 1000, 60, 4000)!;
  expect(c.z).toBeCloseTo(-1.12709, 4);
  expect(c.p).toBeCloseTo(0.25971, 4);
});

it('a split off at p between 0.0001 and 0.001 is a sample-ratio mismatch (threshold p < 0.001)', () => {
  const v = verdict({ name: 'A', visitors: 5180, conversions: 500 }, { name: 'B', visitors: 4820, conversions: 480 });
  expect(v.sampleRatio!.p).toBeGreaterThan(0.0001);
  expect(v.sampleRatio!.p).toBeLessThan(0.001);
  expect(v.kind).toBe('sample-ratio-mismatch');
});

it('p < alpha while the interval for the difference still includes 0: too close to call, not "variant better"', () => {
  const c = twoProportions(23, 200, 37, 200)!;
  expect(c.p).toBeLessThan(0.05);
  expect(c.diffLow).toBeLessThan(0);
  const v = verdict({ name: 'A', visitors: 200, conversions: 23 }, { name: 'B', visitors: 200, conversions: 37 }, { plannedPerArm: 100 });
  expect(v.kind).toBe('no-difference');
  expect(v.text).toMatch(/^Too close to call/);
});
