/** `to:` takes a readonly list (an `as const` array of destinations), as the kit QA of 2026-12-06 asked. */
import { expectTypeOf, it } from 'vitest';
import type { ExpectedConversion } from '../../src/testing/matchers';

it('accepts `to` as const', () => {
  const to = ['googleAds', 'meta'] as const;
  const expected: ExpectedConversion = { to, value: 2499 };
  expectTypeOf(expected.to).toEqualTypeOf<readonly ('ga4' | 'googleAds' | 'meta' | 'linkedin' | 'microsoftAds' | 'collector')[] | undefined>();
});
