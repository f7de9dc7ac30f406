// `npm run size`: what the browser files weigh (gzip -9) and what each module contributes.
//   dist/measureplan.iife.js         the script tag: core, triggers, every adapter, the collector
//   createTracker + one adapter      the smallest npm bundle a developer can make from dist/ (ESM, minified)
//   dist/measureplan.vitals*.js      page experience (web-vitals), loaded only for plans with `vitals`
// Budgets from the performance issue: script tag ≤ 10 KB, createTracker + one adapter ≤ 6 KB.
// With --check it exits 1 when a budget is exceeded. Writes bench/results/size.json.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const gz = (buf) => gzipSync(buf, { level: 9 }).length;
// Page experience (loaded on demand for plans with `vitals`, web-vitals included): standard ≤ 4 KB, attribution ≤ 7 KB.
const BUDGETS = { 'script tag': 10 * 1024, 'createTracker + one adapter': 6 * 1024, 'page experience (on demand)': 4 * 1024, 'page experience, attribution (on demand)': 7 * 1024 };

/**
 * Bundles like a developer's bundler would (esbuild, minified, code splitting on, so that code
 * behind a dynamic import — the words for a broken plan — stays out of the first load) and
 * measures the entry with the chunks it imports statically.
 */
async function bundle(entry, format) {
  const dir = join(root, 'node_modules/.cache/measureplan-size');
  mkdirSync(dir, { recursive: true });
  // A path is bundled as it is (the script tag's entry has only side effects); text is an entry module.
  const file = entry.endsWith('.ts') && !entry.includes('\n') && !entry.includes(' ') ? entry : join(dir, `entry-${format}.ts`);
  if (file !== entry) writeFileSync(file, entry);
  const r = await build({ entryPoints: [file], bundle: true, minify: true, format, splitting: format === 'esm', outdir: join(dir, format), write: false, metafile: true, logLevel: 'error' });
  const outputs = r.metafile.outputs;
  const entryOut = Object.keys(outputs).find((o) => outputs[o].entryPoint);
  const load = new Set();
  const visit = (o) => { if (load.has(o)) return; load.add(o); for (const i of outputs[o].imports) if (i.kind === 'import-statement') visit(i.path); };
  visit(entryOut);
  const byPath = Object.fromEntries(r.outputFiles.map((f) => [f.path.slice(root.length + 1), f.contents]));
  let bytes = 0; let gzip = 0; const inputs = {};
  for (const o of load) {
    const code = byPath[o] ?? byPath[Object.keys(byPath).find((k) => k.endsWith(o.split('/').pop()))];
    bytes += code.length; gzip += gz(code);
    Object.assign(inputs, outputs[o].inputs);
  }
  return { bytes, gzip, inputs };
}

/** Each module's share of the gzip size: its minified bytes, scaled by the bundle's gzip ratio. */
function contributions(b) {
  const groups = {};
  for (const [file, v] of Object.entries(b.inputs)) {
    if (!v.bytesInOutput) continue;
    // Sources and their built copies (dist/lib/…, dist/adapters/ga4.js) under the same name.
    const g = file.replace(/^.*?node_modules\//, 'node_modules/').replace(/^dist\/(lib\/(vendor\/)?)?/, '').replace(/^(src\/[a-z-]+|adapters\/[a-z0-9_-]+|node_modules\/[^/]+).*/, '$1').replace(/\.js$/, '');
    groups[g] = (groups[g] ?? 0) + v.bytesInOutput;
  }
  const ratio = b.gzip / b.bytes;
  return Object.entries(groups).sort((a, c) => c[1] - a[1]).map(([module, min]) => ({ module, minified: min, approx_gzip: Math.round(min * ratio) }));
}

const iife = readFileSync(join(root, 'dist/measureplan.iife.js'));
const tag = await bundle(join(root, 'src/loader/index.ts'), 'iife');
// From the built package, as a developer's app gets it (the sources can split better than a build does).
const smallest = await bundle(`export { createTracker } from '${root}/dist/index.js'; export { ga4 } from '${root}/dist/adapters/ga4.js';`, 'esm');
const results = {
  date: new Date().toISOString(),
  files: {
    'script tag': { file: 'dist/measureplan.iife.js', bytes: iife.length, gzip: gz(iife), budget: BUDGETS['script tag'] },
    'createTracker + one adapter': { file: '(esbuild: createTracker + ga4, ESM, minified)', bytes: smallest.bytes, gzip: smallest.gzip, budget: BUDGETS['createTracker + one adapter'] },
    'debug panel (on demand)': { file: 'dist/measureplan.debug.js', gzip: gz(readFileSync(join(root, 'dist/measureplan.debug.js'))) },
    'broken-plan words (on demand)': { file: 'dist/measureplan.explain.js', gzip: gz(readFileSync(join(root, 'dist/measureplan.explain.js'))) },
    ...Object.fromEntries([['page experience (on demand)', 'dist/measureplan.vitals.js'], ['page experience, attribution (on demand)', 'dist/measureplan.vitals-attribution.js']].map(([k, file]) => {
      const code = readFileSync(join(root, file));
      return [k, { file, bytes: code.length, gzip: gz(code), budget: BUDGETS[k] }];
    })),
  },
  modules: { 'script tag': contributions(tag), 'createTracker + one adapter': contributions(smallest) },
};
console.log('\nmeasureplan sizes (gzip -9)');
console.table(Object.fromEntries(Object.entries(results.files).map(([k, v]) => [k, { gzip_kb: (v.gzip / 1024).toFixed(2), budget_kb: v.budget ? (v.budget / 1024).toFixed(0) : '', within: v.budget ? v.gzip <= v.budget : '' }])));
for (const k of ['script tag', 'createTracker + one adapter']) {
  console.log(`what each module contributes to ${k === 'script tag' ? 'the script tag' : 'createTracker + one adapter'}`);
  console.table(Object.fromEntries(results.modules[k].map((m) => [m.module, { minified: m.minified, approx_gzip: m.approx_gzip }])));
}
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(join(root, 'bench/results/size.json'), JSON.stringify(results, null, 2) + '\n');
const over = Object.entries(results.files).filter(([, v]) => v.budget && v.gzip > v.budget);
if (process.argv.includes('--check') && over.length) {
  console.error(`over budget: ${over.map(([k, v]) => `${k} ${(v.gzip / 1024).toFixed(2)} KB > ${(v.budget / 1024).toFixed(0)} KB`).join('; ')}`);
  process.exit(1);
}
