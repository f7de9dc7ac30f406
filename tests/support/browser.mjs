// Headless Chromium from Debian's package, driven by playwright-core. The machine's network is
// closed, so Chromium's own background traffic is switched off and every non-local request is
// aborted (vendor hosts get answered by local fakes where a test needs them).
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `args`: more Chromium switches, after these (the crowd adds its --disable-features). */
export async function launch({ args = [] } = {}) {
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (npm test does this for you)`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', ...args],
  });
}

/** A fresh context (an empty profile) whose requests may only reach 127.0.0.1. */
export async function localContext(browser, onForeign = (route) => route.abort()) {
  const context = await browser.newContext();
  await context.route((url) => url.hostname !== '127.0.0.1', onForeign);
  return context;
}
