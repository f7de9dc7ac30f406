// @vitest-environment jsdom
/**
 * Audit of issues 4 (vendor adapters) and 9 (exactly once, consent platforms, test kit): the
 * points found not to hold, each proven by a test that failed on the code before its fix.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { googleAds } from '../adapters/google-ads/index';
import { meta } from '../adapters/meta/index';
import { normalisePhone } from '../adapters/_shared/identity';
import { bench, commands, eventFor, resetWindow } from './adapters/harness';
import { example } from './plan/fixtures';

beforeEach(() => resetWindow());

// printf '%s' value | sha256sum
const SHA = {
  '+46812345678': 'eab8eff529027e812d8e6e24a667543946ad01920190922a2c33d46b1e82076e',
  '46812345678': '26ada64e39d776ea8e58e33b5b55a6be76534f7ce54eddc1cf54630d15c6cac7',
  '+442079460958': 'f0bf0228144d9fe2bdf1da2d8ca698f17bf1410ee688b075c27062e47b6f0b6d',
};

/**
 * Issue 4, point 5: phones are normalised to E.164 before hashing. An international number
 * written with the trunk prefix in brackets ("+46 (0)8 …", common in Sweden, the UK, Germany)
 * must lose that 0: E.164 never has it, and a hash with it matches no one.
 */
describe('issue 4.5: E.164 for numbers written with a bracketed trunk 0', () => {
  it('normalisePhone drops "(0)" after the country code', () => {
    expect(normalisePhone('+46 (0)8 123 456 78')).toBe('+46812345678');
    expect(normalisePhone('0044 (0)20 7946 0958')).toBe('+442079460958');
    // Unchanged: numbers without it.
    expect(normalisePhone('+47 912 34 567')).toBe('+4791234567');
    expect(normalisePhone('0047 912 34 567')).toBe('+4791234567');
    expect(normalisePhone('+1 (415) 555-0123')).toBe('+14155550123');
  });

  it('Google Ads enhanced conversions hash the E.164 number', async () => {
    const b = bench({ plan: 'leadgen', status: { analytics: 'pending' } });
    const a = googleAds();
    await a.load(b.ctx);
    await a.identify!({ traits: { phone: '+46 (0)8 123 456 78' } }, b.ctx);
    await a.send(eventFor(b, 'demo_request', { company_size: '1-10', lead_id: 'LEAD-000300' }), b.ctx);
    const conversion = commands((window as any).dataLayer).find((c) => c[1] === 'conversion');
    expect((conversion![2] as { user_data?: unknown }).user_data).toEqual({ sha256_phone_number: SHA['+46812345678'] });
  });

  it('Meta advanced matching hashes the number with its country code and without the trunk 0', async () => {
    const plan = example('webshop');
    plan.destinations!.meta!.advancedMatching = true;
    const b = bench({ plan });
    b.identity = { traits: { phone: '+46 (0)8 123 456 78' } };
    await meta().load(b.ctx);
    const init = commands((window as any).fbq.queue).find((c) => c[0] === 'init');
    expect(init![2]).toEqual({ ph: SHA['46812345678'] });
  });
});
