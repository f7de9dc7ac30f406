// `measureplan validate` on mistakes JSON.parse hides or words badly: keys written twice, syntax
// errors, and the words of --format json (a script's reader) equal to those a person reads.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, root, run, tempDir } from './helpers';

const tmp = tempDir();
beforeAll(ensureBuilt);
afterAll(() => tmp.remove());

const plan = (conversions: string) => `{
  "version": 1,
  "name": "Shop",
  "currency": "EUR",
  "conversions": {
${conversions}
  }
}
`;
const json = (file: string) => JSON.parse(run(['validate', file, '--format', 'json']).stdout).files[0];

describe('measureplan validate', () => {
  it('reports a conversion written twice (JSON.parse would silently keep only the last)', () => {
    const file = tmp.file('twice.json', plan([
      '    "purchase": { "kind": "macro", "description": "the order" },',
      '    "signup": { "kind": "micro", "supports": ["purchase"] },',
      '    "purchase": { "kind": "macro" }',
    ].join('\n')));
    const r = run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:8:5  error  conversions.purchase`);
    expect(r.stdout).toMatch(/"purchase" is written twice in the same object \(first on line 6, column 5\)/);
    const f = json(file);
    expect(f.valid).toBe(false);
    expect(f.errors).toEqual([expect.objectContaining({ path: 'conversions.purchase', line: 8, column: 5, hint: expect.stringMatching(/own name|merge/) })]);
  });

  it('a JSON syntax error points at the offending value, not the end of the file', () => {
    const file = tmp.file('eur.json', '{\n  "version": 1,\n  "currency": EUR,\n  "name": "Shop",\n  "conversions": {}\n}\n');
    const r = run(['validate', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${file}:3:15  error`);
    expect(r.stdout).toContain('EUR is not in quotes.');
    expect(r.stdout).toContain('hint: Text is written in double quotes: "EUR".');
  });

  it('an empty file is called empty', () => {
    const f = json(tmp.file('empty.json', ''));
    expect(f.errors).toHaveLength(1);
    expect(f.errors[0].message).toMatch(/empty/);
    expect(f.errors[0].message).not.toMatch(/Unexpected end of JSON input/);
  });

  it('--format json gives the same words as the text output, capital letter included', () => {
    const file = tmp.file('mikro.json', plan('    "purchase": { "kind": "macro" },\n    "newsletter_signup": { "kind": "mikro" }'));
    const e = json(file).errors[0];
    expect(e.message).toBe('The text "mikro" is not allowed here; use one of "macro", "micro".');
    expect(run(['validate', file]).stdout).toContain(`  ${e.message}\n  hint: ${e.hint}\n`);
  });

  it('the README shows what parsePlan really says', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const shown = /\/\/ (conversions\.newsletter_signup\.kind) (.*)\n/.exec(readme);
    expect(shown, 'README example line').not.toBeNull();
    const e = json(tmp.file('readme.json', plan('    "purchase": { "kind": "macro" },\n    "newsletter_signup": { "kind": "mikro" }'))).errors[0];
    expect(`${e.message} ${e.hint}`).toBe(shown![2]);
  });
});
