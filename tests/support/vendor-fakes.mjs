// The recording fakes of the vendors' tags, for our own tests, benchmarks and the scripted
// shopper. They exist once, in the test kit (src/testing/playwright.ts, published as
// measureplan/testing/playwright); this file compiles that source on import (esbuild, cached by
// content under node_modules/.cache), so plain `node` scripts need no build step, and keeps the
// names those scripts use. One difference from the kit's default: every request that leaves
// 127.0.0.1 and is not a faked vendor script is refused (the machine may be offline).
import { transform } from 'esbuild';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const source = readFileSync(join(ROOT, 'src/testing/playwright.ts'), 'utf8');
const cache = join(ROOT, 'node_modules/.cache/measureplan-testing');
const file = join(cache, `playwright-${createHash('sha256').update(source).digest('hex').slice(0, 16)}.mjs`);
if (!existsSync(file)) {
  const { code } = await transform(source, { loader: 'ts', format: 'esm', target: 'node20' });
  mkdirSync(cache, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, code);
  renameSync(tmp, file); // atomic: parallel test workers never read half a file
}
const kit = await import(pathToFileURL(file).href);

export const { FAKES, COUNTING_FAKES, VENDOR_HOSTS, isVendorHost, vendorCommands, conversions, pageViews, uetCalls } = kit;

/** Only our local servers: the e2e tests, benchmarks and the shopper run without a network. */
export const local = (url) => url.hostname === '127.0.0.1';

/**
 * Answers the vendors' script URLs with the recording fakes in a Playwright browser context and
 * refuses every other request that leaves 127.0.0.1. Returns `{ requests, commands(page), reset }`
 * (see src/testing/playwright.ts).
 */
export const installVendorFakes = (context, { count = false, allow = local } = {}) => kit.installVendorFakes(context, { count, allow });

/**
 * For benchmarks: the counting fakes answered through the page's own DevTools session, which
 * pauses only requests to the vendors' hosts. Playwright's `context.route` pauses every request
 * of the context in Node while any route is set, the local collector's POSTs included: in a
 * 10,000-event burst that added about a second of delivery on this machine. Call it after
 * `context.newPage()` and before the page navigates. Other hosts are refused by the browser's
 * resolver (`launch({ args: [OFFLINE] })`).
 */
export async function countingFakesFor(context, page) {
  const cdp = await context.newCDPSession(page);
  cdp.on('Fetch.requestPaused', ({ requestId, request }) => {
    const url = new URL(request.url);
    const fake = isVendorHost(url.hostname) && COUNTING_FAKES[url.hostname + url.pathname];
    const answer = fake
      ? cdp.send('Fetch.fulfillRequest', { requestId, responseCode: 200, body: Buffer.from(fake).toString('base64'), responseHeaders: [{ name: 'content-type', value: 'text/javascript' }, { name: 'cross-origin-resource-policy', value: 'cross-origin' }] })
      : cdp.send('Fetch.failRequest', { requestId, errorReason: 'BlockedByClient' });
    answer.catch(() => undefined); // the page may be gone
  });
  await cdp.send('Fetch.enable', { patterns: VENDOR_HOSTS.flatMap((h) => [{ urlPattern: `*://${h}/*` }, { urlPattern: `*://*.${h}/*` }]) });
}

/** Chromium switch: every host but 127.0.0.1 fails to resolve (what `installVendorFakes` refuses by route). */
export const OFFLINE = '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1';

/**
 * Waits until the tags of GA4, Meta and Microsoft Ads have each sent `n` page views on the page.
 * The tracker requests them one after another and `ready` waits for none: a test that reads one
 * vendor's commands, or leaves the page, once another has reported can miss a tag that came late
 * (flaky-test review 2026-12-07: a snapshot compared before bat.js had run failed CI). `read`: how
 * to get the page's commands (by default, its current document's).
 */
export async function tagsRan(page, { read = vendorCommands, n = 1, timeout = 15_000 } = {}) {
  const until = Date.now() + timeout;
  for (;;) {
    const seen = pageViews(await read(page));
    if (seen.ga4 >= n && seen.meta >= n && seen.microsoftAds >= n) return;
    if (Date.now() > until) throw new Error(`the vendor tags did not all run: page views ${JSON.stringify(seen)}, ${n} each expected`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
