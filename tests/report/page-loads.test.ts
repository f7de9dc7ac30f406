/**
 * The report's 75th percentile of page loads per web vital: the buckets it is counted in, the
 * distribution the collect server keeps at ingest (and the migration that builds it for an older
 * store), the dated pass over the report index, and the table in each format.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport } from '../../src/report/build';
import { renderHtml } from '../../src/report/html';
import { renderText } from '../../src/report/text';
import { pageLoadsCounter, rate, VITAL_BUCKET, VITAL_NAMES, vitalBucket, vitalBucketSql, type VitalName } from '../../src/report/vitals';
import { toOutcome } from '../../src/server/message';
import { MIGRATIONS } from '../../src/server/schema';
import { openStore } from '../../src/server/store';
import { startCollect, tempStore } from '../server/helpers';

const dirs: ReturnType<typeof tempStore>[] = [];
afterEach(() => { for (const d of dirs.splice(0)) d.remove(); });

/** The exact nearest-rank 75th percentile of some values. */
const exactP75 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.ceil(0.75 * values.length) - 1]!;

describe('buckets and the 75th percentile', () => {
  it('every threshold is a bucket edge: a value is rated like its bucket\'s upper edge', () => {
    expect(vitalBucket('LCP', 2500)).toBe(250);
    expect(vitalBucket('LCP', 2500.1)).toBe(251);
    expect(vitalBucket('LCP', 0)).toBe(0);
    expect(vitalBucket('CLS', 0.1)).toBe(100);
    expect(vitalBucket('CLS', 0.123)).toBe(123); // 0.123 / 0.001 is 123.00000000000001 in floating point
    expect(vitalBucket('CLS', 0.1001)).toBe(101);
    expect(vitalBucket('INP', 216)).toBe(216); // INP to the millisecond: its values are small
    expect(vitalBucket('INP', 200.5)).toBe(201);
    for (const m of VITAL_NAMES) {
      for (let i = 0; i < 2000; i++) {
        const v = m === 'CLS' ? i * 0.00037 : i * 3.7;
        const edge = Number((vitalBucket(m, v) * VITAL_BUCKET[m]).toFixed(3));
        expect(edge).toBeGreaterThanOrEqual(v - 1e-9);
        expect([m, v, rate(m, edge)]).toEqual([m, v, rate(m, v)]);
      }
    }
  });

  it('reads the nearest-rank 75th percentile, rated', () => {
    const c = pageLoadsCounter();
    // LCP of 8 page loads: the 6th smallest is the 75th percentile.
    for (const v of [900, 1200, 1500, 2100, 2400, 2500, 3900, 7000]) c.add('LCP', vitalBucket('LCP', v));
    c.add('CLS', vitalBucket('CLS', 0.26), 3);
    c.add('CLS', vitalBucket('CLS', 0.02), 1);
    c.add('FID', 5); // not a metric: skipped
    c.add('INP', -1); // no bucket: skipped
    const r = Object.fromEntries(c.result().map((p) => [p.metric, p]));
    expect(r.LCP).toEqual({ metric: 'LCP', pages: 8, p75: 2500, rating: 'good' });
    expect(r.CLS).toEqual({ metric: 'CLS', pages: 4, p75: 0.26, rating: 'poor' });
    expect(r.INP).toEqual({ metric: 'INP', pages: 0, p75: null, rating: null });
  });

  it('SQLite puts each value in the same bucket as JavaScript (the migration fills the table with SQL)', () => {
    const db = new Database(':memory:');
    const values: [VitalName, number][] = [];
    for (const m of VITAL_NAMES) for (let i = 0; i < 500; i++) values.push([m, m === 'CLS' ? i * 0.0013 : i * 17.31]);
    values.push(['LCP', 2500], ['LCP', 2500.0001], ['CLS', 0.1], ['CLS', 0.25], ['CLS', 0.123], ['INP', 200], ['TTFB', 0]);
    db.exec('CREATE TABLE t (metric_name TEXT, metric_value REAL)');
    const ins = db.prepare('INSERT INTO t VALUES (?, ?)');
    for (const [m, v] of values) ins.run(m, v);
    const sql = db.prepare(`SELECT metric_name, metric_value, ${vitalBucketSql()} AS b FROM t`).raw().all() as [VitalName, number, number][];
    expect(sql.map(([m, v, b]) => [m, v, b])).toEqual(values.map(([m, v]) => [m, v, vitalBucket(m, v)]));
    db.close();
  });
});

