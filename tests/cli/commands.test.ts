import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const COMMANDS = ['validate', 'codegen', 'docs', 'schema', 'init'];

describe('usage errors exit with 2 and say what to do', () => {
  const cases: [string, string[], RegExp][] = [
    ['no command', [], /Usage: measureplan <command>/],
    ['an unknown command, with a suggestion', ['valdate', 'plan.json'], /unknown command "valdate"[\s\S]*Did you mean "validate"\?/],
    ['an unknown option, with a suggestion', ['validate', 'examples/plans/webshop.json', '--fromat', 'json'], /unknown option --fromat[\s\S]*Did you mean --format\?/],
    ['an option before the command', ['--format', 'json'], /unknown option --format/],
    ['validate without a file', ['validate'], /validate needs at least one plan file/],
    ['a file that does not exist', ['validate', 'examples/plans/nope.json'], /cannot read examples\/plans\/nope\.json: no such file/],
    ['a folder instead of a file', ['validate', 'examples/plans'], /cannot read examples\/plans: it is a folder/],
    ['an unknown --format', ['validate', 'examples/plans/webshop.json', '--format', 'xml'], /--format must be text or json, not "xml"/],
    ['--format without its value', ['validate', 'examples/plans/webshop.json', '--format'], /option --format needs a value/],
    ['codegen without a file', ['codegen'], /codegen needs a plan file/],
    ['codegen with two files', ['codegen', 'a.json', 'b.json'], /codegen takes one plan file/],
    ['codegen --check without --out', ['codegen', 'examples/plans/webshop.json', '--check'], /--check needs --out/],
    ['docs without a file', ['docs'], /docs needs a plan file/],
    ['docs --format pdf', ['docs', 'examples/plans/webshop.json', '--format', 'pdf'], /--format must be md or html/],
    ['schema with an argument', ['schema', 'plan.json'], /schema takes no arguments/],
    ['init with an unknown template', ['init', '--template', 'shop'], /--template must be webshop or leadgen/],
    ['help about an unknown command', ['help', 'deploy'], /unknown command "deploy"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = run(args, { cwd: root });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    });
  }

  it('does not validate any file when one cannot be read', () => {
    const r = run(['validate', 'examples/plans/webshop.json', 'missing.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });
});

describe('help and version', () => {
  it('--help and -h list every command, exit 0', () => {
    for (const flag of ['--help', '-h', 'help']) {
      const r = run([flag]);
      expect(r.code).toBe(0);
      for (const c of COMMANDS) expect(r.stdout).toMatch(new RegExp(`^  ${c} `, 'm'));
      expect(r.stdout).toContain('Exit codes: 0 success, 1 the plan has problems (report, offline, forget, export and retain: or\nthe store cannot be read; forget: or the erasure is incomplete), 2 usage error; each command\'s --help has its own.');
    }
  });

  for (const c of COMMANDS) {
    it(`measureplan ${c} --help shows its usage and options`, () => {
      for (const args of [[c, '--help'], [c, '-h'], ['help', c]]) {
        const r = run(args);
        expect(r.code).toBe(0);
        expect(r.stdout.startsWith(`Usage: measureplan ${c}`)).toBe(true);
        expect(r.stdout).toContain('-h, --help');
      }
    });
  }

  it('--version prints the package version', () => {
    expect(run(['--version'])).toMatchObject({ code: 0, stdout: `${pkg.version}\n` });
    expect(run(['-v']).stdout).toBe(`${pkg.version}\n`);
  });
});

describe('the installed binary', () => {
  it('is an ES module with a node shebang, named in package.json', () => {
    expect(pkg.bin).toEqual({ measureplan: './bin/measureplan.js' });
    expect(readFileSync(join(root, 'bin/measureplan.js'), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(pkg.type).toBe('module');
  });

  it('does not load zod (a dev dependency) at run time', () => {
    const code = readFileSync(join(root, 'dist/cli.js'), 'utf8');
    expect(code).not.toMatch(/from ['"]zod['"]|import\(['"]zod['"]\)|require\(['"]zod['"]\)/);
    const imports = [...code.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(imports.every((m) => m!.startsWith('node:') || m!.startsWith('./'))).toBe(true);
  });

  it('runs through a node_modules/.bin link, as npx does, and finds the package files', () => {
    const project = join(tmp.dir, 'project');
    mkdirSync(join(project, 'node_modules/.bin'), { recursive: true });
    symlinkSync(root, join(project, 'node_modules/measureplan'));
    symlinkSync('../measureplan/bin/measureplan.js', join(project, 'node_modules/.bin/measureplan'));
    expect(lstatSync(join(project, 'node_modules/.bin/measureplan')).isSymbolicLink()).toBe(true);
    const env = { ...process.env, PATH: `${join(project, 'node_modules/.bin')}:${process.env.PATH}` };
    const version = spawnSync('measureplan', ['--version'], { cwd: project, env, encoding: 'utf8' });
    expect(version.stdout).toBe(`${pkg.version}\n`);
    const schema = spawnSync('measureplan', ['schema'], { cwd: project, env, encoding: 'utf8' });
    expect(schema.stdout).toBe(readFileSync(join(root, 'plan.schema.json'), 'utf8'));
  });
});

describe('node dist/cli.js', () => {
  it('runs a command like the binary does (a folder of scripts that calls the bundle directly), and exits with its code', () => {
    const direct = (args: string[]) => spawnSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: root, encoding: 'utf8' });
    expect(direct(['--version'])).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    // Node runs `node dist/cli` as dist/cli.js too (QA diffread10).
    expect(spawnSync(process.execPath, ['dist/cli', '--version'], { cwd: root, encoding: 'utf8' })).toMatchObject({ status: 0, stdout: `${pkg.version}\n` });
    const broken = tmp.file('direct-broken.json', JSON.stringify({ version: 2, conversions: {} }));
    const viaBin = run(['validate', broken]);
    const viaBundle = direct(['validate', broken]);
    expect(viaBin.code).toBe(1);
    expect({ code: viaBundle.status, stdout: viaBundle.stdout, stderr: viaBundle.stderr }).toEqual(viaBin);
  });
});

describe('measureplan schema', () => {
  it('prints plan.schema.json exactly', () => {
    const r = run(['schema']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(root, 'plan.schema.json'), 'utf8'));
    expect(JSON.parse(r.stdout).$id).toBe('https://unpkg.com/measureplan/plan.schema.json');
  });
});

describe('measureplan init', () => {
  for (const template of ['webshop', 'leadgen']) {
    it(`writes the ${template} starter plan, which validates (warning only about its placeholder ids)`, () => {
      const dir = join(tmp.dir, `init-${template}`);
      mkdirSync(dir);
      const r = run(['init', '--template', template], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(`Wrote plan.json: the ${template} starter plan`);
      const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8'));
      expect(plan.$schema).toBe('https://unpkg.com/measureplan/plan.schema.json');
      const check = run(['validate', 'plan.json', '--format', 'json'], { cwd: dir });
      expect(check.code).toBe(0);
      const { warnings } = JSON.parse(check.stdout).files[0];
      expect(warnings.length).toBeGreaterThan(0);
      expect(warnings.every((w: any) => w.rule === 'placeholder-id')).toBe(true);
      expect(warnings.map((w: any) => w.path)).toContain('destinations.ga4.measurementId');
    });
  }

  it('writes webshop to plan.json by default, or to --out', () => {
    const dir = join(tmp.dir, 'init-default');
    mkdirSync(dir);
    expect(run(['init'], { cwd: dir }).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).conversions.purchase.kind).toBe('macro');
    expect(run(['init', '--template', 'leadgen', '--out', 'plans/lead.json'], { cwd: dir }).code).toBe(0);
    expect(existsSync(join(dir, 'plans/lead.json'))).toBe(true);
  });

  it('refuses to overwrite an existing file (exit 1) unless --force', () => {
    const dir = join(tmp.dir, 'init-exists');
    mkdirSync(dir);
    writeFileSync(join(dir, 'plan.json'), '{"mine": true}\n');
    const r = run(['init'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('plan.json already exists; nothing was written');
    expect(readFileSync(join(dir, 'plan.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(run(['init', '--force'], { cwd: dir }).code).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')).version).toBe(1);
  });
});
