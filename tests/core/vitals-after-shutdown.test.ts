// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { startTracker } from '../../src/core/tracker';
import { normalise } from '../../src/plan/check';
import { journeyPlan } from '../journey/journey-plan';

describe('shutdown() before the page has loaded', () => {
  it('does not load the page-experience module afterwards', async () => {
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    const plan = normalise({ ...journeyPlan(), vitals: { send: { ga4: {} } } } as any);
    const loadVitals = vi.fn(() => new Promise<never>(() => undefined));
    const t = startTracker(plan as any, { adapters: [], loadVitals });
    await t.shutdown();
    Object.defineProperty(document, 'readyState', { value: 'complete', configurable: true });
    window.dispatchEvent(new Event('load')); // the tracker's 'load' listener is still there
    await new Promise((r) => setTimeout(r, 20));
    expect(loadVitals).not.toHaveBeenCalled(); // HEAD: called (the script tag inserts measureplan.vitals.js)
  });
});
