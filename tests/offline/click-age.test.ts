/** Pinned by the mutation review of 2026-12-06: Google Ads refuses a click younger than 6 hours (docs/offline.md): 5 hours is too recent. */
import { expect, it } from 'vitest';
import { emptyIndex } from '../../src/offline/clicks';
import { chooseClick } from '../../src/offline/match';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 2, 1, 12, 0);

it('a gclid first seen 5 hours ago is too-recent for Google Ads; at 6 hours it is exported', () => {
  const ix = emptyIndex();
  const c = { kind: 'gclid' as const, id: 'g5', firstSeen: T - 5 * HOUR, lastSeen: T - 5 * HOUR };
  ix.byVisitor.set('v', [c]);
  ix.byId.set('gclid:g5', { ...c });
  ix.kindOf.set('g5', 'gclid');
  const order = { row: 2, time: T, value: 100, valueText: '100', currency: 'NOK', contactProblems: [], clickIds: [], visitorId: 'v' };
  expect(chooseClick(order, ix, { platform: 'google-ads', lookbackDays: 90, now: T }).problem?.reason).toBe('too-recent');
  expect(chooseClick(order, ix, { platform: 'google-ads', lookbackDays: 90, now: T + HOUR }).click?.id).toBe('g5');
});
