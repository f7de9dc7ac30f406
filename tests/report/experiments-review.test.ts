/**
 * Experiments as a CRO specialist reads them (statistics QA 2026-12-06): an arm nobody reaches is
 * a broken split, several variants against one control are judged with Bonferroni, a control at
 * 0 % or 100 % still leads somewhere, a visitor who saw two variants is in no arm, and an
 * experiment outside the plan has a control that does not depend on visitor ids.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport } from '../../src/report/build';
import { renderText } from '../../src/report/text';
import { renderHtml } from '../../src/report/html';
import { verdict, type Arm } from '../../src/report/stats';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const arm = (name: string, visitors: number, conversions: number): Arm => ({ name, visitors, conversions });

describe('verdicts', () => {
  it('calls an arm that nobody reaches, beside a full one, a broken split', () => {
    expect(verdict(arm('control', 10_000, 300), arm('b', 0, 0)).kind).toBe('sample-ratio-mismatch');
    expect(verdict(arm('control', 5, 1), arm('b', 0, 0)).kind).toBe('no-data'); // too few to tell yet
  });

  it('judges each of several variants at alpha divided by their number, and says so', () => {
    const control = arm('control', 20_000, 2_000);
    const d = arm('d', 20_000, 2_130); // p = 0.033: a winner alone, not one of three
    expect(verdict(control, d).kind).toBe('variant-better');
    const v = verdict(control, d, { comparisons: 3 });
    expect(v.kind).not.toBe('variant-better');
    expect(v.text).toContain('With 3 variants against one control, each needs p < 0.017 (Bonferroni).');
  });

  it('plans on both arms when the control has no conversions, so that a verdict can come', () => {
    const v = verdict(arm('control', 20_000, 0), arm('b', 20_000, 30));
    expect(v.plannedPerArm).toBeGreaterThan(0);
    expect(v.text).toContain("planned on both arms' current rate of 0.07 %");
  });

  it('names the minimum effect that would work for a high control rate, and gives up on 100 % in both', () => {
    expect(verdict(arm('control', 2_000, 1_950), arm('b', 2_000, 1_990)).text).toContain('plan the test with a minimum effect below 2.6 % (--mde 2.5)');
    expect(verdict(arm('control', 50, 50), arm('b', 50, 50)).text).toContain('Every visitor in both arms converts');
  });
});

describe('the report', () => {
  const plan = (parsePlan({
    version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
    conversions: { purchase: { kind: 'macro', send: { collector: {} } } },
    experiments: { banner: { variants: ['control', 'b'], goal: 'purchase' } },
  }) as { plan: Plan }).plan;
  const T0 = Date.UTC(2026, 11, 1, 10);
  let n = 0;
  const at = (min: number) => new Date(T0 + min * 60_000).toISOString();
  const expose = (v: string, min: number, experiment: string, variant: string) => ({ type: 'track', event: 'experiment_viewed', anonymousId: v, messageId: `m${++n}`, timestamp: at(min), properties: { experiment_id: experiment, variant_id: variant }, context: { measureplan: { kind: 'signal' } } });
  const buy = (v: string, min: number) => ({ type: 'track', event: 'purchase', anonymousId: v, messageId: `m${++n}`, timestamp: at(min), properties: {}, context: { measureplan: { kind: 'macro' } } });

  const report = (events: object[]) => {
    const dir = mkdtempSync(join(tmpdir(), 'mp-exp-'));
    try {
      const store = openStore(join(dir, 'store.db'));
      store.write([events.map((m) => toOutcome(m, {}, at(100), plan))]);
      const r = buildReport(store.db, plan, { now: T0 + 200 * 60_000 });
      store.close();
      return r;
    } finally { rmSync(dir, { recursive: true, force: true }); }
  };

  it('leaves a visitor who saw two variants out of both arms and counts them', () => {
    const r = report([expose('x', 0, 'banner', 'control'), expose('x', 5, 'banner', 'b'), buy('x', 10), expose('y', 0, 'banner', 'b'), expose('z', 0, 'banner', 'control')]);
    const e = r.experiments.find((s) => s.name === 'banner')!;
    expect(e.mixed_visitors).toBe(1);
    expect(e.variants.map((v) => [v.name, v.visitors, v.conversions])).toEqual([['control', 1, 0], ['b', 1, 0]]);
    expect(renderText(r)).toContain('1 visitor saw more than one variant (the assignment changed during the test) and is in no arm.');
  });

  it('shows the 20 most exposed experiments outside the plan and counts the rest (security review 2026-12-06)', () => {
    const events = Array.from({ length: 25 }, (_, i) => Array.from({ length: i + 1 }, (_, k) => expose(`v${i}-${k}`, 0, `made_up_${i}`, 'a'))).flat();
    const r = report(events);
    const unplanned = r.experiments.filter((e) => !e.in_plan).map((e) => e.name);
    expect(unplanned).toHaveLength(20);
    expect(unplanned[0]).toBe('made_up_24'); // the most visitors first
    expect(unplanned).not.toContain('made_up_0');
    expect(r.experiments_left_out).toBe(5);
    expect(r.experiments.some((e) => e.name === 'banner')).toBe(true); // the plan's own always
    expect(renderText(r)).toContain('5 more experiments not in the plan left out (the 20 with the most visitors are shown).');
  });

  it('takes the variant named "control" as the control of an experiment outside the plan, whatever the visitor ids', () => {
    for (const [c, s] of [['a', 'z'], ['z', 'a']]) {
      const r = report([expose(`${c}1`, 0, 'hero', 'original'), expose(`${s}1`, 0, 'hero', 'control')]);
      expect(r.experiments.find((e) => e.name === 'hero')!.comparisons.map((x) => x.control)).toEqual(['control']);
    }
  });

  it('a broken split gives no numbers that would read as a result (second read 2026-12-06)', () => {
    const events: object[] = [];
    for (let i = 0; i < 400; i++) events.push(expose(`c${i}`, 0, 'banner', 'control'));
    for (let i = 0; i < 100; i++) { events.push(expose(`b${i}`, 0, 'banner', 'b')); if (i < 30) events.push(buy(`b${i}`, 5)); }
    const r = report(events);
    const c = r.experiments.find((e) => e.name === 'banner')!.comparisons[0]!;
    expect(c.verdict).toBe('sample-ratio-mismatch');
    for (const out of [renderText(r), renderHtml(r)]) {
      expect(out).toContain('restart');
      expect(out).not.toContain('Difference');
    }
  });

  it('a variant name outside a planned test is listed but compared with nothing and changes no verdict (second statistics QA 2026-12-06)', () => {
    const events = [expose('a', 0, 'banner', 'control'), expose('b', 0, 'banner', 'b'), buy('b', 5), expose('c', 0, 'banner', 'B')];
    const r = report(events);
    const e = r.experiments.find((s) => s.name === 'banner')!;
    expect(e.variants.map((v) => [v.name, v.visitors])).toEqual([['control', 1], ['b', 1], ['B', 1]]);
    expect(e.comparisons.map((c) => c.variant)).toEqual(['b']);
    const alone = report(events.slice(0, 3)).experiments.find((s) => s.name === 'banner')!;
    expect(e.comparisons[0]!.planned_per_arm).toBe(alone.comparisons[0]!.planned_per_arm);
    expect(e.comparisons[0]!.text).toBe(alone.comparisons[0]!.text);
  });
});

describe('the JSON intervals are those the text shows', () => {
  it('with three variants against one control, the 97.5 % Bonferroni interval in both', () => {
    const plan = (parsePlan({
      version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
      conversions: { purchase: { kind: 'macro', send: { collector: {} } } },
      experiments: { three: { variants: ['control', 'b', 'c'], goal: 'purchase' } },
    }) as { plan: Plan }).plan;
    const T0 = Date.UTC(2026, 11, 1, 10);
    const msgs: object[] = [];
    let n = 0;
    const arms: [string, number, number][] = [['control', 2000, 200], ['b', 2000, 300], ['c', 2000, 200]];
    for (const [variant, visitors, buyers] of arms) for (let i = 0; i < visitors; i++) {
      const v = `${variant}-${i}`;
      msgs.push({ type: 'track', event: 'experiment_viewed', anonymousId: v, messageId: `m${++n}`, timestamp: new Date(T0).toISOString(), properties: { experiment_id: 'three', variant_id: variant }, context: { measureplan: { kind: 'signal' } } });
      if (i < buyers) msgs.push({ type: 'track', event: 'purchase', anonymousId: v, messageId: `m${++n}`, timestamp: new Date(T0 + 60_000).toISOString(), properties: {}, context: { measureplan: { kind: 'macro' } } });
    }
    const dir = mkdtempSync(join(tmpdir(), 'mp-exp3-'));
    try {
      const store = openStore(join(dir, 'store.db'));
      store.write([msgs.map((m) => toOutcome(m, {}, new Date(T0 + 3_600_000).toISOString(), plan))]);
      const r = buildReport(store.db, plan, { now: T0 + 7_200_000 });
      store.close();
      const b = r.experiments[0]!.comparisons.find((c) => c.variant === 'b')!;
      // 200/2000 against 300/2000: Katz log interval of the ratio at 97.5 % (z = 2.2414), minus 1.
      const se = Math.sqrt(1 / 200 - 1 / 2000 + 1 / 300 - 1 / 2000);
      expect(b.lift_low).toBeCloseTo(Math.exp(Math.log(1.5) - 2.241403 * se) - 1, 4);
      expect(b.lift_high).toBeCloseTo(Math.exp(Math.log(1.5) + 2.241403 * se) - 1, 4);
      // The text and HTML give every comparison its difference, interval and p, whatever the verdict.
      const c = r.experiments[0]!.comparisons.find((x) => x.variant === 'c')!;
      for (const [out, lt] of [[renderText(r), '<'], [renderHtml(r), '&lt;']] as const) {
        expect(out).toContain(`Difference +5.0 percentage points (97.5 % interval +${(b.diff_low! * 100).toFixed(1)} to +${(b.diff_high! * 100).toFixed(1)}), p ${lt} 0.001.`);
        expect(out).toContain(`Difference 0.0 percentage points (97.5 % interval −${Math.abs(c.diff_low! * 100).toFixed(1)} to +${(c.diff_high! * 100).toFixed(1)}), p = 1.`);
      }
    } finally { rmSync(dir, { recursive: true, force: true }); }
  });
});
