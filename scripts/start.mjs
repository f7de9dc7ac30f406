// `npm start` (after `npm run build`): the Fjellsport demo shop on http://127.0.0.1:4173 with the
// measureplan script tag, printing every conversion as the collector receives it.
//
//   npm start                      the shop, for you to click through
//   npm start -- --shopper         a scripted shopper buys a jacket in headless Chromium, then a summary
//   PORT=8080 npm start            another port (a taken port falls back to a free one)
//   SHOPPER=1 npm start            same as --shopper
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST_DIR, ROOT, startStorefront } from './storefront-server.mjs';

const args = process.argv.slice(2);
const shopper = args.includes('--shopper') || /^(1|true|yes)$/i.test(process.env.SHOPPER ?? '');
const wanted = Number.parseInt(process.env.PORT ?? '', 10);
const port = Number.isInteger(wanted) && wanted >= 0 && wanted < 65536 ? wanted : 4173;
const time = () => new Date().toTimeString().slice(0, 8);

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

/** On the port asked for, or on a free one when it is taken. */
async function listen() {
  const log = (line) => console.log(liveLine(line));
  try {
    return await startStorefront({ port, log });
  } catch (e) {
    if (e?.code !== 'EADDRINUSE' && e?.code !== 'EACCES') throw e;
    const shop = await startStorefront({ port: 0, log });
    console.log(`(port ${port} is ${e.code === 'EACCES' ? 'not allowed' : 'taken'}; using ${shop.port} instead)\n`);
    return shop;
  }
}

const shop = await listen();

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

const data = relative(ROOT, shop.dataFile) || shop.dataFile;
console.log(`
Fjellsport, the measureplan demo shop, is open at  ${shop.url}

It loads the script tag (/measureplan/measureplan.iife.js) with the plan examples/plans/webshop.json.
Things to try, and the conversion each one sends:

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
  Everything the collector receives is stored in ${data} (one JSON line per message).

  Tip: run \`npm start -- --shopper\` to watch a scripted shopper.
  Stop with Ctrl+C.

Conversions as the collector receives them (name, kind, value → destinations the consent allows):
`);

let closing = false;
const stop = async () => {
  if (closing) process.exit(130);
  closing = true;
  console.log('\nStopping the shop.');
  await shop.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
