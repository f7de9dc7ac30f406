// @vitest-environment jsdom
/**
 * The script tag replays the page's queued calls before the consent platform is heard: the
 * platform's answer is the visitor's newest decision. (The tag starts in several tasks; the
 * platform reader must not answer in one of them before the replay.) One boot per file: the tag
 * starts when its module is imported.
 */
import 'fake-indexeddb/auto';
import { expect, it } from 'vitest';
import { exampleText } from '../plan/fixtures';

it('a consent platform that denies wins over a grant the page queued before the tag loaded', async () => {
  const plan = JSON.parse(exampleText('webshop'));
  plan.consent = { default: { analytics: 'denied', ads: 'denied' }, cmp: 'tcf' };
  const s = document.createElement('script');
  s.type = 'application/json';
  s.setAttribute('data-measureplan-plan', '');
  s.textContent = JSON.stringify(plan);
  document.head.appendChild(s);
  const order: string[] = [];
  // The page queued a grant (from its own cookie, say) before the tag loaded ...
  (window as any).measureplan = { q: [['consent', [{ analytics: 'granted', ads: 'granted' }]]] };
  // ... and measureplan.cmp.js is already there; the visitor's stored answer is a denial.
  (window as any).measureplanCmp = {
    follow: (_: string, o: { onDecision(u: unknown): void }) => { order.push('platform: denied'); o.onDecision({ analytics: 'denied', ads: 'denied' }); return () => {}; },
  };
  await import('../../src/loader/index');
  const mp = (window as any).measureplan;
  expect(await mp.ready).toBe(true);
  await new Promise((r) => setTimeout(r, 50));
  expect(order).toEqual(['platform: denied']);
  expect(Object.keys(localStorage).filter((k) => k.startsWith('mp_'))).toEqual([]);
  // No vendor tag (our own page-experience file, first party and needing no consent, may load).
  const vendors = [...document.querySelectorAll<HTMLScriptElement>('script[src]')].map((x) => x.src).filter((u) => !/\/measureplan\.[\w-]+\.js$/.test(u));
  expect(vendors).toEqual([]);
});
