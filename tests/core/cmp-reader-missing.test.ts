// @vitest-environment jsdom
/**
 * A plan with `consent.cmp` whose reader cannot be loaded (measureplan.cmp.js not uploaded beside
 * the tag): no decision ever comes, so nothing is sent. The console says so on every page, not
 * only in debug mode (storeowner QA 2026-12-06: all tracking stopped without a word).
 */
import { expect, it, vi } from 'vitest';
import { createTracker } from '../../src/index';
import { example } from '../plan/fixtures';

it('warns on the console, without debug, when the consent reader cannot be loaded', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    const plan: any = example('webshop');
    plan.consent = { ...plan.consent, cmp: 'cookiebot' };
    const t = createTracker({ plan, adapters: [], followPlatform: () => Promise.reject(new Error('404')) });
    await new Promise((r) => setTimeout(r, 20));
    const said = warn.mock.calls.map((c) => String(c[0]));
    expect(said).toEqual(["measureplan: the cookiebot consent reader could not be loaded (measureplan.cmp.js beside the tag); the plan's default consent stays in force until the site calls consent()"]);
    await t.shutdown();
  } finally { warn.mockRestore(); }
});
