// examples/typed-app: the npm + TypeScript example of DESIGN.md's layout. It imports measureplan
// by its package name, which inside this repository resolves (package self-reference, through
// package.json "exports") to the build in dist/: `npm test` builds before the tests run.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { IDBFactory } from 'fake-indexeddb';
import { JSDOM, VirtualConsole } from 'jsdom';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { generate } from '../../src/cli/codegen';
import type { PlanInput } from '../../src/plan/types';
import { ensureBuilt, root, run } from '../cli/helpers';

const APP = join(root, 'examples/typed-app');
const app = (...parts: string[]) => join(APP, ...parts);
const ORIGIN = 'http://localhost:3000';
const BUILT = 'run `npm run build` first (npm test does): the example imports measureplan from dist/';

// ---------------------------------------------------------------------------------------------
// Type checking, with the example's own tsconfig.json, through the TypeScript compiler API.

const config = (() => {
  const parsed = ts.getParsedCommandLineOfConfigFile(app('tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n')); },
  });
  if (!parsed) throw new Error('examples/typed-app/tsconfig.json could not be read');
  return parsed;
})();

let previous: ts.Program | undefined;
/**
 * Type-checks the example as `tsc -p examples/typed-app` does; `files` replaces or adds files in
 * memory only (absolute path → text), so nothing is written next to the example.
 */
function typecheck(files: Record<string, string> = {}): { program: ts.Program; diagnostics: string[]; lines: (file: string) => number[] } {
  const host = ts.createCompilerHost(config.options);
  const { getSourceFile, fileExists, readFile } = host;
  host.getSourceFile = (name, language, ...rest) => (name in files ? ts.createSourceFile(name, files[name]!, language) : getSourceFile.call(host, name, language, ...rest));
  host.fileExists = (name) => name in files || fileExists.call(host, name);
  host.readFile = (name) => (name in files ? files[name] : readFile.call(host, name));
  const rootNames = [...new Set([...config.fileNames, ...Object.keys(files)])];
  const program = ts.createProgram({ rootNames, options: config.options, host, oldProgram: previous });
  previous = program;
  const found = ts.getPreEmitDiagnostics(program);
  const where = (d: ts.Diagnostic) => (d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0);
  return {
    program,
    diagnostics: found.map((d) => `${d.file ? relative(APP, d.file.fileName) : '-'}:${where(d)}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`),
    lines: (file) => [...new Set(found.filter((d) => d.file?.fileName === file).map(where))].sort((a, b) => a - b),
  };
}

