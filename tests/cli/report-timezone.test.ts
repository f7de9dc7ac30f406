// `measureplan report --timezone`: a shop in Oslo asks for its own days. --from/--to are read as
// that zone's days and the text and HTML show its wall-clock times; the JSON keeps ISO instants.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { ensureBuilt, run, tempDir } from './helpers';

const tmp = tempDir();
afterAll(() => tmp.remove());

const PLAN_JSON = {
  version: 1, name: 'Oslo shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: { purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' } }, value: 'value', send: { collector: {} } } },
};
const plan = (parsePlan(PLAN_JSON) as { plan: Plan }).plan;
const buy = (visitor: string, iso: string) => ({
  type: 'track', event: 'purchase', anonymousId: visitor, messageId: `m-${visitor}`, timestamp: iso,
  properties: { transaction_id: `T-${visitor}`, value: 100, currency: 'NOK' }, context: { page: { path: '/' }, measureplan: { kind: 'macro' } },
});

let db: string;
let planFile: string;
beforeAll(() => {
  ensureBuilt();
  db = join(tmp.dir, 'tz.db');
  planFile = tmp.file('plan.json', JSON.stringify(PLAN_JSON));
  const store = openStore(db);
  // 23:30 UTC is 00:30 the next day in Oslo (UTC+1 in winter).
  store.write([[buy('nov30', '2026-11-30T23:30:00.000Z'), buy('dec1', '2026-12-01T23:30:00.000Z')].map((m) => toOutcome(m, {}, new Date().toISOString(), plan))]);
  store.close();
});

const json = (...extra: string[]) => {
  const r = run(['report', '--plan', planFile, '--db', db, '--format', 'json', '--from', '2026-12-01', '--to', '2026-12-01', ...extra]);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};

describe('measureplan report --timezone', () => {
  it('without it, --from/--to are UTC days', () => {
    const r = json();
    expect(r.range).toMatchObject({ from: '2026-12-01T00:00:00.000Z', to: '2026-12-02T00:00:00.000Z', timezone: 'UTC' });
    expect(r.totals.events).toBe(1);
    expect(r.range.first_event).toBe('2026-12-01T23:30:00.000Z');
  });

  it('with Europe/Oslo, they are Oslo days: the order at 00:30 on 1 December counts, the one at 00:30 on the 2nd does not', () => {
    const r = json('--timezone', 'Europe/Oslo');
    expect(r.range).toMatchObject({ from: '2026-11-30T23:00:00.000Z', to: '2026-12-01T23:00:00.000Z', timezone: 'Europe/Oslo' });
    expect(r.totals.events).toBe(1);
    expect(r.range.first_event).toBe('2026-11-30T23:30:00.000Z');
  });

  it('text and HTML show Oslo wall-clock times and say so', () => {
    for (const format of ['text', 'html']) {
      const r = run(['report', '--plan', planFile, '--db', db, '--format', format, '--from', '2026-12-01', '--to', '2026-12-01', '--timezone', 'Europe/Oslo']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('times in Europe/Oslo');
      expect(r.stdout).toContain('first 2026-12-01 00:30');
      expect(r.stdout).not.toContain('2026-11-30 23:30');
    }
  });

  it('a time given to --to ends the period: the event at that instant goes to the next one, never to both (docs/report.md)', () => {
    const at = '2026-11-30T23:30:00.000Z';
    const count = (...range: string[]) => {
      const r = run(['report', '--plan', planFile, '--db', db, '--format', 'json', ...range]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout).totals.events as number;
    };
    expect([count('--from', '2026-11-30T00:00:00Z', '--to', at), count('--from', at, '--to', '2026-12-01T12:00:00Z')]).toEqual([0, 1]);
  });

  it('an unknown zone is a usage error that says what to give', () => {
    const r = run(['report', '--plan', planFile, '--db', db, '--timezone', 'Europe/Olso']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--timezone "Europe/Olso" is not a time zone.');
    expect(r.stderr).toContain('Europe/Oslo');
  });
});
