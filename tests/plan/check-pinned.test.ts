// Pinned by the mutation review of 2026-12-06: plan-check rules no earlier test held.
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { example } from './fixtures';

const shop = (edit: (p: any) => void) => { const p = example('webshop'); edit(p); return p; };
const errorAt = (plan: unknown, path: string) => {
  const r = parsePlan(plan);
  expect(r.ok).toBe(false);
  return r.errors.find((e) => e.path === path);
};

describe('dedupe on a boolean property (P4)', () => {
  it('is refused: true/false can never identify one order (docs/deduplication.md)', () => {
    const plan = shop((p) => {
      p.conversions.purchase.properties.gift = { type: 'boolean', optional: true };
      p.conversions.purchase.dedupe = 'gift';
    });
    const e = errorAt(plan, 'conversions.purchase.dedupe');
    expect(e?.message).toMatch(/"gift", a boolean property, which can never identify one conversion/);
  });
});

// (/expected format|Only the "AW-…" part/) and either hint, so the rule's own hint is never required.
describe('Google Ads conversionId with the label pasted in (P1)', () => {
  it('says where the label goes', () => {
    const r = parsePlan(shop((p) => { p.destinations.googleAds.conversionId = 'AW-123456789/AbC-D_efG1'; }));
    const said = r.errors.filter((e) => e.path === 'destinations.googleAds.conversionId').map((e) => `${e.message} ${e.hint}`);
    expect(said.join('\n')).toMatch(/The label after the slash goes into the conversion's send\.googleAds\.label/);
  });
});

describe('pattern on a number property (P30)', () => {
  it('is refused: a pattern is only for string properties (docs/plan.md "pattern/maxLength (strings)")', () => {
    const e = errorAt(shop((p) => { p.conversions.purchase.properties.value.pattern = '^[0-9]+$'; }), 'conversions.purchase.properties.value.pattern');
    expect(`${e?.message} ${e?.hint}`).toMatch(/"pattern" does not apply to a number property\. It is only for string properties\./);
  });
});

