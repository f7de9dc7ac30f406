// @vitest-environment jsdom
/**
 * An error monitor (Sentry-style: keeps the old window.onerror and calls it) that installs itself
 * while measureplan.cmp.js is loading; measureplan.vitals.js loads later. Then any page error
 * reaches the monitor once (diff read 2026-12-06: the shared wrapper and the monitor called each
 * other until the stack overflowed).
 */
import { expect, it } from 'vitest';
import { freshTag, inlinePlan } from '../support/fresh-tag';
import { example } from '../plan/fixtures';

freshTag();
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

/** The tag beside its files, with a plan that loads two of them: the consent-platform readers, then page experience. */
function placeTagWithTwoFiles() {
  // What an earlier test's files left on the window.
  delete (window as any).measureplanCmp;
  delete (window as any).measureplanVitals;
  const tag = document.createElement('script');
  tag.src = 'https://cdn.example/mp/measureplan.iife.js';
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  const plan: any = example('webshop');
  plan.consent = { ...plan.consent, cmp: 'cookiebot' };
  plan.vitals = { send: { ga4: {} } };
  inlinePlan(JSON.stringify(plan));
}

it('a page error after the second file started loading reaches the monitor once, without a loop', async () => {
  placeTagWithTwoFiles();
  const w = window as any;
  w.onerror = null;
  // The page is still loading: vitals.js waits for the load event (dispatched below).
  Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
  await import('../../src/loader/index');
  const scripts = () => ([...document.querySelectorAll('script[src]')] as HTMLScriptElement[]);
  for (let i = 0; i < 100 && !scripts().some((s) => s.src.includes('cmp.js')); i++) await settle(20);
  // The monitor installs itself now (an async Sentry), keeping the handler it found.
  const reports: string[] = [];
  const old = w.onerror;
  w.onerror = function (this: unknown, ...a: any[]) { reports.push(String(a[0])); return old ? old.apply(this, a) : false; };
  // cmp.js arrives.
  w.measureplanCmp = { follow: () => () => undefined };
  scripts().find((s) => s.src.includes('cmp.js'))!.dispatchEvent(new Event('load'));
  await settle(50);
  Object.defineProperty(document, 'readyState', { value: 'complete', configurable: true });
  window.dispatchEvent(new Event('load'));
  for (let i = 0; i < 300 && !scripts().some((s) => s.src.includes('vitals')); i++) await settle(20);
  // A page error while vitals.js loads (or ever after, if it never settles).
  let thrown: unknown;
  try { w.onerror('TypeError: x is undefined', 'https://shop.example/app.js', 1, 1, new Error('x')); } catch (e) { thrown = e; }
  // vitals.js arrives and settles: the wrapper is taken off.
  w.measureplanVitals = { start: () => undefined, measure: () => undefined };
  scripts().find((s) => s.src.includes('vitals'))!.dispatchEvent(new Event('load'));
  await settle(50);
  let thrown2: unknown; const before = reports.length;
  try { w.onerror('TypeError: later', 'https://shop.example/app.js', 1, 1, new Error('later')); } catch (e) { thrown2 = e; }
  expect(thrown).toBeUndefined();
  expect(reports).toEqual(['TypeError: x is undefined', 'TypeError: later']);
}, 20000);

// The wrapper the tag puts on window.onerror while a file beside it loads: the page's errors pass,
// the file's are hushed, and it is taken off again, or the next file wraps the wrapper and a page
// error recurses until the stack overflows (mutation review 2026-12-07).
it("while a file beside the tag loads, the page's errors still reach its own onerror, the file's do not; afterwards onerror is the page's again", async () => {
  placeTagWithTwoFiles();
  const w = window as any;
  const reports: string[] = [];
  const mine = function (m: unknown) { reports.push(String(m)); return false; };
  w.onerror = mine;
  Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
  await import('../../src/loader/index');
  const scripts = () => ([...document.querySelectorAll('script[src]')] as HTMLScriptElement[]);
  for (let i = 0; i < 100 && !scripts().some((s) => s.src.includes('cmp.js')); i++) await settle(20);
  const cmp = scripts().find((s) => s.src.includes('cmp.js'))!;
  // While cmp.js loads: the page's error is the page's; the file's (an HTML page served as JS) is hushed.
  w.onerror('TypeError: x is undefined', 'https://shop.example/app.js', 1, 1, new Error('x'));
  w.onerror("SyntaxError: Unexpected token '<'", cmp.src, 1, 1, new SyntaxError('<'));
  expect(reports).toEqual(['TypeError: x is undefined']);
  w.measureplanCmp = { follow: () => () => undefined };
  cmp.dispatchEvent(new Event('load'));
  await settle(50);
  expect(w.onerror).toBe(mine);
  // The next file (vitals.js, after the load event): a page error meanwhile reaches the page once.
  Object.defineProperty(document, 'readyState', { value: 'complete', configurable: true });
  window.dispatchEvent(new Event('load'));
  for (let i = 0; i < 300 && !scripts().some((s) => s.src.includes('vitals')); i++) await settle(20);
  let thrown: unknown;
  try { w.onerror('TypeError: later', 'https://shop.example/app.js', 1, 1, new Error('later')); } catch (e) { thrown = e; }
  expect(thrown).toBeUndefined();
  expect(reports).toEqual(['TypeError: x is undefined', 'TypeError: later']);
}, 20000);
