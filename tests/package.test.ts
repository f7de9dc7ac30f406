import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { posix } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { describe, expect, it } from 'vitest';

// These tests read the build output: `npm test` builds first.
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
describe('the published package (built by `npm test` before the tests run)', () => {
  it('is ESM, side-effect free, with a measureplan bin', () => {
    expect(pkg).toMatchObject({ name: 'measureplan', type: 'module', sideEffects: false, bin: { measureplan: './bin/measureplan.js' } });
  });

  it('has an exports entry for "." and for every adapter folder, and each built entry exists', () => {
    const folders = (existsSync('adapters') ? readdirSync('adapters', { withFileTypes: true }) : []).filter((d) => d.isDirectory() && !d.name.startsWith('_')).map((d) => d.name); // _shared holds helpers, not an adapter
    expect(Object.keys(pkg.exports)).toEqual(expect.arrayContaining(['.', ...folders.map((f) => `./adapters/${f}`)]));
    for (const [key, target] of Object.entries<any>(pkg.exports)) {
      const name = key.replace(/^\.\/?/, '');
      if (name.startsWith('adapters/') && !folders.includes(name.slice('adapters/'.length))) continue; // adapter folder not written yet
      for (const file of typeof target === 'string' ? [target] : [target.import, target.types]) expect(existsSync(file), file).toBe(true);
      // Jest's CommonJS resolver (and require() of ESM) asks for `default`, never `import` (developer QA 2026-12-06).
      if (typeof target !== 'string' && target.import) expect(target.default, key).toBe(target.import);
      // TypeScript's older `moduleResolution: "node"` reads no exports map: typesVersions points it at the same types.
      if (key !== '.' && typeof target !== 'string' && target.types) expect(pkg.typesVersions?.['*']?.[key.slice(2)], key).toEqual([target.types]);
    }
  });

  it('keeps zod out of every browser bundle', () => {
    const browserFiles = ['dist/measureplan.iife.js', 'dist/index.js'];
    for (const f of browserFiles) {
      const code = readFileSync(f, 'utf8');
      expect(code).not.toMatch(/from ['"]zod['"]|ZodError|\$ZodType/);
      expect(code).not.toContain('toJSONSchema');
    }
  });

  it('builds itself before it is packed or published (the CLI tests rebuild dist/cli.js alone, without pruning)', () => {
    expect(pkg.scripts.prepack).toBe('npm run build');
  });

  it('ships no chunk of an earlier build: every file in dist/chunks is imported by the build', () => {
    const files = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? files(`${dir}/${d.name}`) : [`${dir}/${d.name}`]));
    const text = Object.fromEntries(files('dist').filter((f) => /\.(js|d\.ts)$/.test(f)).map((f) => [f, readFileSync(f, 'utf8')]));
    const chunks = readdirSync('dist/chunks');
    expect(chunks.length).toBeGreaterThan(0);
    // A chunk is used when another built file names it (chunk names carry their hash).
    const unused = chunks.filter((c) => !Object.entries(text).some(([f, code]) => f !== `dist/chunks/${c}` && code.includes(c.replace(/\.(js|d\.ts)$/, ''))));
    expect(unused).toEqual([]);
  });

  it('ships every file its README and guides link to (npm shows them without the repository)', () => {
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0].files.map((f: { path: string }) => f.path) as string[];
    const has = (p: string) => packed.includes(p) || packed.some((f) => f.startsWith(`${p}/`));
    const missing: string[] = [];
    for (const doc of packed.filter((f) => f.endsWith('.md'))) {
      for (const [, link] of readFileSync(doc, 'utf8').matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
        if (/^[a-z]+:/.test(link!)) continue;
        const target = posix.normalize(posix.join(posix.dirname(doc), link!));
        if (!has(target)) missing.push(`${doc} → ${link}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('ships the JSON Schema', () => {
    expect(pkg.files).toContain('plan.schema.json');
    expect(JSON.parse(readFileSync('plan.schema.json', 'utf8')).$id).toBe('https://unpkg.com/measureplan/plan.schema.json');
  });

  it('ships the guides that the CLI and its hints point to, and names them where they are', () => {
    expect(pkg.files).toContain('docs');
    const said = [
      ...readdirSync('src/cli').filter((f) => f.endsWith('.ts')).map((f) => readFileSync(`src/cli/${f}`, 'utf8')),
      readFileSync('src/plan/explain.ts', 'utf8'), readFileSync('src/cli/lint.ts', 'utf8'),
    ].join('\n');
    const named = [...said.matchAll(/docPath\('([\w-]+\.md)'\)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const doc of named) expect(existsSync(`docs/${doc}`), doc).toBe(true);
    // A bare "docs/….md" in a message would mean nothing in a shop's project: docPath says where it is.
    const bare = said.split('\n').filter((l) => !/^\s*(\/\/|\*|\/\*\*)/.test(l) && /['"`][^'"`]*docs\/[\w-]+\.md/.test(l) && !l.includes('measureplan docs plan.json'));
    expect(bare).toEqual([]);
  });

  it('builds a script-tag file that defines window.measureplan at once and explains a missing plan', async () => {
    const code = readFileSync('dist/measureplan.iife.js', 'utf8');
    const errors: string[] = [];
    const virtualConsole = new VirtualConsole();
    virtualConsole.on('error', (m: string) => errors.push(m));
    const dom = new JSDOM('<!doctype html><body></body>', { runScripts: 'outside-only', virtualConsole });
    dom.window.eval(code);
    const mp = (dom.window as any).measureplan;
    for (const m of ['track', 'page', 'identify', 'consent', 'flush', 'on', 'clickIds']) expect(typeof mp[m]).toBe('function');
    expect(() => mp.track('purchase', {})).not.toThrow();
    // Finding the plan runs in a task of its own after the tag (off the page's critical path).
    expect(await mp.ready).toBe(false);
    expect(errors).toEqual([expect.stringMatching(/^measureplan: no plan found/)]);
  });
});
