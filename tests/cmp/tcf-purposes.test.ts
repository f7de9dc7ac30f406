// @vitest-environment jsdom
// Pinned by the mutation review of 2026-12-06: TCF purpose mapping (docs/consent-platforms.md: analytics = 1 and 8 and 9,
// ads = 1 and 2 and 3 and 4 and 7; "Anything the platform reports other than a clear consent
// (`true`, ...) is `denied`").
import { describe, expect, it } from 'vitest';
import { follow, useCleanPage, w } from '../cmp/helpers';

useCleanPage();

/** A CMP that answers at once with a stored choice (tcloaded) and the given purpose.consents object. */
function cmp(consents: Record<number, boolean>) {
  w().__tcfapi = (cmd: string, _v: number, cb: (d: unknown, ok: boolean) => void) => {
    if (cmd === 'addEventListener') cb({ gdprApplies: true, eventStatus: 'tcloaded', listenerId: 1, purpose: { consents, legitimateInterests: {} } }, true);
  };
}
const flags = (...on: number[]) => Object.fromEntries([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((p) => [p, on.includes(p)]));

describe('TCF purposes', () => {
  it('analytics needs purpose 9: consents 1 and 8 alone grant nothing', () => {
    cmp(flags(1, 8, 10));
    const f = follow('tcf');
    expect(f.last()).toEqual({ analytics: 'denied', ads: 'denied' });
  });

  it('ads needs purpose 7: consents 1, 2, 3, 4 (and 8, 9) grant analytics only', () => {
    cmp(flags(1, 2, 3, 4, 8, 9));
    const f = follow('tcf');
    expect(f.last()).toEqual({ analytics: 'granted', ads: 'denied' });
  });

  it('a CMP that lists only the purposes consented to: a missing purpose is no consent', () => {
    cmp({ 1: true, 8: true }); // purposes 2..7, 9.. absent (undefined), not true
    const f = follow('tcf');
    expect(f.last()).toEqual({ analytics: 'denied', ads: 'denied' });
  });
});
