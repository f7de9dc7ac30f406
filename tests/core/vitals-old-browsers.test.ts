// @vitest-environment jsdom
/**
 * web-vitals 6 calls Array#at (its attribution build also Array#findLast) without checking for
 * them: on Chrome before 92 (97) and Safari before 15.4 its observers threw into the host page
 * (compat QA 2026-12-07). There the page-experience file is not loaded at all.
 */
import { afterEach, expect, it, vi } from 'vitest';
import { createTracker } from '../../src/core/create';
import { journeyPlan } from '../journey/journey-plan';

const proto = Array.prototype as any;
const kept = { at: proto.at, findLast: proto.findLast };
afterEach(() => { proto.at = kept.at; proto.findLast = kept.findLast; vi.useRealTimers(); vi.restoreAllMocks(); });

/** Which builds the tracker asked for, once the page has loaded and the browser was idle. */
async function asked(vitals: object, debug = false): Promise<unknown[]> {
  vi.useFakeTimers();
  const loads: unknown[] = [];
  const t = createTracker({ plan: { ...journeyPlan(), vitals } as any, debug, loadVitals: async (attribution: unknown) => { loads.push(attribution ?? false); return { startVitals() {} }; } } as any);
  window.dispatchEvent(new Event('load'));
  await vi.advanceTimersByTimeAsync(6_000);
  await t.shutdown();
  return loads;
}

it('loads the page-experience file where the browser has what it needs', async () => {
  expect(await asked({ send: { collector: {} } })).toEqual([false]);
  expect(await asked({ send: { collector: {} }, attribution: true })).toEqual([true]);
});

it('without Array#at loads neither build, and says so in debug mode', async () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
  delete proto.at;
  expect(await asked({ send: { collector: {} } }, true)).toEqual([]);
  expect(await asked({ send: { collector: {} }, attribution: true })).toEqual([]);
  expect(warn.mock.calls.flat().join('\n')).toMatch(/lacks what web-vitals needs/);
});

it('without Array#findLast loads the standard build, not the attribution one', async () => {
  delete proto.findLast;
  expect(await asked({ send: { collector: {} } })).toEqual([false]);
  expect(await asked({ send: { collector: {} }, attribution: true })).toEqual([]);
});
