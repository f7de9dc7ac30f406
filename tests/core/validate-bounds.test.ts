// Pinned by the mutation review of 2026-12-06: the property spec's bounds (docs/plan.md: `min`/`max` (numbers),
// `pattern`/`maxLength` (strings); docs/plan-authoring.md: `integer` (whole number)).
import { expect, it } from 'vitest';
import { validateProperties } from '../../src/core/validate';
import type { PropertySpec } from '../../src/plan/types';

const spec = (s: Partial<PropertySpec> & { type: PropertySpec['type'] }) => ({ x: s as PropertySpec });

it('max is inclusive: a value equal to max is valid, one above is not', () => {
  expect(validateProperties(spec({ type: 'number', max: 10 }), { x: 10 })).toEqual([]);
  expect(validateProperties(spec({ type: 'number', max: 10 }), { x: 10.5 })).toHaveLength(1);
});

it('maxLength is inclusive: a text of exactly maxLength characters is valid', () => {
  expect(validateProperties(spec({ type: 'string', maxLength: 3 }), { x: 'abc' })).toEqual([]);
  expect(validateProperties(spec({ type: 'string', maxLength: 3 }), { x: 'abcd' })).toHaveLength(1);
});

it('an integer property rejects a fraction', () => {
  expect(validateProperties(spec({ type: 'integer' }), { x: 2 })).toEqual([]);
  expect(validateProperties(spec({ type: 'integer' }), { x: 2.5 })).toEqual([{ path: 'properties.x', reason: 'must be a whole number' }]);
});

it('a key the plan does not declare, given as undefined, is no problem (optional chaining on the page)', () => {
  expect(validateProperties(spec({ type: 'number' }), { x: 1, coupon: undefined })).toEqual([]);
});
