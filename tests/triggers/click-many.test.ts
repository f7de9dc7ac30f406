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

  it('selectors with quotes, escapes and brackets join the list and still fire', () => {
    document.body.innerHTML = `
      <a id="call" href="tel:+4722000000" title="Call us">Call</a>
      <button id="esc" class="a:b">Esc</button>
      <button id="none">None</button>`;
    const t = install(manyClicks(20, { phone: 'a[href^="tel:"]', titled: "[title='Call us'], .x", escaped: '.a\\:b:not([data-y="(["])' }));
    click(document.getElementById('call')!);
    click(document.getElementById('esc')!);
    expect(t.names()).toEqual(['phone', 'titled', 'escaped']);
    const calls = closestCalls(() => click(document.getElementById('none')!));
    expect(t.names()).toHaveLength(3);
    expect(calls).toBeLessThanOrEqual(3);
  });

  it('a selector the browser closes at its end (an open bracket, quote or comment) is checked alone: it swallows no other', () => {
    document.body.innerHTML = `
      <button id="one" class="cta-1">One</button><button id="two" class="cta-2">Two</button>
      <a id="call" title="Call">Call</a><b id="b">B</b><i id="i" class="c">I</i>`;
    const t = install(manyClicks(3, { open_paren: 'b:not(.x', open_quote: 'a[title="Call', open_comment: 'i.c /* the icon' }));
    for (const id of ['one', 'b', 'two', 'call', 'i']) click(document.getElementById(id)!);
    expect(t.names()).toEqual(['c1', 'open_paren', 'c2', 'open_quote', 'open_comment']);
  });
});
