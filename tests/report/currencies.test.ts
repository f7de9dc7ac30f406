/**
 * Money in two currencies is not one sum: a conversion's values sent in another currency than the
 * plan's (its own `currency` property) are reported beside the plan-currency sum, per code, in
 * every format (money QA 2026-12-06: a 2,499 EUR order was added to NOK revenue as 2,499 NOK).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { buildReport, type Report } from '../../src/report/build';
import { renderText } from '../../src/report/text';
import { renderHtml } from '../../src/report/html';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';

const plan = (parsePlan({
  version: 1, name: 'Nordic shop', currency: 'NOK',
  destinations: { collector: { url: '/collect' } },
  conversions: {
    purchase: { kind: 'macro', properties: { transaction_id: { type: 'string' }, value: { type: 'number' }, currency: { type: 'string', optional: true } }, value: 'value', send: { collector: {} } },
    signup: { kind: 'micro', supports: ['purchase'], value: 10, send: { collector: {} } },
  },
}) as { plan: Plan }).plan;

const T0 = Date.UTC(2026, 11, 1, 10);
let n = 0;
const buy = (visitor: string, value: number, currency?: string) => ({
  type: 'track', event: 'purchase', anonymousId: visitor, messageId: `m${++n}`, timestamp: new Date(T0 + n * 60_000).toISOString(),
  properties: { transaction_id: `T${n}`, value, ...(currency ? { currency } : {}) },
  context: { measureplan: { kind: 'macro', session_id: `s-${visitor}` } },
});

let dir: string;
let report: Report;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mp-currencies-'));
  const store = openStore(join(dir, 'store.db'));
  const at = new Date(T0 + 3_600_000).toISOString();
  // 1,000.1 + 499.9 NOK (one without a currency: the plan's), 2,499 + 0.5 EUR, 3.375 KWD.
  const events = [buy('a', 1000.1, 'NOK'), buy('b', 499.9), buy('c', 2499, 'EUR'), buy('d', 0.5, 'EUR'), buy('e', 3.375, 'KWD')];
  store.write([events.map((m) => toOutcome(m, {}, at, plan))]);
  report = buildReport(store.db, plan, { now: T0 + 7_200_000 });
  store.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('sums only the plan currency into value and lists the others by code', () => {
  const p = report.conversions.find((c) => c.name === 'purchase')!;
  expect(p.events).toBe(5);
  expect(p.value).toBe(1500);
  expect(p.other_currencies).toEqual({ EUR: 2499.5, KWD: 3.375 });
  expect(report.conversions.find((c) => c.name === 'signup')!.other_currencies).toEqual({});
});

it('shows the other currencies beside the value, never added to it', () => {
  const line = renderText(report, 'text').split('\n').find((l) => l.includes('purchase'))!;
  expect(line).toContain('1,500 NOK + 2,500 EUR + 3.375 KWD');
  expect(renderHtml(report)).toContain('1,500 NOK + 2,500 EUR + 3.375 KWD');
});
