// Builds the tracker with every adapter folder into one IIFE (`window.MP`) for browser tests and
// benchmarks, so they run the real source without waiting for the script-tag loader.
import { build } from 'esbuild';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const ADAPTERS = { ga4: 'ga4', 'google-ads': 'googleAds', meta: 'meta', linkedin: 'linkedin', 'microsoft-ads': 'microsoftAds', collector: 'collector' };

/** Writes `<out>/bundle.js`; returns the adapter factory names it contains. */
export async function buildTestBundle(out, { only, minify = true } = {}) {
  mkdirSync(out, { recursive: true });
  const present = Object.entries(ADAPTERS).filter(([dir, fn]) => existsSync(join(ROOT, 'adapters', dir, 'index.ts')) && (!only || only.includes(fn)));
  const entry = [
    `export { createTracker, parsePlan } from '${ROOT}/src/index.ts';`,
    ...present.map(([dir, fn]) => `export { ${fn} } from '${ROOT}/adapters/${dir}/index.ts';`),
    `export const adapterNames = ${JSON.stringify(present.map(([, fn]) => fn))};`,
  ].join('\n');
  writeFileSync(join(out, 'entry.ts'), entry);
  await build({ entryPoints: [join(out, 'entry.ts')], bundle: true, minify, format: 'iife', globalName: 'MP', outfile: join(out, 'bundle.js'), logLevel: 'error' });
  return present.map(([, fn]) => fn);
}