const PLAN = (parsePlan({
  version: 1, name: 'Vitals shop', currency: 'EUR',
  destinations: { collector: { url: '/collect' } },
  conversions: { purchase: { kind: 'macro', properties: { value: { type: 'number' } }, value: 'value', send: { collector: {} } } },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 10, 2, 10);
let n = 0;
const vital = (visitor: string, at: number, metric: VitalName, value: number) => ({
  type: 'track', event: 'web_vital', anonymousId: visitor, messageId: `v${++n}`, timestamp: new Date(T0 + at * 60_000).toISOString(),
  properties: { metric_name: metric, metric_value: value, metric_rating: rate(metric, value) },
  context: { measureplan: { kind: 'signal' } },
});

/** 300 page loads of LCP and CLS over 5 hours, written in several groups as the server would. */
function filledStore() {
  const d = tempStore();
  dirs.push(d);
  const s = openStore(d.db);
  const lcp: number[] = [];
  const cls: number[] = [];
  const at = new Date(T0 + 600 * 60_000).toISOString();
  let group: ReturnType<typeof vital>[] = [];
  for (let g = 0; g < 5; g++) {
    group = [];
    for (let i = 0; i < 60; i++) {
      const k = g * 60 + i;
      const l = 800 + ((k * 7919) % 4100); // 800 … 4899 ms, spread
      const c = ((k * 31) % 40) / 100; // 0 … 0.39
      lcp.push(l); cls.push(c);
      group.push(vital(`v${k % 90}`, g * 60 + (i % 60), 'LCP', l), vital(`v${k % 90}`, g * 60 + (i % 60), 'CLS', c));
    }
    s.write([group.map((m) => toOutcome(m, {}, at, PLAN))]);
  }
  // A retried batch stores nothing and counts nothing twice.
  s.write([group.map((m) => toOutcome(m, {}, at, PLAN))]);
  return { d, s, lcp, cls };
}

describe('the distribution the store keeps, and the report', () => {
  it('all time, from what the collect server kept at ingest: the exact percentile to the bucket', () => {
    const { s, lcp, cls } = filledStore();
    const r = buildReport(s.db, PLAN, { now: T0 + 600 * 60_000 });
    const loads = Object.fromEntries(r.vitals.page_loads.map((p) => [p.metric, p]));
    expect(loads.LCP!.pages).toBe(300);
    expect(loads.LCP!.p75).toBe(Math.ceil(exactP75(lcp) / 10) * 10);
    expect(loads.LCP!.rating).toBe(rate('LCP', loads.LCP!.p75!));
    expect(loads.CLS).toMatchObject({ pages: 300, p75: exactP75(cls), rating: rate('CLS', exactP75(cls)) });
    expect(loads.INP).toEqual({ metric: 'INP', pages: 0, p75: null, rating: null });
    s.close();
  });

  it('a dated range reads the same from the report index, and only its own page loads', () => {
    const { s, lcp } = filledStore();
    const all = buildReport(s.db, PLAN, { now: T0 + 600 * 60_000 }).vitals.page_loads;
    const dated = buildReport(s.db, PLAN, { range: { from: T0 - 1, to: T0 + 1000 * 60_000 }, now: T0 + 600 * 60_000 }).vitals.page_loads;
    expect(dated).toEqual(all);
    // The first two hours only: groups 0 and 1.
    const early = buildReport(s.db, PLAN, { range: { from: T0, to: T0 + 120 * 60_000 }, now: T0 + 600 * 60_000 }).vitals.page_loads;
    const lcpEarly = early.find((p) => p.metric === 'LCP')!;
    expect(lcpEarly.pages).toBe(120);
    expect(lcpEarly.p75).toBe(Math.ceil(exactP75(lcp.slice(0, 120)) / 10) * 10);
    // Read from the report index alone.
    const plan = s.db.prepare(`EXPLAIN QUERY PLAN SELECT anonymous_id, metric_name, metric_rating, metric_value FROM events INDEXED BY events_report WHERE event = 'web_vital' AND timestamp >= ? AND timestamp < ?`).all('0', '9') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/COVERING INDEX events_report/);
    s.close();
  });

  it('an older store is brought up to date by measureplan collect, which says so: the migration counts the page loads it already holds', async () => {
    const { d, s } = filledStore();
    const kept = s.db.prepare('SELECT * FROM vital_pages ORDER BY metric, bucket').all();
    expect(kept.length).toBeGreaterThan(10);
    // Back to version 5: no table, the older index.
    s.db.exec(`DROP TABLE vital_pages; DROP INDEX events_report; DELETE FROM schema_migrations WHERE version >= 6;
      CREATE INDEX events_report ON events (event, timestamp, anonymous_id, value, item_id, item_name, item_category, price, quantity, metric_name, metric_rating);
      PRAGMA user_version = 5;`);
    s.close();
    const collect = await startCollect(['--db', d.db]);
    await collect.stop();
    const said = collect.output();
    const latest = MIGRATIONS.at(-1)!.version;
    expect(said).toMatch(new RegExp(`bringing ${d.db.replace(/[.\\/]/g, '\\$&')} from schema version 5 up to ${latest} .*…\\n[\\s\\S]*listening on`));
    expect(said).toMatch(new RegExp(` {2}store {6}\\S+ \\(600 events, 0 in quarantine; sync full; brought from schema 5 to ${latest} in \\d+\\.\\d s\\)`));
    // Opened again: nothing left to bring up to date, nothing said.
    const again = openStore(d.db, { onMigrate: () => { throw new Error('no migration expected'); } });
    expect(again.migrated).toBeUndefined();
    expect(again.db.prepare('SELECT max(version) FROM schema_migrations').pluck().get()).toBe(latest);
    expect(again.db.prepare('SELECT * FROM vital_pages ORDER BY metric, bucket').all()).toEqual(kept);
    again.close();
  });

  it('each format shows the table, values in their units', () => {
    const { s } = filledStore();
    const r = buildReport(s.db, PLAN, { now: T0 + 600 * 60_000 });
    s.close();
    const lcp = r.vitals.page_loads.find((p) => p.metric === 'LCP')!;
    const cls = r.vitals.page_loads.find((p) => p.metric === 'CLS')!;
    const lcpText = `${(lcp.p75! / 1000).toFixed(2)} s`;
    const text = renderText(r);
    expect(text).toContain('75 % of page loads');
    expect(text).toMatch(new RegExp(`LCP\\s+300\\s+${lcpText.replace('.', '\\.')}\\s+${lcp.rating!.replace('-', ' ')}`));
    expect(text).toMatch(new RegExp(`CLS\\s+300\\s+${cls.p75!.toFixed(2).replace('.', '\\.')}\\s+${cls.rating!.replace('-', ' ')}`));
    expect(text).not.toMatch(/^INP\s/m);
    expect(renderText(r, 'md')).toContain(`| LCP | 300 | ${lcpText} |`);
    const html = renderHtml(r);
    expect(html).toContain('<th class="n">75th percentile</th>');
    expect(html).toContain(`<td class="n">${lcpText}</td>`);
  });
});
