// @vitest-environment jsdom
/**
 * Points of issues 2, 3 and 5 that did not hold in an audit, each proven by a test that failed on
 * the code before its fix.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { freshTag } from './support/fresh-tag';

const W = window as any;

describe('issue 5, item 1: the plan from an inline <script type="application/json" data-measureplan-plan>', () => {
  const PLAN = {
    version: 1, name: 'late inline plan', destinations: { collector: { url: '/collect' } },
    consent: { default: { analytics: 'granted', ads: 'granted' } },
    conversions: { signup: { kind: 'macro', send: { collector: {} } } },
  };
  const page = freshTag();

  // docs/script-tag.md: the inline plan may stand "anywhere on the page", and the documented tag is
  // `async`: it may run while the parser has not yet reached a plan further down the body.
  it('is found when the async tag runs before the parser has reached it', async () => {
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    await import('../src/loader/index');
    await new Promise((r) => setTimeout(r, 30)); // the tag's first step runs while the document is still loading
    const s = document.createElement('script');
    s.type = 'application/json';
    s.setAttribute('data-measureplan-plan', '');
    s.textContent = JSON.stringify(PLAN);
    document.body.appendChild(s); // the parser reaches the plan
    delete (document as any).readyState; // back to jsdom's own ('complete')
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(await W.measureplan.ready).toBe(true);
    expect(page.errors).toEqual([]);
  });

  it('still reports a page without any plan once the document is parsed', async () => {
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    await import('../src/loader/index');
    await new Promise((r) => setTimeout(r, 30));
    expect(page.errors).toEqual([]); // not yet: the plan may still come
    delete (document as any).readyState;
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(await W.measureplan.ready).toBe(false);
    expect(page.errors).toHaveLength(1);
    expect(String(page.errors[0]![0])).toMatch(/^measureplan: no plan found/);
  });
});
