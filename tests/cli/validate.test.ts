import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPlan } from '../../src/plan/parse';
import { corpus } from '../plan/corpus';
import { example, examplePath } from '../plan/fixtures';
import { ANSI, ensureBuilt, root, run, tempDir } from './helpers';

// Positions below are counted by hand: line and column (1-based) of the token a marketer must look at.
const TINY = `{
  "version": 1,
  "name": "Tiny shop",
  "currency": "EUR",
  "conversions": {
    "order": {
      "kind": "macro",
      "value": 10,
      "send": { "collector": {} }
    },
    "signup": {
      "kind": "mikro",
      "supports": ["order"],
      "sned": {}
    },
    "call": {
      "supports": ["order"],
      "send": { "collector": {} }
    },
    "Bad Name": { "kind": "micro" }
  },
  "destinations": { "collector": { "url": "/collect" } },
  "funnels": { "main": ["signup", "ordr"] }
}
`;

const DOUBTFUL = `{
  "version": 1,
  "name": "Doubtful",
  "destinations": {
    "ga4": { "measurementId": "G-ABCD1234" },
    "meta": { "pixelId": "123456789012345" }
  },
  "conversions": {
    "signup": { "kind": "macro", "send": { "ga4": { "event": "sign_up" } } },
    "pricing": { "kind": "micro", "send": { "ga4": { "event": "view_pricing" } } },
    "quiet": { "kind": "micro", "supports": ["signup"] }
  }
}
`;

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

const json = (r: { stdout: string }) => JSON.parse(r.stdout);

