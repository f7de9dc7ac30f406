/** `measureplan validate` warns about personal data in a conversion sent to GA4 (lead-gen QA 2026-12-06). */
import { expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { lintPlan } from '../../src/cli/lint';
import type { PlanInput } from '../../src/plan/types';
import { example } from '../plan/fixtures';

type Props = Record<string, string | undefined>;
/** A contact form sent to `send`, with properties named as keys and read from the form fields given as values. */
const warned = (props: Props, send: Record<string, unknown> = { ga4: { event: 'contact' } }) => {
  const input = {
    version: 1, name: 'Contact', currency: 'EUR', destinations: { ga4: { measurementId: 'G-ABCDEF1234' }, collector: { url: '/collect' } },
    conversions: {
      contact: {
        kind: 'macro', value: 1,
        properties: Object.fromEntries(Object.keys(props).map((p) => [p, { type: 'string', optional: true }])),
        trigger: { on: 'submit', selector: 'form', properties: Object.fromEntries(Object.entries(props).filter(([, f]) => f).map(([p, f]) => [p, `field:${f}`])) },
        send,
      },
    },
  } as unknown as PlanInput;
  const r = parsePlan(input);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return lintPlan(r.plan, input).filter((w) => w.rule === 'personal-data-ga4');
};

it('names the property, the form field it is read from and what it holds', () => {
  const [w, ...more] = warned({ who: 'lastName', topic: 'topic' });
  expect(more).toEqual([]);
  expect(w).toMatchObject({
    path: 'conversions.contact.properties.who',
    message: 'Property "who" of "contact" looks like a person\'s name (read from the form field "lastName"), and GA4 receives every property of a conversion.',
  });
  expect(w!.hint).toMatch(/Google's terms forbid .* Remove "who" from the properties of "contact"/);
});

it('knows names, addresses, birth dates, identity numbers, e-mail and phone by property name or by form field in any spelling', () => {
  const kinds = (p: string, field?: string) => warned({ [p]: field }).map((w) => /person's ([^,(]+?)[ ,(]/.exec(w.message)?.[1]);
  expect(kinds('first_name')).toEqual(['name']);
  expect(kinds('customer', 'customerName')).toEqual(['name']);
  expect(kinds('who', 'full-name')).toEqual(['name']);
  expect(kinds('street_address')).toEqual(['postal']);
  expect(kinds('born', 'dateOfBirth')).toEqual(['date']);
  expect(kinds('born', 'birth-date')).toEqual(['date']);
  expect(kinds('ssn')).toEqual(['identity']);
  expect(kinds('email')).toEqual(['e-mail']);
  expect(kinds('mobile_phone')).toEqual(['phone']);
});

it('takes a bare "name" for a person only when a form field gives it, and leaves product and company fields alone', () => {
  expect(warned({ name: 'name' })).toHaveLength(1);
  expect(warned({ name: undefined })).toEqual([]);
  for (const p of ['item_name', 'company_name', 'product_name', 'zip', 'telemetry_id', 'smartphone_sku', 'plan_name', 'name_of_plan']) expect(warned({ [p]: undefined }), p).toEqual([]);
  expect(warned({ size: 'company_size' })).toEqual([]);
});

it('says nothing for a conversion that does not go to GA4', () => {
  expect(warned({ last_name: 'last_name' }, { collector: {} })).toEqual([]);
});

it('finds nothing in the example plans', () => {
  for (const name of ['webshop', 'leadgen'] as const) {
    const input = example(name) as PlanInput;
    const r = parsePlan(input);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(lintPlan(r.plan, input).filter((w) => w.rule === 'personal-data-ga4'), name).toEqual([]);
  }
});
