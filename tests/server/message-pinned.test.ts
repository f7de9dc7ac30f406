/** Pinned by the mutation review of 2026-12-06: the boundaries of docs/collect.md's quarantine rules (messageId of 1 to 100 characters, checked enrichment, signal fields). */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import type { Plan } from '../../src/plan/types';
import { toOutcome } from '../../src/server/message';
import { PLAN, viewItem } from './helpers';

const plan = (parsePlan(readFileSync(PLAN, 'utf8')) as { plan: Plan }).plan;
const at = new Date().toISOString();

it('a messageId of exactly 100 characters is stored under that id', () => {
  const o = toOutcome(viewItem({ messageId: 'm'.repeat(100) }), {}, at, plan);
  expect('row' in o && o.row.id).toBe('m'.repeat(100));
});

it('funnel_step 0 breaks the tracker\'s enrichment spec (min 1): quarantined at properties.funnel_step', () => {
  const m = viewItem();
  (m.properties as Record<string, unknown>).funnel_step = 0;
  const o = toOutcome(m, {}, at, plan);
  expect('quarantined' in o && o.quarantined.path).toMatch(/funnel_step/);
});

it('a web_vital whose metric_value is not a number is quarantined', () => {
  const o = toOutcome({ type: 'track', event: 'web_vital', anonymousId: 'a', messageId: 'wv-1', properties: { metric_name: 'LCP', metric_value: 'fast', metric_rating: 'good' }, context: { measureplan: { kind: 'signal' } } }, {}, at, plan);
  expect('quarantined' in o && o.quarantined.path).toBe('properties.metric_value');
});
