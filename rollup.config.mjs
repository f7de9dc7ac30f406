// Builds: ESM + bundled .d.ts for npm (one entry per adapter folder), the minified IIFE for the
// script tag, and the Node CLI. Browser outputs never include zod (see src/plan/schema.ts).
import { readdirSync, existsSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { relative } from 'node:path';
import esbuild from 'rollup-plugin-esbuild';
import resolve from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import dts from 'rollup-plugin-dts';

/**
 * The browser files are plain ASCII (other characters as \u escapes): a page without a declared
 * charset, or in windows-1252, decodes the file in its own encoding, and a raw `’` (the Swiss
 * thousands mark the price reader knows) or `→` would become other characters (contract QA 2026-12-06).
 */
const FORMAT = { comments: false, ascii_only: true };

/**
 * Lexical declarations as esbuild's minifier writes them, which terser has no option for: `const`
 * as `let` (the same program for code that never assigns a constant, which TypeScript sees to),
 * and a run of declarations in one block as one (`let a=1;let b=2` as `let a=1,b=2`, evaluated in
 * the same order with the same scope). 0.26 KB less gzip in the script tag, up to 0.06 KB in the
 * files beside it. Found in the parsed
 * output, so that no text inside a string or a regular expression is touched.
 */
const letNotConst = {
  name: 'let-not-const',
  renderChunk(code) {
    const edits = [];
    const lexical = (n) => n?.type === 'VariableDeclaration' && n.kind !== 'var';
    const visit = (n) => {
      if (Array.isArray(n)) {
        // A statement list: each declaration after another one joins it.
        n.forEach((x, i) => {
          const prev = n[i - 1];
          if (i && lexical(x) && lexical(prev)) {
            const from = prev.declarations.at(-1).end;
            const to = x.declarations[0].start;
            if (/^;(let|const)\s*$/.test(code.slice(from, to))) { edits.push([from, to, ',']); x.joined = true; }
          }
        });
        n.forEach(visit);
        return;
      }
      if (!n || typeof n.type !== 'string') return;
      if (n.type === 'VariableDeclaration' && n.kind === 'const' && !n.joined) edits.push([n.start, n.start + 5, 'let']);
      for (const k in n) if (n[k] && typeof n[k] === 'object') visit(n[k]);
    };
    visit(this.parse(code));
    let out = '';
    let from = 0;
    for (const [start, end, text] of edits.sort((x, y) => x[0] - y[0])) {
      if (start < from || (text === 'let' && code.slice(start, end) !== 'const')) this.error(`let-not-const: unexpected output at ${start}`);
      out += code.slice(from, start) + text;
      from = end;
    }
    return { code: out + code.slice(from), map: null };
  },
};
/** Terser, then letNotConst: the minifier of every browser file. */
const minify = (options = {}) => [terser({ ...options, format: FORMAT }), letNotConst];

const adapters = (existsSync('adapters') ? readdirSync('adapters', { withFileTypes: true }) : [])
  .filter((d) => d.isDirectory() && existsSync(`adapters/${d.name}/index.ts`))
  .map((d) => d.name);

const browserInputs = {
  index: 'src/index.ts',
  ...Object.fromEntries(adapters.map((a) => [`adapters/${a}`, `adapters/${a}/index.ts`])),
  ...(existsSync('src/testing/index.ts') ? { testing: 'src/testing/index.ts' } : {}),
};

/**
 * Files of an earlier npm build must not ship: dist/lib follows the source tree (a moved or deleted
 * source file would leave its old copy behind), and dist/chunks held the browser chunks of the
 * one-chunk-per-entry layout (it keeps only the .d.ts chunks and the CLI's node- chunks).
 */
const cleanNpmOutput = {
  name: 'clean-npm-output',
  buildStart() {
    rmSync('dist/lib', { recursive: true, force: true });
  },
};

/**
 * dist/chunks holds the .d.ts chunks and the CLI's chunks, renamed by their hash on every change:
 * once the last build has written its chunks, any other file there is an earlier build's and would
 * ship in the package (the CLI's leftovers once weighed 1.2 MB). Pruned at the end, not at the
 * start, so that dist/cli.js never points at a deleted chunk while the builds run.
 */
const chunksWritten = new Set();
const recordChunks = { name: 'record-chunks', writeBundle(_, bundle) { for (const f of Object.keys(bundle)) if (f.startsWith('chunks/')) chunksWritten.add(f.slice('chunks/'.length)); } };
const pruneChunks = {
  name: 'prune-chunks',
  writeBundle() { if (existsSync('dist/chunks')) for (const f of readdirSync('dist/chunks')) if (!chunksWritten.has(f)) rmSync(`dist/chunks/${f}`); },
};

/**
 * npm output, one file per source module (preserveModules): a developer's bundler then drops and
 * splits exactly as it would with our sources. One chunk per entry would put `parsePlan` and its
 * words for a broken plan in the same file as `createTracker`, whose dynamic import of those words
 * rollup then inlines: every app paid ~3.6 KB gzip for words that only a broken plan needs.
 */
const moduleFileName = (chunk) => {
  if (chunk.isEntry) return '[name].js';
  const id = chunk.facadeModuleId ?? chunk.name;
  const vendor = /node_modules\/(.+)\.[cm]?js$/.exec(id); // npm never ships a folder named node_modules
  return `lib/${vendor ? `vendor/${vendor[1]}` : relative(process.cwd(), id).replace(/\.[cm]?[jt]s$/, '')}.js`;
};

const ts = (target = 'es2020') => esbuild({ target, tsconfig: 'tsconfig.json' });
const nodeExternal = (id) => id.startsWith('node:') || builtinModules.includes(id) || ['zod', 'better-sqlite3', 'playwright-core', 'vitest'].includes(id);
const onwarn = (w, warn) => { if (w.code !== 'CIRCULAR_DEPENDENCY') warn(w); };

export default [
  {
    input: browserInputs,
    output: { dir: 'dist', format: 'es', preserveModules: true, entryFileNames: moduleFileName },
    external: ['vitest', 'playwright-core'],
    plugins: [cleanNpmOutput, resolve({ browser: true }), ts()],
    treeshake: { moduleSideEffects: false },
    onwarn,
  },
  {
    input: browserInputs,
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts', chunkFileNames: 'chunks/[name]-[hash].d.ts' },
    external: ['vitest', 'playwright-core'],
    plugins: [dts({ tsconfig: 'tsconfig.json' }), recordChunks],
  },
  {
    input: 'src/loader/index.ts',
    output: { file: 'dist/measureplan.iife.js', format: 'iife', name: 'measureplanBundle' },
    plugins: [resolve({ browser: true }), ts(), ...minify({ compress: { passes: 2 } })],
    onwarn,
  },
  {
    // The linker's link and form decoration: loaded by the script tag only for plans with linker.
    input: 'src/loader/linker.ts',
    output: { file: 'dist/measureplan.linker.js', format: 'iife' },
    plugins: [resolve({ browser: true }), ts(), ...minify()],
    onwarn,
  },
  {
    // The consent-platform readers: loaded by the script tag only for plans with consent.cmp.
    input: 'src/loader/cmp.ts',
    output: { file: 'dist/measureplan.cmp.js', format: 'iife' },
    plugins: [resolve({ browser: true }), ts(), ...minify()],
    onwarn,
  },
  // Page experience (web-vitals): loaded by the script tag, from next to itself, only for plans with
  // `vitals`; the attribution build only for plans with `vitals.attribution`.
  ...[['vitals', 'src/loader/vitals.ts'], ['vitals-attribution', 'src/loader/vitals-attribution.ts']].map(([name, input]) => ({
    input,
    output: { file: `dist/measureplan.${name}.js`, format: 'iife' },
    plugins: [resolve({ browser: true }), ts(), ...minify({ compress: { passes: 2 } })],
    onwarn,
  })),
  {
    // Words for a broken plan: loaded by the script tag only when its plan has problems.
    input: 'src/loader/explain.ts',
    output: { file: 'dist/measureplan.explain.js', format: 'iife' },
    plugins: [resolve({ browser: true }), ts(), ...minify()],
    onwarn,
  },
  ...(existsSync('src/debug/panel.ts') ? [{
    // The debug panel: loaded by the script tag only with ?measureplan_debug=1, never part of the core.
    input: 'src/debug/panel.ts',
    output: { file: 'dist/measureplan.debug.js', format: 'iife', name: 'measureplanDebugPanel' },
    plugins: [resolve({ browser: true }), ts(), ...minify()],
    onwarn,
  }] : []),
  ...(existsSync('src/testing/playwright.ts') ? [{
    // The test kit's Playwright helper (measureplan/testing/playwright): Node-side, no dependency.
    input: { 'testing/playwright': 'src/testing/playwright.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js' },
    external: nodeExternal,
    plugins: [ts('node20')],
    onwarn,
  }, {
    input: { 'testing/playwright': 'src/testing/playwright.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].d.ts' },
    external: nodeExternal,
    plugins: [dts({ tsconfig: 'tsconfig.json' })],
  }] : []),
  {
    // The report's and the retention's worker threads are entries of their own, next to cli.js
    // (src/report/parallel.ts, src/server/retention.ts).
    input: { cli: 'src/cli/index.ts', 'report-worker': 'src/report/worker.ts', 'retain-worker': 'src/server/retain-worker.ts' },
    output: { dir: 'dist', format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/node-[name]-[hash].js' },
    external: nodeExternal,
    plugins: [resolve({ preferBuiltins: true }), ts('node20'), recordChunks, pruneChunks],
    onwarn,
  },
];
