// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): kills C7 (src/cmp/onetrust.ts:13 `typeof g == 'string'` dropped). The evented
 * reader already skips a single element (nodeType), but two elements with that id (a review with
 * `id="OnetrustActiveGroups"` twice) are an HTMLCollection in a browser's named access, and an
 * `<iframe name="OnetrustActiveGroups">` is a window: neither has a nodeType, and read as a group
 * list they decided "denied" for the visitor, dropping the events waiting for the banner.
 */
import { expect, it, vi } from 'vitest';
import { follow, useCleanPage, w } from '../cmp/helpers';

useCleanPage();

for (const [what, make] of [
  ['two elements with that id (an HTMLCollection)', () => {
    for (let i = 0; i < 2; i++) { const a = document.createElement('a'); a.id = 'OnetrustActiveGroups'; document.body.appendChild(a); }
    return document.getElementsByTagName('a');
  }],
  ['an iframe named so (a window)', () => window],
] as const) {
  it(`${what} in the page decides nothing, though the banner cookie is set`, () => {
    document.cookie = 'OptanonAlertBoxClosed=2026-12-01T10:00:00.000Z';
    w().OnetrustActiveGroups = make(); // what a browser's named access gives (jsdom has none)
    const { decisions } = follow('onetrust');
    vi.advanceTimersByTime(5_000);
    expect(decisions).toEqual([]);
    document.body.innerHTML = '';
    document.cookie = 'OptanonAlertBoxClosed=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
  });
}