describe('examples/typed-app type-checks against the published types', () => {
  it('compiles without a single diagnostic (every @ts-expect-error in src/mistakes.ts is used)', () => {
    expect(readFileSync(join(root, 'dist/index.d.ts'), 'utf8'), BUILT).toContain('definePlan');
    const names = config.fileNames.map((f) => relative(APP, f)).sort();
    expect(names).toEqual(expect.arrayContaining(['src/main.ts', 'src/mistakes.ts', 'src/plan.gen.ts', 'src/wholesale/main.ts', 'src/wholesale/plan.ts']));
    const { diagnostics } = typecheck();
    expect(diagnostics).toEqual([]);
  });

  it('imports measureplan as a user does: by package name, resolved through the exports map to dist/', () => {
    const from = app('src/main.ts');
    for (const [specifier, file] of [['measureplan', 'dist/index.d.ts'], ['measureplan/adapters/ga4', 'dist/adapters/ga4.d.ts'], ['measureplan/adapters/collector', 'dist/adapters/collector.d.ts']]) {
      const r = ts.resolveModuleName(specifier!, from, config.options, ts.sys);
      expect(r.resolvedModule?.resolvedFileName, specifier).toBe(join(root, file!));
    }
    const source = readFileSync(from, 'utf8');
    expect(source).toContain("from 'measureplan';");
    expect(source).toContain("from 'measureplan/adapters/ga4';");
    expect(source).toContain("from 'measureplan/adapters/collector';");
    expect(source).not.toMatch(/from '\.\.\/\.\.\/|\/src\/|\/dist\//); // never the repository's files directly
  });

  it('reports a call that does not match the plan (so the clean result above means something)', () => {
    const probe = app('src/probe-mistake.ts'); // in memory only
    const { diagnostics } = typecheck({
      [probe]: [
        "import { createTracker } from 'measureplan';",
        "import { collector } from 'measureplan/adapters/collector';",
        "import { plan } from './plan.gen';",
        'const tracker = createTracker({ plan, adapters: [collector()] });',
        "tracker.track('add_to_cart', { item_id: 'TC-ETH-250', value: '14.90' });",
        "tracker.track('newsletter_signup', { placement: 'header' });",
        "tracker.track('checkout_started');",
        "tracker.track('add_to_cart', { item_id: 'TC-ETH-250', value: 14.9 });",
        '',
      ].join('\n'),
    });
    expect(diagnostics.filter((d) => d.startsWith('src/probe-mistake.ts:'))).toEqual([
      expect.stringMatching(/^src\/probe-mistake\.ts:5: TS2322 Type 'string' is not assignable to type 'number'/),
      expect.stringMatching(/^src\/probe-mistake\.ts:6: TS2322 Type '"header"' is not assignable to type '"footer" \| "checkout"'/),
      expect.stringMatching(/^src\/probe-mistake\.ts:7: TS2345 Argument of type '"checkout_started"' is not assignable/),
    ]);
  });

  it('each @ts-expect-error in src/mistakes.ts covers a real error on its next line, and nothing else fails', () => {
    const file = app('src/mistakes.ts');
    const text = readFileSync(file, 'utf8');
    const marked = text.split('\n').flatMap((line, i) => (line.trim().startsWith('// @ts-expect-error') ? [i + 2] : [])); // 1-based line after it
    expect(marked.length).toBeGreaterThanOrEqual(15);
    const { diagnostics, lines } = typecheck({ [file]: text.replaceAll('// @ts-expect-error', '// (expected error)') });
    expect(lines(file)).toEqual(marked);
    expect(diagnostics.filter((d) => !d.startsWith('src/mistakes.ts:'))).toEqual([]);
  });
});

// The oldest TypeScript the docs promise (docs/getting-started.md): `definePlan` keeps its literal
// types only from 5.3 on (before it, a const type parameter inside an intersection is widened, and a
// valid plan fails; types QA 2026-12-07). Checked with that compiler itself, the published
// declarations included (skipLibCheck off). It is installed from the npm registry into
// node_modules/.cache on first use, not as a devDependency: its `tsc` would take the project's.
describe('the oldest TypeScript the docs name', () => {
  it('compiles examples/typed-app with TypeScript 5.3, every @ts-expect-error in src/mistakes.ts used', () => {
    const dir = join(root, 'node_modules/.cache/typescript-5.3');
    const tsc = join(dir, 'node_modules/typescript/bin/tsc');
    if (!existsSync(tsc)) {
      const npm = spawnSync('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--no-package-lock', 'typescript@5.3.3'], { encoding: 'utf8', timeout: 240_000 });
      expect(npm.status, `installing typescript@5.3.3 failed:\n${npm.stderr}`).toBe(0);
    }
    expect(spawnSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' }).stdout.trim()).toBe('Version 5.3.3');
    const r = spawnSync(process.execPath, [tsc, '-p', APP, '--skipLibCheck', 'false', '--pretty', 'false'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
  }, 400_000);
});

// ---------------------------------------------------------------------------------------------
// The generated module is what `measureplan codegen` makes from plan.json today.

describe('examples/typed-app/src/plan.gen.ts', () => {
  it('is byte for byte what codegen generates from plan.json (the library code)', () => {
    const input = JSON.parse(readFileSync(app('plan.json'), 'utf8')) as PlanInput;
    expect(readFileSync(app('src/plan.gen.ts'), 'utf8')).toBe(generate(input, 'plan.json', 'src/plan.gen.ts'));
  });

  it('passes `measureplan codegen plan.json --out src/plan.gen.ts --check`, run in the example as its README says', () => {
    ensureBuilt();
    const r = run(['codegen', 'plan.json', '--out', 'src/plan.gen.ts', '--check'], { cwd: APP });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('src/plan.gen.ts is up to date with plan.json.\n');
    expect(r.code).toBe(0);
  });
});

// ---------------------------------------------------------------------------------------------
// Bundled with esbuild and run in a jsdom page: what GA4 and the collector receive.

type Message = { type: string; event?: string; messageId: string; userId?: string; traits?: Record<string, unknown>; properties?: Record<string, unknown> };
let collected: Message[] = [];
let orders: { items: { item_id: string; price: number; quantity: number }[]; delivery: string }[] = [];
const server = setupServer(
  http.post(`${ORIGIN}/collect`, async ({ request }) => {
    const body = (await request.json()) as { batch: Message[] };
    collected.push(...body.batch);
    return new HttpResponse(null, { status: 200 });
  }),
  // The shop's own backend: places the order and answers with its number and total.
  http.post(`${ORIGIN}/api/orders`, async ({ request }) => {
    const order = (await request.json()) as (typeof orders)[number];
    orders.push(order);
    const total = Math.round(order.items.reduce((sum, i) => sum + i.price * i.quantity, 0) * 100) / 100;
    return HttpResponse.json({ orderId: `TC-${1041 + orders.length}`, total });
  }),
);

const bundles: Record<string, { code: string; inputs: string[] }> = {};
async function bundle(entry: string) {
  const r = await build({
    entryPoints: [app(entry)], bundle: true, format: 'iife', globalName: 'page', platform: 'browser', target: 'es2020',
    write: false, metafile: true, logLevel: 'silent', absWorkingDir: root,
  });
  return { code: r.outputFiles[0]!.text, inputs: Object.keys((r.metafile as Metafile).inputs) };
}

const pages: JSDOM[] = [];
beforeAll(async () => {
  server.listen({ onUnhandledRequest: 'error' });
  bundles.shop = await bundle('src/main.ts');
  bundles.wholesale = await bundle('src/wholesale/main.ts');
});
afterEach(() => {
  for (const dom of pages.splice(0)) dom.window.close();
  collected = [];
  orders = [];
  server.resetHandlers();
});
afterAll(() => server.close());

/**
 * Opens one of the example's HTML pages in jsdom and runs the bundle in it, as its <script> would.
 * jsdom has no fetch and no IndexedDB: the page gets Node's fetch (intercepted by msw, relative
 * URLs resolved against the page) and a fresh fake IndexedDB. `saved` is a consent decision the
 * banner stored on an earlier page.
 */
function open(html: string, code: string, saved?: 'all' | 'necessary') {
  const console_: string[] = [];
  const virtualConsole = new VirtualConsole();
  for (const level of ['error', 'warn'] as const) virtualConsole.on(level, (...args: unknown[]) => console_.push(`${level}: ${args.map(String).join(' ')}`));
  virtualConsole.on('jsdomError', (e: unknown) => console_.push(`jsdom: ${(e as Error).message}`));
  // (tests/support/jsdom.d.ts declares only the options the other tests use)
  const options = { url: `${ORIGIN}/`, runScripts: 'outside-only', pretendToBeVisual: true, virtualConsole } as { runScripts: 'outside-only'; virtualConsole: VirtualConsole };
  const dom = new JSDOM(readFileSync(app(html), 'utf8'), options);
  pages.push(dom);
  const w = dom.window as unknown as Window & typeof globalThis & { dataLayer?: ArrayLike<unknown>[]; eval(code: string): unknown };
  Object.assign(w, {
    indexedDB: new IDBFactory(),
    fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(new URL(String(input), w.location.href), init),
  });
  if (saved) w.localStorage.setItem('tindra-consent', saved);
  w.eval(code);
  const $ = <E extends Element = HTMLElement>(selector: string) => {
    const el = w.document.querySelector<E>(selector);
    if (!el) throw new Error(`no ${selector} in ${html}`);
    return el;
  };
  const gtag = () => Array.from(w.dataLayer ?? [], (args) => Array.from(args as ArrayLike<unknown>));
  return { w, $, console: console_, gtag, events: () => gtag().filter((c) => c[0] === 'event').map((c) => [c[1], c[2]]) };
}

/** Longer than the collector's flush interval (1 s): whatever was going to be sent has been. */
const afterFlushInterval = () => new Promise((r) => setTimeout(r, 1500));
const tracked = () => collected.filter((m) => m.type === 'track').map((m) => m.event);
const mpStorage = (w: Window) => Object.keys(w.localStorage).filter((k) => k.startsWith('mp_'));
const measureplanDatabases = async (w: Window) => (await w.indexedDB.databases()).filter((d) => d.name?.startsWith('measureplan'));

describe('examples/typed-app bundled with esbuild and run in a page', () => {
  it('bundles the published build and only the adapters it imports', () => {
    for (const b of [bundles.shop!, bundles.wholesale!]) {
      expect(b.inputs).toEqual(expect.arrayContaining(['dist/index.js', 'dist/adapters/ga4.js', 'dist/adapters/collector.js']));
      expect(b.inputs.filter((f) => /adapters\/(meta|linkedin|google-ads|microsoft-ads)/.test(f))).toEqual([]);
      expect(b.inputs.filter((f) => f.startsWith('src/') || f.startsWith('adapters/') || f.includes('node_modules/zod'))).toEqual([]);
    }
  });

  it('shop: waits for consent, then GA4 and the collector get exactly the conversions the page tracked', { timeout: 20_000 }, async () => {
    const { w, $, console: output, gtag, events } = open('index.html', bundles.shop!.code);
    expect($('#consent-banner').hidden).toBe(false);

    $('button.add-to-cart[data-sku="TC-ETH-250"]').click();
    $('button.add-to-cart[data-sku="TC-COL-500"]').click();
    $('button.brewing-guide').click();
    expect($('#guide-eth').hidden).toBe(false);
    $<HTMLInputElement>('form.newsletter input[name="email"]').value = 'kari@example.com';
    $('form.newsletter button[type="submit"]').click();
    $('form#subscribe button[type="submit"]').click();
    $('form#checkout button[type="submit"]').click();
    await vi.waitFor(() => expect($('#order-status').textContent).toBe('Thank you! Order TC-1042 is confirmed.'));
    expect($('#cart-count').textContent).toBe('0');

    // No decision yet: the plan's default (denied) holds, so nothing is loaded, stored or sent.
    await afterFlushInterval();
    expect(collected).toEqual([]);
    expect(w.dataLayer).toBeUndefined();
    expect(w.document.querySelectorAll('script[src*="googletagmanager"]')).toHaveLength(0);
    expect(mpStorage(w)).toEqual([]);
    expect(await measureplanDatabases(w)).toEqual([]);

    $('#consent-accept').click();
    expect($('#consent-banner').hidden).toBe(true);
    expect(w.localStorage.getItem('tindra-consent')).toBe('all');
    const conversions = ['add_to_cart', 'add_to_cart', 'brewing_guide_opened', 'newsletter_signup', 'subscription_started', 'purchase'];
    await vi.waitFor(() => expect(tracked()).toEqual(conversions), { timeout: 5000 });

    const eth = { item_id: 'TC-ETH-250', item_name: 'Ethiopia Guji, 250 g', price: 14.9, quantity: 1 };
    const col = { item_id: 'TC-COL-500', item_name: 'Colombia Huila, 500 g', price: 24.5, quantity: 1 };
    expect(orders).toEqual([{ items: [eth, col], delivery: 'post' }]);
    expect(collected[0]).toMatchObject({ type: 'identify', userId: 'C-2071', traits: { tier: 'regular' } });
    const props = collected.filter((m) => m.type === 'track').map((m) => m.properties);
    expect(props).toEqual([
      { item_id: 'TC-ETH-250', item_name: 'Ethiopia Guji, 250 g', quantity: 1, value: 14.9, currency: 'EUR' },
      { item_id: 'TC-COL-500', item_name: 'Colombia Huila, 500 g', quantity: 1, value: 24.5, currency: 'EUR' },
      {},
      { placement: 'footer', value: 2, currency: 'EUR' },
      { interval: 'biweekly', bags: 2, value: 27, currency: 'EUR' },
      { transaction_id: 'TC-1042', value: 39.4, items: [eth, col], delivery: 'post', currency: 'EUR' },
    ]);
    const purchase = collected.find((m) => m.event === 'purchase')!;
    expect(purchase).toMatchObject({ messageId: 'purchase:TC-1042', userId: 'C-2071' });

    // GA4: the Google tag is installed only now, with the visitor's user id, and receives the plan's GA4 event names.
    expect(gtag()).toContainEqual(['config', 'G-T1NDRA2024', { user_id: 'C-2071' }]);
    expect(events().map(([name]) => name)).toEqual(['add_to_cart', 'add_to_cart', 'view_brewing_guide', 'sign_up', 'subscription_started', 'purchase']);
    expect(events().at(-1)![1]).toMatchObject({ transaction_id: 'TC-1042', value: 39.4, currency: 'EUR', delivery: 'post', send_to: 'G-T1NDRA2024' });
    await vi.waitFor(() => expect(w.document.querySelectorAll('script[src="https://www.googletagmanager.com/gtag/js?id=G-T1NDRA2024"]')).toHaveLength(1));
    // Granted, the tracker does store (so the checks of "nothing stored" above can fail).
    expect(mpStorage(w)).toContain('mp_aid');
    expect(await measureplanDatabases(w)).not.toEqual([]);
    expect(output).toEqual([]); // no tracking error, no jsdom complaint
  });

  it('shop: a decision from an earlier page is passed on at once; "only necessary" sends and stores nothing', { timeout: 20_000 }, async () => {
    const granted = open('index.html', bundles.shop!.code, 'all');
    expect(granted.$('#consent-banner').hidden).toBe(true);
    granted.$('button.add-to-cart[data-sku="TC-COL-500"]').click();
    await vi.waitFor(() => expect(tracked()).toEqual(['add_to_cart']), { timeout: 5000 });
    expect(granted.events().map(([name]) => name)).toEqual(['add_to_cart']);
    expect(granted.console).toEqual([]);

    collected = [];
    const denied = open('index.html', bundles.shop!.code, 'necessary');
    expect(denied.$('#consent-banner').hidden).toBe(true);
    denied.$('button.add-to-cart[data-sku="TC-ETH-250"]').click();
    denied.$('button.brewing-guide').click();
    await afterFlushInterval();
    expect(collected).toEqual([]);
    expect(denied.w.dataLayer).toBeUndefined();
    expect(mpStorage(denied.w)).toEqual([]);
    expect(await measureplanDatabases(denied.w)).toEqual([]);
    expect(denied.console).toEqual([]);
  });

  it('wholesale page (definePlan): the price list download and the inquiry reach GA4 and the collector', { timeout: 20_000 }, async () => {
    const { w, $, console: output, events } = open('wholesale.html', bundles.wholesale!.code, 'all');
    // jsdom cannot follow links: the test stays on the page (the app's own listener has run by then).
    w.addEventListener('click', (e) => { if ((e.target as Element).closest('a[href]')) e.preventDefault(); });
    $('a.price-list[data-format="pdf"]').click();
    w.document.querySelector<HTMLSelectElement>('select[name="business"]')!.value = 'office';
    $<HTMLInputElement>('input[name="locations"]').value = '3';
    $<HTMLInputElement>('input[name="kg_per_month"]').value = '25';
    $<HTMLInputElement>('input[name="tasting_kit"]').checked = true;
    $('form#inquiry button[type="submit"]').click();
    expect($('main').textContent).toContain('We will send you an offer');

    await vi.waitFor(() => expect(tracked()).toEqual(['price_list_downloaded', 'wholesale_inquiry']), { timeout: 5000 });
    expect(collected.filter((m) => m.type === 'track').map((m) => m.properties)).toEqual([
      { format: 'pdf' },
      { business: 'office', locations: 3, kg_per_month: 25, tasting_kit: true, value: 150, currency: 'EUR' },
    ]);
    expect(events().map(([name]) => name)).toEqual(['download_price_list', 'generate_lead']);
    expect(events()[1]![1]).toMatchObject({ business: 'office', locations: 3, value: 150, currency: 'EUR' });
    expect(output).toEqual([]);
  });
});
