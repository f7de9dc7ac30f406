// @vitest-environment jsdom
/**
 * A site that used the collector and has since removed it from the plan and the adapters: an
 * analytics withdrawal still deletes the outbox an earlier page left (plan QA 2026-12-06: the
 * records, a raw e-mail from identify() among them, stayed in IndexedDB).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, expect, it } from 'vitest';
import { createTracker } from '../../src/core/create';
import { ga4 } from '../../adapters/ga4';
import { example } from '../plan/fixtures';

beforeEach(() => { (globalThis as any).indexedDB = new IDBFactory(); localStorage.clear(); });
const names = async () => (await indexedDB.databases()).map((d) => d.name);
const plan = () => {
  const p: any = example('webshop');
  delete p.destinations.collector;
  for (const c of Object.values(p.conversions) as any[]) delete c.send.collector;
  delete p.vitals;
  return p;
};

it('an analytics withdrawal deletes an outbox left by an earlier page, with no collector on this one', async () => {
  // What an earlier page's collector wrote (its connection closed with that page).
  await new Promise<void>((done, fail) => {
    const open = indexedDB.open('measureplan');
    open.onupgradeneeded = () => open.result.createObjectStore('outbox');
    open.onerror = () => fail(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('outbox', 'readwrite');
      tx.objectStore('outbox').put({ v: 2, e: [['m1', 1, '{"type":"identify","traits":{"email":"kari@example.no"}}']] }, [1, 'earlier-page']);
      tx.oncomplete = () => { open.result.close(); done(); };
    };
  });
  expect(await names()).toContain('measureplan');
  // And what a page stashed in localStorage as it went (its second read, 2026-12-07: left behind).
  localStorage.setItem('mp_ob_earlier-page.0', '{"v":2,"e":[["m2",2,"{\\"type\\":\\"track\\"}"]]}');
  localStorage.setItem('site_own', 'kept');
  const tracker = createTracker({ plan: plan(), adapters: [ga4()] });
  tracker.consent({ analytics: 'denied', ads: 'denied' });
  await expect.poll(names).not.toContain('measureplan');
  expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_ob_'))).toEqual([]);
  expect(localStorage.getItem('site_own')).toBe('kept');
  await tracker.shutdown();
});

it('creates no database where there was none', async () => {
  const tracker = createTracker({ plan: plan(), adapters: [ga4()] });
  tracker.consent({ analytics: 'denied' });
  await new Promise((r) => setTimeout(r, 50));
  expect(await names()).toEqual([]);
  await tracker.shutdown();
});
