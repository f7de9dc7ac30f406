// @vitest-environment jsdom
/**
 * A click handler that tracks, pushes a route and tracks again: the second conversion is on the
 * new page (framework QA 2026-12-06: it carried the previous page's URL and title, and GA4 was
 * told that old page_location). The triggers' history wrapper announces the route change.
 */
import { expect, it } from 'vitest';
import { createTestTracker } from '../../src/testing/index';
import { installTriggers } from '../../src/index';
import { parsePlan } from '../../src/plan/parse';
import { example } from '../plan/fixtures';

it('a conversion tracked after pushState in the same task carries the new page', async () => {
  history.replaceState(null, '', '/product/tent');
  const plan: any = example('webshop');
  const { tracker, recorder } = createTestTracker({ plan });
  const triggers = installTriggers((parsePlan(plan) as any).plan, () => undefined);
  tracker.track('add_to_cart' as never, { item_id: 'A', value: 10 } as never);
  history.pushState(null, '', '/checkout');
  tracker.track('begin_checkout' as never);
  await tracker.flush();
  const paths = recorder.conversions().map((e) => [e.name, e.page.path]);
  expect(paths).toEqual([['add_to_cart', '/product/tent'], ['begin_checkout', '/checkout']]);
  triggers.stop();
  await tracker.shutdown();
});
