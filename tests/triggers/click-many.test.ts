// @vitest-environment jsdom
/**
 * A plan with many click triggers (soak review 2026-12-06): every click on the page, nearly all
 * of which match no trigger, looked for each trigger's selector among the element's ancestors,
 * twice (the event's target and the first of its path, the same element outside a shadow root):
 * 1–2 ms a click with 600 triggers. Counted, not timed: the closest() calls of one click.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlanInput } from '../../src/plan/types';
import { cleanUp, click, install, plan } from './helpers';

afterEach(() => { cleanUp(); vi.restoreAllMocks(); });

/** A plan of `n` click conversions `c0…`, selector `.cta-<i>` each, plus the extra ones given. */
function manyClicks(n: number, extra: Record<string, string> = {}) {
  const conversions: Record<string, object> = {};
  for (let i = 0; i < n; i++) conversions[`c${i}`] = { kind: 'micro', trigger: { on: 'click', selector: `.cta-${i}` } };
  for (const [name, selector] of Object.entries(extra)) conversions[name] = { kind: 'micro', trigger: { on: 'click', selector } };
  return plan({ version: 1, name: 'Many', conversions } as PlanInput);
}

const closestCalls = (fn: () => void) => {
  const spy = vi.spyOn(Element.prototype, 'closest');
  fn();
  const n = spy.mock.calls.length;
  spy.mockRestore();
  return n;
};

describe('click triggers on a plan with many of them', () => {
  it('a click that matches none of 200 triggers looks at its ancestors a few times, not once or twice per trigger', () => {
    document.body.innerHTML = '<main><section><div><button id="other">Other</button></div></section></main>';
    const t = install(manyClicks(200));
    const calls = closestCalls(() => click(document.getElementById('other')!));
    expect(t.calls).toEqual([]);
    expect(calls).toBeLessThanOrEqual(3); // the label check and the plan's selectors as one list
  });

  it('a click that matches fires exactly the triggers it matches, in the plan\'s order', () => {
    document.body.innerHTML = '<div class="cta-7"><a class="cta-150" href="#"><span id="in">Go</span></a></div>';
    const t = install(manyClicks(200));
    click(document.getElementById('in')!);
    expect(t.names()).toEqual(['c7', 'c150']);
  });

  it('selectors with quotes, escapes or brackets are checked on their own, and still fire', () => {
    document.body.innerHTML = `
      <a id="call" href="tel:+4722000000" title="Call us">Call</a>
      <button id="esc" class="a:b">Esc</button>
      <button id="none">None</button>`;
    const t = install(manyClicks(20, { phone: 'a[href^="tel:"]', titled: "[title='Call us']", escaped: '.a\\:b' }));
    click(document.getElementById('call')!);
    click(document.getElementById('esc')!);
    expect(t.names()).toEqual(['phone', 'titled', 'escaped']);
    // A click on nothing: one list for the 20 plain selectors, and the three on their own.
    const calls = closestCalls(() => click(document.getElementById('none')!));
    expect(t.names()).toHaveLength(3);
    expect(calls).toBeLessThanOrEqual(2 + 3);
  });
});