describe('measureplan validate on the example plans', () => {
  it('accepts both and prints the summary, exit 0', () => {
    const r = run(['validate', 'examples/plans/webshop.json', 'examples/plans/leadgen.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    for (const name of ['webshop', 'leadgen'] as const) {
      expect(r.stdout).toContain(`✓ examples/plans/${name}.json: valid, ${Object.keys(example(name).conversions).length} conversions\n`);
    }
    expect(r.stdout.trim().split('\n').pop()).toBe('2 plans, 2 valid, 0 problems, 0 warnings');
  });
});

describe('measureplan validate on broken plans', () => {
  it('gives file, line, column, path, message and hint for each problem', () => {
    const file = tmp.file('tiny.json', TINY);
    const r = run(['validate', file, '--format', 'json']);
    expect(r.code).toBe(1);
    const errors = json(r).files[0].errors.map((e: any) => [e.path, e.line, e.column]);
    expect(errors).toEqual([
      ['conversions.signup.kind', 12, 15], // a wrong value: the value itself
      ['conversions.signup.sned', 14, 7], // an unknown key: the key
      ['conversions.call.kind', 16, 13], // a missing field: the object that should hold it
      ['conversions["Bad Name"]', 20, 5], // a badly named key: the key
      ['funnels.main[1]', 23, 35], // an array element
    ]);
    const kind = json(r).files[0].errors[0];
    expect(kind.message).toMatch(/"mikro" is not allowed here/);
    expect(kind.hint).toBe('Did you mean "micro"?');
  });

  it('shows them to a person with file:line:column, the line of the file and a caret', () => {
    const file = tmp.file('tiny-text.json', TINY);
    const r = run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:12:15  error  conversions.signup.kind\n   12 |       "kind": "mikro",\n      |               ^\n`);
    expect(r.stdout).toContain('  hint: Did you mean "micro"?');
    expect(r.stdout).toContain(`${file}:23:35  error  funnels.main[1]`);
    expect(r.stdout).toContain(`✗ ${file}: 5 problems`);
    expect(r.stdout.trim().split('\n').pop()).toBe('1 plan, 0 valid, 5 problems, 0 warnings');
    expect(r.stdout).not.toMatch(ANSI);
  });

  it('gives the line and column of a JSON syntax error', () => {
    const missingComma = tmp.file('comma.json', '{\n  "version": 1\n  "name": "x"\n}');
    const trailing = tmp.file('trailing.json', '{\n  "version": 1,\n  "name": "x",\n}');
    const r = run(['validate', missingComma, trailing, '--format', 'json']);
    expect(r.code).toBe(1);
    const [a, b] = json(r).files;
    expect(a.errors).toEqual([expect.objectContaining({ path: '', line: 3, column: 3, message: expect.stringMatching(/not valid JSON/) })]);
    expect(b.errors).toEqual([expect.objectContaining({ path: '', line: 4, column: 1 })]);
  });

  it('reads a file saved with a byte-order mark', () => {
    const file = tmp.file('bom.json', `\uFEFF${readFileSync(examplePath('leadgen'), 'utf8')}`);
    expect(run(['validate', file]).code).toBe(0);
  });

  it('reports every broken plan of the corpus at its path, pointing at the right token', () => {
    const cases = corpus.map((c, i) => ({ ...c, file: tmp.file(`corpus-${i}.json`, typeof c.plan === 'string' ? c.plan : JSON.stringify(c.plan, null, 2)) }));
    const r = run(['validate', ...cases.map((c) => c.file), '--format', 'json']);
    expect(r.code).toBe(1);
    const files = json(r).files;
    expect(files).toHaveLength(cases.length);
    expect(json(r).summary).toMatchObject({ plans: cases.length, valid: 0, invalid: cases.length });
    cases.forEach((c, i) => {
      const report = files[i];
      expect(report.file).toBe(c.file);
      expect(report.valid, c.name).toBe(false);
      const error = report.errors.find((e: any) => e.path === c.path);
      expect(error, `${c.name}: no error at ${c.path}`).toBeDefined();
      expect(error.message, c.name).toMatch(c.message);
      if (typeof c.plan === 'string') return; // syntax errors: checked above
      const text = readFileSync(c.file, 'utf8');
      const at = text.split('\n')[error.line - 1]!.slice(error.column - 1);
      const codes = checkPlan(c.plan).filter((x) => x.path === c.path).map((x) => x.code);
      const value = valueAt(c.plan, c.path);
      const expected = codes.includes('unknown') || codes.includes('name') ? `${JSON.stringify(lastKey(c.path))}:`
        : value === undefined ? '{'
        : typeof value === 'object' && value !== null ? (Array.isArray(value) ? '[' : '{')
        : JSON.stringify(value);
      expect(at.startsWith(expected), `${c.name}: ${error.line}:${error.column} points at ${JSON.stringify(at.slice(0, 30))}, expected ${expected}`).toBe(true);
    });
  });
});

describe('measureplan validate warnings', () => {
  it('warns about each doubtful part of a valid plan, in yellow, without failing', () => {
    const file = tmp.file('doubtful.json', DOUBTFUL);
    const r = run(['validate', file, '--format', 'json']);
    expect(r.code).toBe(0);
    const [report] = json(r).files;
    expect(report.valid).toBe(true);
    expect(report.warnings.map((w: any) => [w.rule, w.path, w.line, w.column])).toEqual([
      ['destination-unused', 'destinations.meta', 6, 5],
      ['macro-without-value', 'conversions.signup.value', 9, 15],
      ['micro-supports-nothing', 'conversions.pricing.supports', 10, 16],
      ['sent-nowhere', 'conversions.quiet.send', 11, 14],
    ]);
    for (const w of report.warnings) expect(w.hint).toEqual(expect.any(String));
    expect(json(r).summary).toEqual({ plans: 1, valid: 1, invalid: 0, problems: 0, warnings: 4 });

    const text = run(['validate', file], { env: { FORCE_COLOR: '1' } });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('\u001b[33mwarning\u001b[39m');
    expect(text.stdout).toContain('Micro conversion "pricing" supports no macro conversion.');
    expect(text.stdout).toContain('Add "supports": ["signup"]');
    expect(text.stdout).toContain('\u001b[33m1 plan, 1 valid, 0 problems, 4 warnings\u001b[39m');
  });

  it('does not warn about a collector that only receives page views', () => {
    const plan = JSON.parse(DOUBTFUL);
    delete plan.destinations.meta;
    plan.destinations.collector = { url: '/collect', pages: true };
    const r = run(['validate', tmp.file('pages.json', JSON.stringify(plan)), '--format', 'json']);
    expect(json(r).files[0].warnings.map((w: any) => w.rule)).not.toContain('destination-unused');
  });

  it('counts files, valid plans, problems and warnings across files', () => {
    const r = run(['validate', tmp.file('d2.json', DOUBTFUL), tmp.file('t2.json', TINY)]);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n').pop()).toBe('2 plans, 1 valid, 5 problems, 4 warnings');
  });
});

describe('measureplan validate --format json', () => {
  it('has a stable shape', () => {
    const r = run(['validate', tmp.file('shape-bad.json', TINY), tmp.file('shape-ok.json', DOUBTFUL), '--format', 'json']);
    const out = json(r);
    expect(Object.keys(out)).toEqual(['files', 'summary']);
    expect(Object.keys(out.summary)).toEqual(['plans', 'valid', 'invalid', 'problems', 'warnings']);
    for (const f of out.files) expect(Object.keys(f)).toEqual(['file', 'valid', 'errors', 'warnings']);
    for (const e of out.files[0].errors) {
      expect(Object.keys(e)).toEqual(['path', 'message', 'hint', 'line', 'column']);
      expect(e.hint === null || typeof e.hint === 'string').toBe(true);
    }
    for (const w of out.files[1].warnings) expect(Object.keys(w)).toEqual(['path', 'rule', 'message', 'hint', 'line', 'column']);
    expect(r.stdout).not.toMatch(ANSI);
  });
});

describe('colour', () => {
  const file = tmp.file('colour.json', TINY);
  it('is off when stdout is not a terminal', () => {
    expect(run(['validate', file]).stdout).not.toMatch(ANSI);
  });
  it('is on for a terminal, and off again with NO_COLOR or --no-color', async () => {
    const { main } = await import(/* @vite-ignore */ new URL('../../dist/cli.js', import.meta.url).href) as typeof import('../../src/cli/index');
    const capture = () => { const chunks: string[] = []; return { isTTY: true, write: (s: string) => chunks.push(s), text: () => chunks.join('') }; };
    const saved = { NO_COLOR: process.env.NO_COLOR, FORCE_COLOR: process.env.FORCE_COLOR };
    delete process.env.NO_COLOR;
    delete process.env.FORCE_COLOR;
    try {
      const tty = capture();
      expect(await main(['validate', file], tty, capture())).toBe(1);
      expect(tty.text()).toContain('\u001b[31merror\u001b[39m');
      const flag = capture();
      await main(['validate', file, '--no-color'], flag, capture());
      expect(flag.text()).not.toMatch(ANSI);
      process.env.NO_COLOR = '1';
      const env = capture();
      await main(['validate', file], env, capture());
      expect(env.text()).not.toMatch(ANSI);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
    }
  });
  it('is on in a real pseudo-terminal', () => {
    if (!spawnable('script')) return; // util-linux's script(1) gives the CLI a real terminal
    const r = spawnSyncShell(`script -qec "node bin/measureplan.js validate ${file}" /dev/null`);
    expect(r).toMatch(ANSI);
    expect(spawnSyncShell(`NO_COLOR=1 script -qec "node bin/measureplan.js validate ${file}" /dev/null`)).not.toMatch(ANSI);
  });
});

function spawnable(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}
function spawnSyncShell(cmd: string): string {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return spawnSync('sh', ['-c', cmd], { cwd: root, encoding: 'utf8', env }).stdout;
}

function valueAt(plan: any, path: string): unknown {
  const parts = [...path.matchAll(/(?:^|\.)([A-Za-z_$][\w$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)].map((m) => m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(m[3]!)));
  return parts.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), plan);
}
function lastKey(path: string): string {
  const m = /(?:\.([A-Za-z_$][\w$]*)|\[("(?:[^"\\]|\\.)*")\]|^([A-Za-z_$][\w$]*))$/.exec(path)!;
  return m[1] ?? m[3] ?? JSON.parse(m[2]!);
}
