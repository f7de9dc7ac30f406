/**
 * A phone number for enhanced conversions (Google Ads) and advanced matching (Meta) is used only
 * when it names its country (vendor review, 2026-12-05): `07911 123456` became `+07911123456`
 * for Google (not E.164) and `07911123456` for Meta, and `(650) 555-1212` was read as +65 (Singapore),
 * a hash that could match someone else.
 */
import { describe, expect, it } from 'vitest';
import { hashedIdentity, sha256 } from '../../adapters/_shared/identity';
import { matching } from '../../adapters/meta/matching';

describe('phone numbers without a country code', () => {
  it.each(['07911 123456', '(650) 555-1212', '912 34 567', '650-555-1212', '+07911 123456', '+47 123', '+1 650 555 1212 1234 5678'])('%j: no phone hash for Google Ads or Meta; the e-mail still goes', async (phone) => {
    const google = await hashedIdentity({ email: 'kari@example.com', phone });
    expect(google).toEqual({ email: await sha256('kari@example.com') });
    const meta = await matching({ traits: { email: 'kari@example.com', phone } });
    expect(meta).toEqual({ em: await sha256('kari@example.com') });
  });

  it('a phone alone without a country code gives no matching data at all', async () => {
    expect(await matching({ traits: { phone: '07911 123456' } })).toBeUndefined();
    expect(await hashedIdentity({ phone: '07911 123456' })).toEqual({});
  });

  it.each([['+44 7911 123456', '+447911123456'], ['0044 7911 123456', '+447911123456'], [' +47 (0)912 34 567', '+4791234567'], ['(+44) 7911 123456', '+447911123456']])('%j names its country: hashed as %s (Google), without the + (Meta)', async (phone, e164) => {
    expect((await hashedIdentity({ phone })).phone).toBe(await sha256(e164));
    expect((await matching({ traits: { phone } }))?.ph).toBe(await sha256(e164.slice(1)));
  });
});
