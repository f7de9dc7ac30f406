/**
 * A `supports` claim on a handful of visitors (statistics QA 2026-12-06): one visitor with the
 * micro conversion who bought, against 10 of 100 without, was "holds (p = 0.004)" by the z-test's
 * normal approximation. Fisher's exact test gives p = 0.109: not shown.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', send: { collector: {} } },
    newsletter_signup: { kind: 'micro', supports: ['purchase'], send: { collector: {} } },
    view_item: { kind: 'micro', supports: ['purchase'], send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

it('a claim decided by one visitor is not shown, in either direction; the text says "1 visitor"; a dated report says how its funnels count', () => {
  const T0 = Date.UTC(2026, 11, 1, 10);
  let n = 0;
  const ev = (v: string, event: string, min: number) => ({ type: 'track', event, anonymousId: v, messageId: `m${++n}`, timestamp: new Date(T0 + min * 60_000).toISOString(), properties: {}, context: { measureplan: { kind: event === 'purchase' ? 'macro' : 'micro' } } });
  const msgs = [ev('one', 'newsletter_signup', 0), ev('one', 'purchase', 5)];
  for (let i = 0; i < 100; i++) { msgs.push(ev(`v${i}`, 'view_item', 0)); if (i < 10) msgs.push(ev(`v${i}`, 'purchase', 5)); }
  const dir = mkdtempSync(join(tmpdir(), 'mp-supports-'));
  try {
    const store = openStore(join(dir, 'store.db'));
    store.write([msgs.map((m) => toOutcome(m, {}, new Date(T0 + 3_600_000).toISOString(), plan))]);
    const r = buildReport(store.db, plan, { now: T0 + 7_200_000 });
    const dated = buildReport(store.db, plan, { range: { from: T0 - 60_000, to: T0 + 3_600_000 } });
    store.close();
    // A dated report says how its funnels count (reference §3.5 item 6); an all-time one has no need to.
    expect(renderText(dated)).toContain('a visitor who finishes the day after shows as a drop-off');
    expect(renderHtml(dated)).toContain('a visitor who finishes the day after shows as a drop-off');
    expect(renderText(r)).not.toContain('finishes the day after');
    const nl = r.supports.find((s) => s.micro === 'newsletter_signup')!;
    const vi = r.supports.find((s) => s.micro === 'view_item')!;
    expect([nl.verdict, vi.verdict]).toEqual(['not-shown', 'not-shown']);
    expect(nl.p).toBeCloseTo(0.1089, 3);
    expect(nl.text).toMatch(/^Of the 1 visitor with newsletter_signup,/);
  } finally { rmSync(dir, { recursive: true, force: true }); }
});
