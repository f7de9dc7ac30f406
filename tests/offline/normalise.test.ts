/**
 * Normalisation and hashing per platform, against the documented rules and vectors
 * (journey-and-reports.md §7.1, vendor-protocols.md §3.2 and §4.4).
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  emailKey, googleEmail, googleEmailHash, googlePhone, googlePhoneHash, metaEmailHash, metaPhone, metaPhoneHash, normaliseEmail, normalisePhone, sha256,
} from '../../src/offline/normalise';

const hex = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const digits = (raw: string, cc?: string) => { const p = normalisePhone(raw, cc); if ('problem' in p) throw new Error(p.problem); return p.digits; };

describe('SHA-256', () => {
  it("matches Meta's documented vector: SHA-256(john_smith@gmail.com)", () => {
    expect(sha256('john_smith@gmail.com')).toBe('62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f');
  });
  it('is lowercase hex of the UTF-8 bytes', () => {
    expect(sha256('test@example.com')).toBe('973dfe463ec85785f5f95af5ba3906eedb2d931c24e69824a89ea65dba4e813b');
    expect(sha256('ærlig@example.no')).toBe(hex('ærlig@example.no'));
  });
});

describe('e-mail', () => {
  it('trims and lowercases, refuses what is not an address', () => {
    expect(normaliseEmail('  Test@Example.COM ')).toBe('test@example.com');
    for (const bad of ['', 'no-at-sign', 'a@b', 'a b@example.com', 'a@@example.com']) expect(normaliseEmail(bad)).toBeUndefined();
  });

  it('Google: removes the dots before @ for gmail.com and googlemail.com only, keeps +tags', () => {
    expect(googleEmail('john.smith@gmail.com')).toBe('johnsmith@gmail.com');
    expect(googleEmail('j.o.h.n+shop@googlemail.com')).toBe('john+shop@googlemail.com');
    expect(googleEmail('john.smith@example.com')).toBe('john.smith@example.com');
    expect(googleEmail('john.smith+x@example.com')).toBe('john.smith+x@example.com');
  });

  it('Google hash = SHA-256 of the normalised string', () => {
    expect(googleEmailHash(normaliseEmail(' Test@Example.com')!)).toBe(hex('test@example.com'));
    expect(googleEmailHash(normaliseEmail('John.Smith@Gmail.com')!)).toBe(hex('johnsmith@gmail.com'));
  });

  it('Meta hash = SHA-256 of trimmed lowercase (no Gmail rule)', () => {
    expect(metaEmailHash(normaliseEmail(' John_Smith@Gmail.com ')!)).toBe('62a14e44f765419d10fea99367361a727c12365e2520f32218d505ed9aa0f62f');
    expect(metaEmailHash(normaliseEmail('John.Smith@Gmail.com')!)).toBe(hex('john.smith@gmail.com'));
  });

  it('matches the same mailbox however it is written', () => {
    expect(emailKey(' John.Smith@GMAIL.com')).toBe(emailKey('johnsmith@gmail.com'));
    expect(emailKey('nope')).toBeUndefined();
  });
});

describe('phone', () => {
  it('reads international numbers written with + or 00', () => {
    expect(digits('+47 412 34 567')).toBe('4741234567');
    expect(digits('0047 41234567')).toBe('4741234567');
    expect(digits('+44 (0)20 7946 0958')).toBe('442079460958');
    expect(digits('+1 (650) 555-1212')).toBe('16505551212');
  });

  it('drops the trunk (0) after a 00 prefix as after a +: 0044 (0)20 … is +44 20 …', () => {
    expect(digits('0044 (0)20 7946 0958')).toBe('442079460958');
    expect(digits('00 47 (0)41234567')).toBe('4741234567');
  });

  it('drops a trunk 0 written after the country code without brackets, in the countries known never to begin a number with 0 (offline QA 2026-12-06)', () => {
    expect(digits('+44 07946 095800')).toBe('447946095800');
    expect(digits('+46 070 123 45 67')).toBe('46701234567');
    expect(digits('0047 0412 34 567')).toBe('4741234567');
    // Kept: a country that keeps its 0 (Italy). Dropped too for countries of many lengths that never begin with 0.
    expect(digits('+39 06 6982 1234')).toBe('390669821234');
    expect(digits('+46 08 123 456')).toBe('468123456');
    expect(digits('+358 040 123 4567')).toBe('358401234567');
    expect(digits('+49 030 1234567')).toBe('49301234567');
    expect(digits('+81 090 1234 5678')).toBe('819012345678');
  });

  it('adds --phone-country to national numbers, dropping the trunk 0', () => {
    expect(digits('412 34 567', '47')).toBe('4741234567');
    expect(digits('(650) 555-1212', '1')).toBe('16505551212');
    expect(digits('020 7946 0958', '44')).toBe('442079460958');
  });

  it('refuses a national number without a country code, letters, and wrong lengths', () => {
    expect(normalisePhone('41234567')).toEqual({ problem: expect.stringMatching(/no country code/) });
    expect(normalisePhone('+47 call me')).toEqual({ problem: expect.stringMatching(/characters other than digits/) });
    expect(normalisePhone('+47 12')).toEqual({ problem: expect.stringMatching(/4 digits/) });
    expect(normalisePhone('+1234567890123456')).toEqual({ problem: expect.stringMatching(/16 digits/) });
    expect(normalisePhone('')).toEqual({ problem: expect.stringMatching(/empty/) });
  });

  it('Google: E.164 with +; Meta: digits with the country code, no +', () => {
    expect(googlePhone('4741234567')).toBe('+4741234567');
    expect(googlePhoneHash('4741234567')).toBe(hex('+4741234567'));
    expect(metaPhone('16505551212')).toBe('16505551212');
    expect(metaPhoneHash(digits('(650)555-1212', '1'))).toBe(hex('16505551212'));
  });
});
