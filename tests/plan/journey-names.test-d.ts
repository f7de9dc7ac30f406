/** funnel() and variant() take only the plan's names; a literal plan without funnels or experiments takes none (developer QA 2026-12-06). */
import { describe, expectTypeOf, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { definePlan } from '../../src/plan/define';
import type { PlanInput } from '../../src/plan/types';

const bare = definePlan({ version: 1, name: 'Bare', conversions: { signup: { kind: 'micro' } } });
const shop = definePlan({
  version: 1, name: 'Shop', conversions: { signup: { kind: 'micro' } },
  funnels: { onboarding: ['signup'] }, experiments: { banner: { variants: ['control', 'b'] } },
});

describe('journey names', () => {
  it('refuses any name for a plan that declares no funnels or experiments', () => {
    const t = createTracker({ plan: bare });
    // @ts-expect-error the plan has no funnels
    t.funnel('checkout');
    // @ts-expect-error the plan has no experiments
    t.variant('banner');
  });
  it("takes the plan's own names and refuses typos", () => {
    const t = createTracker({ plan: shop });
    t.funnel('onboarding');
    t.variant('banner');
    // @ts-expect-error a typo
    t.funnel('onbording');
    // @ts-expect-error a typo
    t.variant('baner');
  });
  it('takes any name for a plan known only at run time', () => {
    const t = createTracker({ plan: {} as PlanInput });
    t.funnel('anything');
    t.variant('anything');
    expectTypeOf(t.variant('anything')).toEqualTypeOf<string | undefined>();
  });
  it("gives one of the experiment's own variants, so a misspelt one is a compile error (typescale QA 2026-12-07)", () => {
    const t = createTracker({ plan: shop });
    expectTypeOf(t.variant('banner')).toEqualTypeOf<'control' | 'b' | undefined>();
    // @ts-expect-error "contrl" is not a variant of banner: the branch could never run
    if (t.variant('banner') === 'contrl') t.track('signup');
  });
});
