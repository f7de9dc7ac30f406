/**
 * The selectors `measureplan validate` flags (src/cli/lint-selector.ts) are the ones real
 * Chromium's querySelectorAll rejects, and the ones it leaves alone Chromium takes.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
// @ts-expect-error plain ESM helpers without types
import { launch } from '../support/browser.mjs';
import { VALID, WRONG } from '../cli/selector-corpus';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

it('Chromium rejects every selector validate flags, and takes every one it leaves alone', async () => {
  const page = await browser.newPage();
  await page.setContent('<!doctype html><p>selectors</p>');
  const verdicts = await page.evaluate((all: string[]) => all.map((s) => { try { document.querySelectorAll(s); return true; } catch { return false; } }), [...WRONG.map(([s]) => s), ...VALID]);
  expect(verdicts).toEqual([...WRONG.map(() => false), ...VALID.map(() => true)]);
  await page.close();
});
