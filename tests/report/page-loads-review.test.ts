/**
 * The page-load 75th percentile, second reading: the value shown beside its rating in every
 * format, the migration's SQL against ingest on odd rows, and the all-time and dated reports
 * after an erasure.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport } from '../../src/report/build';
import { pageLoadRows, vitalValue } from '../../src/report/format';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { forget } from '../../src/server/forget';
import { toOutcome } from '../../src/server/message';
import { VITAL_PAGE_WHERE } from '../../src/server/schema';
import { openStore } from '../../src/server/store';
import { vitalBucketSql } from '../../src/report/vitals';
import { tempStore } from '../server/helpers';

const dirs: ReturnType<typeof tempStore>[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

const PLAN = (parsePlan({
  version: 1, name: 'Vitals <shop> & co', currency: 'EUR',
  destinations: { collector: { url: '/collect' } },
  conversions: { purchase: { kind: 'macro', send: { collector: {} } } },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 10, 2, 10);
let n = 0;
const vital = (anonymousId: string, metric: unknown, value: unknown, extra: Record<string, unknown> = {}) => ({
  type: 'track', event: 'web_vital', anonymousId, messageId: `v${++n}`, timestamp: new Date(T0 + n * 1000).toISOString(),
  properties: { metric_name: metric, metric_value: value, metric_rating: 'good' }, ...extra,
});

function store(messages: unknown[]) {
  const d = tempStore();
  dirs.push(d);
  const s = openStore(d.db);
  // No plan: the odd rows a store without --plan keeps are stored too.
  s.write([messages.map((m) => toOutcome(m, {}, new Date(T0).toISOString(), undefined))]);
  return s;
}

describe('the page-load table, second reading', () => {
  it('shows a CLS between two hundredths as it is rated: 0.105 is not "0.10" beside "needs improvement"', () => {
    expect(vitalValue('CLS', 0.105)).toBe('0.105');
    expect(vitalValue('CLS', 0.251)).toBe('0.251');
    expect(vitalValue('CLS', 0.1)).toBe('0.10');
    expect(vitalValue('CLS', 0.26)).toBe('0.26');
    expect(vitalValue('CLS', 0)).toBe('0.00');
    const s = store([vital('a', 'CLS', 0.105), vital('b', 'LCP', 2500)]);
    const r = buildReport(s.db, PLAN, { now: T0 + 3_600_000 });
    s.close();
    expect(pageLoadRows(r.vitals.page_loads, String)).toEqual([['LCP', '1', '2.50 s', 'good'], ['CLS', '1', '0.105', 'needs improvement']]);
    expect(renderText(r)).toMatch(/^ {2}CLS\s+1\s+0\.105\s+needs improvement$/m);
    expect(renderText(r, 'md')).toContain('| CLS | 1 | 0.105 | needs improvement |');
    expect(renderText(r)).not.toMatch(/^ {2}INP/m);
    const html = renderHtml(r);
    expect(html).toContain('<td class="n">0.105</td>');
    expect(html).toContain('<h1 dir="auto">Vitals &lt;shop&gt; &amp; co</h1>');
  });

  it('ingest and the migration\'s SQL count the same page loads, odd rows included', () => {
    const s = store([
      vital('a', 'LCP', 2500), vital('a', 'LCP', 2500.0000004), vital('a', 'LCP', 0), vital('a', 'LCP', -0), vital('a', 'LCP', 1e-9),
      vital('a', 'LCP', -5), vital('a', 'LCP', 'fast'), vital('a', 'LCP', null), vital('a', 'lcp', 900), vital('a', 'FID', 12),
      vital('a', 'CLS', 0.123), vital('a', 'CLS', 0.1), vital('a', 'INP', 200.5), vital('a', 'TTFB', 1e9),
      { type: 'track', event: 'Web Vital', userId: 'u1', messageId: `w${++n}`, properties: { metric_name: 'FCP', metric_value: 1800 } },
    ]);
    const kept = s.db.prepare('SELECT metric, bucket, pages FROM vital_pages ORDER BY 1, 2').raw().all();
    const migrated = s.db.prepare(`SELECT metric_name, ${vitalBucketSql()}, count(*) FROM events WHERE ${VITAL_PAGE_WHERE} GROUP BY 1, 2 ORDER BY 1, 2`).raw().all();
    expect(kept).toEqual(migrated);
    expect(kept).toEqual([['CLS', 100, 1], ['CLS', 123, 1], ['FCP', 180, 1], ['INP', 201, 1], ['LCP', 0, 3], ['LCP', 250, 2], ['TTFB', 100000000, 1]]);
    s.close();
  });

  it('after an erasure, the all-time report (kept at ingest) and a dated one over everything agree', () => {
    const messages = [];
    for (let i = 0; i < 40; i++) messages.push(vital(`v${i % 7}`, 'LCP', 1000 + i * 97), vital(`v${i % 7}`, 'INP', 40 + i * 13));
    const s = store(messages);
    expect(forget(s.db, { anonymousIds: ['v3'] }).events).toBeGreaterThan(0);
    const all = buildReport(s.db, PLAN, { now: T0 + 3_600_000 }).vitals.page_loads;
    const dated = buildReport(s.db, PLAN, { range: { from: T0 - 1, to: T0 + 3_600_000 }, now: T0 + 3_600_000 }).vitals.page_loads;
    expect(all).toEqual(dated);
    expect(all.find((p) => p.metric === 'LCP')!.pages).toBe(40 - 6);
    s.close();
  });
});
