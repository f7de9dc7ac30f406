// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): kills C31 (src/cmp/watch.ts:42 hasCookie matching a name anywhere in
 * document.cookie). A cookie whose name merely ends in OptanonAlertBoxClosed (or whose value
 * holds it) is not OneTrust's "banner closed" record: with opt-out defaults that switch groups
 * on, the site's defaults were then taken for the visitor's answer and granted both categories.
 */
import { expect, it } from 'vitest';
import { hasCookie } from '../../src/cmp/watch';
import { fakeOneTrust } from '../cmp/fakes';
import { follow, useCleanPage, w } from '../cmp/helpers';

useCleanPage();

it('hasCookie matches a whole cookie name only', () => {
  document.cookie = 'my_OptanonAlertBoxClosed=1';
  document.cookie = 'last=OptanonAlertBoxClosed=x';
  expect(hasCookie(window, 'OptanonAlertBoxClosed')).toBe(false);
  document.cookie = 'OptanonAlertBoxClosed=2026-12-01';
  expect(hasCookie(window, 'OptanonAlertBoxClosed')).toBe(true);
});

it('OneTrust opt-out defaults next to a look-alike cookie are still no answer', () => {
  document.cookie = 'my_OptanonAlertBoxClosed=1';
  fakeOneTrust(w(), { defaults: ['C0001', 'C0002', 'C0003', 'C0004'] }).load();
  const { decisions } = follow('onetrust');
  expect(decisions).toEqual([]);
});
