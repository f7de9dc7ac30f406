// A plan imported from JSON (`resolveJsonModule`) is typed with widened texts: `version: number`,
// `kind: string`. The docs' samples pass it straight to createTracker and createTestTracker.
import { describe, expectTypeOf, it } from 'vitest';
import { createTracker, definePlan } from '../../src/index';
import type { Tracker } from '../../src/index';
import type { PlanInput } from '../../src/plan/types';
import { createTestTracker } from '../../src/testing/index';
import webshop from '../../examples/plans/webshop.json';

describe('a plan imported from a JSON file', () => {
  it('is taken by createTracker and createTestTracker, with an untyped tracker', () => {
    const tracker = createTracker({ plan: webshop });
    expectTypeOf(tracker).toEqualTypeOf<Tracker<PlanInput>>();
    tracker.track('purchase', { transaction_id: 'T-1', value: 10 });
    tracker.track('checked_at_run_time_only');
    const { tracker: tested } = createTestTracker({ plan: webshop });
    expectTypeOf(tested).toEqualTypeOf<Tracker<PlanInput>>();
  });

  it('leaves plan literals checked: a typo in an inline plan is still a compile error', () => {
    // @ts-expect-error "makro" is not a kind
    createTracker({ plan: { version: 1, name: 'x', conversions: { a: { kind: 'makro' } } } });
    // @ts-expect-error version 2 does not exist
    createTracker({ plan: { version: 2, name: 'x', conversions: {} } });
    // @ts-expect-error not a plan at all
    createTracker({ plan: { name: 'x' } });
    // @ts-expect-error "makro" is not a kind
    createTestTracker({ plan: { version: 1, name: 'x', conversions: { a: { kind: 'makro' } } } });
  });

  it('keeps a definePlan literal typed', () => {
    const plan = definePlan({ version: 1, name: 'x', conversions: { a: { kind: 'macro', properties: { v: { type: 'number' } } } } });
    const tracker = createTracker({ plan });
    tracker.track('a', { v: 1 });
    // @ts-expect-error unknown conversion
    tracker.track('b');
    // @ts-expect-error wrong type
    tracker.track('a', { v: '1' });
    const { tracker: tested } = createTestTracker({ plan });
    // @ts-expect-error unknown conversion
    tested.track('b');
  });
});
