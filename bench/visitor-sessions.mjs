// `npm run bench:visitor`: what one commit costs the store when its visitor already has many
// sessions (a bot, or posts forged with one anonymous id). Builds such a visitor in a store in
// memory, every session carrying the same gclid, at each size, then times `store.write` of
// single-event commits: (a) a new session with the same gclid, (b) a new session with a new
// gclid, (c) a later event of the newest session, (d) a session sent late that started before
// all the others, with the same gclid (it takes the click from the one that was first), (e) an
// earlier first event of an old session, before all the others (it moves to the front and takes
// the click the same way). Prints
// the mean of each, in ms. It runs the
// source (bundled here by esbuild), so that two builds can be compared without `npm run build`.
//
//   npm run bench:visitor
//   node bench/visitor-sessions.mjs --sizes 1000,10000 --commits 50
import { build } from 'esbuild';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '1000,10000,50000' }, commits: { type: 'string', default: '20' } } });
const SIZES = values.sizes.split(',').map(Number);
const COMMITS = Number(values.commits);
const root = new URL('..', import.meta.url).pathname;
const out = join(root, 'bench/.cache/visitor-sessions');
mkdirSync(out, { recursive: true });
// Beside the repository's node_modules, where the store finds better-sqlite3.
await build({
  stdin: { contents: "export { openStore } from './src/server/store.ts'; export { toOutcome } from './src/server/message.ts'; export { parsePlan } from './src/plan/parse.ts';", resolveDir: root, loader: 'ts' },
  bundle: true, platform: 'node', format: 'esm', outfile: join(out, 'store.mjs'), logLevel: 'error', external: ['better-sqlite3'],
});
const { openStore, toOutcome, parsePlan } = await import(join(out, 'store.mjs'));

const { plan } = parsePlan({
  version: 1, name: 'Shop', currency: 'NOK', destinations: { collector: { url: '/collect' } },
  conversions: { view_item: { kind: 'micro', properties: { item_id: { type: 'string' } }, send: { collector: {} } } },
});
const T0 = Date.UTC(2026, 0, 1);
let n = 0;
/** The bot's event in session `s` at minute `m`. */
const view = (s, m, gclid) => toOutcome({
  type: 'track', event: 'view_item', anonymousId: 'bot', messageId: `e${++n}`, timestamp: new Date(T0 + m * 60_000).toISOString(), properties: { item_id: 'tent' },
  context: { page: { url: 'https://shop.example/p', referrer: 'https://www.google.com/' }, measureplan: { kind: 'micro', session_id: `s${s}`, click_ids: { gclid } } },
}, {}, new Date(T0 + 1e12).toISOString(), plan);

/** Mean ms of `COMMITS` commits of one event each, `next(i)` giving the i-th. */
function mean(store, next) {
  let ms = 0;
  for (let i = 0; i < COMMITS; i++) {
    const o = next(i);
    const t = performance.now();
    store.write([[o]]);
    ms += performance.now() - t;
  }
  return ms / COMMITS;
}

console.log(`one visitor with many sessions: mean store.write of ${COMMITS} one-event commits, ms (store in memory, node ${process.version})`);
console.log('sessions  (a) new session, same gclid  (b) new session, new gclid  (c) later event  (d) late session, first of all  (e) old session moves first');
for (const size of SIZES) {
  const store = openStore(':memory:');
  // The history, 1,000 sessions a commit, 30 minutes apart.
  for (let s = 0; s < size; s += 1000) store.write([Array.from({ length: Math.min(1000, size - s) }, (_, i) => view(s + i, (s + i) * 30, 'G-bot'))]);
  let s = size;
  const a = mean(store, () => { s++; return view(s, s * 30, 'G-bot'); });
  const b = mean(store, () => { s++; return view(s, s * 30, `G-new-${s}`); });
  const c = mean(store, (i) => view(s, s * 30 + 1 + i / 100, `G-new-${s}`));
  const d = mean(store, (i) => view(`late${i}`, -30 * (i + 1), 'G-bot'));
  const e = mean(store, (i) => view(1 + i * Math.floor(size / COMMITS), -30 * (COMMITS + i + 1), 'G-bot'));
  const rows = store.db.prepare("SELECT count(*) FROM sessions WHERE anonymous_id = 'bot'").pluck().get();
  if (rows !== size + 3 * COMMITS) throw new Error(`expected ${size + 3 * COMMITS} sessions, found ${rows}`);
  const clicked = store.db.prepare("SELECT count(*) FROM sessions WHERE anonymous_id = 'bot' AND click IS NOT NULL").pluck().get();
  if (clicked !== 1 + COMMITS) throw new Error(`expected ${1 + COMMITS} sessions with a click (the first, and each new gclid), found ${clicked}`);
  console.log(`${String(size).padStart(8)}  ${a.toFixed(3).padStart(27)}  ${b.toFixed(3).padStart(26)}  ${c.toFixed(3).padStart(15)}  ${d.toFixed(3).padStart(30)}  ${e.toFixed(3).padStart(27)}`);
  store.close();
}
