/** The plan's `linker` (cross-domain measurement): what it accepts, and each mistake in plain words with its path. */
import { describe, expect, it } from 'vitest';
import { parsePlan } from '../../src/plan/parse';
import { planSchema } from '../../src/plan/schema';

const base = {
  version: 1, name: 'Linked', currency: 'NOK',
  conversions: { purchase: { kind: 'macro' } },
};
const errors = (linker: unknown) => {
  const r = parsePlan({ ...base, linker });
  return r.ok ? [] : r.errors;
};

describe('linker', () => {
  it('accepts host names, subdomains and IPv4 addresses, and hands them to the tracker', () => {
    const r = parsePlan({ ...base, linker: { domains: ['checkout.shop.no', 'shop.de', '127.0.0.1', 'localhost'] } });
    expect(r.ok && r.plan.linker).toEqual({ domains: ['checkout.shop.no', 'shop.de', '127.0.0.1', 'localhost'] });
    expect(parsePlan(base).ok && (parsePlan(base) as { plan: { linker?: unknown } }).plan.linker).toBeUndefined();
  });

  it('a whole address pasted for a domain: its path, the message and the host to write instead', () => {
    expect(errors({ domains: ['shop.no', 'https://Checkout.Shop.no/pay?x=1'] })).toEqual([{
      path: 'linker.domains[1]',
      message: 'The text "https://Checkout.Shop.no/pay?x=1" is not in the expected format.',
      hint: 'Did you mean "checkout.shop.no"? A host name in lower case, like "checkout.shop.no": no "https://", no port, no path (its subdomains count too).',
    }]);
  });

  it('a top-level domain alone is refused, and a cookie domain\'s habits get the host to write (second read 2026-12-07)', () => {
    expect(errors({ domains: ['no'] })).toEqual([expect.objectContaining({ path: 'linker.domains[0]', hint: '"no" alone would carry the visitor to every site under it: write the shop\'s own host name, like "shop.no".' })]);
    for (const v of ['.shop.no', '*.shop.no']) expect(errors({ domains: [v] })[0]!.hint).toMatch(/^Did you mean "shop\.no"\?/);
    expect(errors({ domains: ['localhost'] })).toEqual([]);
  });

  it('an empty list, a missing list, a misspelt field: each said', () => {
    expect(errors({ domains: [] })).toEqual([expect.objectContaining({ path: 'linker.domains', message: 'This list needs at least 1 entry.' })]);
    expect(errors({})).toEqual([expect.objectContaining({ path: 'linker.domains', message: 'Required field "domains" is missing.' })]);
    expect(errors({ domain: ['shop.no'] })).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'linker.domain', message: 'Unknown field "domain".', hint: expect.stringContaining('domains') })]));
    expect(errors('shop.no')).toEqual([expect.objectContaining({ path: 'linker', message: expect.stringContaining('must be an object') })]);
  });

  it('the zod schema (plan.schema.json, the CLI) gives the same verdicts', () => {
    for (const linker of [{ domains: ['checkout.shop.no'] }, { domains: [] }, {}, { domains: ['https://shop.no'] }, { domains: ['Shop.no'] }, { domains: ['shop.no:8080'] }, { domains: ['no'] }, { domains: ['localhost'] }, { domains: ['*.shop.no'] }]) {
      expect(planSchema.safeParse({ ...base, linker }).success, JSON.stringify(linker)).toBe(errors(linker).length === 0);
    }
  });
});
