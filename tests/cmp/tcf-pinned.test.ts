// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): TCF reader (src/cmp/tcf.ts). Kills C11 (`gdprApplies === false` loosened to
 * `!gdprApplies`): the TCF CMP API says gdprApplies `undefined` means "unknown whether GDPR
 * applies", and a CMP that has not answered yet (banner shown, cmpuishown) must not grant both
 * categories (DESIGN.md: "A consent platform has answered when it reports a decision the visitor
 * made ... until then its categories keep their default and events wait").
 */
import { expect, it, vi } from 'vitest';
import { follow, useCleanPage, w } from '../cmp/helpers';

useCleanPage();

it('gdprApplies undefined with the banner shown (cmpuishown) is no answer', () => {
  w().__tcfapi = (cmd: string, _v: number, cb: (d: unknown, ok: boolean) => void) => {
    if (cmd === 'addEventListener') cb({ gdprApplies: undefined, eventStatus: 'cmpuishown', listenerId: 1, purpose: { consents: {}, legitimateInterests: {} } }, true);
  };
  const f = follow('tcf');
  vi.advanceTimersByTime(2_000);
  expect(f.decisions).toEqual([]);
});

it('only a consent of exactly true counts (1 or "true" from a sloppy CMP is denied)', () => {
  w().__tcfapi = (cmd: string, _v: number, cb: (d: unknown, ok: boolean) => void) => {
    if (cmd === 'addEventListener') cb({ gdprApplies: true, eventStatus: 'tcloaded', listenerId: 1, purpose: { consents: { 1: 1, 2: 1, 3: 1, 4: 1, 7: 1, 8: 'true', 9: 'true' }, legitimateInterests: {} } }, true);
  };
  const f = follow('tcf');
  expect(f.last()).toEqual({ analytics: 'denied', ads: 'denied' });
});
