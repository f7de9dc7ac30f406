// `npm start` (after `npm run build`): the Fjellsport demo shop on http://127.0.0.1:4173 with the
// measureplan script tag, its collector endpoint served by `measureplan collect` with the embedded
// store (.data/measureplan.db), a crowd of simulated shoppers driven through it in headless
// Chromium, then the report over what the store holds. The shop stays open for you afterwards.
//
//   npm start                      a crowd of 200 shoppers and the report, then the shop for you
//   npm start -- --crowd 50        a smaller crowd (0: none)
//   npm start -- --exit            stop after the report (scripts, CI)
//   npm start -- --keep            add to the store of the last run instead of starting afresh
//   npm start -- --db other.db     another store than .data/measureplan.db
//   npm start -- --shopper         one scripted shopper, with what every vendor's tag received
//   PORT=8080 npm start            another port (a taken port falls back to a free one)
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { DIST_DIR, PLAN_FILE, ROOT, startStorefront } from './storefront-server.mjs';

const { values: opts } = parseArgs({ options: {
  shopper: { type: 'boolean' }, crowd: { type: 'string' }, exit: { type: 'boolean' }, keep: { type: 'boolean' }, seed: { type: 'string' }, db: { type: 'string' },
} });
const shopper = opts.shopper || /^(1|true|yes)$/i.test(process.env.SHOPPER ?? '');
const crowdSize = opts.crowd === undefined ? 200 : Number.parseInt(opts.crowd, 10);
if (!Number.isInteger(crowdSize) || crowdSize < 0) { console.error(`--crowd takes a number of shoppers (0 for none), not "${opts.crowd}".`); process.exit(2); }
const wanted = Number.parseInt(process.env.PORT ?? '', 10);
const port = Number.isInteger(wanted) && wanted >= 0 && wanted < 65536 ? wanted : 4173;
const time = () => new Date().toTimeString().slice(0, 8);
const STORE = opts.db ? resolve(opts.db) : join(ROOT, '.data/measureplan.db');

if (!existsSync(`${DIST_DIR}/measureplan.iife.js`)) {
  console.error('dist/measureplan.iife.js is missing: run `npm run build` first (`npm start` does it for you).');
  process.exit(1);
}

// The example plans, checked by the built CLI (the shop uses webshop.json), and the tag's size.
if (existsSync(join(DIST_DIR, 'cli.js'))) {
  const { main: cli } = await import('../dist/cli.js');
  const plans = readdirSync(join(ROOT, 'examples/plans')).filter((f) => f.endsWith('.json')).map((f) => relative(process.cwd(), join(ROOT, 'examples/plans', f)));
  if ((await cli(['validate', ...plans])) !== 0) console.log('(a plan has problems: see above; a broken webshop.json means the shop tracks nothing)');
}
const iife = readFileSync(join(DIST_DIR, 'measureplan.iife.js'));
console.log(`dist/measureplan.iife.js: ${iife.length} bytes, ${gzipSync(iife, { level: 9 }).length} bytes gzip -9\n`);

let liveLine = (line) => `  ${time()}  ${line}`;
if (shopper) liveLine = (await import('./shopper.mjs')).arrivalLine;

// While the crowd runs, its progress line stands in for hundreds of arrival lines.
let quiet = !shopper && crowdSize > 0;
const log = (line) => { if (!quiet) console.log(liveLine(line)); };
// The shop passes /collect on to `measureplan collect` (the scripted single shopper keeps its own
// file store instead: it compares it with the vendors' calls). The shop starts first, so that the
// collect server can allow exactly its origin.
let collect;
const options = { log, ...(shopper ? {} : { collect: () => collect?.url }) };

/** On the port asked for, or on a free one when it is taken. */
async function listen() {
  try {
    return await startStorefront({ port, ...options });
  } catch (e) {
    if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES') throw e;
    const shop = await startStorefront({ port: 0, ...options });
    console.log(`(port ${port} is ${e.code === 'EACCES' ? 'not allowed' : 'taken'}; using ${shop.port} instead)\n`);
    return shop;
  }
}

const shop = await listen();
if (!shopper) {
  const { startCollectProcess } = await import('./collect-process.mjs');
  if (!opts.keep) for (const f of [STORE, `${STORE}-wal`, `${STORE}-shm`]) rmSync(f, { force: true });
  collect = await startCollectProcess(['--db', relative(process.cwd(), STORE) || STORE, '--plan', relative(process.cwd(), PLAN_FILE), '--allow-origin', shop.url, '--quiet'],
    { onLine: (line) => console.log(`  ${time()}  collect: ${line.replace(/^\d\d:\d\d:\d\d {2}/, '')}`) });
}

let closing = false;
async function stopAll(code) {
  if (closing) process.exit(130);
  closing = true;
  await shop.close();
  if (collect) await collect.stop();
  process.exit(code);
}

