// @vitest-environment jsdom
/**
 * Pinned by the mutation review of 2026-12-07 (each test fails on the slip it names): the window.onerror wrapper the tag puts in place while a file beside it loads
 * (src/loader/index.ts beside()/hush). Kills L13 (hush inverted: the page's own errors swallowed,
 * the file's passed on) and L14 (the wrapper never taken out: the next file takes it for the
 * page's handler and a page error then recurses until the stack overflows).
 */
import { expect, it } from 'vitest';
import { freshTag } from '../support/fresh-tag';
import { example } from '../plan/fixtures';

freshTag();
const settle = (ms = 50) => new Promise((r) => setTimeout(r, ms));

it("while a file beside the tag loads, the page's errors still reach its own onerror, the file's do not; afterwards onerror is the page's again", async () => {
  const tag = document.createElement('script');
  tag.src = 'https://cdn.example/mp/measureplan.iife.js';
  Object.defineProperty(document, 'currentScript', { value: tag, configurable: true });
  const plan: any = example('webshop');
  plan.consent = { ...plan.consent, cmp: 'cookiebot' };
  plan.vitals = { send: { ga4: {} } };
  const el = document.createElement('script');
  el.type = 'application/json';
  el.setAttribute('data-measureplan-plan', '');
  el.textContent = JSON.stringify(plan);
  document.head.appendChild(el);
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
