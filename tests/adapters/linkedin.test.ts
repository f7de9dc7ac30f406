// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { linkedin } from '../../adapters/linkedin';
import { bench, eventFor, resetWindow } from './harness';

const INSIGHT = 'https://snap.licdn.com/li.lms-analytics/insight.min.js';
const w = () => window as any;

beforeEach(() => resetWindow());

describe('linkedin adapter: loading', () => {
  it('is an ads destination named linkedin, with no consent hook (the tag has no consent API)', () => {
    const a = linkedin();
    expect([a.name, a.category, a.consent]).toEqual(['linkedin', 'ads', undefined]);
  });

  it('sets the partner id, the partner id list and the lintrk queue, then loads the Insight Tag', async () => {
    const b = bench();
    await linkedin().load(b.ctx);
    expect(w()._linkedin_partner_id).toBe('1234567');
    expect(w()._linkedin_data_partner_ids).toEqual(['1234567']);
    expect(w().lintrk.q).toEqual([]);
    expect(b.scripts).toEqual([INSIGHT]);
    expect(b.warnings).toEqual([]);
  });

  it('adds its partner id to a list the page already has', async () => {
    w()._linkedin_data_partner_ids = ['1111111'];
    await linkedin().load(bench({ plan: 'leadgen' }).ctx);
    expect(w()._linkedin_data_partner_ids).toEqual(['1111111', '7654321']);
  });

  it('keeps an lintrk the page already has', async () => {
    const own = () => undefined;
    w().lintrk = own;
    await linkedin().load(bench().ctx);
    expect(w().lintrk).toBe(own);
  });

  it('the queue takes two arguments, like the official stub', async () => {
    await linkedin().load(bench().ctx);
    w().lintrk('track', { conversion_id: 1 }, 'dropped');
    expect(w().lintrk.q).toEqual([['track', { conversion_id: 1 }]]);
  });

  it('requests the Insight Tag once when load is called twice', async () => {
    const b = bench();
    const a = linkedin();
    await Promise.all([a.load(b.ctx), a.load(b.ctx)]);
    expect(b.scripts).toEqual([INSIGHT]);
    expect(w()._linkedin_data_partner_ids).toEqual(['1234567']);
  });

  it('an ads denial takes back the calls still queued for a tag that has not run yet (consent QA 2026-12-06)', async () => {
    const b = bench();
    const a = linkedin();
    await a.load(b.ctx);
    a.send(eventFor(b, 'visited_pricing'), b.ctx);
    expect(w().lintrk.q).toHaveLength(1);
    a.forget!(b.ctx);
    expect(w().lintrk.q).toEqual([]);
  });

  it('warns and does not throw when the Insight Tag is blocked', async () => {
    const b = bench({ blockScripts: true });
    const a = linkedin();
    await expect(a.load(b.ctx)).resolves.toBeUndefined();
    expect(b.warnings.map((x) => x.message)).toEqual([`LinkedIn: ${INSIGHT} was blocked, nothing reaches LinkedIn on this page`]);
    a.send(eventFor(b, 'visited_pricing'), b.ctx);
    expect(w().lintrk.q).toHaveLength(1);
  });
});

describe('linkedin adapter: conversions', () => {
  const sent = async (plan: 'webshop' | 'leadgen', names: string[], extra = {}) => {
    const b = bench({ plan });
    const a = linkedin();
    await a.load(b.ctx);
    for (const n of names) a.send(eventFor(b, n, {}, extra), b.ctx);
    return w().lintrk.q;
  };

  it('webshop: visited_pricing → conversion 22222 with the event id', async () => {
    expect(await sent('webshop', ['visited_pricing', 'purchase', 'phone_click'])).toEqual([
      ['track', { conversion_id: 22222, event_id: 'evt-visited_pricing-0001' }],
    ]);
  });

  it('leadgen: each conversion to its conversion rule; case_study_read does not name linkedin', async () => {
    expect(await sent('leadgen', ['demo_request', 'whitepaper_download', 'visited_pricing', 'case_study_read', 'contact_click'])).toEqual([
      ['track', { conversion_id: 33333, event_id: 'evt-demo_request-0001' }],
      ['track', { conversion_id: 44444, event_id: 'evt-whitepaper_download-0001' }],
      ['track', { conversion_id: 22222, event_id: 'evt-visited_pricing-0001' }],
      ['track', { conversion_id: 55555, event_id: 'evt-contact_click-0001' }],
    ]);
  });

  it('the canonical event id travels as event_id (the key LinkedIn CAPI deduplicates on)', async () => {
    expect(await sent('leadgen', ['demo_request'], { id: 'demo_request:LEAD-42' }))
      .toEqual([['track', { conversion_id: 33333, event_id: 'demo_request:LEAD-42' }]]);
  });
});
