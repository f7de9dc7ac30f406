// @vitest-environment jsdom
/**
 * The collector's page views carry the visit's click ids (under an ads grant) and the consent they
 * were sent under, as conversions do: with `pages: true` the landing page view is when a click was
 * first seen, which `measureplan offline` needs to credit a phone order placed before the first
 * conversion (offline QA 2026-12-06: an order 10 s after landing was skipped as `before-click`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectEndpoint } from './collector-endpoint';
import { createTracker } from '../../src/core/create';
import { collector } from '../../adapters/collector/index';
import { readClicks } from '../../src/offline/clicks';
import { toOutcome } from '../../src/server/message';
import { openStore } from '../../src/server/store';
import { example } from '../plan/fixtures';

const endpoint = collectEndpoint(() => { history.replaceState(null, '', '/?gclid=Cj0LANDING&utm_source=google'); });

/** A landing from a Google ad, on a plan whose collector takes page views, with the visitor's answer. */
async function land(ads: 'granted' | 'denied') {
  const plan = example('webshop');
  delete (plan as any).vitals;
  plan.consent = { default: { analytics: 'denied', ads: 'denied' } };
  plan.destinations!.collector = { ...plan.destinations!.collector!, pages: true };
  const tracker = createTracker({ plan, adapters: [collector({ flushInterval: 10 })] });
  tracker.consent({ analytics: 'granted', ads });
  await tracker.shutdown();
  return endpoint.messages().filter((m) => m.type === 'page');
}

it('a landing page view under an ads grant carries the gclid and its consent', async () => {
  const [page, ...more] = await land('granted');
  expect(more).toEqual([]);
  expect(page.context.measureplan).toEqual({ click_ids: { gclid: 'Cj0LANDING' }, consent: { analytics: 'granted', ads: 'granted' } });
  expect(page.properties.url).toContain('gclid=Cj0LANDING');
});

it('without an ads grant it carries neither the click id nor the click id in its URL, and says ads were denied', async () => {
  const [page] = await land('denied');
  expect(page.context.measureplan).toEqual({ consent: { analytics: 'granted', ads: 'denied' } });
  expect(JSON.stringify(page)).not.toContain('Cj0LANDING');
});

it('in the store, the landing page view is the first time the visitor\'s gclid was seen', async () => {
  const [page] = await land('granted');
  const later = new Date(Date.parse(page.timestamp) + 20_000).toISOString();
  const conversion = { type: 'track', event: 'visited_pricing', messageId: 'c-1', anonymousId: page.anonymousId, timestamp: later, context: { measureplan: { kind: 'micro', click_ids: { gclid: 'Cj0LANDING' }, consent: { analytics: 'granted', ads: 'granted' } } } };
  const dir = mkdtempSync(join(tmpdir(), 'measureplan-page-clicks-'));
  try {
    const store = openStore(join(dir, 'events.db'));
    store.write([[page, conversion].map((m) => toOutcome(m, {}, later, undefined))]);
    const clicks = readClicks(store.db, { visitors: [page.anonymousId], emails: [], clickIds: [] }, ['gclid']).byVisitor.get(page.anonymousId);
    store.close();
    expect(clicks).toEqual([{ kind: 'gclid', id: 'Cj0LANDING', firstSeen: Date.parse(page.timestamp), lastSeen: Date.parse(later) }]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

describe('an ads withdrawal in the same task as the page view (second read 2026-12-06)', () => {
  const plan = (def: 'granted' | 'denied') => {
    const p = example('webshop');
    delete (p as any).vitals;
    p.consent = { default: { analytics: def, ads: def } };
    p.destinations!.collector = { ...p.destinations!.collector!, pages: true };
    return p;
  };

  it('a grant and a withdrawal of ads in one task (the site restoring its stored answer): no click id', async () => {
    const tracker = createTracker({ plan: plan('denied'), adapters: [collector({ flushInterval: 10 })] });
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.consent({ ads: 'denied' });
    await tracker.shutdown();
    const pages = endpoint.messages().filter((m) => m.type === 'page');
    expect(pages).toHaveLength(1);
    expect(JSON.stringify(pages)).not.toContain('Cj0LANDING');
    expect(pages[0].context.measureplan.consent.ads).toBe('denied');
  });

  it('an identify message JSON cannot hold waiting beside it does not keep the click id in the page view (second read 2026-12-06)', async () => {
    const tracker = createTracker({ plan: plan('denied'), adapters: [collector({ flushInterval: 10 })] });
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    tracker.identify('u-1', { lifetime: BigInt(5) } as never);
    tracker.consent({ ads: 'denied' });
    await tracker.shutdown();
    const pages = endpoint.messages().filter((m) => m.type === 'page');
    expect(pages).toHaveLength(1);
    expect(JSON.stringify(pages)).not.toContain('Cj0LANDING');
  });

  it('a plan granting by default, the site applying a stored "ads denied" right after createTracker: no click id', async () => {
    const tracker = createTracker({ plan: plan('granted'), adapters: [collector({ flushInterval: 10 })] });
    tracker.consent({ ads: 'denied' });
    await tracker.shutdown();
    expect(JSON.stringify(endpoint.messages().filter((m) => m.type === 'page'))).not.toContain('Cj0LANDING');
  });

  it('an SPA page() and a withdrawal in the same handler: the page view goes as the conversion does, without it', async () => {
    const tracker = createTracker({ plan: plan('denied'), adapters: [collector({ flushInterval: 10 })] });
    tracker.consent({ analytics: 'granted', ads: 'granted' });
    await new Promise((r) => setTimeout(r, 50));
    history.pushState(null, '', '/next?gclid=Cj0LANDING');
    tracker.page();
    tracker.track('phone_click' as never);
    tracker.consent({ ads: 'denied' });
    await tracker.shutdown();
    const next = endpoint.messages().filter((m) => (m.type === 'page' && m.properties.path === '/next') || m.type === 'track');
    expect(next.map((m) => m.event ?? m.type)).toEqual(['page', 'phone_click', 'consent_updated']); // the withdrawal told to the store too
    expect(JSON.stringify(next)).not.toContain('Cj0LANDING');
  });
});