if (shopper) {
  const { runShopperDemo } = await import('./shopper.mjs');
  let code = 1;
  try {
    code = await runShopperDemo(shop);
  } finally {
    await shop.close();
  }
  process.exit(code);
}

const store = relative(process.cwd(), STORE) || STORE;
console.log(`Fjellsport, the measureplan demo shop:   ${shop.url}
Its collector endpoint (/collect) is served by:
  ${collect.command}
  at ${collect.url}, storing every event once in ${store}
`);

if (crowdSize > 0) {
  const { runCrowd } = await import('./crowd/browser.mjs');
  console.log(`A crowd of ${crowdSize} simulated shoppers now visits the shop in headless Chromium (4 at a time):
some deny cookies, most look at products, some fill a cart and leave it, a few order, subscribe
or tap the phone number; product pages run the experiment free_shipping_banner.`);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let lastLine = 0;
  const summary = await runCrowd({
    url: shop.url, shoppers: crowdSize, seed: Number(opts.seed ?? 1), concurrency: 4, signal: controller.signal,
    onProgress: ({ done, failed, total, elapsedMs }) => {
      if (Date.now() - lastLine < 5000 && done < total) return;
      lastLine = Date.now();
      console.log(`  ${time()}  ${done} of ${total} shoppers done${failed ? `, ${failed} failed` : ''} (${Math.round(elapsedMs / 1000)} s)`);
    },
  });
  console.log(`  ${time()}  the crowd is done: ${summary.shoppers} shoppers in ${Math.round(summary.durationMs / 1000)} s${summary.failed ? `, ${summary.failed} failed (${summary.failures.slice(0, 3).map((f) => f.error).join('; ')})` : ''}\n`);
  // The last pages' events come as beacons on page hide: give the server a moment to commit them.
  await new Promise((ok) => setTimeout(ok, 1500));
  // The report a manager reads: as one HTML file, and as text here.
  const { main: cli } = await import('../dist/cli.js');
  const html = join(dirname(STORE), 'report.html');
  const args = ['report', '--plan', relative(process.cwd(), PLAN_FILE), '--db', store];
  console.log(`The report (measureplan ${args.join(' ')}):\n`);
  await cli(args);
  await cli([...args, '--format', 'html', '--out', relative(process.cwd(), html) || html]);
  console.log(`Open it in a browser: ${relative(process.cwd(), html) || html} (one file, no request to any host).`);
  // The crowd's returns to a left cart move the browser's clock on; the store corrects each event's
  // time by the moment it arrived (clock skew), so by its own clock no cart has waited an hour yet.
  console.log(`The shoppers who came back to a left cart moved their browser's clock on, so \`cart_abandoned\` counts
them; the store judges "Abandoned carts" by its own clock, so the carts left now show there once an
hour has really passed: run \`measureplan ${args.join(' ')}\` again then.\n`);
}

if (opts.exit) await stopAll(0);

console.log(`The shop stays open for you at ${shop.url}. Things to try, and the conversion each one sends:

  answer the cookie banner      every page      nothing is sent before you decide; "Only necessary" sends nothing
  read the shipping terms       /pricing        visited_pricing     page_view trigger, once per session
  subscribe to the newsletter   /               newsletter_signup   submit trigger on form.newsletter
  open a product                /product/…      view_item           page_view trigger, reads <main data-sku …>
  click "Add to cart"           /product/…      add_to_cart         click trigger, reads the button's data-…
  click the phone number        page footer     phone_click         click trigger on a[href^='tel:']
  go to the checkout            /checkout       begin_checkout      page_view trigger, once per session
  remove a product              /cart           remove_from_cart    click trigger on button[data-remove], reads the row's data-line
  place the order               /checkout/done  purchase            measureplan.track() in shop.js
  come back an hour after       any page        cart_abandoned      abandonment.cart: a full cart left for 1h (to Meta and the collector)
  filling a cart, not ordering

Journey signals beside the conversions (docs/journey.md, docs/page-experience.md):
  product pages run the experiment free_shipping_banner (control or banner, the same for you on every
  visit; one experiment_viewed exposure); every page sends its Core Web Vitals (web_vital) when you leave it.

  Debug panel: add ?measureplan_debug=1 to any page's URL.
  Change your cookie choice: "Cookie settings" at the bottom of every page.
  Read the store while it runs: sqlite3 -readonly ${store} "SELECT event, count(*) FROM tracks GROUP BY event"

  Tip: \`npm start -- --shopper\` for one scripted shopper and what each vendor's tag received.
  Stop with Ctrl+C.

Conversions as they arrive (name, kind, value → destinations the consent allows):
`);
quiet = false;

process.on('SIGINT', () => { console.log('\nStopping the shop and the collect server.'); void stopAll(0); });
process.on('SIGTERM', () => { void stopAll(0); });
